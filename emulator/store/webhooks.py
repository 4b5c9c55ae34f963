"""Queries on webhook deliveries: what is due, recording attempts, listing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update

from emulator.store.tables import webhooks


class WebhookQueries:
    """Mixed into Store; uses its `transaction()`."""

    def due_webhooks(self, now: datetime, limit: int, skip: Collection[str] = ()) -> list[dict]:
        """Pending deliveries due at or before `now`, earliest first, except those in `skip`."""
        query = (
            select(webhooks)
            .where(webhooks.c.next_attempt_at <= now)
            .order_by(webhooks.c.next_attempt_at, webhooks.c.seq)
            .limit(limit + len(skip))
        )
        with self.transaction() as connection:
            rows = [dict(row) for row in connection.execute(query).mappings()]
        return [row for row in rows if row["id"] not in skip][:limit]

    def record_webhook_attempt(
        self, webhook_id: str, attempts: list[dict], state: str, next_attempt_at: datetime | None
    ) -> None:
        statement = (
            update(webhooks)
            .where(webhooks.c.id == webhook_id)
            .values(attempts=attempts, state=state, next_attempt_at=next_attempt_at)
        )
        with self.transaction() as connection:
            connection.execute(statement)

    def list_webhooks(self, message_id: str | None = None, limit: int | None = None) -> list[dict]:
        """Webhook deliveries, newest first."""
        conditions = [webhooks.c.message_id == message_id] if message_id else []
        query = select(webhooks).where(*conditions).order_by(webhooks.c.seq.desc()).limit(limit)
        with self.transaction() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]
