"""Queries on delivery reports and replies: insert, the oldest unconfirmed, confirm."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, insert, select, update

from emulator.domain.records import DeliveryReport, Reply, ReportedMessage, WebhookDelivery
from emulator.store.base import StoreBase, as_records
from emulator.store.events import append_events, reply_event
from emulator.store.tables import delivery_reports, messages, replies, webhooks

PAGE_SIZE = 100


class InboxQueries(StoreBase):
    """Queries the Store gathers; each commits before it returns."""

    def unconfirmed_delivery_reports(
        self, account_id: str, received_after: datetime
    ) -> list[tuple[DeliveryReport, ReportedMessage]]:
        """The oldest unconfirmed reports of the account, each with its message's fields."""
        message = messages.alias("message")
        reported = [getattr(message.c, name) for name in ReportedMessage.__annotations__]
        query = (
            select(delivery_reports, *reported)
            .join(message, message.c.id == delivery_reports.c.message_id)
            .where(_unconfirmed(delivery_reports, account_id, received_after))
            .order_by(delivery_reports.c.date_received, delivery_reports.c.seq)
            .limit(PAGE_SIZE)
        )
        report_columns = [column.name for column in delivery_reports.columns]
        with self.reading() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            (
                cast(DeliveryReport, {name: row[name] for name in report_columns}),
                cast(
                    ReportedMessage, {name: row[name] for name in ReportedMessage.__annotations__}
                ),
            )
            for row in rows
        ]

    def unconfirmed_replies(
        self, account_id: str, received_after: datetime, now: datetime
    ) -> list[Reply]:
        """The oldest unconfirmed replies of the account received by `now`."""
        query = (
            select(replies)
            .where(
                _unconfirmed(replies, account_id, received_after), replies.c.date_received <= now
            )
            .order_by(replies.c.date_received, replies.c.seq)
            .limit(PAGE_SIZE)
        )
        with self.reading() as connection:
            return as_records(connection.execute(query).mappings())

    def insert_reply_and_webhooks(self, reply: Reply, hooks: list[WebhookDelivery]) -> None:
        """Store a reply with the webhook deliveries that announce it, in one transaction."""
        with self.transaction() as connection:
            connection.execute(insert(replies), reply)
            if hooks:
                connection.execute(insert(webhooks), hooks)
            append_events(connection, [reply_event(reply)])

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


def _unconfirmed(table: Table, account_id: str, received_after: datetime):
    return and_(
        table.c.account_id == account_id,
        table.c.confirmed.is_(False),
        table.c.date_received > received_after,
    )
