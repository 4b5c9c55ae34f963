"""Scheduled reports without HTTP: stored as given, listed, read, changed and deleted. The
emulator keeps them; it does not run them on their schedule."""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.domain.ids import new_id
from emulator.domain.report_records import ScheduledReport
from emulator.errors import BadRequest, NotFound
from emulator.schemas.scheduled_reports import DEFAULT_PAGE_SIZE
from emulator.schemas.validation import INVALID_REQUEST
from emulator.services.reporting import ReportingService
from emulator.store import Store
from emulator.store import reporting as stored_reports


class ScheduledReportService:
    """An account's scheduled detail and summary reports."""

    def __init__(self, store: Store, clock: Clock, reporting: ReportingService) -> None:
        self._store = store
        self._clock = clock
        self._reporting = reporting

    def create(self, account_id: str, report_type: str, body: dict[str, Any]) -> str:
        """Store the scheduled report; its ID."""
        self._complete(account_id, body["report"])
        now = self._clock.now()
        report = ScheduledReport(
            id=new_id(),
            account_id=account_id,
            report_type=report_type,
            label=body["label"],
            schedule=body["schedule"],
            report=body["report"],
            metadata=body.get("metadata"),
            created_at=now,
            updated_at=now,
        )
        with self._store.transaction() as tx:
            stored_reports.add_scheduled_report(tx, report)
        return report["id"]

    def update(
        self, account_id: str, report_type: str, report_id: str, body: dict[str, Any]
    ) -> ScheduledReport:
        """Replace its label, schedule and report; NotFound when the account has no scheduled
        report of this ID and type."""
        self._complete(account_id, body["report"])
        changes = {
            "label": body["label"],
            "schedule": body["schedule"],
            "report": body["report"],
            "updated_at": self._clock.now(),
        }
        with self._store.transaction() as tx:
            found = stored_reports.scheduled_report(tx, account_id, report_id, report_type)
            if found is None:
                raise NotFound()
            stored_reports.change_scheduled_report(tx, account_id, report_id, changes)
            changed = stored_reports.scheduled_report(tx, account_id, report_id)
        return changed or found

    def get(self, account_id: str, report_id: str) -> ScheduledReport:
        with self._store.reading() as tx:
            found = stored_reports.scheduled_report(tx, account_id, report_id)
        if found is None:
            raise NotFound()
        return found

    def page(self, account_id: str, query: dict[str, Any]) -> dict[str, Any]:
        """A page of the account's scheduled reports, oldest first, with the token of the next
        page when there is one."""
        size = query.get("page_size", DEFAULT_PAGE_SIZE)
        after = _position(query["page_token"]) if "page_token" in query else 0
        with self._store.reading() as tx:
            rows = stored_reports.scheduled_reports_page(tx, account_id, after, size + 1)
        body: dict[str, Any] = {"page_size": size, "data": [report for _, report in rows[:size]]}
        if len(rows) > size:
            body["page_token"] = str(rows[size - 1][0])
        return body

    def delete(self, account_id: str, report_id: str) -> None:
        with self._store.transaction() as tx:
            if not stored_reports.delete_scheduled_report(tx, account_id, report_id):
                raise NotFound()

    def _complete(self, account_id: str, report: dict[str, Any]) -> None:
        """Check the accounts the report names; a report that names no time zone runs in the
        account's, and says so."""
        if report.get("accounts"):
            self._reporting.accounts_of(account_id, report["accounts"], "report.accounts")
        report.setdefault("timezone", self._reporting.default_timezone(account_id))


def _position(token: str) -> int:
    if not token.isdigit() or len(token) > 18:
        raise BadRequest(INVALID_REQUEST, ["page_token: Not a page token of this list."])
    return int(token)
