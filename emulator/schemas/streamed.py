"""Bounds checked on a raw JSON body read as a stream, before it is parsed: a body far larger
than its request can be costs milliseconds to refuse, not the seconds and memory of parsing and
validating it item by item."""

from __future__ import annotations

import ijson

_VALUE_EVENTS = frozenset({"start_map", "start_array", "string", "number", "boolean", "null"})


def too_many_values(max_values: int, what: str) -> str:
    """The detail of a body with more JSON values than `what` can hold."""
    return f"The request body holds more than {max_values:,} JSON values: {what} need far fewer."


def oversized_list_problem(
    body: bytes, field: str, max_items: int, too_many: str, max_values: int, what: str
) -> str | None:
    """The detail of a body whose list `field` has more than `max_items` items (`too_many`, after
    the field's name), or that holds more than `max_values` JSON values in all, found by reading
    it as a stream and stopping at the first value past either bound. None for a body within
    them, and for one that is not JSON (its parser says why)."""
    items = values = 0
    item_prefix = f"{field}.item"
    # Only the shape counts here: a surrogate escape, which the streaming parser cannot decode
    # alone, is made an ordinary one (a `\` escaped before it stays escaped), and whether the
    # text can be stored is checked once the body is parsed.
    shape = body.replace(b"\\ud", b"\\u0").replace(b"\\uD", b"\\u0")
    try:
        for prefix, event, _ in ijson.parse(shape):
            if event not in _VALUE_EVENTS:
                continue
            values += 1
            if prefix == item_prefix:
                items += 1
                if items > max_items:
                    return f"{field}: {too_many}"
            if values > max_values:
                return too_many_values(max_values, what)
    except (ijson.JSONError, ValueError):
        return None
    return None
