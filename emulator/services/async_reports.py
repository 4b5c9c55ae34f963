"""Asynchronous reports without HTTP: a detail or summary report asked for, made as a CSV file at
once and ready on the emulator's clock a few seconds later; the status, the history of an
account's reports, and a download URL that works for an hour without credentials, as a
pre-signed URL does."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from emulator.clock import Clock
from emulator.domain.ids import new_id
from emulator.domain.report_files import DETAIL_COLUMNS, detail_csv, summary_csv
from emulator.domain.report_records import (
    DETAIL,
    DONE,
    DOWNLOAD_URL_LIFETIME,
    READY_AFTER,
    RequestedReport,
    report_status,
    status_changed_at,
)
from emulator.domain.reporting import (
    ALL,
    ASCENDING,
    DESCENDING,
    ReportFilter,
    metadata_keys,
    ordered,
    summarise,
)
from emulator.errors import ApiError, BadRequest, NotFound
from emulator.schemas.reporting import DEFAULT_HISTORY_PAGE_SIZE, DEFAULT_PAGE_SIZE
from emulator.schemas.validation import INVALID_REQUEST
from emulator.services.reporting import ReportingService
from emulator.store import Store
from emulator.store import reporting as stored_reports

VENDOR_ID = "messagemedia"
DOWNLOAD_PATH = "v2-preview/reporting/files"
EXPIRED = "Request has expired"
BAD_SIGNATURE = "The request signature does not match"


class DownloadRefused(ApiError):
    """403: a download URL whose signature does not match, or whose hour has passed."""

    status = 403


class AsyncReportService:
    """The account's asynchronous reports: asked for, followed, listed and downloaded."""

    def __init__(self, store: Store, clock: Clock, reporting: ReportingService) -> None:
        self._store = store
        self._clock = clock
        self._reporting = reporting

    def request(self, account_id: str, report_type: str, body: dict[str, Any]) -> str:
        """Make the report's file from the messages held now; its ID."""
        report_filter = self._reporting.report_filter(account_id, body)
        found = self._reporting.messages(report_filter)
        if report_type == DETAIL:
            columns = _columns(body.get("columns"), metadata_keys(found))
            content = detail_csv(ordered(found, "TIMESTAMP", ASCENDING), columns)
        else:
            summary = summarise(
                found, body.get("group_by", []), report_filter.zone, report_filter.metadata_key
            )
            content = summary_csv(summary)
        now = self._clock.now()
        report_id = new_id()
        kind = report_type.capitalize()
        report = RequestedReport(
            id=report_id,
            account_id=account_id,
            report_type=report_type,
            report_name=body.get("report_name") or _default_name(kind, report_filter),
            direction=body.get("direction", ALL).upper(),
            request=_as_json(body),
            file_name=f"report-{report_id}.csv",
            file_content=content,
            download_secret=secrets.token_hex(32),
            requested_at=now,
            ready_at=now + READY_AFTER,
        )
        with self._store.transaction() as tx:
            stored_reports.add_requested_report(tx, report)
        return report_id

    def detail_fields(self, account_id: str, body: dict[str, Any]) -> list[str]:
        """The columns a detail report's file may have: the standard ones, then the metadata
        keys of the messages in the window; paged as metadata keys are."""
        report_filter = self._reporting.report_filter(account_id, body)
        names = [*DETAIL_COLUMNS, *metadata_keys(self._reporting.messages(report_filter))]
        page, size = body.get("page", 0), body.get("page_size", DEFAULT_PAGE_SIZE)
        return names[page * size : (page + 1) * size]

    def status(self, account_id: str, report_id: str) -> str:
        return report_status(self._report(account_id, report_id), self._clock.now())

    def history(self, account_id: str, query: dict[str, Any]) -> dict[str, Any]:
        """A page of the account's reports, newest first unless asked otherwise."""
        now = self._clock.now()
        with self._store.reading() as tx:
            reports = stored_reports.requested_reports_of(tx, account_id)
        descending = query.get("sort_direction", DESCENDING) == DESCENDING
        if descending:
            reports.reverse()
        after = _position(query["page_token"]) if "page_token" in query else None
        kept = [
            (position, report)
            for position, report in reports
            if _listed(report, query, now)
            and (after is None or (position < after if descending else position > after))
        ]
        size = query.get("page_size", DEFAULT_HISTORY_PAGE_SIZE)
        page = kept[:size]
        body: dict[str, Any] = {"items": [_history_item(report, now) for _, report in page]}
        if len(kept) > size:
            body["next_page_token"] = _token(page[-1][0])
        return body

    def download_url(self, account_id: str, report_id: str, base_url: str) -> dict[str, Any]:
        """A URL that answers the report's file for an hour; NotFound until the report is done."""
        report = self._report(account_id, report_id)
        now = self._clock.now()
        status = report_status(report, now)
        if status != DONE:
            raise NotFound(f"The report is not ready: its status is {status}.")
        expires_at = int((now + DOWNLOAD_URL_LIFETIME).timestamp())
        signature = _signature(report, expires_at)
        query = f"expires={expires_at}&signature={signature}"
        return {
            "download_url": f"{base_url}{DOWNLOAD_PATH}/{report_id}/{report['file_name']}?{query}",
            "file_name": report["file_name"],
            "file_size": len(report["file_content"].encode()),
            "expires_in_seconds": int(DOWNLOAD_URL_LIFETIME.total_seconds()),
            "expires_at": expires_at,
        }

    def download(self, report_id: str, expires: str, signature: str) -> RequestedReport:
        """The report a download URL names, when its signature holds and its hour has not
        passed on the emulator's clock."""
        with self._store.reading() as tx:
            report = stored_reports.any_requested_report(tx, report_id)
        if report is None:
            raise NotFound()
        if not expires.isdigit() or not hmac.compare_digest(
            _signature(report, int(expires)), signature
        ):
            raise DownloadRefused(BAD_SIGNATURE)
        if self._clock.now().timestamp() > int(expires):
            raise DownloadRefused(EXPIRED)
        return report

    def _report(self, account_id: str, report_id: str) -> RequestedReport:
        with self._store.reading() as tx:
            report = stored_reports.requested_report(tx, account_id, report_id)
        if report is None:
            raise NotFound()
        return report


