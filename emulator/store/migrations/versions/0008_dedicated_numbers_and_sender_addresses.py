"""Dedicated number assignments and sender addresses, registered through the API.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedicated_number_assignments",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("number_id", sa.String(36), nullable=False, unique=True),
        sa.Column("phone_number", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index(
        "ix_dedicated_number_assignments_account", "dedicated_number_assignments", ["account_id"]
    )
    op.create_table(
        "sender_addresses",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("sender_address", sa.String(32), nullable=False),
        sa.Column("sender_address_type", sa.String(20), nullable=False),
        sa.Column("usage_type", sa.String(20), nullable=False),
        sa.Column("destination_countries", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reviewed_at", sa.DateTime),
        sa.Column("verdict", sa.String(20)),
        sa.Column("review_announced", sa.Boolean, nullable=False),
        sa.Column("code", sa.String(6)),
        sa.Column("code_expires_at", sa.DateTime),
        sa.Column("code_tries", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index(
        "ix_sender_addresses_account", "sender_addresses", ["account_id", "sender_address"]
    )
    op.create_index(
        "ix_sender_addresses_review", "sender_addresses", ["review_announced", "reviewed_at"]
    )


def downgrade() -> None:
    op.drop_table("sender_addresses")
    op.drop_table("dedicated_number_assignments")
