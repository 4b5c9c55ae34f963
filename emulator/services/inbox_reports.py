"""What the web inbox's Reports page shows: an account's messages over a window of days, counted
by the Reporting API's own insights (POST /v2-preview/reporting/messages/insights), sent the
body that request would send. Plain values; no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from emulator.clock import Clock
from emulator.schemas.reporting import InsightsRequestSchema
from emulator.schemas.validation import load_or_reject
from emulator.services.reporting import ReportingService

# The window when the page names none: the last 7 days, today included.
DEFAULT_DAYS = 7
_insights_request = InsightsRequestSchema()


@dataclass(frozen=True)
class ReportWindow:
    """The days from `first` to `last`, both included, in the account's time zone."""

    account_id: str
    first: date
    last: date
    timezone: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


class InboxReports:
    """Counts an account's messages (with its sub-accounts) as the insights API counts them."""

    def __init__(self, reporting: ReportingService, clock: Clock) -> None:
        self._reporting = reporting
        self._clock = clock

    def window(self, account_id: str, first: date | None, last: date | None) -> ReportWindow:
        """The window asked for, DEFAULT_DAYS long where one end is left out; with neither
        given, it ends today on the emulator's clock."""
        timezone = self._reporting.default_timezone(account_id)
        span = timedelta(days=DEFAULT_DAYS - 1)
        if last is None:
            today = self._clock.now().astimezone(ZoneInfo(timezone)).date()
            last = today if first is None else first + span
        first = first or last - span
        return ReportWindow(account_id, first, last, timezone)

    @staticmethod
    def request(window: ReportWindow, group_by: list[str]) -> dict[str, Any]:
        """The insights request body for the window: local midnights in the account's zone."""
        return {
            "start_date": f"{window.first.isoformat()}T00:00:00",
            "end_date": f"{(window.last + timedelta(days=1)).isoformat()}T00:00:00",
            "timezone": window.timezone,
            "group_by": group_by,
        }

    def insights(self, window: ReportWindow, group_by: list[str]) -> dict[str, Any]:
        """The insights API's answer to `request(window, group_by)`, checked as it checks it."""
        body = load_or_reject(_insights_request, self.request(window, group_by))
        return self._reporting.insights(window.account_id, body)
