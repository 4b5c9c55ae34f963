"""GET /_emulator/events: the change log, read by cursor, for scripts, tests and the web inbox."""

from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.openapi.operations import BAD_REQUEST, operation
from emulator.schemas.events import EventFilterSchema, EventsSchema
from emulator.schemas.validation import load_or_reject
from emulator.store.events import events_after, last_event_seq
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
        found = events_after(tx, filters["after"], filters["limit"])
        last_seq = last_event_seq(tx)
    cursor = found[-1]["seq"] if found else filters["after"]
    return respond(_events, {"events": found, "next": cursor, "last_seq": last_seq})
