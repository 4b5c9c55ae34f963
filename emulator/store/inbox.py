"""Queries on delivery reports and replies: insert, the oldest unconfirmed, confirm."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    select,
    type_coerce,
    update,
)

from emulator.domain.records import DeliveryReport, Reply, ReportedMessage, WebhookDelivery
from emulator.store.base import Transaction
from emulator.store.events import append_events, reply_event
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
