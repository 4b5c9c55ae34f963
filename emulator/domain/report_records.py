"""The Reporting API's stored records: asynchronous reports with the status the emulator's clock
gives them, and scheduled reports."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypedDict

DETAIL, SUMMARY = "DETAIL", "SUMMARY"
REQUESTED, RUNNING, FAILED, CANCELLED, DONE = "REQUESTED", "RUNNING", "FAILED", "CANCELLED", "DONE"
REPORT_STATUSES = (REQUESTED, RUNNING, FAILED, CANCELLED, DONE)
# On the emulator's clock: a report is REQUESTED, then RUNNING, then DONE this long after it was
# asked for (advance the clock to have it at once).
STARTS_RUNNING_AFTER = timedelta(seconds=1)
READY_AFTER = timedelta(seconds=5)
# How long a download URL works, on the emulator's clock.
DOWNLOAD_URL_LIFETIME = timedelta(hours=1)


class RequestedReport(TypedDict):
    """An asynchronous report an account asked for, with its file."""

    id: str
    account_id: str
    report_type: str
    report_name: str
    direction: str
    request: dict[str, Any]
    file_name: str
    file_content: str
    download_secret: str
    requested_at: datetime
    ready_at: datetime


class ScheduledReport(TypedDict):
    """A report an account asked to have made on a schedule."""

    id: str
    account_id: str
    report_type: str
    label: str
    schedule: dict[str, Any]
    report: dict[str, Any]
    metadata: dict[str, str] | None
    created_at: datetime
    updated_at: datetime


def report_status(report: RequestedReport, now: datetime) -> str:
    """REQUESTED, RUNNING or DONE, by how long ago on the emulator's clock it was asked for."""
    if now >= report["ready_at"]:
        return DONE
    if now >= report["requested_at"] + STARTS_RUNNING_AFTER:
        return RUNNING
    return REQUESTED


def status_changed_at(report: RequestedReport, now: datetime) -> datetime:
    """When the report last changed status, as of `now`."""
    status = report_status(report, now)
    if status == DONE:
        return report["ready_at"]
    if status == RUNNING:
        return report["requested_at"] + STARTS_RUNNING_AFTER
    return report["requested_at"]
