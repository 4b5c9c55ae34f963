"""Account webhooks (the Webhooks Management API), signature keys, and what a webhook delivery
needs to follow an account webhook: its method, headers, template and retry settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(sa.Column("account_webhook_id", sa.String(36)))
        # Deliveries made before: JSON POSTs with the server's settings.
        batch.add_column(sa.Column("method", sa.String(10), nullable=False, server_default="POST"))
        batch.add_column(sa.Column("headers", sa.JSON, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("content_type", sa.String(100)))
        batch.add_column(sa.Column("template", sa.Text))
        batch.add_column(sa.Column("body", sa.Text))
        batch.add_column(sa.Column("timeout_seconds", sa.Float))
        batch.add_column(sa.Column("max_attempts", sa.Integer))
        batch.add_column(sa.Column("retry_delay_seconds", sa.Float))
    op.execute("UPDATE webhooks SET content_type = 'application/json'")

    op.create_table(
        "account_webhooks",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("encoding", sa.String(20), nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("read_timeout", sa.Integer, nullable=False),
        sa.Column("retries", sa.Integer, nullable=False),
        sa.Column("retry_delay", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_account_webhooks_account", "account_webhooks", ["account_id", "seq"])

    op.create_table(
        "signature_keys",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("digest", sa.String(10), nullable=False),
        sa.Column("cipher", sa.String(10), nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("private_key", sa.Text, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_signature_keys_account", "signature_keys", ["account_id", "enabled"])


def downgrade() -> None:
    op.drop_table("signature_keys")
    op.drop_table("account_webhooks")
    with op.batch_alter_table("webhooks") as batch:
        for name in (
            "retry_delay_seconds",
            "max_attempts",
            "timeout_seconds",
            "body",
            "template",
            "content_type",
            "headers",
            "method",
            "account_webhook_id",
        ):
            batch.drop_column(name)
