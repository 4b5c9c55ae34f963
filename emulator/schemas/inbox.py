"""Shapes of the delivery report and reply endpoints, after `DeliveryReport` and `Reply`."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from emulator.schemas.fields import StrictString, Timestamp

MAX_IDS_PER_CONFIRMATION = 100


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
        validate=validate.Length(
            max=MAX_IDS_PER_CONFIRMATION, error="At most {max} IDs can be confirmed per request."
        ),
    )


class ConfirmDeliveryReportsRequestSchema(Schema):
    """The body of POST /v1/delivery_reports/confirmed."""

    delivery_report_ids = _id_list()


class ConfirmRepliesRequestSchema(Schema):
    """The body of POST /v1/replies/confirmed."""

    reply_ids = _id_list()
