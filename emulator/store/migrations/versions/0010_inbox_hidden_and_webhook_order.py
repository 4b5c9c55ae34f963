"""The web inbox: the messages and replies removed from it with their handset, and an index that
lists webhook deliveries newest first by the time they were made.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_hidden",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("item_id", sa.String(36), nullable=False),
    )
    op.create_index("ix_inbox_hidden_item", "inbox_hidden", ["item_id", "kind"])
    op.create_index("ix_webhooks_created", "webhooks", ["created_at", "seq"])


def downgrade() -> None:
    op.drop_index("ix_webhooks_created", "webhooks")
    op.drop_table("inbox_hidden")
