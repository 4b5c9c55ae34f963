"""Request and response shapes of /v1/messages, after the `Message` schema of the official spec."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emulator.schemas.common import ErrorSchema
from emulator.schemas.fields import (
    StrictBoolean,
    StrictString,
    Timestamp,
    UtcDateTime,
    validate_e164,
)
from emulator.schemas.requests import NullMeansAbsentSchema
from emulator.schemas.streamed import oversized_list_problem

FORMATS = ("SMS", "MMS", "TTS")
SOURCE_NUMBER_TYPES = ("INTERNATIONAL", "ALPHANUMERIC", "SHORTCODE")
MAX_MESSAGES_PER_REQUEST = 100
MAX_METADATA_PAIRS = 10
TOO_MANY_MESSAGES = "Between 1 and 100 messages are allowed per request."
# A batch of 100 messages, each with every field, 10 metadata pairs and 10 media URLs, holds
# about 3,400 JSON values; a body with more is refused before it is parsed.
MAX_JSON_VALUES = 10_000
_BATCH = "100 messages"

_ALPHA_TAG = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
_SHORTCODE = re.compile(r"[0-9]{3,8}")
MAX_MEDIA = 10
MAX_URL_LENGTH = 2048


def _http_url() -> fields.Url:
    return fields.Url(
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=MAX_URL_LENGTH),
    )


class MessageRequestSchema(NullMeansAbsentSchema):
    """One message to send, validated as the reference describes each property; an optional
    property given as null is left out."""

    content = StrictString(required=True, validate=validate.Length(min=1, max=5000))
    destination_number = StrictString(required=True, validate=validate_e164)
    format = StrictString(load_default="SMS", validate=validate.OneOf(FORMATS))
    delivery_report = StrictBoolean(load_default=False)
    callback_url = _http_url()
    scheduled = UtcDateTime()
    message_expiry_timestamp = UtcDateTime()
    metadata = fields.Dict(
        keys=StrictString(validate=validate.Length(min=1, max=100)),
        values=StrictString(validate=validate.Length(max=256)),
        validate=validate.Length(
            max=MAX_METADATA_PAIRS, error="At most {max} metadata pairs are allowed."
        ),
    )
    source_number = StrictString(validate=validate.Length(min=1))
    source_number_type = StrictString(validate=validate.OneOf(SOURCE_NUMBER_TYPES))
    media = fields.List(
        _http_url(),
        validate=validate.Length(max=MAX_MEDIA, error="At most {max} media URLs are allowed."),
    )
    subject = StrictString(validate=validate.Length(max=64))

    @validates_schema(skip_on_field_errors=False)
    def _check_combinations(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if "source_number_type" in data and "source_number" not in data:
            errors["source_number_type"] = ["Only valid when a source_number is given."]
        if "source_number" in data:
            problem = source_number_problem(data["source_number"], data.get("source_number_type"))
            if problem:
                errors["source_number"] = [problem]
        is_mms = data.get("format", "SMS") == "MMS"
        for field_name in ("media", "subject"):
            if field_name in data and not is_mms:
                errors[field_name] = ["Only valid when format is MMS."]
        if errors:
            raise ValidationError(errors)


def infer_source_number_type(source_number: str) -> str:
    """The type the service assumes when none is given."""
    if source_number.startswith("+"):
        return "INTERNATIONAL"
    if source_number.isascii() and source_number.isdigit() and len(source_number) <= 8:
        return "SHORTCODE"
    return "ALPHANUMERIC"


def source_number_problem(source_number: str, declared_type: str | None) -> str | None:
    """Why `source_number` does not fit its declared (or inferred) type, or None."""
    number_type = declared_type or infer_source_number_type(source_number)
    if number_type == "INTERNATIONAL":
        try:
            validate_e164(source_number)
        except ValidationError as error:
            return f"Not a valid INTERNATIONAL source number: {error.messages[0]}"
    elif number_type == "ALPHANUMERIC" and not _ALPHA_TAG.fullmatch(source_number):
        return (
            "Not a valid ALPHANUMERIC source number: 1 to 11 letters, digits or spaces,"
            " with at least one letter."
        )
    elif number_type == "SHORTCODE" and not _SHORTCODE.fullmatch(source_number):
        return "Not a valid SHORTCODE source number: 3 to 8 digits."
    return None


def oversized_batch_problem(body: bytes) -> str | None:
    """The detail of a send body too big to parse and validate: more than 100 `messages`, or
    more values than 100 messages can hold; None otherwise."""
    return oversized_list_problem(
        body, "messages", MAX_MESSAGES_PER_REQUEST, TOO_MANY_MESSAGES, MAX_JSON_VALUES, _BATCH
    )


class SendMessagesRequestSchema(NullMeansAbsentSchema):
    """The body of POST /v1/messages: 1 to 100 messages."""

    messages = fields.List(
        fields.Nested(MessageRequestSchema),
        required=True,
        validate=validate.Length(
            min=1,
            max=MAX_MESSAGES_PER_REQUEST,
            error=TOO_MANY_MESSAGES,
        ),
    )


class CancelMessageRequestSchema(Schema):
    """The body of PUT /v1/messages/{messageId}: only a cancellation is possible."""

    status = StrictString(
        required=True,
        validate=validate.Equal("cancelled", error="The only status that can be set is cancelled."),
    )


class CancelRefusedSchema(ErrorSchema):
    """The 400 of PUT /v1/messages/{messageId}: `details` for an invalid body; only the
    `message` (as the reference shows it) for a message that is not scheduled."""

    details = fields.List(fields.String())


class _MessageFields(Schema):
    # The optional fields: left out of an echo when unset, null in a status.
    callback_url = fields.String(allow_none=True)
    content = fields.String()
    destination_number = fields.String()
    delivery_report = fields.Boolean()
    format = fields.String()
    message_expiry_timestamp = Timestamp(allow_none=True)
    metadata = fields.Dict(allow_none=True)
    scheduled = Timestamp(allow_none=True)
    source_number = fields.String(allow_none=True)
    source_number_type = fields.String(allow_none=True)
    message_id = fields.String()
    status = fields.String()


class SentMessageSchema(_MessageFields):
    """A message as echoed by POST /v1/messages: what was sent, plus message_id and status."""

    media = fields.List(fields.String())
    subject = fields.String()


class SendMessagesResponseSchema(Schema):
    """The 202 body of POST /v1/messages."""

    messages = fields.List(fields.Nested(SentMessageSchema))


class MessageStatusSchema(_MessageFields):
    """GET /v1/messages/{messageId}: the `Getmessagestatusresponse` fields, unset ones null."""
