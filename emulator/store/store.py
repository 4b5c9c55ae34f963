"""The Store: every query the emulator needs, committed before it returns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from emulator.store.base import StoreBase
from emulator.store.inbox import InboxQueries
from emulator.store.messages import MessageQueries
from emulator.store.tables import delivery_reports, messages, replies, webhooks
from emulator.store.webhooks import WebhookQueries

_CHILD_TABLES = (delivery_reports, replies, webhooks)


class Store(MessageQueries, InboxQueries, WebhookQueries, StoreBase):
    """The emulator's truth: messages, delivery reports, replies and webhook deliveries."""

    def clear(self) -> None:
        """Delete every message, delivery report, reply and webhook delivery."""
        with self.transaction() as connection:
            for table in (*_CHILD_TABLES, messages):
                connection.execute(delete(table))

    def purge_created_before(self, cutoff: datetime) -> None:
        """Delete messages accepted before `cutoff`, with everything that belongs to them."""
        old = select(messages.c.id).where(messages.c.created_at < cutoff)
        with self.transaction() as connection:
            for table in _CHILD_TABLES:
                connection.execute(delete(table).where(table.c.message_id.in_(old)))
            connection.execute(delete(replies).where(replies.c.date_received < cutoff))
            connection.execute(delete(messages).where(messages.c.created_at < cutoff))
