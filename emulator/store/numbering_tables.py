"""The tables of dedicated number assignments and sender addresses: which numbers and sender IDs
each account registered through the API, the truth the source-number check reads."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text

from emulator.store.tables import UtcDateTime, metadata

# A number of the pool taken by an account; a number has one row at most (it is released by
# deleting the row).
dedicated_number_assignments = Table(
    "dedicated_number_assignments",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("number_id", String(36), nullable=False, unique=True),
    Column("phone_number", String(32), nullable=False),
    Column("account_id", String(100), nullable=False),
    Column("label", Text),
    Column("metadata", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_dedicated_number_assignments_account", "account_id"),
)

# A sender address request and the address it becomes. An alpha tag is OPEN until
# `reviewed_at`, then has its `verdict` (the change log says so once `review_announced`); an
# own number is PENDING until its code is given
# (`code`, valid until `code_expires_at`, `code_tries` wrong answers so far), APPROVED until
# `expires_at`, or REJECTED.
sender_addresses = Table(
    "sender_addresses",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("sender_address", String(32), nullable=False),
    Column("sender_address_type", String(20), nullable=False),
    Column("usage_type", String(20), nullable=False),
    Column("destination_countries", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("label", Text),
    Column("status", String(20), nullable=False),
    Column("reviewed_at", UtcDateTime),
    Column("verdict", String(20)),
    Column("review_announced", Boolean, nullable=False),
    Column("code", String(6)),
    Column("code_expires_at", UtcDateTime),
    Column("code_tries", Integer, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_sender_addresses_account", "account_id", "sender_address"),
    Index("ix_sender_addresses_review", "review_announced", "reviewed_at"),
)
