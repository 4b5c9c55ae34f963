"""The schema of release 0.1.0, the first one: messages, delivery reports, replies, webhook
deliveries and account feature changes.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messages",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("destination_number", sa.String(32), nullable=False),
        sa.Column("source_number", sa.String(32)),
        sa.Column("source_number_type", sa.String(20)),
        sa.Column("format", sa.String(3), nullable=False),
        sa.Column("delivery_report", sa.Boolean, nullable=False),
        sa.Column("callback_url", sa.Text),
        sa.Column("scheduled", sa.DateTime),
        sa.Column("message_expiry_timestamp", sa.DateTime),
        sa.Column("metadata", sa.JSON),
        sa.Column("media", sa.JSON),
        sa.Column("subject", sa.String(64)),
        sa.Column("billing_units", sa.Integer, nullable=False),
        sa.Column("sent_content", sa.Text),
        sa.Column("is_duplicate", sa.Boolean, nullable=False),
        sa.Column("error_code", sa.String(3)),
        sa.Column("outcome", sa.JSON, nullable=False),
        sa.Column("next_transition_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_messages_account_created", "messages", ["account_id", "created_at"])
    op.create_index("ix_messages_destination", "messages", ["destination_number"])
    op.create_index("ix_messages_due", "messages", ["next_transition_at"])

    op.create_table(
        "delivery_reports",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("message_id", sa.String(36), sa.ForeignKey("messages.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error_code", sa.String(3)),
        sa.Column("billing_units", sa.Integer, nullable=False),
        sa.Column("submitted_date", sa.DateTime, nullable=False),
        sa.Column("date_received", sa.DateTime, nullable=False),
        sa.Column("confirmed", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_reports_unconfirmed", "delivery_reports", ["account_id", "confirmed", "date_received"]
    )

    op.create_table(
        "replies",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("message_id", sa.String(36), sa.ForeignKey("messages.id")),
        sa.Column("source_number", sa.String(32), nullable=False),
        sa.Column("destination_number", sa.String(32)),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("metadata", sa.JSON),
        sa.Column("callback_url", sa.Text),
        sa.Column("attachments", sa.JSON),
        sa.Column("date_received", sa.DateTime, nullable=False),
        sa.Column("confirmed", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_replies_unconfirmed", "replies", ["account_id", "confirmed", "date_received"]
    )

    op.create_table(
        "webhooks",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("message_id", sa.String(36)),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("receiver", sa.String(300), nullable=False),
        sa.Column("event", sa.String(30), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.JSON, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_webhooks_due", "webhooks", ["next_attempt_at"])

    op.create_table(
        "account_features",
        sa.Column("account_id", sa.String(100), primary_key=True),
        sa.Column("features", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("account_features", "webhooks", "replies", "delivery_reports", "messages"):
        op.drop_table(table)
