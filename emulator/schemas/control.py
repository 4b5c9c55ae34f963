"""Shapes of the /_emulator control plane."""

from __future__ import annotations

import base64
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from emulator.domain.statuses import MESSAGE_STATUSES
from emulator.schemas.fields import (
    QueryInteger,
    StrictBoolean,
    StrictNumber,
    StrictString,
    Timestamp,
    validate_e164,
    validate_timezone,
)
from emulator.schemas.inbox import ReplySchema
from emulator.schemas.messages import MessageStatusSchema

# A query's LIMIT is a 64-bit integer: a larger one is a 400, not an overflow in the store.
# Every list is a page: a bounded default, a bounded largest page, and an offset to go on.
DEFAULT_PAGE, LARGEST_PAGE, LARGEST_OFFSET = 100, 1000, 10**9


class PageSchema(Schema):
    """`limit` and `offset` query parameters of a list, both bounded."""

    limit = QueryInteger(1, LARGEST_PAGE, load_default=DEFAULT_PAGE)
    offset = QueryInteger(0, LARGEST_OFFSET, load_default=0)


class InspectedMessageSchema(MessageStatusSchema):
    """A stored message with everything the control plane can show, its account included."""

    account_id = fields.String()
    media = fields.List(fields.String(), allow_none=True)
    subject = fields.String(allow_none=True)
    sent_content = fields.String(allow_none=True)
    error_code = fields.String(allow_none=True)
    billing_units = fields.Integer()
    next_transition_at = Timestamp(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()


class InspectedMessagesSchema(Schema):
    messages = fields.List(fields.Nested(InspectedMessageSchema))


class MessageFilterSchema(PageSchema):
    """Query parameters of GET /_emulator/messages."""

    message_id = StrictString()
    account = StrictString()
    destination_number = StrictString()
    # A misspelt status is a mistake to point out, not a filter that quietly matches nothing.
    status = StrictString(validate=validate.OneOf(MESSAGE_STATUSES))


class WebhookAttemptSchema(Schema):
    at = fields.String()
    status_code = fields.Integer()
    error = fields.String()


class WebhookSchema(Schema):
    """One webhook delivery and every attempt made at it. A delivery of an account webhook names
    it, and its `payload` holds the template's variables and `body` what the template rendered
    for the latest attempt; a callback_url delivery sends its `payload` as JSON. `chaos` lists
    the faults injected into it (`duplicate`, `reorder`, `delay_seconds`)."""

    id = fields.String()
    url = fields.String()
    event = fields.String()
    message_id = fields.String(allow_none=True)
    state = fields.String()
    attempts = fields.List(fields.Nested(WebhookAttemptSchema))
    next_attempt_at = Timestamp()
    payload = fields.Dict()
    account_webhook_id = fields.String(allow_none=True)
    method = fields.String()
    headers = fields.Dict()
    content_type = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    chaos = fields.List(
        fields.Dict(),
        allow_none=True,
        metadata={"description": "The faults chaos rules injected into it, if any"},
    )


class WebhooksSchema(Schema):
    webhooks = fields.List(fields.Nested(WebhookSchema))


class WebhookFilterSchema(PageSchema):
    """Query parameters of GET /_emulator/webhooks."""

    message_id = StrictString()


class ClockSchema(Schema):
    now = Timestamp()


class AdvanceClockRequestSchema(Schema):
    """The body of POST /_emulator/clock/advance."""

    seconds = StrictNumber(
        required=True, allow_nan=False, validate=validate.Range(min=0, max=400 * 86400)
    )


class AttachmentRequestSchema(Schema):
    """An image a handset attaches to a reply (MMS)."""

    content_type = StrictString(
        required=True,
        validate=validate.Regexp(r"^image/[\w.+-]+$", error="Must be an image type (image/...)."),
    )
    content = StrictString(required=True, validate=validate.Length(min=1))
    original_name = StrictString(load_default=None, validate=validate.Length(max=255))

    @validates("content")
    def _base64(self, value: str, **kwargs: Any) -> None:
        try:
            base64.b64decode(value, validate=True)
        except ValueError:
            # Also what base64 raises for non-ASCII text, before any base64 error.
            raise ValidationError("Not valid base64.") from None


class SimulatedReplySchema(Schema):
    """The body of POST /_emulator/replies: a handset answering."""

    source_number = StrictString(required=True, validate=validate_e164)
    content = StrictString(required=True, validate=validate.Length(min=1, max=5000))
    message_id = StrictString()
    destination_number = StrictString(validate=validate.Length(min=1))
    attachments = fields.List(fields.Nested(AttachmentRequestSchema))


class AccountSchema(Schema):
    """An account as the control plane shows it."""

    account_id = fields.String()
    parent_account_id = fields.String(allow_none=True)
    sub_accounts = fields.List(fields.String())
    numbers = fields.List(fields.String())
    alpha_tags = fields.List(fields.String())
    features = fields.Dict()


class FeatureChangesSchema(Schema):
    """Features to change; any not given keep their value."""

    deduplication = StrictBoolean()
    social_sending = StrictBoolean()
    timezone = StrictString(validate=validate_timezone)
    familiar_sender = StrictBoolean()
    character_converter = StrictBoolean()
    unregistered_source = StrictString(validate=validate.OneOf(["reject", "replace"]))
    signature_keys = StrictBoolean()


class AccountChangeSchema(Schema):
    """The body of PATCH /_emulator/accounts/{account_id}."""

    features = fields.Nested(FeatureChangesSchema, required=True)


class SimulatedReplyResponseSchema(ReplySchema):
    """A stored reply with its account and attachments, as POST /_emulator/replies answers."""

    account_id = fields.String()
    attachments = fields.List(fields.Nested(AttachmentRequestSchema), allow_none=True)
