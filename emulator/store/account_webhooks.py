"""Queries on the accounts' webhooks (the Webhooks Management API)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete as delete_rows
from sqlalchemy import insert as insert_rows
from sqlalchemy import select, update

from emulator.domain.records import AccountWebhook
from emulator.store.base import Transaction, account_subject, record, records, take_turns
from emulator.store.tables import account_webhooks

_WEBHOOKS = account_webhooks.c


def save(tx: Transaction, webhook: AccountWebhook, *, new: bool) -> bool:
    """Insert the webhook (`new`) or replace the one of its ID, unless another webhook of the
    account has the same URL and method: False then."""
    take_turns(tx, account_subject(webhook["account_id"]))
    taken = select(_WEBHOOKS.id).where(
        _WEBHOOKS.account_id == webhook["account_id"],
        _WEBHOOKS.url == webhook["url"],
        _WEBHOOKS.method == webhook["method"],
        _WEBHOOKS.id != webhook["id"],
    )
    if tx.execute(taken.limit(1)).first() is not None:
        return False
    if new:
        tx.execute(insert_rows(account_webhooks), dict(webhook))
    else:
        statement = update(account_webhooks).where(_WEBHOOKS.id == webhook["id"])
        tx.execute(statement.values(**webhook))
    return True


def find(tx: Transaction, account_id: str, webhook_id: str) -> AccountWebhook | None:
    query = select(account_webhooks).where(
        _WEBHOOKS.account_id == account_id, _WEBHOOKS.id == webhook_id
    )
    return record(tx.execute(query).mappings().first(), AccountWebhook)


def page(tx: Transaction, account_id: str, offset: int, limit: int) -> list[AccountWebhook]:
    """The account's webhooks in the order they were created."""
    query = (
        select(account_webhooks)
        .where(_WEBHOOKS.account_id == account_id)
        .order_by(_WEBHOOKS.seq)
        .offset(offset)
        .limit(limit)
    )
    return records(tx.execute(query).mappings(), AccountWebhook)


def delete(tx: Transaction, account_id: str, webhook_id: str) -> bool:
    """Whether the account had the webhook."""
    statement = delete_rows(account_webhooks).where(
        _WEBHOOKS.account_id == account_id, _WEBHOOKS.id == webhook_id
    )
    return tx.execute(statement).rowcount == 1


def subscribed(tx: Transaction, account_ids: Collection[str]) -> list[AccountWebhook]:
    """Every webhook of the given accounts, in the order they were created."""
    query = (
        select(account_webhooks)
        .where(_WEBHOOKS.account_id.in_(list(account_ids)))
        .order_by(_WEBHOOKS.seq)
    )
    return records(tx.execute(query).mappings(), AccountWebhook)
