"""Delivery reports and replies waiting to be checked and confirmed by an account."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulator.clock import Clock
from emulator.domain.records import delivery_report_view, reply_view
from emulator.domain.retention import retention_cutoff
from emulator.store import Store, inbox


class InboxService:
    """Check and confirm the delivery reports and replies of an account."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def delivery_reports(self, account_id: str) -> list[dict[str, Any]]:
        """The oldest 100 unconfirmed reports within the retention period, in the API's shape."""
        with self._store.reading() as tx:
            cutoff = retention_cutoff(self._clock.now())
            rows = inbox.unconfirmed_delivery_reports(tx, account_id, cutoff)
        return [delivery_report_view(report, message) for report, message in rows]

    def replies(self, account_id: str) -> list[dict[str, Any]]:
        """The oldest 100 unconfirmed replies within the retention period, in the API's shape."""
        with self._store.reading() as tx:
            now = self._clock.now()
            rows = inbox.unconfirmed_replies(tx, account_id, retention_cutoff(now), now)
        return [reply_view(row) for row in rows]

    def confirm_delivery_reports(self, account_id: str, ids: Iterable[str]) -> None:
        """Confirm the account's own reports among `ids`; others are ignored silently."""
        with self._store.transaction() as tx:
            inbox.confirm_delivery_reports(tx, account_id, ids)

    def confirm_replies(self, account_id: str, ids: Iterable[str]) -> None:
        """Confirm the account's own replies among `ids`; others are ignored silently."""
        with self._store.transaction() as tx:
            inbox.confirm_replies(tx, account_id, ids)
