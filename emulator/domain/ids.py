"""Entity IDs: lowercase UUID4 strings of 36 characters."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def normalise_id(value: str) -> str | None:
    """The canonical lowercase form of a UUID given in any case, or None if it is not one."""
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    canonical = str(parsed)
    return canonical if canonical == value.lower() else None