def _default_name(kind: str, report_filter: ReportFilter) -> str:
    """`Detail report 2024-04-01 to 2024-05-01`: the kind and the window's days."""
    start, end = (moment.date().isoformat() for moment in (report_filter.start, report_filter.end))
    return f"{kind} report {start} to {end}"


def _columns(asked: list[dict[str, str]] | None, keys: list[str]) -> list[tuple[str, str]]:
    """(name, display name) of each column asked for, or of every standard column; BadRequest
    naming a field that is neither a column nor a metadata key of the messages."""
    if not asked:
        return [(name, name) for name in DETAIL_COLUMNS]
    known = {*DETAIL_COLUMNS, *keys}
    for index, column in enumerate(asked):
        if column["name"] not in known:
            detail = f"fields[{index}].name: {column['name']} is not a field of the detail report."
            raise BadRequest(INVALID_REQUEST, [detail])
    return [(column["name"], column["display_name"]) for column in asked]


def _listed(report: RequestedReport, query: dict[str, Any], now: datetime) -> bool:
    """Whether the history's filters keep the report."""
    if "status" in query and report_status(report, now) not in query["status"]:
        return False
    name = query.get("report_name")
    if name and name.casefold() not in report["report_name"].casefold():
        return False
    requested = report["requested_at"]
    if "start_date" in query and requested < _utc(query["start_date"]):
        return False
    return "end_date" not in query or requested <= _utc(query["end_date"])


def _history_item(report: RequestedReport, now: datetime) -> dict[str, Any]:
    return {
        "report_id": report["id"],
        "report_name": report["report_name"],
        "report_type": report["report_type"],
        "direction": report["direction"],
        "requested_by": report["account_id"],
        "requested_at": report["requested_at"],
        "updated_at": status_changed_at(report, now),
        "status": report_status(report, now),
        "account_id": report["account_id"],
        "vendor_id": VENDOR_ID,
        "s3_file_size": len(report["file_content"].encode()),
    }


def _signature(report: RequestedReport, expires_at: int) -> str:
    message = f"{report['id']}:{expires_at}".encode()
    return hmac.new(report["download_secret"].encode(), message, hashlib.sha256).hexdigest()


def _token(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"position": position}).encode()).decode()


def _position(token: str) -> int:
    """The position a history page token names; BadRequest naming `page_token` otherwise."""
    try:
        position = json.loads(base64.urlsafe_b64decode(token.encode()))["position"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        position = None
    if not isinstance(position, int) or isinstance(position, bool):
        raise BadRequest(INVALID_REQUEST, ["page_token: Not a page token of this history."])
    return position


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _as_json(body: dict[str, Any]) -> dict[str, Any]:
    """The request as stored: dates as ISO 8601 text."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in body.items()
    }
