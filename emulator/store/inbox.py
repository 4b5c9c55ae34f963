"""Queries on delivery reports and replies: insert, the oldest unconfirmed, confirm; and what the
web inbox changes: a handset removed from it, a webhook delivery attempted by hand."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    Dialect,
    Table,
    TypeDecorator,
    and_,
    bindparam,
    insert,
    literal,
    select,
    type_coerce,
    update,
)

from emulator.domain.records import DeliveryReport, Reply, ReportedMessage, WebhookDelivery
from emulator.domain.statuses import WEBHOOK_DELIVERED
from emulator.store.base import Transaction
from emulator.store.events import (
    INBOX_CHANGED,
    WEBHOOK_ATTEMPT,
    append_events,
    new_event,
    reply_event,
)
from emulator.store.inbox_tables import inbox_hidden
from emulator.store.inbox_views import MESSAGE, REPLY
from emulator.store.rows import fetch_rows
from emulator.store.tables import delivery_reports, messages, replies, webhooks

PAGE_SIZE = 100


def unconfirmed_delivery_reports(
    tx: Transaction, account_id: str, received_after: datetime
) -> list[tuple[DeliveryReport, ReportedMessage]]:
    """The oldest unconfirmed reports of the account, each with its message's fields."""
    parameters = {"account_id": account_id, "received_after": received_after}
    rows = fetch_rows(tx, _UNCONFIRMED_REPORTS, parameters)
    # The report's and its message's field names do not overlap: one dict serves as both.
    return cast(list[tuple[DeliveryReport, ReportedMessage]], [(row, row) for row in rows])


def unconfirmed_replies(
    tx: Transaction, account_id: str, received_after: datetime, now: datetime
) -> list[Reply]:
    """The oldest unconfirmed replies of the account received by `now`."""
    parameters = {"account_id": account_id, "received_after": received_after, "now": now}
    return cast(list[Reply], fetch_rows(tx, _UNCONFIRMED_REPLIES, parameters))


def insert_reply(tx: Transaction, reply: Reply, hooks: list[WebhookDelivery]) -> None:
    """Store a reply with the webhook deliveries that announce it."""
    tx.execute(insert(replies), dict(reply))
    if hooks:
        tx.execute(insert(webhooks), hooks)
    append_events(tx, [reply_event(reply)])


def confirm_delivery_reports(tx: Transaction, account_id: str, ids: Iterable[str]) -> None:
    """Confirm the account's own reports among `ids`; others are left as they are."""
    _confirm(tx, delivery_reports, account_id, ids)


def confirm_replies(tx: Transaction, account_id: str, ids: Iterable[str]) -> None:
    """Confirm the account's own replies among `ids`; others are left as they are."""
    _confirm(tx, replies, account_id, ids)


def hide_handset(
    tx: Transaction, number: str, account_ids: Collection[str] | None, at: datetime
) -> int:
    """Remove from the inbox every message to the handset and reply from it (of these accounts,
    or of every account: None); the rows stay for the API. Returns how many were removed."""
    removed = 0
    for kind, table, column in (
        (MESSAGE, messages, messages.c.destination_number),
        (REPLY, replies, replies.c.source_number),
    ):
        shown = ~select(inbox_hidden.c.seq).where(inbox_hidden.c.item_id == table.c.id).exists()
        scope = [] if account_ids is None else [table.c.account_id.in_(list(account_ids))]
        chosen = select(literal(kind), table.c.id).where(column == number, *scope, shown)
        result = tx.execute(insert(inbox_hidden).from_select(["kind", "item_id"], chosen))
        removed += max(result.rowcount, 0)
    append_events(tx, [new_event(INBOX_CHANGED, at, number=number, removed=removed)])
    return removed


def record_manual_attempt(
    tx: Transaction, hook: WebhookDelivery, attempt: dict[str, Any], delivered: bool
) -> None:
    """Add an attempt made by hand to a delivery: a success delivers it (no further retries);
    a failure leaves its state and next attempt as they were."""
    values: dict[str, Any] = {"attempts": [*hook["attempts"], attempt]}
    if delivered:
        values |= {"state": WEBHOOK_DELIVERED, "next_attempt_at": None}
    tx.execute(update(webhooks).where(webhooks.c.id == hook["id"]).values(**values))
    payload = hook["payload"]
    event = new_event(
        WEBHOOK_ATTEMPT,
        datetime.fromisoformat(attempt["at"]),
        hook["account_id"],
        hook["message_id"],
        payload.get("source_number") or payload.get("sourceAddress"),
        webhook_id=hook["id"],
        event=hook["event"],
        attempt=len(values["attempts"]),
        status_code=attempt.get("status_code"),
        error=attempt.get("error"),
        state=values.get("state", hook["state"]),
        manual=True,
    )
    append_events(tx, [event])


def _confirm(tx: Transaction, table: Table, account_id: str, ids: Iterable[str]) -> None:
    statement = (
        update(table)
        .where(table.c.account_id == account_id, table.c.id.in_(list(ids)))
        .values(confirmed=True)
    )
    tx.execute(statement)


def _unconfirmed(table: Table) -> ColumnElement[bool]:
    """The rows of account `:account_id` received after `:received_after`, not yet confirmed."""
    return and_(
        table.c.account_id == bindparam("account_id"),
        table.c.confirmed.is_(False),
        table.c.date_received > bindparam("received_after"),
    )


class _JsonNullAsNone(TypeDecorator[Any]):
    """JSON whose stored `null`, the metadata of most messages, is read without the decoder."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        decode = super().result_processor(dialect, coltype)
        if decode is None:
            return None
        return lambda value: None if value == "null" else decode(value)


# The queries of a page are built once: building one took a tenth of a page's time.
_REPORT_FIELDS = tuple(DeliveryReport.__annotations__)
_REPORTED_FIELDS = tuple(ReportedMessage.__annotations__)
_reported = messages.alias("message")
_UNCONFIRMED_REPORTS = (
    select(
        *(delivery_reports.c[name] for name in _REPORT_FIELDS),
        *(
            type_coerce(_reported.c[name], _JsonNullAsNone())
            if name == "metadata"
            else _reported.c[name]
            for name in _REPORTED_FIELDS
        ),
    )
    .join(_reported, _reported.c.id == delivery_reports.c.message_id)
    .where(_unconfirmed(delivery_reports))
    .order_by(delivery_reports.c.date_received, delivery_reports.c.seq)
    .limit(PAGE_SIZE)
)
_UNCONFIRMED_REPLIES = (
    select(replies)
    .where(
        _unconfirmed(replies),
        replies.c.date_received <= bindparam("now"),
    )
    .order_by(replies.c.date_received, replies.c.seq)
    .limit(PAGE_SIZE)
)
