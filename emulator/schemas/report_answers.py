"""Answers of the Reporting API (/v2-preview/reporting/messages/...): detail records and their
page, summaries, metadata keys, and the asynchronous reports' status, history and download URL.
A value the emulator does not have is left out rather than null: the official schemas have no
nulls."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump

from emulator.schemas.fields import Timestamp


class WithoutNulls(Schema):
    """Leaves out the fields whose value is None."""

    @post_dump
    def _leave_out_nulls(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class DetailRecordSchema(WithoutNulls):
    """A message sent (outbound) or received (inbound) by the account or a sub-account."""

    message_id = fields.String()
    format = fields.String()
    timestamp = Timestamp()
    delivered_timestamp = Timestamp(attribute="delivered_at")
    last_status_update = Timestamp()
    direction = fields.String(metadata={"enum": ["inbound", "outbound"]})
    status = fields.String()
    status_code = fields.Integer()
    status_description = fields.String()
    source_address = fields.String(attribute="source")
    destination_address = fields.String(attribute="destination")
    destination_address_country = fields.String(attribute="destination_country")
    content = fields.String()
    account_id = fields.String()
    units = fields.Integer()
    metadata = fields.Dict(keys=fields.String(), values=fields.String())


class DetailPaginationSchema(Schema):
    """Pages count from 0."""

    page = fields.Integer()
    page_size = fields.Integer()
    has_next = fields.Boolean()


class DetailResponseSchema(Schema):
    messages = fields.List(fields.Nested(DetailRecordSchema))
    pagination = fields.Nested(DetailPaginationSchema)


class _Totals(Schema):
    total_sent = fields.Integer()
    total_received = fields.Integer()
    total_billing_units = fields.Integer()
    total_opt_out = fields.Integer()


class InsightSubGroupSchema(_Totals, WithoutNulls):
    date = fields.String(metadata={"description": "The days of its messages, comma-separated"})
    group = fields.String()


class InsightGroupSchema(_Totals, WithoutNulls):
    group = fields.String()
    sub_group = fields.List(fields.Nested(InsightSubGroupSchema))


class InsightsResponseSchema(_Totals):
    summaries = fields.List(fields.Nested(InsightGroupSchema))


class MetadataKeysSchema(Schema):
    keys = fields.List(fields.String())


class DetailFieldsSchema(Schema):
    # `fields` is the name of a schema's own fields.
    field_names = fields.List(fields.String(), data_key="fields")


class AsyncReportSchema(Schema):
    report_id = fields.String()


class ReportStatusSchema(Schema):
    report_status = fields.String()


class ReportHistoryItemSchema(Schema):
    report_id = fields.String()
    report_name = fields.String()
    report_type = fields.String(metadata={"enum": ["DETAIL", "SUMMARY"]})
    direction = fields.String(metadata={"enum": ["INBOUND", "OUTBOUND", "ALL"]})
    requested_by = fields.String()
    requested_at = Timestamp()
    updated_at = Timestamp()
    status = fields.String()
    account_id = fields.String()
    vendor_id = fields.String()
    s3_file_size = fields.Integer()


class ReportHistorySchema(WithoutNulls):
    items = fields.List(fields.Nested(ReportHistoryItemSchema))
    next_page_token = fields.String()


class DownloadUrlSchema(Schema):
    download_url = fields.String()
    file_name = fields.String()
    file_size = fields.Integer()
    expires_in_seconds = fields.Integer()
    expires_at = fields.Integer()
