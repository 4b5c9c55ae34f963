"""Shapes of GET /_emulator/events: the change log, read by cursor."""

from __future__ import annotations

from marshmallow import Schema, fields

from emulator.domain.dedicated_numbers import EVENT_KINDS as NUMBER_EVENT_KINDS
from emulator.domain.lookups import LOOKUP_EVENT
from emulator.domain.sender_addresses import EVENT_KINDS as SENDER_EVENT_KINDS
from emulator.schemas.fields import LARGEST_STORED_INTEGER, QueryInteger, Timestamp
from emulator.store.events import KINDS

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class EventFilterSchema(Schema):
    """Query parameters: events after the cursor `after`, at most `limit` of them."""

    after = QueryInteger(0, LARGEST_STORED_INTEGER, load_default=0)
    limit = QueryInteger(1, MAX_LIMIT, load_default=DEFAULT_LIMIT)


class EventSchema(Schema):
    """One change: a message accepted, a status change, a delivery report, a reply, a webhook
    attempt, a feature change, a lookup, a dedicated number or sender address change, or a
    reset."""

    seq = fields.Integer()
    kind = fields.String(
        metadata={"enum": [*KINDS, LOOKUP_EVENT, *NUMBER_EVENT_KINDS, *SENDER_EVENT_KINDS]}
    )
    at = Timestamp()
    account_id = fields.String(allow_none=True)
    message_id = fields.String(allow_none=True)
    number = fields.String(allow_none=True, metadata={"description": "The handset concerned"})
    data = fields.Dict()


class EventsSchema(Schema):
    """Events oldest first; `next` is the cursor for the following call, `last_seq` the newest
    event's seq (below a client's cursor only when the store was replaced)."""

    events = fields.List(fields.Nested(EventSchema))
    next = fields.Integer()
    last_seq = fields.Integer()
