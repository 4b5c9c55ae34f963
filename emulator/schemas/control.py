"""Shapes of the /_emulator control plane."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from emulator.schemas.fields import StrictString, Timestamp
from emulator.schemas.messages import MessageStatusSchema


class InspectedMessageSchema(MessageStatusSchema):
    """A stored message with everything the control plane can show, its account included."""

    account_id = fields.String()
    media = fields.List(fields.String(), allow_none=True)
    subject = fields.String(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()


class InspectedMessagesSchema(Schema):
    messages = fields.List(fields.Nested(InspectedMessageSchema))


class MessageFilterSchema(Schema):
    """Query parameters of GET /_emulator/messages."""

    account = StrictString()
    destination_number = StrictString()
    status = StrictString()
    limit = fields.Integer(validate=validate.Range(min=1))
