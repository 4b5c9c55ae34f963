"""What every HTTP face (/v1, /_emulator, the web inbox) needs from the current request: the
emulator that serves it, its JSON body, and a response dumped through a schema."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import NoReturn

from flask import Flask, Response, current_app, jsonify, request
from marshmallow import Schema

from emulator.errors import PARSE_FAILURE, BadRequest, UnsupportedMediaType
from emulator.instance import Emulator
from emulator.schemas.dumping import dumper

EXTENSION_KEY = "mm_emulator"
MAX_JSON_DEPTH = 32
TOO_DEEP = f"The request body nests deeper than {MAX_JSON_DEPTH} levels."
LONE_SURROGATE = (
    "The request body holds a lone UTF-16 surrogate escape (such as \\udfff), which is not text."
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
NUL = "The request body holds a NUL character (\\u0000), which is not accepted in text."


def emulator_of(app: Flask) -> Emulator:
    """The emulator instance `app` serves."""
    emulator: Emulator = app.extensions[EXTENSION_KEY]
    return emulator


def current_emulator() -> Emulator:
    """The emulator instance serving the current request."""
    return emulator_of(current_app)


def json_body() -> object:
    """The parsed JSON body; 415 for another content type, 400 for anything unparseable."""
    raw = request.get_data(cache=True)
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(PARSE_FAILURE, ["The request body is not valid UTF-8."]) from None
    try:
        parsed = json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise BadRequest(PARSE_FAILURE, [f"Failed to parse message body: {error}"]) from None
    except RecursionError:
        raise BadRequest(PARSE_FAILURE, [TOO_DEEP]) from None
    problem = unstorable_text(parsed)
    if problem:
        raise BadRequest(PARSE_FAILURE, [problem])
    return parsed


def respond(schema: Schema, data: object, status: int = 200) -> tuple[Response, int]:
    """Dump `data` through `schema` as the JSON response."""
    return jsonify(dumper(schema)(data)), status


def unstorable_text(value: object, depth: int = 0) -> str | None:
    """Why a parsed JSON value cannot be stored and shown again as it is, or None.

    JSON may escape half of a UTF-16 surrogate pair (`"\\udfff"`), which no UTF-8 text can
    hold, and NUL (`"\\u0000"`), which PostgreSQL's text cannot: either is refused before
    anything is stored, never half-stored, whatever the store.
    """
    if depth >= MAX_JSON_DEPTH:
        return TOO_DEEP
    if isinstance(value, str):
        if "\x00" in value:
            return NUL
        return LONE_SURROGATE if _LONE_SURROGATE.search(value) else None
    if isinstance(value, dict):
        items: Iterable[object] = (part for pair in value.items() for part in pair)
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        problem = unstorable_text(item, depth + 1)
        if problem:
            return problem
    return None


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")
