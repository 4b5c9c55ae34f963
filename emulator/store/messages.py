"""Queries on messages: insert, find, cancel, list, and the engine's due batches."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy import insert as insert_rows

from emulator.domain.records import DeliveryReport, Message, Reply, WebhookDelivery
from emulator.domain.statuses import CANCELLED, SCHEDULED
from emulator.store.base import Transaction, record, records
from emulator.store.events import (
    DELIVERY_REPORT,
    MESSAGE_ACCEPTED,
    STATUS_CHANGED,
    NewEvent,
    append_events,
    new_event,
    reply_event,
)
from emulator.store.group_commit import insert_gathered
from emulator.store.tables import delivery_reports, messages, replies, webhooks

# Built once: every send or status read asks them.
_RECENTLY_SENT = select(messages.c.destination_number, messages.c.content).where(
    messages.c.account_id == bindparam("account_id"),
    messages.c.destination_number.in_(bindparam("numbers", expanding=True)),
    messages.c.created_at > bindparam("since", type_=messages.c.created_at.type),
    messages.c.is_duplicate.is_(False),
)
_FIND_MESSAGE = select(messages).where(
    messages.c.id == bindparam("message_id"), messages.c.account_id == bindparam("account_id")
)
_INSERT_MESSAGES = insert_rows(messages)


@dataclass
class Planned:
    """What one batch of transitions writes: status changes and the rows they cause."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    reports: list[DeliveryReport] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    webhooks: list[WebhookDelivery] = field(default_factory=list)


def insert(tx: Transaction, rows: list[Message]) -> None:
    """Insert the messages, with their events."""
    tx.execute(_INSERT_MESSAGES, list(rows))
    append_events(tx, (_accepted(row) for row in rows))


def find(tx: Transaction, account_id: str, message_id: str) -> Message | None:
    """The account's message of this ID."""
    parameters = {"message_id": message_id, "account_id": account_id}
    return record(tx.execute(_FIND_MESSAGE, parameters).mappings().first(), Message)


def cancel_if_scheduled(tx: Transaction, account_id: str, message_id: str, at: datetime) -> bool:
    """Cancel the message only if it is still scheduled; True when it was."""
    statement = (
        update(messages)
        .where(
            messages.c.id == message_id,
            messages.c.account_id == account_id,
            messages.c.status == SCHEDULED,
        )
        .values(status=CANCELLED, updated_at=at, next_transition_at=None)
    )
    if tx.execute(statement).rowcount != 1:
        return False
    number = tx.execute(
        select(messages.c.destination_number).where(messages.c.id == message_id)
    ).scalar()
    cancelled = new_event(STATUS_CHANGED, at, account_id, message_id, number, status=CANCELLED)
    append_events(tx, [cancelled])
    return True


