"""/_emulator routes; open on loopback, behind a bearer token when one is configured."""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from emulator.api.requests import current_emulator, json_body, respond
from emulator.errors import Forbidden
from emulator.schemas.control import (
    AdvanceClockRequestSchema,
    ClockSchema,
    InspectedMessagesSchema,
    MessageFilterSchema,
    WebhookFilterSchema,
    WebhooksSchema,
)
from emulator.schemas.validation import load_or_reject

control = Blueprint("control", __name__, url_prefix="/_emulator")

_message_filters = MessageFilterSchema()
_inspected = InspectedMessagesSchema()
_webhook_filters = WebhookFilterSchema()
_webhooks = WebhooksSchema()
_clock = ClockSchema()
_advance = AdvanceClockRequestSchema()
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
    filters = load_or_reject(_message_filters, request.args.to_dict())
    stored = current_emulator().store.list_messages(
        account_id=filters.get("account"),
        destination_number=filters.get("destination_number"),
        status=filters.get("status"),
        limit=filters.get("limit"),
    )
    return respond(_inspected, {"messages": [{**row, "message_id": row["id"]} for row in stored]})


@control.get("/webhooks")
def list_webhooks():
    filters = load_or_reject(_webhook_filters, request.args.to_dict())
    stored = current_emulator().store.list_webhooks(filters.get("message_id"), filters.get("limit"))
    return respond(_webhooks, {"webhooks": stored})


@control.get("/clock")
def clock():
    return respond(_clock, {"now": current_emulator().clock.now()})


@control.post("/clock/advance")
def advance_clock():
    body = load_or_reject(_advance, json_body())
    return respond(_clock, {"now": current_emulator().engine.advance(body["seconds"])})
