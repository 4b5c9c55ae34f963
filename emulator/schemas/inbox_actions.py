"""Shapes of what the web inbox's pages send and read: a message as an account's app, a handset
removed, a webhook delivered again by hand, and the changes a page follows."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from emulator.schemas.events import EventSchema
from emulator.schemas.fields import StrictString, Timestamp


class SendAsAppSchema(Schema):
    """The body of POST /handsets/{number}/messages: the account sending, and the message's
    fields, which are checked as POST /v1/messages checks them."""

    account = StrictString(required=True, validate=validate.Length(min=1, max=100))
    content = fields.Raw(required=True)
    source_number = fields.Raw()
    source_number_type = fields.Raw()


class SentAsAppSchema(Schema):
    """The message accepted, as POST /v1/messages answers it."""

    message_id = fields.String()
    status = fields.String()


class RemovedHandsetSchema(Schema):
    """How many messages and replies left the inbox."""

    removed = fields.Integer()


class HandsetScopeSchema(Schema):
    """The query of DELETE /handsets/{number}: the account filter the page shows."""

    account = fields.String(load_default="")


class ManualAttemptSchema(Schema):
    """A webhook attempt made by hand."""

    at = fields.String()
    status_code = fields.Integer()
    error = fields.String()
    response = fields.String()
    manual = fields.Boolean()


class ChangesSchema(Schema):
    """GET /changes: the change log after the page's cursor, as GET /_emulator/events has it,
    with the emulator's time."""

    events = fields.List(fields.Nested(EventSchema))
    next = fields.Integer()
    last_seq = fields.Integer()
    now = Timestamp()


class InboxAssignmentSchema(Schema):
    """The body of POST /numbers/{numberId}/assignment: the account that takes the number, and
    the assignment's label, checked as POST .../dedicated/{numberId}/assignment checks it."""

    account = StrictString(required=True, validate=validate.Length(min=1, max=100))
    label = fields.Raw()


class AccountQuerySchema(Schema):
    """The query of DELETE /numbers/{numberId}/assignment: the account that holds the number."""

    account = StrictString(required=True, validate=validate.Length(min=1, max=100))
