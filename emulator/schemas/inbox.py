"""Shapes of the delivery report and reply endpoints, after `DeliveryReport` and `Reply`."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from emulator.schemas.fields import StrictString, Timestamp
from emulator.schemas.streamed import oversized_list_problem

MAX_IDS_PER_CONFIRMATION = 100
TOO_MANY_IDS = f"At most {MAX_IDS_PER_CONFIRMATION} IDs can be confirmed per request."
# IDs, and a pagination object of a few fields: far fewer values than this.
MAX_CONFIRMATION_VALUES = 1_000


class VendorAccountIdSchema(Schema):
    vendor_id = fields.String()
    account_id = fields.String()


class DeliveryReportSchema(Schema):
    """One delivery report, as returned by GET /v1/delivery_reports and sent to callbacks."""

    callback_url = fields.String(allow_none=True)
    delivery_report_id = fields.String()
    source_number = fields.String()
    date_received = Timestamp()
    status = fields.String()
    delay = fields.Integer()
    billing_units = fields.Integer()
    submitted_date = Timestamp()
    original_text = fields.String()
    message_id = fields.String()
    vendor_account_id = fields.Nested(VendorAccountIdSchema)
    error_code = fields.String(allow_none=True)
    metadata = fields.Dict()


class ReplySchema(Schema):
    """One reply, as returned by GET /v1/replies."""

    callback_url = fields.String(allow_none=True)
    content = fields.String()
    date_received = Timestamp()
    destination_number = fields.String()
    message_id = fields.String(allow_none=True)
    metadata = fields.Dict()
    reply_id = fields.String()
    source_number = fields.String()
    vendor_account_id = fields.Nested(VendorAccountIdSchema)


class CheckDeliveryReportsResponseSchema(Schema):
    delivery_reports = fields.List(fields.Nested(DeliveryReportSchema))


class CheckRepliesResponseSchema(Schema):
    replies = fields.List(fields.Nested(ReplySchema))


def _id_list() -> fields.List[str]:
    return fields.List(
        StrictString(),
        required=True,
        validate=validate.Length(max=MAX_IDS_PER_CONFIRMATION, error=TOO_MANY_IDS),
    )


class ConfirmDeliveryReportsRequestSchema(Schema):
    """The body of POST /v1/delivery_reports/confirmed."""

    delivery_report_ids = _id_list()


class ConfirmRepliesRequestSchema(Schema):
    """The body of POST /v1/replies/confirmed."""

    reply_ids = _id_list()


def oversized_confirmation_problem(body: bytes, field: str) -> str | None:
    """The detail of a confirmation body too big to parse and validate: more than 100 IDs in
    `field`, or more values than a confirmation can hold; None otherwise."""
    return oversized_list_problem(
        body,
        field,
        MAX_IDS_PER_CONFIRMATION,
        TOO_MANY_IDS,
        MAX_CONFIRMATION_VALUES,
        f"{MAX_IDS_PER_CONFIRMATION} IDs",
    )
