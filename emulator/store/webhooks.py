"""Queries on webhook deliveries: what is due, recording attempts, listing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import bindparam, select, update

from emulator.domain.records import WebhookDelivery
from emulator.store.base import StoreBase, as_records
from emulator.store.tables import webhooks


class WebhookQueries(StoreBase):
    """Queries the Store gathers; each commits before it returns."""

    def due_webhooks(
        self,
        now: datetime,
        limit: int,
        skip_ids: Collection[str] = (),
        skip_receivers: Collection[str] = (),
    ) -> list[WebhookDelivery]:
        """Pending deliveries due at or before `now`, earliest first, except the given ones."""
        query = (
            select(webhooks)
            .where(
                webhooks.c.next_attempt_at <= now,
                webhooks.c.id.not_in(list(skip_ids)),
                webhooks.c.receiver.not_in(list(skip_receivers)),
            )
            .order_by(webhooks.c.next_attempt_at, webhooks.c.seq)
            .limit(limit)
        )
        with self.transaction() as connection:
            return as_records(connection.execute(query).mappings())

    def record_webhook_attempts(self, results: list[dict]) -> None:
        """Store attempts in one transaction; each result holds `webhook_id`, `new_attempts`,
        `new_state` and `new_next_attempt_at` (names that differ from the columns they set)."""
        statement = (
            update(webhooks)
            .where(webhooks.c.id == bindparam("webhook_id"))
            .values(
                attempts=bindparam("new_attempts"),
                state=bindparam("new_state"),
                next_attempt_at=bindparam("new_next_attempt_at"),
            )
        )
        with self.transaction() as connection:
            connection.execute(statement, results)

    def list_webhooks(
        self, message_id: str | None = None, limit: int | None = None
    ) -> list[WebhookDelivery]:
        """Webhook deliveries, newest first."""
        conditions = [webhooks.c.message_id == message_id] if message_id else []
        query = select(webhooks).where(*conditions).order_by(webhooks.c.seq.desc()).limit(limit)
        with self.transaction() as connection:
            return as_records(connection.execute(query).mappings())
