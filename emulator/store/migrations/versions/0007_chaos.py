"""Fault injection: the rules with their counters, the requests a rate limit let through, and
the faults injected into each webhook delivery.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chaos_rules",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("remaining", sa.Integer),
        sa.Column("matched", sa.Integer, nullable=False),
        sa.Column("fired", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "chaos_hits",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rule_id", sa.String(36), nullable=False),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_chaos_hits_rule", "chaos_hits", ["rule_id", "account_id", "at"])
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(sa.Column("chaos", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("chaos")
    op.drop_table("chaos_hits")
    op.drop_table("chaos_rules")
