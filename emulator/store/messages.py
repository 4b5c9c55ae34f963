"""Queries on messages: insert, find, cancel, list, and the engine's due batches."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, insert, select, update

from emulator.domain.lifecycle import StepDelays
from emulator.domain.records import DeliveryReport, Message, Reply, WebhookDelivery
from emulator.domain.statuses import CANCELLED, SCHEDULED
from emulator.store.base import StoreBase, as_record, as_records, at_commit, run_at_commit
from emulator.store.events import (
    DELIVERY_REPORT,
    MESSAGE_ACCEPTED,
    STATUS_CHANGED,
    NewEvent,
    append_events,
    new_event,
    reply_event,
)
from emulator.store.tables import delivery_reports, messages, replies, webhooks
from emulator.store.transitions import Step, step_due_messages

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
_INSERT_MESSAGES = insert(messages)


@dataclass
class Planned:
    """What one batch of transitions writes: status changes and the rows they cause."""

    changes: list[dict] = field(default_factory=list)
    reports: list[DeliveryReport] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    webhooks: list[WebhookDelivery] = field(default_factory=list)


class MessageQueries(StoreBase):
    """Queries the Store gathers; each commits before it returns."""

    def insert_messages(self, rows: list[Message]) -> None:
        """Insert the messages as their transaction commits, with their events: the sends of a
        group commit are then one INSERT (see emulator.store.base.run_at_commit)."""
        with self.transaction() as connection:
            at_commit(connection, _INSERT_MESSAGES, list(rows))
            append_events(connection, (_accepted(row) for row in rows))

    def find_message(self, account_id: str, message_id: str) -> Message | None:
        parameters = {"message_id": message_id, "account_id": account_id}
        with self.reading() as connection:
            row = connection.execute(_FIND_MESSAGE, parameters).mappings().first()
        return as_record(row)

    def cancel_if_scheduled(self, account_id: str, message_id: str, at: datetime) -> bool:
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
        with self.transaction() as connection:
            if connection.execute(statement).rowcount != 1:
                return False
            number = connection.execute(
                select(messages.c.destination_number).where(messages.c.id == message_id)
            ).scalar()
            cancelled = new_event(
                STATUS_CHANGED, at, account_id, message_id, number, status=CANCELLED
            )
            append_events(connection, [cancelled])
            return True

    def list_messages(
        self,
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
        with self.reading() as connection:
            return as_records(connection.execute(query).mappings())

    def recently_sent(
        self, account_id: str, numbers: Collection[str], since: datetime
    ) -> set[tuple[str, str]]:
        """(destination, content) of the account's messages to `numbers` after `since`,
        leaving out those withheld as duplicates."""
        parameters = {"account_id": account_id, "numbers": list(numbers), "since": since}
        with self.reading() as connection:
            # Messages inserted earlier in this transaction are among them.
            run_at_commit(connection)
            return {(row[0], row[1]) for row in connection.execute(_RECENTLY_SENT, parameters)}

    def latest_message_to(self, number: str, account_number: str | None = None) -> Message | None:
        """The most recent message of any account to `number` (from `account_number`, if given)."""
        conditions = [messages.c.destination_number == number]
        if account_number:
            conditions.append(messages.c.source_number == account_number)
        query = select(messages).where(*conditions).order_by(messages.c.seq.desc()).limit(1)
        with self.reading() as connection:
            row = connection.execute(query).mappings().first()
        return as_record(row)

    def message_by_id(self, message_id: str) -> Message | None:
        """A message of any account."""
        with self.reading() as connection:
            result = connection.execute(select(messages).where(messages.c.id == message_id))
            return as_record(result.mappings().first())

    def step_due_messages(
        self, connection: Connection, now: datetime, limit: int, delays: StepDelays
    ) -> Step:
        """Move up to `limit` messages due by `now` one step, with their reports, in the
        caller's transaction (see emulator.store.transitions)."""
        return step_due_messages(connection, now, limit, delays, self.engine.dialect.name)

    def messages_with_new_reports(
        self, connection: Connection, ids: Collection[str]
    ) -> list[tuple[Message, DeliveryReport | None]]:
        """The messages, each with the report of the status it has just reached, if any."""
        found = as_records(
            connection.execute(select(messages).where(messages.c.id.in_(list(ids)))).mappings()
        )
        query = (
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
            for report in as_records(connection.execute(query).mappings())
        }
        return [(message, reports.get(message["id"])) for message in found]

    def apply_transitions(self, connection: Connection, planned: Planned) -> None:
        """Store new statuses with the reports, replies and webhooks they cause, in the caller's
        transaction.

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
            connection.execute(statement, planned.changes)
        for table, rows in (
            (delivery_reports, planned.reports),
            (replies, planned.replies),
            (webhooks, planned.webhooks),
        ):
            if rows:
                connection.execute(insert(table), rows)
        append_events(connection, _transition_events(connection, planned))

    def next_transition_time(self) -> datetime | None:
        """When the earliest pending message transition is due."""
        with self.reading() as connection:
            return connection.execute(select(func.min(messages.c.next_transition_at))).scalar()


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
