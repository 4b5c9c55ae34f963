"""The clock shared by every process on a store, and claims on webhook deliveries so that each
attempt is made by one process.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    clock = op.create_table(
        "clock",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("offset_microseconds", sa.BigInteger, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("advancing_until", sa.DateTime),
        sa.Column("advance_token", sa.String(36)),
    )
    op.bulk_insert(clock, [{"id": 1, "offset_microseconds": 0, "generation": 0}])
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(sa.Column("claimed_until", sa.DateTime))
        batch.add_column(sa.Column("claim_token", sa.String(36)))


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("claim_token")
        batch.drop_column("claimed_until")
    op.drop_table("clock")
