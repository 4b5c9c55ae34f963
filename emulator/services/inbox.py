"""Delivery reports and replies waiting to be checked and confirmed by an account."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from emulator.clock import Clock
from emulator.services.ids import new_id
from emulator.services.retention import retention_cutoff
from emulator.store import Store

VENDOR_ID = "MessageMedia"


def vendor_account_id(account_id: str) -> dict:
    return {"vendor_id": VENDOR_ID, "account_id": account_id}


class InboxService:
    """Check and confirm the delivery reports and replies of an account."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def delivery_reports(self, account_id: str) -> list[dict]:
        """The oldest 100 unconfirmed reports within the retention period, in the API's shape."""
        cutoff = retention_cutoff(self._clock.now())
        rows = self._store.unconfirmed_delivery_reports(account_id, cutoff)
        return [delivery_report_view(row) for row in rows]

    def replies(self, account_id: str) -> list[dict]:
        """The oldest 100 unconfirmed replies within the retention period, in the API's shape."""
        now = self._clock.now()
        rows = self._store.unconfirmed_replies(account_id, retention_cutoff(now), now)
        return [reply_view(row) for row in rows]

    def confirm_delivery_reports(self, account_id: str, ids: Iterable[str]) -> None:
        """Confirm the account's own reports among `ids`; others are ignored silently."""
        self._store.confirm_delivery_reports(account_id, ids)

    def confirm_replies(self, account_id: str, ids: Iterable[str]) -> None:
        """Confirm the account's own replies among `ids`; others are ignored silently."""
        self._store.confirm_replies(account_id, ids)


def delivery_report_view(row: dict) -> dict:
    """A stored report joined with its message, as the API shows it (source inverted)."""
    return {
        "callback_url": row["callback_url"],
        "delivery_report_id": row["id"],
        "source_number": row["destination_number"],
        "date_received": row["date_received"],
        "status": row["status"],
        "delay": 0,
        "billing_units": row["billing_units"],
        "submitted_date": row["submitted_date"],
        "original_text": row["original_text"],
        "message_id": row["message_id"],
        "vendor_account_id": vendor_account_id(row["account_id"]),
        "error_code": row["error_code"],
        "metadata": row["metadata"] or {},
    }


def reply_view(row: dict) -> dict:
    """A stored reply as the API shows it; no destination_number when the message had no source."""
    view = {
        "callback_url": row["callback_url"],
        "content": row["content"],
        "date_received": row["date_received"],
        "message_id": row["message_id"],
        "metadata": row["metadata"] or {},
        "reply_id": row["id"],
        "source_number": row["source_number"],
        "vendor_account_id": vendor_account_id(row["account_id"]),
    }
    if row["destination_number"]:
        view["destination_number"] = row["destination_number"]
    return view


def delivery_report_row(message: dict, status: str, error_code: str | None, at: datetime) -> dict:
    """A new report of `message` reaching `status` at `at`, as stored."""
    return {
        "id": new_id(),
        "account_id": message["account_id"],
        "message_id": message["id"],
        "status": status,
        "error_code": error_code,
        "billing_units": message["billing_units"],
        "submitted_date": at,
        "date_received": at,
        "confirmed": False,
    }


def delivery_report_of(message: dict, report: dict) -> dict:
    """A stored report of `message` in the API's shape, without a database join."""
    joined = {
        **report,
        "destination_number": message["destination_number"],
        "original_text": message["content"],
        "callback_url": message["callback_url"],
        "metadata": message["metadata"],
    }
    return delivery_report_view(joined)


def reply_row(
    message: dict, content: str, at: datetime, attachments: list[dict] | None = None
) -> dict:
    """A handset's reply to `message`, source and destination inverted, as stored."""
    return {
        "id": new_id(),
        "account_id": message["account_id"],
        "message_id": message["id"],
        "source_number": message["destination_number"],
        "destination_number": message["source_number"],
        "content": content,
        "metadata": message["metadata"],
        "callback_url": message["callback_url"],
        "attachments": attachments,
        "date_received": at,
        "confirmed": False,
    }
