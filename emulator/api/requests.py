"""What every /v1 view needs from the current request: the emulator, the account, a JSON body."""

from __future__ import annotations

import json

from flask import current_app, g, jsonify, request
from marshmallow import Schema

from emulator.auth import SignedRequest
from emulator.errors import PARSE_FAILURE, BadRequest, UnsupportedMediaType
from emulator.instance import Emulator

EXTENSION_KEY = "mm_emulator"


def current_emulator() -> Emulator:
    return current_app.extensions[EXTENSION_KEY]


def authenticate_request() -> None:
    """Resolve the effective account of this request into `g.account_id`, or answer 403."""
    signed = SignedRequest(
        method=request.method,
        target=_request_target(),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.get_data(cache=True),
    )
    g.account_id = current_emulator().authenticator.authenticate(signed)


def account_id() -> str:
    return g.account_id


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
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise BadRequest(PARSE_FAILURE, [f"Failed to parse message body: {error}"]) from None


def respond(schema: Schema, data: object, status: int = 200):
    """Dump `data` through `schema` as the JSON response."""
    return jsonify(schema.dump(data)), status


def _request_target() -> str:
    """The path and query exactly as the client sent them, as HMAC signs them."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return raw
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")
