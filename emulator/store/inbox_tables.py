"""The web inbox's own tables and indexes: the messages and replies a person removed from the
inbox (the API still serves them), and webhook deliveries in the order they were made."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from emulator.store.tables import metadata, webhooks

# A message (kind `message`) or reply (kind `reply`) removed from the inbox with its handset.
inbox_hidden = Table(
    "inbox_hidden",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),
    Column("item_id", String(36), nullable=False),
    Index("ix_inbox_hidden_item", "item_id", "kind"),
)

# The Webhooks page lists deliveries newest first by the time they were made.
Index("ix_webhooks_created", webhooks.c.created_at, webhooks.c.seq)
