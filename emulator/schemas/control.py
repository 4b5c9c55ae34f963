"""Shapes of the /_emulator control plane."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from emulator.schemas.fields import StrictNumber, StrictString, Timestamp
from emulator.schemas.messages import MessageStatusSchema


class InspectedMessageSchema(MessageStatusSchema):
    """A stored message with everything the control plane can show, its account included."""

    account_id = fields.String()
    media = fields.List(fields.String(), allow_none=True)
    subject = fields.String(allow_none=True)
    error_code = fields.String(allow_none=True)
    billing_units = fields.Integer()
    next_transition_at = Timestamp()
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


class WebhookAttemptSchema(Schema):
    at = fields.String()
    status_code = fields.Integer()
    error = fields.String()


class WebhookSchema(Schema):
    """One webhook delivery and every attempt made at it."""

    id = fields.String()
    url = fields.String()
    event = fields.String()
    message_id = fields.String(allow_none=True)
    state = fields.String()
    attempts = fields.List(fields.Nested(WebhookAttemptSchema))
    next_attempt_at = Timestamp()
    payload = fields.Dict()


class WebhooksSchema(Schema):
    webhooks = fields.List(fields.Nested(WebhookSchema))


class WebhookFilterSchema(Schema):
    """Query parameters of GET /_emulator/webhooks."""

    message_id = StrictString()
    limit = fields.Integer(validate=validate.Range(min=1))


class ClockSchema(Schema):
    now = Timestamp()


class AdvanceClockRequestSchema(Schema):
    """The body of POST /_emulator/clock/advance."""

    seconds = StrictNumber(
        required=True, allow_nan=False, validate=validate.Range(min=0, max=400 * 86400)
    )
