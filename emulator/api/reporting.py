"""/v2-preview/reporting/messages: detail, insights and metadata keys of the messages an
account sent and received, and asynchronous reports asked for, followed, listed and downloaded."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint
from marshmallow import Schema, fields

from emulator.api.authentication import account_id
from emulator.domain.report_records import DETAIL, SUMMARY
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, v1_operation
from emulator.schemas.report_answers import (
    AsyncReportSchema,
    DetailFieldsSchema,
    DetailResponseSchema,
    DownloadUrlSchema,
    InsightsResponseSchema,
    MetadataKeysSchema,
    ReportHistorySchema,
    ReportStatusSchema,
)
from emulator.schemas.reporting import (
    AsyncDetailRequestSchema,
    AsyncSummaryRequestSchema,
    DetailRequestSchema,
    InsightsRequestSchema,
    MetadataKeysRequestSchema,
    ReportHistoryQuerySchema,
    ReportIdQuerySchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.web.requests import current_emulator, json_body, respond

reporting = Blueprint("reporting", __name__)
TAG = "Messaging Reports"
WINDOW = {"start_date": "2022-12-12T00:00:00.000Z", "end_date": "2022-12-14T00:00:00.000Z"}

_detail_request = DetailRequestSchema()
_insights_request = InsightsRequestSchema()
_keys_request = MetadataKeysRequestSchema()
_async_detail_request = AsyncDetailRequestSchema()
_async_summary_request = AsyncSummaryRequestSchema()
_history_query = ReportHistoryQuerySchema()
_report_id_query = ReportIdQuerySchema()
_detail = DetailResponseSchema()
_insights = InsightsResponseSchema()
_keys = MetadataKeysSchema()
_fields = DetailFieldsSchema()
_async_report = AsyncReportSchema()
_status = ReportStatusSchema()
_history = ReportHistorySchema()
_download_url = DownloadUrlSchema()


def query_of(schema: Schema) -> dict[str, Any]:
    """The request's query loaded through `schema`; a list field takes every value given."""
    given = {
        name: request.args.getlist(name)
        if isinstance(schema.fields.get(name), fields.List)
        else request.args[name]
        for name in request.args
    }
    return load_or_reject(schema, given)


@reporting.post("/reporting/messages/detail")
@v1_operation(
    "PostDetailReport",
    "A page of the messages sent and received in a window (pages from 0), filtered and sorted",
    TAG,
    {200: ("A page of messages", DetailResponseSchema)} | BAD_REQUEST,
    body=DetailRequestSchema,
    example={**WINDOW, "direction": "outbound", "page": 0, "page_size": 20},
)
def post_detail_report() -> ResponseReturnValue:
    body = load_or_reject(_detail_request, json_body())
    return respond(_detail, current_emulator().reporting.detail(account_id(), body))


@reporting.post("/reporting/messages/insights")
@v1_operation(
    "PostInsightReport",
    "Messages sent and received, billing units and opt-outs in a window, by up to two groups",
    TAG,
    {200: ("The totals", InsightsResponseSchema)} | BAD_REQUEST,
    body=InsightsRequestSchema,
    example={**WINDOW, "timezone": "Australia/Sydney", "group_by": ["DAY", "STATUS"]},
)
def post_insight_report() -> ResponseReturnValue:
    body = load_or_reject(_insights_request, json_body())
    return respond(_insights, current_emulator().reporting.insights(account_id(), body))


@reporting.post("/reporting/messages/metakeys")
@v1_operation(
    "PostMetadataKeys",
    "The metadata keys of the messages in a window, in alphabetical order (pages from 0)",
    TAG,
    {200: ("The keys", MetadataKeysSchema)} | BAD_REQUEST,
    body=MetadataKeysRequestSchema,
    example=WINDOW,
)
def post_metadata_keys() -> ResponseReturnValue:
    body = load_or_reject(_keys_request, json_body())
    keys = current_emulator().reporting.metadata_keys(account_id(), body)
    return respond(_keys, {"keys": keys})


@reporting.post("/reporting/messages/async/detail/fields")
@v1_operation(
    "GetAsyncDetailFields",
    "The columns an async detail report's file may have: its fields, then metadata keys",
    TAG,
    {200: ("The field names", DetailFieldsSchema)} | BAD_REQUEST,
    body=MetadataKeysRequestSchema,
    example=WINDOW,
)
def get_async_detail_fields() -> ResponseReturnValue:
    body = load_or_reject(_keys_request, json_body())
    names = current_emulator().async_reports.detail_fields(account_id(), body)
    return respond(_fields, {"field_names": names})


@reporting.post("/reporting/messages/async/detail")
@v1_operation(
    "PostAsyncDetailReport",
    "Ask for a detail report as a CSV file, ready a few seconds later on the emulator's clock",
    TAG,
    {202: ("The report's ID", AsyncReportSchema)} | BAD_REQUEST,
    body=AsyncDetailRequestSchema,
    example={**WINDOW, "fields": [{"name": "message_id", "display_name": "ID"}]},
)
def post_async_detail_report() -> ResponseReturnValue:
    body = load_or_reject(_async_detail_request, json_body())
    report_id = current_emulator().async_reports.request(account_id(), DETAIL, body)
    return respond(_async_report, {"report_id": report_id}, 202)


@reporting.post("/reporting/messages/async/summary")
@v1_operation(
    "PostAsyncSummaryReport",
    "Ask for a summary report as a CSV file, ready a few seconds later on the emulator's clock",
    TAG,
    {202: ("The report's ID", AsyncReportSchema)} | BAD_REQUEST,
    body=AsyncSummaryRequestSchema,
    example={**WINDOW, "group_by": ["DAY"]},
)
def post_async_summary_report() -> ResponseReturnValue:
    body = load_or_reject(_async_summary_request, json_body())
    report_id = current_emulator().async_reports.request(account_id(), SUMMARY, body)
    return respond(_async_report, {"report_id": report_id}, 202)


@reporting.get("/reporting/messages/async/status")
@v1_operation(
    "GetAsyncDetailStatus",
    "The status of an async report: REQUESTED, RUNNING, then DONE",
    TAG,
    {200: ("Its status", ReportStatusSchema)} | BAD_REQUEST | NOT_FOUND,
    query=ReportIdQuerySchema,
)
def get_async_report_status() -> ResponseReturnValue:
    query = query_of(_report_id_query)
    status = current_emulator().async_reports.status(account_id(), query["report_id"])
    return respond(_status, {"report_status": status})


@reporting.get("/reporting/messages/async/reports")
@v1_operation(
    "GetAsyncReportHistory",
    "The account's async reports, newest first, filtered and paged by token",
    TAG,
    {200: ("A page of reports", ReportHistorySchema)} | BAD_REQUEST,
    query=ReportHistoryQuerySchema,
)
def get_async_report_history() -> ResponseReturnValue:
    query = query_of(_history_query)
    return respond(_history, current_emulator().async_reports.history(account_id(), query))


@reporting.get("/reporting/messages/async/reports/<reportId>/download-url")
@v1_operation(
    "GetAsyncReportDownloadUrl",
    "A URL that answers a done report's file for an hour, without credentials",
    TAG,
    {200: ("The URL", DownloadUrlSchema)} | NOT_FOUND,
)
def get_async_report_download_url(reportId: str) -> ResponseReturnValue:
    service = current_emulator().async_reports
    answer = service.download_url(account_id(), reportId, request.host_url)
    return respond(_download_url, answer)
