"""Emptying the store (a reset) and forgetting what is older than the retention period: the two
writes that delete across every table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from emulator.store.base import Transaction, changes_kept_state
from emulator.store.events import clear_events, trim_events
from emulator.store.inbox_tables import inbox_hidden
from emulator.store.numbering_tables import dedicated_number_assignments, sender_addresses
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
_CONFIGURATION_TABLES = (
    account_features,
    account_webhooks,
    signature_keys,
    blacklist,
    chaos_hits,
    chaos_rules,
    dedicated_number_assignments,
    sender_addresses,
    requested_reports,
    scheduled_reports,
    inbox_hidden,
)


def clear(tx: Transaction) -> None:
    """Delete every message, report, reply, webhook delivery, account webhook, signature key,
    blacklisted number, fault injection rule, dedicated number assignment, sender address,
    requested and scheduled report and handset hidden from the inbox, and every run-time
    feature change; the change log keeps only a `reset` event.

    `tx` must be a transaction that runs alone (`Store.transaction(alone=True)`): a writer
    beside it could add a report to a message it has just deleted.
    """
    changes_kept_state(tx)
    for table in (*_CHILD_TABLES, messages, *_CONFIGURATION_TABLES):
        tx.execute(delete(table))
    clear_events(tx)


def purge_created_before(tx: Transaction, cutoff: datetime) -> None:
    """Delete messages accepted before `cutoff`, with everything that belongs to them, and the
    replies and events older than it."""
    old = select(messages.c.id).where(messages.c.created_at < cutoff)
    for table in _CHILD_TABLES:
        tx.execute(delete(table).where(table.c.message_id.in_(old)))
    tx.execute(delete(replies).where(replies.c.date_received < cutoff))
    tx.execute(delete(messages).where(messages.c.created_at < cutoff))
    trim_events(tx, cutoff)
