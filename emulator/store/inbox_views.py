"""Queries of the web inbox: handsets by latest activity, a handset's conversation, deliveries.

Each page reads a bounded page through an index, so pages stay fast however much the store
holds; the totals count. Messages and replies removed from the inbox (`inbox_hidden`) are left
out of all of them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    UnaryExpression,
    exists,
    func,
    or_,
    select,
    tuple_,
    union,
)

from emulator.domain.records import DeliveryReport, Message, Reply, WebhookDelivery
from emulator.store.base import Transaction, records
from emulator.store.inbox_tables import inbox_hidden
from emulator.store.tables import delivery_reports, messages, replies, webhooks

MESSAGE, REPLY = "message", "reply"


class HandsetActivity(TypedDict):
    """A handset's latest message or reply, as the list of handsets shows it."""

    number: str
    at: datetime
    direction: str  # "out": a message to the handset; "in": a reply from it
    content: str
    account_id: str
    status: str | None


def latest_per_handset(
    tx: Transaction,
    account_ids: Collection[str] | None,
    search: str | None,
    offset: int,
    limit: int,
) -> list[HandsetActivity]:
    """Handsets by their latest message or reply (among those of the accounts, and matching
    `search` in the number or the text, when given), newest first.

    Each side is walked newest first and keeps a row only when no later row of the same
    handset exists: an index probe per row, with LIMIT, never a scan of every group.
    """
    wanted = offset + limit
    sent = tx.execute(_latest_messages(account_ids, search, wanted)).mappings()
    answered = tx.execute(_latest_replies(account_ids, search, wanted)).mappings()
    rows = [
        *(HandsetActivity(**row, direction="out") for row in sent),  # type: ignore[typeddict-item]
        *(HandsetActivity(**row, direction="in", status=None) for row in answered),  # type: ignore[typeddict-item]
    ]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[offset:wanted]


class HandsetTotals(TypedDict):
    """How many handsets the inbox shows, messages sent to them and replies received."""

    handsets: int
    messages_out: int
    messages_in: int


class HandsetCounts(TypedDict):
    """Messages sent to one handset and replies received from it."""

    messages_out: int
    messages_in: int


def handset_totals(tx: Transaction, account_ids: Collection[str] | None) -> HandsetTotals:
    """The totals of the handsets shown for these accounts (every account: None)."""
    sent = select(messages.c.destination_number.label("number")).where(
        *_of(messages, account_ids), _shown(messages, MESSAGE)
    )
    answered = select(replies.c.source_number.label("number")).where(
        *_of(replies, account_ids), _shown(replies, REPLY)
    )
    numbers = union(sent, answered).subquery()
    return HandsetTotals(
        handsets=tx.execute(select(func.count()).select_from(numbers)).scalar_one(),
        messages_out=tx.execute(select(func.count()).select_from(sent.subquery())).scalar_one(),
        messages_in=tx.execute(select(func.count()).select_from(answered.subquery())).scalar_one(),
    )


def handset_counts(
    tx: Transaction, numbers: Collection[str], account_ids: Collection[str] | None
) -> dict[str, HandsetCounts]:
    """Messages and replies of each of these handsets, for these accounts."""
    counts = {number: HandsetCounts(messages_out=0, messages_in=0) for number in numbers}
    if not counts:
        return counts
    sent = (
        select(messages.c.destination_number, func.count())
        .where(
            messages.c.destination_number.in_(list(counts)),
            *_of(messages, account_ids),
            _shown(messages, MESSAGE),
        )
        .group_by(messages.c.destination_number)
    )
    answered = (
        select(replies.c.source_number, func.count())
        .where(
            replies.c.source_number.in_(list(counts)),
            *_of(replies, account_ids),
            _shown(replies, REPLY),
        )
        .group_by(replies.c.source_number)
    )
    for number, count in tx.execute(sent):
        counts[number]["messages_out"] = count
    for number, count in tx.execute(answered):
        counts[number]["messages_in"] = count
    return counts


def messages_to(
    tx: Transaction, number: str, account_ids: Collection[str] | None, limit: int
) -> list[Message]:
    """The latest `limit` messages to a handset, newest first."""
    query = (
        select(messages)
        .where(
            messages.c.destination_number == number,
            *_of(messages, account_ids),
            _shown(messages, MESSAGE),
        )
        .order_by(messages.c.created_at.desc(), messages.c.seq.desc())
        .limit(limit)
    )
    return records(tx.execute(query).mappings(), Message)


def replies_from(
    tx: Transaction, number: str, account_ids: Collection[str] | None, limit: int
) -> list[Reply]:
    """The latest `limit` replies of a handset, newest first."""
    query = (
        select(replies)
        .where(
            replies.c.source_number == number, *_of(replies, account_ids), _shown(replies, REPLY)
        )
        .order_by(replies.c.date_received.desc(), replies.c.seq.desc())
        .limit(limit)
    )
    return records(tx.execute(query).mappings(), Reply)


def reports_of(tx: Transaction, message_ids: Collection[str]) -> list[DeliveryReport]:
    """The delivery reports of these messages, oldest first."""
    query = (
        select(delivery_reports)
        .where(delivery_reports.c.message_id.in_(list(message_ids)))
        .order_by(delivery_reports.c.date_received, delivery_reports.c.seq)
    )
    return records(tx.execute(query).mappings(), DeliveryReport)


