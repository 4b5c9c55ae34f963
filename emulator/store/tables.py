"""The SQLAlchemy tables that hold every message, delivery report, reply and webhook delivery, the
accounts' webhooks, signature keys and blacklists, the fault injection rules, and the change log
that follows them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect


class UtcDateTime(TypeDecorator[Any]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the database keeps."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        # SQLite keeps the text SQLAlchemy wrote, in UTC: parsed with the offset added, it is
        # the aware value at once, a microsecond less per value read than the dialect's parse
        # followed by process_result_value.
        if dialect.name == "sqlite":
            return _utc_from_sqlite_text
        return super().result_processor(dialect, coltype)


def _utc_from_sqlite_text(value: str | None) -> datetime | None:
    """`2017-05-20 06:30:37.642000` as stored by SQLite, as an aware UTC datetime."""
    return None if value is None else datetime.fromisoformat(value + "+00:00")


metadata = MetaData()

messages = Table(
    "messages",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("content", Text, nullable=False),
    Column("destination_number", String(32), nullable=False),
    Column("source_number", String(32)),
    Column("source_number_type", String(20)),
    Column("format", String(3), nullable=False),
    Column("delivery_report", Boolean, nullable=False),
    Column("callback_url", Text),
    Column("scheduled", UtcDateTime),
    Column("message_expiry_timestamp", UtcDateTime),
    Column("metadata", JSON),
    Column("media", JSON),
    Column("subject", String(64)),
    Column("billing_units", Integer, nullable=False, default=1),
    # The content as handed to the carrier, when the character converter changed it.
    Column("sent_content", Text),
    # Withheld by de-duplication: later messages are not compared with it.
    Column("is_duplicate", Boolean, nullable=False, default=False),
    Column("error_code", String(3)),
    # How the message will end ({"status", "error_code", "delays"}), fixed when it is accepted.
    Column("outcome", JSON, nullable=False, default=dict),
    # When the engine moves it next; NULL once it has reached a final status.
    Column("next_transition_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_messages_account_created", "account_id", "created_at"),
    # With the time and seq, the web inbox finds a handset's latest message in one probe.
    Index("ix_messages_destination", "destination_number", "created_at", "seq"),
    Index("ix_messages_due", "next_transition_at"),
)

delivery_reports = Table(
    "delivery_reports",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("message_id", String(36), ForeignKey("messages.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("error_code", String(3)),
    Column("billing_units", Integer, nullable=False, default=1),
    Column("submitted_date", UtcDateTime, nullable=False),
    Column("date_received", UtcDateTime, nullable=False),
    Column("confirmed", Boolean, nullable=False, default=False),
    Index("ix_reports_unconfirmed", "account_id", "confirmed", "date_received"),
    Index("ix_reports_message", "message_id"),
)

replies = Table(
    "replies",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("message_id", String(36), ForeignKey("messages.id")),
    Column("source_number", String(32), nullable=False),
    Column("destination_number", String(32)),
    Column("content", Text, nullable=False),
    Column("metadata", JSON),
    Column("callback_url", Text),
    Column("attachments", JSON),
    Column("date_received", UtcDateTime, nullable=False),
    Column("confirmed", Boolean, nullable=False, default=False),
    Index("ix_replies_unconfirmed", "account_id", "confirmed", "date_received"),
    Index("ix_replies_source", "source_number", "date_received", "seq"),
    Index("ix_replies_account", "account_id", "date_received"),
    Index("ix_replies_message", "message_id"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("message_id", String(36)),
    Column("url", Text, nullable=False),
    # The URL's host and port, so a busy receiver can be passed over in one query.
    Column("receiver", String(300), nullable=False),
    Column("event", String(30), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("state", String(10), nullable=False),
    Column("attempts", JSON, nullable=False, default=list),
    # When the next attempt is due; NULL once delivered or failed.
    Column("next_attempt_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    # The account webhook that made it; NULL for a message's callback_url.
    Column("account_webhook_id", String(36)),
    Column("method", String(10), nullable=False, default="POST"),
    Column("headers", JSON, nullable=False, default=dict),
    Column("content_type", String(100)),
    # A Velocity template rendered with the payload at each attempt; NULL: the payload as JSON.
    Column("template", Text),
    # What the template rendered for the latest attempt.
    Column("body", Text),
    # NULL: the server's settings (timeout, attempts, exponential backoff with jitter).
    Column("timeout_seconds", Float),
    Column("max_attempts", Integer),
    Column("retry_delay_seconds", Float),
    # A process attempting the delivery holds it until then (real time); once that has passed,
    # as when the process died, any process may attempt it.
    Column("claimed_until", UtcDateTime),
    # Which claim holds it: only that claim's result is recorded.
    Column("claim_token", String(36)),
    # The faults injected into it (emulator.engine.delivery_chaos), decided before its first
    # attempt.
    Column("chaos", JSON),
    Index("ix_webhooks_due", "next_attempt_at"),
    Index("ix_webhooks_message", "message_id"),
    Index("ix_webhooks_state", "state", "seq"),
)

# Webhooks of the Webhooks Management API (the `webhooks` table holds deliveries).
account_webhooks = Table(
    "account_webhooks",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("url", Text, nullable=False),
    Column("method", String(10), nullable=False),
    Column("encoding", String(20), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("events", JSON, nullable=False),
    Column("template", Text, nullable=False),
    Column("read_timeout", Integer, nullable=False),
    Column("retries", Integer, nullable=False),
    Column("retry_delay", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_account_webhooks_account", "account_id", "seq"),
)

signature_keys = Table(
    "signature_keys",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("digest", String(10), nullable=False),
    Column("cipher", String(10), nullable=False),
    Column("public_key", Text, nullable=False),
    Column("private_key", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_signature_keys_account", "account_id", "enabled"),
)

# The emulator's time, one row shared by every process on the store: the offset added to real time,
# the generation each reset starts, and the lease of the clock advance under way, if any.
clock = Table(
    "clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("offset_microseconds", BigInteger, nullable=False),
    Column("generation", Integer, nullable=False),
    # Real time until which an advance holds the engine: periodic runs wait for it.
    Column("advancing_until", UtcDateTime),
    Column("advance_token", String(36)),
)
CLOCK_ROW = 1

account_features = Table(
    "account_features",
    metadata,
    Column("account_id", String(100), primary_key=True),
    # Only what was changed at run time; the fixtures hold the defaults.
    Column("features", JSON, nullable=False),
)

# The change log the web inbox and GET /_emulator/events follow by cursor: one row per change,
# appended in the transaction that makes it. `seq` never goes back, not even after a reset
# (SQLite's AUTOINCREMENT and PostgreSQL's sequences never reuse a number).
events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(30), nullable=False),
    Column("account_id", String(100)),
    Column("message_id", String(36)),
    # The handset the change concerns: the destination of a message, the sender of a reply.
    Column("number", String(32)),
    Column("at", UtcDateTime, nullable=False),
    Column("data", JSON, nullable=False, default=dict),
    Index("ix_events_at", "at"),
    sqlite_autoincrement=True,
)

# The numbers each account may not send to (the Number Authorisation API's blacklist), put there
# through the API or by a handset's opt-out keyword. A row blocks its number from `blocked_from`
# (a scripted handset's STOP is stored before it is received) until `blocked_until`, set when
# the number is removed or opts back in; NULL while it lasts.
blacklist = Table(
    "blacklist",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(100), nullable=False),
    Column("number", String(32), nullable=False),
    Column("blocked_from", UtcDateTime, nullable=False),
    Column("blocked_until", UtcDateTime),
    Index("ix_blacklist_account_number", "account_id", "number"),
)

# Fault injection rules (emulator.domain.chaos_rules), with the counters that decide when they fire.
chaos_rules = Table(
    "chaos_rules",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("side", String(10), nullable=False),
    # What it matches, its fault and how it fires, as given.
    Column("definition", JSON, nullable=False),
    Column("remaining", Integer),
    Column("matched", Integer, nullable=False, default=0),
    Column("fired", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
)

# The requests a rate-limit rule let through in its window, per account (real time, in seconds
# since the epoch: rate limits are about the real pace of a client).
chaos_hits = Table(
    "chaos_hits",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", String(36), nullable=False),
    Column("account_id", String(100), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_chaos_hits_rule", "rule_id", "account_id", "at"),
)

# The asynchronous reports (the Reporting API's async detail and summary reports) an account
# asked for: the file is made when it is asked for, and is ready to download once the emulator's
# clock reaches `ready_at`.
requested_reports = Table(
    "requested_reports",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("report_type", String(10), nullable=False),
    Column("report_name", String(200), nullable=False),
    Column("direction", String(10), nullable=False),
    # The request as given, for the report history.
    Column("request", JSON, nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("file_content", Text, nullable=False),
    # The secret that signs the report's download URLs.
    Column("download_secret", String(64), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("ready_at", UtcDateTime, nullable=False),
    Index("ix_requested_reports_account", "account_id", "seq"),
)

# The Reporting API's scheduled reports: stored as given, listed, changed and deleted.
scheduled_reports = Table(
    "scheduled_reports",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("account_id", String(100), nullable=False),
    Column("report_type", String(10), nullable=False),
    Column("label", Text, nullable=False),
    Column("schedule", JSON, nullable=False),
    Column("report", JSON, nullable=False),
    Column("metadata", JSON),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_scheduled_reports_account", "account_id", "seq"),
)
