"""Load a request body through a schema, turning marshmallow errors into the API's 400 body."""

from __future__ import annotations

import json
import re
from typing import Any

from marshmallow import Schema, ValidationError

from emulator.errors import BadRequest

INVALID_REQUEST = "Invalid request. Please check the details and try again."
_PLAIN_NAME = re.compile(r"^\w+$")
MAX_DETAILS = 50
MAX_DETAIL_LENGTH = 300


def load_or_reject(schema: Schema, data: object) -> dict[str, Any]:
    """The validated data, or BadRequest with one detail per problem, each naming its field."""
    if not isinstance(data, dict):
        raise BadRequest(INVALID_REQUEST, ["The request body must be a JSON object."])
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as error:
        raise BadRequest(INVALID_REQUEST, bounded(flatten_errors(error.messages))) from None
    return loaded


def bounded(details: list[str]) -> list[str]:
    """At most MAX_DETAILS details of at most MAX_DETAIL_LENGTH characters each, so an error
    body stays small whatever the request held (names of unknown keys are echoed)."""
    shown = [
        detail if len(detail) <= MAX_DETAIL_LENGTH else detail[: MAX_DETAIL_LENGTH - 1] + "…"
        for detail in details[:MAX_DETAILS]
    ]
    if len(details) > MAX_DETAILS:
        shown.append(f"… and {len(details) - MAX_DETAILS} more problems.")
    return shown


def flatten_errors(messages: dict[Any, Any] | list[Any] | str, path: str = "") -> list[str]:
    """`{"messages": {3: {"content": ["..."]}}}` becomes `["messages[3].content: ..."]`."""
    if isinstance(messages, str):
        return [f"{path}: {messages}" if path else messages]
    if isinstance(messages, list):
        return [detail for item in messages for detail in flatten_errors(item, path)]
    details = []
    for key, value in messages.items():
        if key == "_schema":
            child = path
        elif isinstance(key, int):
            child = f"{path}[{key}]"
        elif not _PLAIN_NAME.match(str(key)):
            child = f"{path}[{json.dumps(key)}]"
        else:
            child = f"{path}.{key}" if path else str(key)
        details.extend(flatten_errors(value, child))
    return details
