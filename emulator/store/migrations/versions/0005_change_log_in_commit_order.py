"""On PostgreSQL, number change-log events in the order their transactions commit.

A reader follows the log by cursor (`seq > after`). SQLite has one writer at a time, so numbers
are taken in commit order. PostgreSQL writers work side by side: one could take seq 10, another
seq 11 and commit first, and a reader would pass 10 before it is visible and never see it. Each
statement that inserts events first takes a lock held until its transaction ends, so a number
taken after another is committed after it. Nothing changes on SQLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Any constant: the key of the lock (the store's other locks use 4_770_215 and 4_770_216).
_LOCK = 4_770_217


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A statement-level BEFORE trigger runs before the statement takes any number.
    op.execute(
        f"""
        CREATE FUNCTION mm_events_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({_LOCK});
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER events_in_commit_order BEFORE INSERT ON events"
        " FOR EACH STATEMENT EXECUTE FUNCTION mm_events_in_commit_order()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER events_in_commit_order ON events")
    op.execute("DROP FUNCTION mm_events_in_commit_order()")
