"""The Reporting API's asynchronous reports and scheduled reports.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requested_reports",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("report_type", sa.String(10), nullable=False),
        sa.Column("report_name", sa.String(200), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("file_content", sa.Text, nullable=False),
        sa.Column("download_secret", sa.String(64), nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("ready_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_requested_reports_account", "requested_reports", ["account_id", "seq"])
    op.create_table(
        "scheduled_reports",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(100), nullable=False),
        sa.Column("report_type", sa.String(10), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("schedule", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.Column("metadata", sa.JSON),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_scheduled_reports_account", "scheduled_reports", ["account_id", "seq"])


def downgrade() -> None:
    op.drop_table("scheduled_reports")
    op.drop_table("requested_reports")
