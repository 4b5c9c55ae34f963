"""Shapes of the sender address API: a request for an alpha tag or an own number, a code, a
label, the list's query, and the requests and addresses it answers with, after the official
spec's schemas."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emulator.domain.sender_addresses import (
    ALPHA_TAG_KIND,
    ALPHANUMERIC,
    APPROVED,
    CODE_DIGITS,
    EXPIRED,
    EXPIRING,
    INTERNATIONAL,
    OPEN,
    OWN_NUMBER_KIND,
    PENDING,
    REJECTED,
    USAGE_TYPES,
)
from emulator.schemas.dedicated_numbers import DedicatedNumberSchema, TokenPaginationSchema
from emulator.schemas.fields import QueryInteger, StrictString, Timestamp, validate_e164
from emulator.schemas.requests import NullMeansAbsentSchema

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_LABEL_LENGTH = 100
MAX_REASON_LENGTH = 5000
MAX_OWN_NUMBER_REASON_LENGTH = 200
# Letters and digits (and spaces), at least one letter, 1 to 11 characters: what a handset shows.
_ALPHA_TAG = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
_KINDS = (ALPHA_TAG_KIND, OWN_NUMBER_KIND)


class SenderAddressRequestSchema(NullMeansAbsentSchema):
    """The body of POST /v1/messaging/numbers/sender_address/requests: an alpha tag
    (ALPHANUMERIC, ALPHANUMERIC) or an own number (INTERNATIONAL, OWN_NUMBER)."""

    sender_address = StrictString(required=True, validate=validate.Length(min=1))
    sender_address_type = StrictString(
        required=True, validate=validate.OneOf([ALPHANUMERIC, INTERNATIONAL])
    )
    usage_type = StrictString(required=True, validate=validate.OneOf([ALPHANUMERIC, "OWN_NUMBER"]))
    destination_countries = fields.List(
        StrictString(
            validate=validate.Regexp(r"^[A-Z]{2}$", error="Not an ISO 3166 alpha-2 country code.")
        ),
        required=True,
        validate=validate.Length(min=1),
    )
    reason = StrictString(required=True, validate=validate.Length(min=1, max=MAX_REASON_LENGTH))
    label = StrictString(validate=validate.Length(max=MAX_LABEL_LENGTH))

    @validates_schema(skip_on_field_errors=True)
    def _check_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = (data["sender_address_type"], data["usage_type"])
        if kind not in _KINDS:
            raise ValidationError(
                "Must be ALPHANUMERIC with sender_address_type ALPHANUMERIC, or OWN_NUMBER with"
                " sender_address_type INTERNATIONAL.",
                "usage_type",
            )
        address = data["sender_address"]
        if kind == ALPHA_TAG_KIND:
            if not _ALPHA_TAG.fullmatch(address):
                raise ValidationError(
                    "An alpha tag is 1 to 11 letters, digits or spaces, with a letter.",
                    "sender_address",
                )
            return
        try:
            validate_e164(address)
        except ValidationError as error:
            raise ValidationError(error.messages, "sender_address") from None
        if len(data["reason"]) > MAX_OWN_NUMBER_REASON_LENGTH:
            raise ValidationError(
                f"Longer than {MAX_OWN_NUMBER_REASON_LENGTH} characters.", "reason"
            )


class VerificationCodeSchema(Schema):
    """The body of POST .../requests/{id}/verify."""

    verification_code = StrictString(
        required=True,
        validate=validate.Regexp(rf"^[0-9]{{{CODE_DIGITS}}}$", error="Expected six digits."),
    )


class LabelSchema(Schema):
    """The body of PATCH .../addresses/{id}."""

    label = StrictString(required=True, validate=validate.Length(max=MAX_LABEL_LENGTH))


class DeleteQuerySchema(Schema):
    """The query of DELETE .../addresses/{id}: why, as the spec requires."""

    reason = fields.String(required=True, validate=validate.Length(min=1))


class SenderAddressesQuerySchema(Schema):
    """The query of GET .../addresses/; `page_token` is taken for `token`, as clients send it."""

    sender_address = fields.String(metadata={"description": "Part of the sender ID, any case"})
    sender_address_type = fields.String(validate=validate.OneOf([ALPHANUMERIC, INTERNATIONAL]))
    usage_type = fields.String(validate=validate.OneOf(USAGE_TYPES))
    include_related_accounts = fields.Boolean(
        metadata={"description": "Also the parent's and sub-accounts' addresses"}
    )
    expiry_status = fields.String(validate=validate.OneOf([EXPIRED, EXPIRING]))
    page_size = QueryInteger(1, MAX_PAGE_SIZE, load_default=DEFAULT_PAGE_SIZE)
    token = fields.String(metadata={"description": "The previous page's `next_token`"})
    page_token = fields.String(metadata={"description": "Another name of `token`"})

    @validates_schema(skip_on_field_errors=True)
    def _expiry_needs_both_types(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "expiry_status" in data and not ("sender_address_type" in data and "usage_type" in data):
            raise ValidationError(
                "Only with both sender_address_type and usage_type.", "expiry_status"
            )


class _SenderAddressFieldsSchema(Schema):
    """What a request and an address both show."""

    id = fields.String()
    sender_address = fields.String()
    sender_address_type = fields.String(metadata={"enum": [ALPHANUMERIC, INTERNATIONAL]})
    usage_type = fields.String(metadata={"enum": list(USAGE_TYPES)})
    destination_countries = fields.List(fields.String())
    reason = fields.String()
    label = fields.String()
    account_id = fields.String()
    created_date = Timestamp()
    last_modified_date = Timestamp()


class SenderAddressRequestItemSchema(_SenderAddressFieldsSchema):
    """A request and its status (the spec's AlphaTagRequestItem and VerificationCodeRequestItem)."""

    status = fields.String(metadata={"enum": [OPEN, PENDING, REJECTED, APPROVED]})


class SenderAddressSchema(_SenderAddressFieldsSchema):
    """An address the account may send from (the spec's GetSenderAddress); an own number has its
    expiry and standing, a dedicated number its pool number."""

    expiry = Timestamp(metadata={"description": "When an own number must be verified again"})
    display_status = fields.String(metadata={"enum": [APPROVED, EXPIRING, EXPIRED]})
    number = fields.Nested(DedicatedNumberSchema)


class SenderAddressListSchema(Schema):
    data = fields.List(fields.Nested(SenderAddressSchema))
    pagination = fields.Nested(TokenPaginationSchema)


class ReviewSchema(Schema):
    """The body of the control plane's review of an alpha tag request."""

    verdict = StrictString(required=True, validate=validate.OneOf([APPROVED, REJECTED]))


class ControlSenderAddressSchema(SenderAddressRequestItemSchema):
    """A request as the control plane shows it, with the code pending for it."""

    verification_code = fields.String(allow_none=True)


class ControlSenderAddressListSchema(Schema):
    sender_addresses = fields.List(fields.Nested(ControlSenderAddressSchema))
