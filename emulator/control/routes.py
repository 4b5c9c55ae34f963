"""/_emulator routes; open on loopback, behind a bearer token when one is configured."""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from emulator.api.requests import current_emulator, respond
from emulator.errors import Forbidden
from emulator.schemas.control import InspectedMessagesSchema, MessageFilterSchema
from emulator.schemas.validation import load_or_reject

control = Blueprint("control", __name__, url_prefix="/_emulator")

_filters = MessageFilterSchema()
_inspected = InspectedMessagesSchema()
OPEN_ROUTES = ("control.health",)


@control.before_request
def require_admin_token() -> None:
    token = current_emulator().settings.admin_token
    if not token or request.endpoint in OPEN_ROUTES:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), token):
        raise Forbidden()


@control.get("/health")
def health():
    return jsonify({"status": "ok"})


@control.post("/reset")
def reset():
    current_emulator().reset()
    return jsonify({"status": "ok"})


@control.get("/messages")
def list_messages():
    filters = load_or_reject(_filters, request.args.to_dict())
    stored = current_emulator().store.list_messages(
        account_id=filters.get("account"),
        destination_number=filters.get("destination_number"),
        status=filters.get("status"),
        limit=filters.get("limit"),
    )
    return respond(_inspected, {"messages": [{**row, "message_id": row["id"]} for row in stored]})
