"""The accounts' blacklists (the Number Authorisation API), filled with the opt-outs a store
already holds: a handset that replied STOP to an account is blocked from its first STOP on, as
it was when opt-outs were read from the replies.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blacklist",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("blocked_from", sa.DateTime, nullable=False),
        sa.Column("blocked_until", sa.DateTime),
    )
    op.create_index("ix_blacklist_account_number", "blacklist", ["account_id", "number"])
    # The word and the trimming the store matched opt-outs with until now.
    op.execute(
        """
        INSERT INTO blacklist (account_id, number, blocked_from)
        SELECT account_id, source_number, MIN(date_received)
        FROM replies
        WHERE UPPER(TRIM(content)) = 'STOP'
        GROUP BY account_id, source_number
        ORDER BY MIN(date_received)
        """
    )


def downgrade() -> None:
    op.drop_table("blacklist")
