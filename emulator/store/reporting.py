"""Queries of the Reporting API: the messages sent and received in a window (read only, over the
messages and replies tables), and the asynchronous and scheduled reports accounts asked for."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import Column, RowMapping, Table, delete, insert, select, update

from emulator.domain.records import Message, Reply
from emulator.domain.report_records import RequestedReport, ScheduledReport
from emulator.store.base import Transaction, record, records
from emulator.store.tables import messages, replies, requested_reports, scheduled_reports

_Kept = TypeVar("_Kept", RequestedReport, ScheduledReport)


def _fields(table: Table) -> list[Column[object]]:
    """The table's columns but its position (`seq`), which is not part of the record."""
    return [column for column in table.c if column.name != "seq"]


def _positioned(rows: Iterable[RowMapping], kind: type[_Kept]) -> list[tuple[int, _Kept]]:
    """Rows selected as (seq, the record's columns) as (position, record)."""
    found = []
    for row in rows:
        fields = dict(row)
        position = fields.pop("seq")
        found.append((position, cast(_Kept, fields)))
    return found


def sent_between(
    tx: Transaction, account_ids: Collection[str], start: datetime, end: datetime
) -> list[Message]:
    """The accounts' messages accepted in [start, end), oldest first."""
    query = (
        select(messages)
        .where(
            messages.c.account_id.in_(list(account_ids)),
            messages.c.created_at >= start,
            messages.c.created_at < end,
        )
        .order_by(messages.c.seq)
    )
    return records(tx.execute(query).mappings(), Message)


def received_between(
    tx: Transaction, account_ids: Collection[str], start: datetime, end: datetime
) -> list[Reply]:
    """The replies and inbound messages the accounts received in [start, end), oldest first."""
    query = (
        select(replies)
        .where(
            replies.c.account_id.in_(list(account_ids)),
            replies.c.date_received >= start,
            replies.c.date_received < end,
        )
        .order_by(replies.c.seq)
    )
    return records(tx.execute(query).mappings(), Reply)


def replies_to(tx: Transaction, message_ids: Collection[str]) -> list[Reply]:
    """The replies that answered any of the messages."""
    if not message_ids:
        return []
    query = select(replies).where(replies.c.message_id.in_(list(message_ids)))
    return records(tx.execute(query).mappings(), Reply)


def add_requested_report(tx: Transaction, report: RequestedReport) -> None:
    tx.execute(insert(requested_reports), dict(report))


def requested_report(tx: Transaction, account_id: str, report_id: str) -> RequestedReport | None:
    """The account's asynchronous report of this ID."""
    query = select(*_fields(requested_reports)).where(
        requested_reports.c.id == report_id, requested_reports.c.account_id == account_id
    )
    return record(tx.execute(query).mappings().first(), RequestedReport)


def any_requested_report(tx: Transaction, report_id: str) -> RequestedReport | None:
    """The asynchronous report of this ID, whichever account asked for it: a download URL names
    no account."""
    query = select(*_fields(requested_reports)).where(requested_reports.c.id == report_id)
    return record(tx.execute(query).mappings().first(), RequestedReport)


def requested_reports_of(tx: Transaction, account_id: str) -> list[tuple[int, RequestedReport]]:
    """The account's asynchronous reports in the order they were asked for, each with its
    position (the history's page tokens name positions)."""
    query = (
        select(requested_reports)
        .where(requested_reports.c.account_id == account_id)
        .order_by(requested_reports.c.seq)
    )
    return _positioned(tx.execute(query).mappings(), RequestedReport)


def add_scheduled_report(tx: Transaction, report: ScheduledReport) -> None:
    tx.execute(insert(scheduled_reports), dict(report))


def scheduled_report(
    tx: Transaction, account_id: str, report_id: str, report_type: str | None = None
) -> ScheduledReport | None:
    """The account's scheduled report of this ID (and type, when given)."""
    conditions = [
        scheduled_reports.c.id == report_id,
        scheduled_reports.c.account_id == account_id,
    ]
    if report_type is not None:
        conditions.append(scheduled_reports.c.report_type == report_type)
    query = select(*_fields(scheduled_reports)).where(*conditions)
    return record(tx.execute(query).mappings().first(), ScheduledReport)


def scheduled_reports_page(
    tx: Transaction, account_id: str, after: int, limit: int
) -> list[tuple[int, ScheduledReport]]:
    """Up to `limit` of the account's scheduled reports after position `after`, in the order
    they were made, each with its position."""
    query = (
        select(scheduled_reports)
        .where(scheduled_reports.c.account_id == account_id, scheduled_reports.c.seq > after)
        .order_by(scheduled_reports.c.seq)
        .limit(limit)
    )
    return _positioned(tx.execute(query).mappings(), ScheduledReport)


def change_scheduled_report(
    tx: Transaction, account_id: str, report_id: str, changes: dict[str, object]
) -> None:
    """Change the account's scheduled report of this ID."""
    statement = (
        update(scheduled_reports)
        .where(scheduled_reports.c.id == report_id, scheduled_reports.c.account_id == account_id)
        .values(**changes)
    )
    tx.execute(statement)


def delete_scheduled_report(tx: Transaction, account_id: str, report_id: str) -> bool:
    """Delete the account's scheduled report of this ID; False when there is none."""
    statement = delete(scheduled_reports).where(
        scheduled_reports.c.id == report_id, scheduled_reports.c.account_id == account_id
    )
    return bool(tx.execute(statement).rowcount)
