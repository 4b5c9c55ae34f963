"""Queries on webhook deliveries: what is due, recording attempts, listing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, update

from emulator.domain.records import WebhookDelivery
from emulator.store.base import StoreBase, as_records
from emulator.store.events import WEBHOOK_ATTEMPT, NewEvent, append_events, new_event
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
        `new_state`, `new_next_attempt_at` and `new_body` (names that differ from the columns
        they set)."""
        statement = (
            update(webhooks)
            .where(webhooks.c.id == bindparam("webhook_id"))
            .values(
                attempts=bindparam("new_attempts"),
                state=bindparam("new_state"),
                next_attempt_at=bindparam("new_next_attempt_at"),
                body=bindparam("new_body"),
            )
        )
        with self.transaction() as connection:
            connection.execute(statement, results)
            append_events(connection, _attempt_events(connection, results))

    def list_webhooks(
        self, message_id: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[WebhookDelivery]:
        """Webhook deliveries, newest first."""
        conditions = [webhooks.c.message_id == message_id] if message_id else []
        query = (
            select(webhooks)
            .where(*conditions)
            .order_by(webhooks.c.seq.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.transaction() as connection:
            return as_records(connection.execute(query).mappings())


def _attempt_events(connection: Connection, results: list[dict]) -> list[NewEvent]:
    """One event per attempt, naming the handset the notification is about."""
    ids = [result["webhook_id"] for result in results]
    query = select(
        webhooks.c.id,
        webhooks.c.account_id,
        webhooks.c.message_id,
        webhooks.c.event,
        webhooks.c.payload,
    ).where(webhooks.c.id.in_(ids))
    hooks = {row.id: row for row in connection.execute(query)}
    found = []
    for result in results:
        hook = hooks.get(result["webhook_id"])
        if hook is None:
            continue
        attempt = result["new_attempts"][-1]
        found.append(
            new_event(
                WEBHOOK_ATTEMPT,
                datetime.fromisoformat(attempt["at"]),
                hook.account_id,
                hook.message_id,
                # A template's variables name the handset sourceAddress.
                hook.payload.get("source_number") or hook.payload.get("sourceAddress"),
                webhook_id=hook.id,
                event=hook.event,
                attempt=len(result["new_attempts"]),
                status_code=attempt.get("status_code"),
                error=attempt.get("error"),
                state=result["new_state"],
            )
        )
    return found
