"""The store: SQLAlchemy tables, the `Store` that owns the database and its transactions, and
the query functions of each feature, which take the open transaction first."""

from emulator.store import (
    account_features,
    account_webhooks,
    blacklist,
    chaos_rules,
    clock,
    dedicated_numbers,
    delivery_chaos,
    events,
    housekeeping,
    inbox,
    inbox_views,
    messages,
    sender_addresses,
    signature_keys,
    webhook_deliveries,
)
from emulator.store.base import Transaction, account_subject, take_turns
from emulator.store.group_commit import gather
from emulator.store.store import Store

__all__ = [
    "Store",
    "Transaction",
    "account_features",
    "account_subject",
    "account_webhooks",
    "blacklist",
    "chaos_rules",
    "clock",
    "dedicated_numbers",
    "delivery_chaos",
    "events",
    "gather",
    "housekeeping",
    "inbox",
    "inbox_views",
    "messages",
    "sender_addresses",
    "signature_keys",
    "take_turns",
    "webhook_deliveries",
]
