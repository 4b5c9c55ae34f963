"""The Store: every query the emulator needs, committed before it returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select

from emulator.domain.records import Message, WebhookDelivery
from emulator.store import messages as stored_messages
from emulator.store import webhook_deliveries
from emulator.store.clock import ClockQueries
from emulator.store.events import (
    FEATURES_CHANGED,
    EventQueries,
    append_events,
    clear_events,
    new_event,
    trim_events,
)
from emulator.store.tables import (
    account_features,
    account_webhooks,
    blacklist,
    chaos_hits,
    chaos_rules,
    delivery_reports,
    messages,
    replies,
    requested_reports,
    scheduled_reports,
    signature_keys,
    webhooks,
)

_CHILD_TABLES = (delivery_reports, replies, webhooks)
# Built once: every send reads it.
_FEATURES = select(account_features.c.features).where(
    account_features.c.account_id == bindparam("account_id")
)


class Store(
    EventQueries,
    ClockQueries,
):
    """The emulator's truth: messages, delivery reports, replies and webhook deliveries, the
    accounts' webhooks, signature keys and blacklists, the fault injection rules, and the change
    log that follows them."""

    def clear(self) -> None:
        """Delete every message, report, reply, webhook delivery, account webhook, signature key,
        blacklisted number, fault injection rule, requested and scheduled report, and every
        run-time feature change; the change log keeps only a `reset` event."""
        configuration = (
            account_features,
            account_webhooks,
            signature_keys,
            blacklist,
            chaos_hits,
            chaos_rules,
            requested_reports,
            scheduled_reports,
        )
        # Alone: a writer beside it could add a report to a message it has just deleted.
        with self.transaction(alone=True) as connection:
            for table in (*_CHILD_TABLES, messages, *configuration):
                connection.execute(delete(table))
            clear_events(connection)

    def feature_changes(self, account_id: str) -> dict[str, Any]:
        """What was changed at run time of the account's features (kept: see `cached`)."""
        return self.cached(f"features {account_id}", lambda: self._read_features(account_id))

    def _read_features(self, account_id: str) -> dict[str, Any]:
        with self.reading() as connection:
            return connection.execute(_FEATURES, {"account_id": account_id}).scalar() or {}

    def save_feature_changes(self, account_id: str, features: dict[str, Any]) -> None:
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            connection.execute(
                delete(account_features).where(account_features.c.account_id == account_id)
            )
            connection.execute(
                insert(account_features), {"account_id": account_id, "features": features}
            )
            event = new_event(FEATURES_CHANGED, account_id=account_id, features=features)
            append_events(connection, [event])

    def find_message(self, account_id: str, message_id: str) -> Message | None:
        """The account's message of this ID."""
        with self.reading() as tx:
            return stored_messages.find(tx, account_id, message_id)

    def list_messages(
        self,
        message_id: str | None = None,
        account_id: str | None = None,
        destination_number: str | None = None,
        status: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Message]:
        """Messages of every account (or one), newest first: the control plane's
        GET /_emulator/messages."""
        with self.reading() as tx:
            return stored_messages.newest(
                tx, message_id, account_id, destination_number, status, limit, offset
            )

    def list_webhooks(
        self, message_id: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[WebhookDelivery]:
        """Webhook deliveries (of one message, when given), newest first: the control plane's
        GET /_emulator/webhooks."""
        with self.reading() as tx:
            return webhook_deliveries.newest(tx, message_id, limit, offset)

    def purge_created_before(self, cutoff: datetime) -> None:
        """Delete messages accepted before `cutoff`, with everything that belongs to them."""
        old = select(messages.c.id).where(messages.c.created_at < cutoff)
        with self.transaction() as connection:
            for table in _CHILD_TABLES:
                connection.execute(delete(table).where(table.c.message_id.in_(old)))
            connection.execute(delete(replies).where(replies.c.date_received < cutoff))
            connection.execute(delete(messages).where(messages.c.created_at < cutoff))
            trim_events(connection, cutoff)
