"""What the web inbox's pages change, as same-origin JSON under the control plane's guard:
remove a handset from the inbox, deliver a webhook again, send a message as an account's app,
give a dedicated number to an account or take it back; and the changes an open page follows,
left out of the request log."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from emulator.logs import unlogged_request
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, NUMBER_TAKEN, operation
from emulator.schemas.dedicated_numbers import AssignmentRequestSchema, AssignmentSchema
from emulator.schemas.events import EventFilterSchema
from emulator.schemas.inbox_actions import (
    AccountQuerySchema,
    ChangesSchema,
    HandsetScopeSchema,
    InboxAssignmentSchema,
    ManualAttemptSchema,
    RemovedHandsetSchema,
    SendAsAppSchema,
    SentAsAppSchema,
)
from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.schemas.validation import load_or_reject
from emulator.services.conversations import ConversationService
from emulator.services.inbox_actions import InboxActions
from emulator.store.events import page_after
from emulator.ui.views import ui
from emulator.web.requests import current_emulator, json_body, respond

TAG = "Web inbox"
_scope = HandsetScopeSchema()
_removed = RemovedHandsetSchema()
_attempt = ManualAttemptSchema()
_send_as_app = SendAsAppSchema()
_sent_as_app = SentAsAppSchema()
_send_request = SendMessagesRequestSchema()
_filters = EventFilterSchema()
_changes = ChangesSchema()
_inbox_assignment = InboxAssignmentSchema()
_assignment_request = AssignmentRequestSchema()
_assignment = AssignmentSchema()
_account_query = AccountQuerySchema()


@ui.get("/changes")
@operation(
    "InboxChanges",
    "The change log after a cursor, as GET /_emulator/events, with the emulator's time: what an"
    " open page follows, each call left out of the request log",
    TAG,
    {200: ("Events", ChangesSchema)} | BAD_REQUEST,
    query=EventFilterSchema,
)
def changes() -> ResponseReturnValue:
    unlogged_request()
    filters = load_or_reject(_filters, request.args.to_dict())
    emulator = current_emulator()
    with emulator.store.reading() as tx:
        page = page_after(tx, filters["after"], filters["limit"])
    return respond(_changes, {**page, "now": emulator.clock.now()})


@ui.post("/handsets/<number>/messages")
@operation(
    "InboxSendAsApp",
    "Send a message to the handset as an account's app, as POST /v1/messages sends it",
    TAG,
    {202: ("Accepted", SentAsAppSchema)} | BAD_REQUEST | NOT_FOUND,
    body=SendAsAppSchema,
    example={"account": "DemoAccount", "content": "Your code is 1234"},
)
def send_as_app(number: str) -> ResponseReturnValue:
    body = load_or_reject(_send_as_app, json_body())
    account = body.pop("account")
    message = {**body, "destination_number": number}
    checked = load_or_reject(_send_request, {"messages": [message]})
    sent = current_emulator().messages.send(account, checked["messages"])
    return respond(_sent_as_app, sent[0], 202)


@ui.delete("/handsets/<number>")
@operation(
    "InboxRemoveHandset",
    "Remove a handset and its conversation from the inbox; the API still serves its messages;"
    " ?account: only that account's (with its sub-accounts)",
    TAG,
    {200: ("How many messages and replies left the inbox", RemovedHandsetSchema)} | BAD_REQUEST,
    query=HandsetScopeSchema,
)
def remove_handset(number: str) -> ResponseReturnValue:
    account = load_or_reject(_scope, request.args.to_dict())["account"]
    scope = _conversations().scope(account)
    removed = 0 if scope == () else _actions().remove_handset(number, scope)
    return respond(_removed, {"removed": removed})


@ui.post("/webhooks/<webhookId>/redeliver")
@operation(
    "InboxRedeliverWebhook",
    "Send a webhook delivery's request again now, as a new attempt marked manual",
    TAG,
    {200: ("The attempt", ManualAttemptSchema)} | NOT_FOUND,
)
def redeliver(webhookId: str) -> ResponseReturnValue:
    return respond(_attempt, _actions().redeliver(webhookId))


@ui.post("/numbers/<numberId>/assignment")
@operation(
    "InboxAssignNumber",
    "Give a pool number to an account, as POST /v1/messaging/numbers/dedicated/{numberId}"
    "/assignment does for the account that calls it",
    TAG,
    {201: ("Assigned", AssignmentSchema)} | BAD_REQUEST | NOT_FOUND | NUMBER_TAKEN,
    body=InboxAssignmentSchema,
    example={"account": "DemoAccount", "label": "Support line"},
)
def assign_number(numberId: str) -> ResponseReturnValue:
    body = load_or_reject(_inbox_assignment, json_body())
    account = _known_account(body.pop("account"))
    checked = load_or_reject(_assignment_request, body)
    service = current_emulator().dedicated_numbers
    answer = service.assign(account, numberId, checked.get("label"), checked["metadata"])
    return respond(_assignment, answer, 201)


@ui.delete("/numbers/<numberId>/assignment")
@operation(
    "InboxReleaseNumber",
    "Take a number back from the account that holds it, as DELETE"
    " /v1/messaging/numbers/dedicated/{numberId}/assignment does",
    TAG,
    {204: ("Released", None)} | BAD_REQUEST | NOT_FOUND,
    query=AccountQuerySchema,
)
def release_number(numberId: str) -> ResponseReturnValue:
    account = load_or_reject(_account_query, request.args.to_dict())["account"]
    current_emulator().dedicated_numbers.release(_known_account(account), numberId)
    return "", 204


def _known_account(account_id: str) -> str:
    """The account's ID; NotFound for one the emulator does not know."""
    return current_emulator().features.account(account_id).id


def _actions() -> InboxActions:
    emulator = current_emulator()
    return InboxActions(
        emulator.store,
        emulator.clock,
        emulator.features,
        emulator.settings.webhook_timeout_seconds,
    )


def _conversations() -> ConversationService:
    emulator = current_emulator()
    return ConversationService(emulator.store, emulator.clock, emulator.accounts, emulator.features)
