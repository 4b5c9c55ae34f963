"""The change log: what happened, in order, for the web inbox and GET /_emulator/events.

Every store function that changes something a person may watch appends its events with
`append_events`, in its own transaction, so an event is seen exactly when its change is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypedDict, cast

from sqlalchemy import Connection, Integer, bindparam, delete, func, insert, select

from emulator.domain.records import Reply
from emulator.store.base import Transaction
from emulator.store.rows import fetch_rows
from emulator.store.tables import events

MESSAGE_ACCEPTED = "message_accepted"
STATUS_CHANGED = "status_changed"
DELIVERY_REPORT = "delivery_report"
REPLY = "reply"
WEBHOOK_ATTEMPT = "webhook_attempt"
FEATURES_CHANGED = "features_changed"
BLACKLIST_CHANGED = "blacklist_changed"
CHAOS = "chaos"
CHAOS_RULES_CHANGED = "chaos_rules_changed"
INBOX_CHANGED = "inbox_changed"
RESET = "reset"
KINDS = (
    MESSAGE_ACCEPTED,
    STATUS_CHANGED,
    DELIVERY_REPORT,
    REPLY,
    WEBHOOK_ATTEMPT,
    FEATURES_CHANGED,
    BLACKLIST_CHANGED,
    CHAOS,
    CHAOS_RULES_CHANGED,
    INBOX_CHANGED,
    RESET,
)
# Built once: SQLAlchemy then compiles it once per process.
_INSERT_EVENTS = insert(events)
_EVENTS_AFTER = (
    select(events)
    .where(events.c.seq > bindparam("after"))
    .order_by(events.c.seq)
    .limit(bindparam("limit", type_=Integer()))
)


class NewEvent(TypedDict):
    """An event before the store numbers it."""

    kind: str
    account_id: str | None
    message_id: str | None
    number: str | None
    at: datetime
    data: dict[str, Any]


class Event(NewEvent):
    """An event in the log; `seq` orders the log and never goes back."""

    seq: int


def new_event(
    kind: str,
    at: datetime | None = None,
    account_id: str | None = None,
    message_id: str | None = None,
    number: str | None = None,
    **data: Any,
) -> NewEvent:
    """An event of `kind`; `at` is when the change happened (now when not given)."""
    return {
        "kind": kind,
        "account_id": account_id,
        "message_id": message_id,
        "number": number,
        "at": at or datetime.now(UTC),
        "data": data,
    }


def reply_event(reply: Reply) -> NewEvent:
    """A handset's reply, at the time it is received."""
    return new_event(
        REPLY,
        reply["date_received"],
        reply["account_id"],
        reply["message_id"],
        reply["source_number"],
        reply_id=reply["id"],
    )


def append_events(connection: Connection, rows: Iterable[NewEvent]) -> None:
    """Add events to the log in the caller's transaction, in the order given."""
    rows = list(rows)
    if rows:
        connection.execute(_INSERT_EVENTS, rows)


def clear_events(connection: Connection) -> None:
    """Empty the log, leaving one `reset` event; numbering carries on where it was."""
    connection.execute(delete(events))
    append_events(connection, [new_event(RESET)])


def trim_events(connection: Connection, cutoff: datetime) -> None:
    """Forget events older than `cutoff`."""
    connection.execute(delete(events).where(events.c.at < cutoff))


def events_after(tx: Transaction, after: int, limit: int) -> list[Event]:
    """Up to `limit` events with a seq above `after`, oldest first."""
    return cast(list[Event], fetch_rows(tx, _EVENTS_AFTER, {"after": after, "limit": limit}))


def last_event_seq(tx: Transaction) -> int:
    """The seq of the newest event; 0 when the log is empty."""
    return tx.execute(select(func.max(events.c.seq))).scalar() or 0


class EventPage(TypedDict):
    """A page of the change log as its readers answer it: the events, the cursor to read on
    from, and the newest event's seq (how far behind the reader is)."""

    events: list[Event]
    next: int
    last_seq: int


def page_after(tx: Transaction, after: int, limit: int) -> EventPage:
    """Up to `limit` events after the cursor `after`, oldest first, with the cursor to pass next
    (`after` again when there is nothing new)."""
    found = events_after(tx, after, limit)
    cursor = found[-1]["seq"] if found else after
    return {"events": found, "next": cursor, "last_seq": last_event_seq(tx)}
