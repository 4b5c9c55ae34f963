"""GET /_emulator/events: the change log, read by cursor, for scripts, tests and the web inbox."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.openapi.operations import BAD_REQUEST, operation
from emulator.schemas.events import EventFilterSchema, EventsSchema
from emulator.schemas.validation import load_or_reject
from emulator.store.events import page_after
from emulator.web.admin_guard import check_control_request
from emulator.web.requests import current_emulator, respond

events = Blueprint("events", __name__, url_prefix="/_emulator")

_filters = EventFilterSchema()
_events = EventsSchema()


@events.before_request
def guard() -> None:
    settings = current_emulator().settings
    check_control_request(settings.admin_token, settings.served_host_names)


@events.get("/events")
@operation(
    "ListEvents",
    "The change log after a cursor, oldest first: messages accepted, status changes, "
    "delivery reports, replies, webhook attempts, feature changes and resets",
    "Emulator",
    {200: ("Events", EventsSchema)} | BAD_REQUEST,
    query=EventFilterSchema,
)
def list_events() -> ResponseReturnValue:
    """Events after `after`, oldest first; the answer's `next` is the cursor to pass next time."""
    filters = load_or_reject(_filters, request.args.to_dict())
    with current_emulator().store.reading() as tx:
        page = page_after(tx, filters["after"], filters["limit"])
    return respond(_events, page)
