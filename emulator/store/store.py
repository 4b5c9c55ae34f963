"""The queries the rest of the emulator needs, over the tables in `tables.py`."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Table, and_, delete, insert, select, update

from emulator.store.database import create_database_engine
from emulator.store.tables import delivery_reports, messages, metadata, replies

PAGE_SIZE = 100


class Store:
    """The emulator's truth: every query goes through here, committed before it returns."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        # SQLite has one writer at a time; serialising here avoids "database is locked" retries.
        self._lock = threading.RLock() if url.startswith("sqlite") else None
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection whose work is committed when the block ends without an error."""
        if self._lock is None:
            with self.engine.begin() as connection:
                yield connection
            return
        with self._lock, self.engine.begin() as connection:
            yield connection

    # Messages

    def insert_messages(self, rows: list[dict]) -> None:
        with self.transaction() as connection:
            connection.execute(insert(messages), rows)

    def find_message(self, account_id: str, message_id: str) -> dict | None:
        query = select(messages).where(
            messages.c.id == message_id, messages.c.account_id == account_id
        )
        with self.transaction() as connection:
            row = connection.execute(query).mappings().first()
        return dict(row) if row else None

    def change_status_if(
        self, account_id: str, message_id: str, expected: str, new: str, at: datetime
    ) -> bool:
        """Set `new` status only if the message is still `expected`; True when it changed."""
        statement = (
            update(messages)
            .where(
                messages.c.id == message_id,
                messages.c.account_id == account_id,
                messages.c.status == expected,
            )
            .values(status=new, updated_at=at)
        )
        with self.transaction() as connection:
            return connection.execute(statement).rowcount == 1

    def list_messages(
        self,
        account_id: str | None = None,
        destination_number: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[dict]:
        """Messages of every account (or one), newest first."""
        conditions = []
        if account_id:
            conditions.append(messages.c.account_id == account_id)
        if destination_number:
            conditions.append(messages.c.destination_number == destination_number)
        if status:
            conditions.append(messages.c.status == status)
        query = select(messages).where(*conditions).order_by(messages.c.seq.desc()).limit(limit)
        with self.transaction() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    # Delivery reports and replies

    def insert_delivery_report(self, row: dict) -> None:
        with self.transaction() as connection:
            connection.execute(insert(delivery_reports), row)

    def insert_reply(self, row: dict) -> None:
        with self.transaction() as connection:
            connection.execute(insert(replies), row)

    def unconfirmed_delivery_reports(self, account_id: str, received_after: datetime) -> list[dict]:
        """The oldest unconfirmed reports of the account, each with its message's fields."""
        message = messages.alias("message")
        query = (
            select(
                delivery_reports,
                message.c.destination_number,
                message.c.content.label("original_text"),
                message.c.callback_url,
                message.c.metadata,
            )
            .join(message, message.c.id == delivery_reports.c.message_id)
            .where(_unconfirmed(delivery_reports, account_id, received_after))
            .order_by(delivery_reports.c.date_received, delivery_reports.c.seq)
            .limit(PAGE_SIZE)
        )
        with self.transaction() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def unconfirmed_replies(self, account_id: str, received_after: datetime) -> list[dict]:
        """The oldest unconfirmed replies of the account."""
        query = (
            select(replies)
            .where(_unconfirmed(replies, account_id, received_after))
            .order_by(replies.c.date_received, replies.c.seq)
            .limit(PAGE_SIZE)
        )
        with self.transaction() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def confirm_delivery_reports(self, account_id: str, ids: Iterable[str]) -> None:
        self._confirm(delivery_reports, account_id, ids)

    def confirm_replies(self, account_id: str, ids: Iterable[str]) -> None:
        self._confirm(replies, account_id, ids)

    def _confirm(self, table: Table, account_id: str, ids: Iterable[str]) -> None:
        statement = (
            update(table)
            .where(table.c.account_id == account_id, table.c.id.in_(list(ids)))
            .values(confirmed=True)
        )
        with self.transaction() as connection:
            connection.execute(statement)

    # Maintenance

    def clear(self) -> None:
        """Delete every message, delivery report and reply."""
        with self.transaction() as connection:
            for table in (delivery_reports, replies, messages):
                connection.execute(delete(table))


def _unconfirmed(table: Table, account_id: str, received_after: datetime):
    return and_(
        table.c.account_id == account_id,
        table.c.confirmed.is_(False),
        table.c.date_received > received_after,
    )