def webhook_page(
    tx: Transaction, message_id: str | None, state: str | None, offset: int, limit: int
) -> list[WebhookDelivery]:
    """Webhook deliveries, newest first by the time each was made, of the messages whose ID
    starts with `message_id` (the inbox shows the first 8 characters) and in one state, when
    given."""
    conditions = _of_message(message_id)
    if state:
        conditions.append(webhooks.c.state == state)
    query = (
        select(webhooks)
        .where(*conditions)
        .order_by(webhooks.c.created_at.desc(), webhooks.c.seq.desc())
        .offset(offset)
        .limit(limit)
    )
    return records(tx.execute(query).mappings(), WebhookDelivery)


def webhook_counts(tx: Transaction, message_id: str | None) -> dict[str, int]:
    """How many deliveries are in each state, of the messages whose ID starts with
    `message_id` when given."""
    query = (
        select(webhooks.c.state, func.count())
        .where(*_of_message(message_id))
        .group_by(webhooks.c.state)
    )
    return {state: count for state, count in tx.execute(query)}


def webhook(tx: Transaction, webhook_id: str) -> WebhookDelivery | None:
    """One webhook delivery, or None."""
    found = records(
        tx.execute(select(webhooks).where(webhooks.c.id == webhook_id)).mappings(),
        WebhookDelivery,
    )
    return found[0] if found else None


def _of_message(message_id: str | None) -> list[ColumnElement[bool]]:
    if not message_id:
        return []
    return [webhooks.c.message_id.startswith(message_id.lower(), autoescape=True)]


def _shown(table: FromClause, kind: str) -> ColumnElement[bool]:
    """The rows not removed from the inbox."""
    return ~exists().where(inbox_hidden.c.item_id == table.c.id, inbox_hidden.c.kind == kind)


def _of(table: FromClause, account_ids: Collection[str] | None) -> list[ColumnElement[bool]]:
    return [] if account_ids is None else [table.c.account_id.in_(list(account_ids))]


def _matching(
    table: FromClause, number_column: str, search: str | None
) -> list[ColumnElement[bool]]:
    if not search:
        return []
    number = table.c[number_column].contains(search, autoescape=True)
    return [or_(number, table.c.content.contains(search, autoescape=True))]


def _latest_messages(
    account_ids: Collection[str] | None, search: str | None, limit: int
) -> Select[Any]:
    message, later = messages.alias("message"), messages.alias("later")
    reply = replies.alias("reply")
    later_message = exists().where(
        later.c.destination_number == message.c.destination_number,
        tuple_(later.c.created_at, later.c.seq) > tuple_(message.c.created_at, message.c.seq),
        *_of(later, account_ids),
        *_matching(later, "destination_number", search),
        _shown(later, MESSAGE),
    )
    later_reply = exists().where(
        reply.c.source_number == message.c.destination_number,
        reply.c.date_received > message.c.created_at,
        *_of(reply, account_ids),
        *_matching(reply, "source_number", search),
        _shown(reply, REPLY),
    )
    return (
        select(
            message.c.destination_number.label("number"),
            message.c.created_at.label("at"),
            message.c.content,
            message.c.account_id,
            message.c.status,
        )
        .where(
            *_of(message, account_ids),
            *_matching(message, "destination_number", search),
            _shown(message, MESSAGE),
            ~later_message,
            ~later_reply,
        )
        .order_by(*_newest_first(message, message.c.created_at, account_ids))
        .limit(limit)
    )


def _latest_replies(
    account_ids: Collection[str] | None, search: str | None, limit: int
) -> Select[Any]:
    reply, later = replies.alias("reply"), replies.alias("later")
    message = messages.alias("message")
    later_reply = exists().where(
        later.c.source_number == reply.c.source_number,
        tuple_(later.c.date_received, later.c.seq) > tuple_(reply.c.date_received, reply.c.seq),
        *_of(later, account_ids),
        *_matching(later, "source_number", search),
        _shown(later, REPLY),
    )
    # A message sent at the same moment as a reply counts as the later of the two.
    later_message = exists().where(
        message.c.destination_number == reply.c.source_number,
        message.c.created_at >= reply.c.date_received,
        *_of(message, account_ids),
        *_matching(message, "destination_number", search),
        _shown(message, MESSAGE),
    )
    return (
        select(
            reply.c.source_number.label("number"),
            reply.c.date_received.label("at"),
            reply.c.content,
            reply.c.account_id,
        )
        .where(
            *_of(reply, account_ids),
            *_matching(reply, "source_number", search),
            _shown(reply, REPLY),
            ~later_reply,
            ~later_message,
        )
        .order_by(*_newest_first(reply, reply.c.date_received, account_ids))
        .limit(limit)
    )


def _newest_first(
    table: FromClause, at: ColumnElement[datetime], account_ids: Collection[str] | None
) -> list[UnaryExpression[Any]]:
    # Filtered by account, the (account_id, time) index gives the order; unfiltered, the primary
    # key does (seq follows time). Either way the walk stops after LIMIT rows are kept.
    if account_ids is None:
        return [table.c.seq.desc()]
    return [at.desc(), table.c.seq.desc()]
