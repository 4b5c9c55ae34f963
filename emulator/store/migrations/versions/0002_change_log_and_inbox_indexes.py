"""The change log (`events`) and the indexes the web inbox and webhook listing need.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("account_id", sa.String(100)),
        sa.Column("message_id", sa.String(36)),
        sa.Column("number", sa.String(32)),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_at", "events", ["at"])
    # With the time and seq, the web inbox finds a handset's latest message in one probe.
    op.drop_index("ix_messages_destination", "messages")
    op.create_index(
        "ix_messages_destination", "messages", ["destination_number", "created_at", "seq"]
    )
    op.create_index("ix_reports_message", "delivery_reports", ["message_id"])
    op.create_index("ix_replies_source", "replies", ["source_number", "date_received", "seq"])
    op.create_index("ix_replies_account", "replies", ["account_id", "date_received"])
    op.create_index("ix_replies_message", "replies", ["message_id"])
    op.create_index("ix_webhooks_message", "webhooks", ["message_id"])
    op.create_index("ix_webhooks_state", "webhooks", ["state", "seq"])


def downgrade() -> None:
    for name, table in (
        ("ix_webhooks_state", "webhooks"),
        ("ix_webhooks_message", "webhooks"),
        ("ix_replies_message", "replies"),
        ("ix_replies_account", "replies"),
        ("ix_replies_source", "replies"),
        ("ix_reports_message", "delivery_reports"),
        ("ix_messages_destination", "messages"),
    ):
        op.drop_index(name, table)
    op.create_index("ix_messages_destination", "messages", ["destination_number"])
    op.drop_table("events")
