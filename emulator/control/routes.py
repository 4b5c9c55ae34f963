"""/_emulator routes; open on loopback, behind a bearer token when one is configured."""

from __future__ import annotations

import logging

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.clock import LAST_MOMENT
from emulator.errors import STORE_UNAVAILABLE, BadRequest
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, OPEN, operation
from emulator.schemas.common import StatusSchema, UnavailableSchema
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
from emulator.schemas.validation import INVALID_REQUEST, load_or_reject
from emulator.store import messages as stored_messages
from emulator.store import webhook_deliveries
from emulator.timestamps import format_timestamp
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
TAG = "Emulator"
log = logging.getLogger(__name__)


@control.before_request
def guard() -> None:
    if request.endpoint in OPEN_ROUTES:
        return
    settings = current_emulator().settings
    check_control_request(settings.admin_token, settings.served_host_names)


@control.get("/health")
@operation(
    "Health",
    "Is it up, and does its store answer (a readiness probe)",
    TAG,
    {
        200: ("Up, and the store answers", StatusSchema),
        503: ("The store does not answer", UnavailableSchema),
    },
    security=OPEN,
)
def health() -> ResponseReturnValue:
    """200 while the store answers a trivial query, 503 when it does not: a load balancer or a
    readiness probe sends requests only to an instance that can serve them."""
    problem = current_emulator().store.unavailable_reason()
    if problem is not None:
        log.warning("health: the store does not answer: %s", problem)
        return jsonify({"status": "unavailable", "message": STORE_UNAVAILABLE}), 503
    return jsonify({"status": "ok"})


@control.post("/reset")
@operation(
    "Reset",
    "Delete all messages, reports, replies, webhooks and feature changes; real time again",
    TAG,
    {200: ("Reset", StatusSchema)},
)
def reset() -> ResponseReturnValue:
    current_emulator().reset()
    return jsonify({"status": "ok"})


@control.get("/messages")
@operation(
    "InspectMessages",
    "Every stored message of every account, newest first",
    TAG,
    {200: ("Messages", InspectedMessagesSchema)} | BAD_REQUEST,
    query=MessageFilterSchema,
)
def list_messages() -> ResponseReturnValue:
    filters = load_or_reject(_message_filters, request.args.to_dict())
    with current_emulator().store.reading() as tx:
        stored = stored_messages.newest(
            tx,
            message_id=filters.get("message_id"),
            account_id=filters.get("account"),
            destination_number=filters.get("destination_number"),
            status=filters.get("status"),
            limit=filters["limit"],
            offset=filters["offset"],
        )
    return respond(_inspected, {"messages": [{**row, "message_id": row["id"]} for row in stored]})


@control.get("/webhooks")
@operation(
    "InspectWebhooks",
    "Webhook deliveries and their attempts, newest first",
    TAG,
    {200: ("Webhooks", WebhooksSchema)} | BAD_REQUEST,
    query=WebhookFilterSchema,
)
def list_webhooks() -> ResponseReturnValue:
    filters = load_or_reject(_webhook_filters, request.args.to_dict())
    with current_emulator().store.reading() as tx:
        stored = webhook_deliveries.newest(
            tx, filters.get("message_id"), filters["limit"], filters["offset"]
        )
    return respond(_webhooks, {"webhooks": stored})


@control.get("/clock")
@operation("GetClock", "The emulator's time", TAG, {200: ("Now", ClockSchema)})
def clock() -> ResponseReturnValue:
    return respond(_clock, {"now": current_emulator().clock.now()})


@control.post("/clock/advance")
@operation(
    "AdvanceClock",
    "Move time forward, processing everything that falls due, in time order",
    TAG,
    {200: ("The new now", ClockSchema)} | BAD_REQUEST,
    body=AdvanceClockRequestSchema,
    example={"seconds": 10},
)
def advance_clock() -> ResponseReturnValue:
    body = load_or_reject(_advance, json_body())
    emulator = current_emulator()
    if not emulator.clock.can_advance(body["seconds"]):
        raise BadRequest(
            INVALID_REQUEST,
            [f"seconds: The clock does not go past {format_timestamp(LAST_MOMENT)}."],
        )
    return respond(_clock, {"now": emulator.engine.advance(body["seconds"])})


@control.post("/replies")
@operation(
    "SimulateReply",
    "A handset answers, or writes to an account number",
    TAG,
    {201: ("The stored reply", SimulatedReplyResponseSchema)} | BAD_REQUEST,
    body=SimulatedReplySchema,
    # To an account number: answers even when nothing was sent to the handset yet.
    example={
        "source_number": "+61491570156",
        "destination_number": "+61491570157",
        "content": "Yes please",
    },
)
def simulate_reply() -> ResponseReturnValue:
    body = load_or_reject(_reply_request, json_body())
    reply = current_emulator().replies.receive(**body)
    current_emulator().engine.wake()
    return respond(_reply_response, reply, 201)


@control.get("/accounts/<account_id>")
@operation(
    "GetAccount",
    "An account's numbers, alpha tags, sub-accounts and features",
    TAG,
    {200: ("The account", AccountSchema)} | NOT_FOUND,
)
def show_account(account_id: str) -> ResponseReturnValue:
    return respond(_account, current_emulator().features.describe(account_id))


@control.patch("/accounts/<account_id>")
@operation(
    "ChangeAccountFeatures",
    "Change some of an account's features",
    TAG,
    {200: ("The account", AccountSchema)} | BAD_REQUEST | NOT_FOUND,
    body=AccountChangeSchema,
    example={"features": {"deduplication": True}},
)
def change_account(account_id: str) -> ResponseReturnValue:
    body = load_or_reject(_account_change, json_body())
    changed = current_emulator().features.change_features(account_id, body["features"])
    return respond(_account, changed)
