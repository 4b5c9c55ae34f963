"""/v2-preview/reporting/.../scheduled: an account's scheduled detail and summary reports,
stored, listed, read, changed and deleted (the emulator does not run them)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_smorest.blueprint import Blueprint

from emulator.api.authentication import account_id
from emulator.api.reporting import TAG, query_of
from emulator.openapi.operations import BAD_REQUEST, NOT_FOUND, TEXT, v1_operation
from emulator.schemas.scheduled_reports import (
    ScheduledDetailSchema,
    ScheduledReportCreatedSchema,
    ScheduledReportPageSchema,
    ScheduledReportSchema,
    ScheduledReportsQuerySchema,
    ScheduledSummarySchema,
    UpdateScheduledDetailSchema,
    UpdateScheduledSummarySchema,
)
from emulator.schemas.validation import load_or_reject
from emulator.services.scheduled_reports import ScheduledReportService
from emulator.web.requests import current_emulator, json_body, respond

scheduled_reports = Blueprint("scheduled_reports", __name__)
DETAIL, SUMMARY = "detail", "summary"
SCHEDULE = {"timezone": "Australia/Sydney", "cron_expression": "0 8 ? * MON *", "type": "cron"}
DETAIL_EXAMPLE = {"label": "Weekly report", "schedule": SCHEDULE, "report": {"period": "LAST_WEEK"}}
SUMMARY_EXAMPLE = {
    "label": "Weekly summary",
    "schedule": SCHEDULE,
    "report": {"period": "LAST_WEEK", "timezone": "Australia/Sydney", "group_by": ["DAY"]},
}

_detail_request = ScheduledDetailSchema()
_summary_request = ScheduledSummarySchema()
_detail_update = UpdateScheduledDetailSchema()
_summary_update = UpdateScheduledSummarySchema()
_query = ScheduledReportsQuerySchema()
_created = ScheduledReportCreatedSchema()
_report = ScheduledReportSchema()
_page = ScheduledReportPageSchema()


def _service() -> ScheduledReportService:
    return current_emulator().scheduled_reports


@scheduled_reports.post("/reporting/detail/scheduled")
@v1_operation(
    "detailscheduledreport",
    "Schedule a detail report: a cron expression in a time zone, and the period it covers",
    TAG,
    {201: ("Its ID", ScheduledReportCreatedSchema)} | BAD_REQUEST,
    body=ScheduledDetailSchema,
    example=DETAIL_EXAMPLE,
)
def schedule_detail_report() -> ResponseReturnValue:
    body = load_or_reject(_detail_request, json_body())
    report_id = _service().create(account_id(), DETAIL, body)
    return respond(_created, {"scheduled_report_id": report_id}, 201)


@scheduled_reports.put("/reporting/detail/scheduled/<scheduled_id>")
@v1_operation(
    "updatedetailscheduledreport",
    "Replace a scheduled detail report's label, schedule and report",
    TAG,
    {200: ("The scheduled report", ScheduledReportSchema)} | BAD_REQUEST | NOT_FOUND,
    body=UpdateScheduledDetailSchema,
    example=DETAIL_EXAMPLE,
)
def update_scheduled_detail_report(scheduled_id: str) -> ResponseReturnValue:
    body = load_or_reject(_detail_update, json_body())
    return respond(_report, _service().update(account_id(), DETAIL, scheduled_id, body))


@scheduled_reports.post("/reporting/summary/scheduled")
@v1_operation(
    "summaryscheduledreport",
    "Schedule a summary report: a cron expression in a time zone, and the period it covers",
    TAG,
    {201: ("Its ID", ScheduledReportCreatedSchema)} | BAD_REQUEST,
    body=ScheduledSummarySchema,
    example=SUMMARY_EXAMPLE,
)
def schedule_summary_report() -> ResponseReturnValue:
    body = load_or_reject(_summary_request, json_body())
    report_id = _service().create(account_id(), SUMMARY, body)
    return respond(_created, {"scheduled_report_id": report_id}, 201)


@scheduled_reports.put("/reporting/summary/scheduled/<scheduled_id>")
@v1_operation(
    "updatesummaryscheduledreport",
    "Replace a scheduled summary report's label, schedule and report",
    TAG,
    {200: ("The scheduled report", ScheduledReportSchema)} | BAD_REQUEST | NOT_FOUND,
    body=UpdateScheduledSummarySchema,
    example=SUMMARY_EXAMPLE,
)
def update_scheduled_summary_report(scheduled_id: str) -> ResponseReturnValue:
    body = load_or_reject(_summary_update, json_body())
    return respond(_report, _service().update(account_id(), SUMMARY, scheduled_id, body))


@scheduled_reports.get("/reporting/scheduled")
@v1_operation(
    "GetActiveReport",
    "The account's scheduled reports, oldest first, paged by token",
    TAG,
    {200: ("A page of scheduled reports", ScheduledReportPageSchema)} | BAD_REQUEST,
    query=ScheduledReportsQuerySchema,
)
def list_scheduled_reports() -> ResponseReturnValue:
    return respond(_page, _service().page(account_id(), query_of(_query)))


@scheduled_reports.get("/reporting/scheduled/<scheduled_id>")
@v1_operation(
    "GetScheduledReport",
    "One scheduled report",
    TAG,
    {200: ("The scheduled report", ScheduledReportSchema)} | NOT_FOUND,
)
def get_scheduled_report(scheduled_id: str) -> ResponseReturnValue:
    return respond(_report, _service().get(account_id(), scheduled_id))


@scheduled_reports.delete("/reporting/scheduled/<scheduled_id>")
@v1_operation(
    "DeleteScheduledReport",
    "Delete a scheduled report",
    TAG,
    {202: ("Deleted; no body", TEXT)} | NOT_FOUND,
)
def delete_scheduled_report(scheduled_id: str) -> ResponseReturnValue:
    _service().delete(account_id(), scheduled_id)
    return "", 202, {"Content-Type": "text/plain"}