def newest(
    tx: Transaction,
    message_id: str | None = None,
    account_id: str | None = None,
    destination_number: str | None = None,
    status: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Message]:
    """Messages of every account (or one), newest first."""
    conditions = []
    if message_id:
        conditions.append(messages.c.id == message_id)
    if account_id:
        conditions.append(messages.c.account_id == account_id)
    if destination_number:
        conditions.append(messages.c.destination_number == destination_number)
    if status:
        conditions.append(messages.c.status == status)
    query = (
        select(messages)
        .where(*conditions)
        .order_by(messages.c.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return records(tx.execute(query).mappings(), Message)


def recently_sent(
    tx: Transaction, account_id: str, numbers: Collection[str], since: datetime
) -> set[tuple[str, str]]:
    """(destination, content) of the account's messages to `numbers` after `since`, leaving
    out those withheld as duplicates; those `insert`ed or gathered earlier in `tx` are among
    them."""
    insert_gathered(tx)
    parameters = {"account_id": account_id, "numbers": list(numbers), "since": since}
    return {(row[0], row[1]) for row in tx.execute(_RECENTLY_SENT, parameters)}


def latest_to(tx: Transaction, number: str, account_number: str | None = None) -> Message | None:
    """The most recent message of any account to `number` (from `account_number`, if given)."""
    conditions = [messages.c.destination_number == number]
    if account_number:
        conditions.append(messages.c.source_number == account_number)
    query = select(messages).where(*conditions).order_by(messages.c.seq.desc()).limit(1)
    return record(tx.execute(query).mappings().first(), Message)


def of_any_account(tx: Transaction, message_id: str) -> Message | None:
    """The message of this ID, whichever account sent it."""
    query = select(messages).where(messages.c.id == message_id)
    return record(tx.execute(query).mappings().first(), Message)


def with_new_reports(
    tx: Transaction, ids: Collection[str]
) -> list[tuple[Message, DeliveryReport | None]]:
    """The messages, each with the report of the status it has just reached, if any."""
    query = select(messages).where(messages.c.id.in_(list(ids)))
    found = records(tx.execute(query).mappings(), Message)
    reports_query = (
        select(delivery_reports)
        .join(messages, messages.c.id == delivery_reports.c.message_id)
        .where(
            delivery_reports.c.message_id.in_(list(ids)),
            delivery_reports.c.status == messages.c.status,
            delivery_reports.c.date_received == messages.c.updated_at,
        )
    )
    reports = {
        report["message_id"]: report
        for report in records(tx.execute(reports_query).mappings(), DeliveryReport)
    }
    return [(message, reports.get(message["id"])) for message in found]


def apply_transitions(tx: Transaction, planned: Planned) -> None:
    """Store new statuses with the reports, replies and webhooks they cause.

    Each change holds `change_id`, `change_status`, `change_error_code`, `change_at` and
    `change_next_at` (the names must differ from the columns they set).
    """
    if planned.changes:
        statement = (
            update(messages)
            .where(messages.c.id == bindparam("change_id"))
            .values(
                status=bindparam("change_status"),
                error_code=bindparam("change_error_code"),
                updated_at=bindparam("change_at"),
                next_transition_at=bindparam("change_next_at"),
            )
        )
        tx.execute(statement, planned.changes)
    for table, rows in (
        (delivery_reports, planned.reports),
        (replies, planned.replies),
        (webhooks, planned.webhooks),
    ):
        if rows:
            tx.execute(insert_rows(table), rows)
    append_events(tx, _transition_events(tx, planned))


def next_transition_time(tx: Transaction) -> datetime | None:
    """When the earliest pending message transition is due."""
    return cast(
        datetime | None, tx.execute(select(func.min(messages.c.next_transition_at))).scalar()
    )


def _accepted(message: Message) -> NewEvent:
    return new_event(
        MESSAGE_ACCEPTED,
        message["created_at"],
        message["account_id"],
        message["id"],
        message["destination_number"],
        status=message["status"],
    )


def _transition_events(connection: Connection, planned: Planned) -> list[NewEvent]:
    """Status changes, then the reports and replies they made, for the change log."""
    ids = {change["change_id"] for change in planned.changes}
    ids.update(report["message_id"] for report in planned.reports)
    identities = {}
    if ids:
        query = select(messages.c.id, messages.c.account_id, messages.c.destination_number)
        for row in connection.execute(query.where(messages.c.id.in_(ids))):
            identities[row.id] = (row.account_id, row.destination_number)
    found: list[NewEvent] = []
    for change in planned.changes:
        account_id, number = identities.get(change["change_id"], (None, None))
        found.append(
            new_event(
                STATUS_CHANGED,
                change["change_at"],
                account_id,
                change["change_id"],
                number,
                status=change["change_status"],
                error_code=change["change_error_code"],
            )
        )
    for report in planned.reports:
        number = identities.get(report["message_id"], (None, None))[1]
        found.append(
            new_event(
                DELIVERY_REPORT,
                report["date_received"],
                report["account_id"],
                report["message_id"],
                number,
                status=report["status"],
                error_code=report["error_code"],
                report_id=report["id"],
            )
        )
    found.extend(reply_event(reply) for reply in planned.replies)
    return found
