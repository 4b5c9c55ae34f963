"""/_emulator routes; open on loopback, behind a bearer token when one is configured."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from emulator.errors import STORE_UNAVAILABLE
from emulator.schemas.control import (
    AccountChangeSchema,
    AccountSchema,
    AdvanceClockRequestSchema,
    ClockSchema,
    InspectedMessagesSchema,
    MessageFilterSchema,
    SimulatedReplyResponseSchema,
    SimulatedReplySchema,
    WebhookFilterSchema,
    WebhooksSchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.admin_guard import check_control_request
from emulator.web.requests import current_emulator, json_body, respond

control = Blueprint("control", __name__, url_prefix="/_emulator")

_message_filters = MessageFilterSchema()
_inspected = InspectedMessagesSchema()
_webhook_filters = WebhookFilterSchema()
_webhooks = WebhooksSchema()
_clock = ClockSchema()
_advance = AdvanceClockRequestSchema()
_reply_request = SimulatedReplySchema()
_reply_response = SimulatedReplyResponseSchema()
_account = AccountSchema()
_account_change = AccountChangeSchema()
OPEN_ROUTES = ("control.health",)
log = logging.getLogger(__name__)


@control.before_request
def guard() -> None:
    if request.endpoint in OPEN_ROUTES:
        return
    settings = current_emulator().settings
    check_control_request(settings.admin_token, settings.served_host_names)


@control.get("/health")
def health():
    """200 while the store answers a trivial query, 503 when it does not: a load balancer or a
    readiness probe sends requests only to an instance that can serve them."""
    problem = current_emulator().store.unavailable_reason()
    if problem is not None:
        log.warning("health: the store does not answer: %s", problem)
        return jsonify({"status": "unavailable", "message": STORE_UNAVAILABLE}), 503
    return jsonify({"status": "ok"})


@control.post("/reset")
def reset():
    current_emulator().reset()
    return jsonify({"status": "ok"})


@control.get("/messages")
def list_messages():
    filters = load_or_reject(_message_filters, request.args.to_dict())
    stored = current_emulator().store.list_messages(
        message_id=filters.get("message_id"),
        account_id=filters.get("account"),
        destination_number=filters.get("destination_number"),
        status=filters.get("status"),
        limit=filters["limit"],
        offset=filters["offset"],
    )
    return respond(_inspected, {"messages": [{**row, "message_id": row["id"]} for row in stored]})


@control.get("/webhooks")
def list_webhooks():
    filters = load_or_reject(_webhook_filters, request.args.to_dict())
    stored = current_emulator().store.list_webhooks(
        filters.get("message_id"), filters["limit"], filters["offset"]
    )
    return respond(_webhooks, {"webhooks": stored})


@control.get("/clock")
def clock():
    return respond(_clock, {"now": current_emulator().clock.now()})


@control.post("/clock/advance")
def advance_clock():
    body = load_or_reject(_advance, json_body())
    return respond(_clock, {"now": current_emulator().engine.advance(body["seconds"])})


@control.post("/replies")
def simulate_reply():
    body = load_or_reject(_reply_request, json_body())
    reply = current_emulator().replies.receive(**body)
    current_emulator().engine.wake()
    return respond(_reply_response, reply, 201)


@control.get("/accounts/<account_id>")
def show_account(account_id: str):
    return respond(_account, current_emulator().features.describe(account_id))


@control.patch("/accounts/<account_id>")
def change_account(account_id: str):
    body = load_or_reject(_account_change, json_body())
    changed = current_emulator().features.change_features(account_id, body["features"])
    return respond(_account, changed)
