"""Queries on the accounts' webhooks (the Webhooks Management API)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, delete, insert, select, update

from emulator.domain.records import AccountWebhook
from emulator.store.base import StoreBase, account_subject, as_record, as_records
from emulator.store.tables import account_webhooks


class AccountWebhookQueries(StoreBase):
    """Queries the Store gathers; each commits before it returns."""

    def save_account_webhook(self, webhook: AccountWebhook, *, new: bool) -> bool:
        """Insert the webhook (`new`) or replace the one of its ID, in one transaction, unless
        another webhook of the account has the same URL and method: False then."""
        taken = select(account_webhooks.c.id).where(
            account_webhooks.c.account_id == webhook["account_id"],
            account_webhooks.c.url == webhook["url"],
            account_webhooks.c.method == webhook["method"],
            account_webhooks.c.id != webhook["id"],
        )
        with self.transaction() as connection:
            self.take_turns(account_subject(webhook["account_id"]))
            if connection.execute(taken.limit(1)).first() is not None:
                return False
            if new:
                connection.execute(insert(account_webhooks), webhook)
            else:
                statement = update(account_webhooks).where(account_webhooks.c.id == webhook["id"])
                connection.execute(statement.values(**webhook))
        return True

    def find_account_webhook(self, account_id: str, webhook_id: str) -> AccountWebhook | None:
        query = select(account_webhooks).where(
            account_webhooks.c.account_id == account_id, account_webhooks.c.id == webhook_id
        )
        with self.reading() as connection:
            return as_record(connection.execute(query).mappings().first())

    def account_webhooks_page(
        self, account_id: str, offset: int, limit: int
    ) -> list[AccountWebhook]:
        """The account's webhooks in the order they were created."""
        query = (
            select(account_webhooks)
            .where(account_webhooks.c.account_id == account_id)
            .order_by(account_webhooks.c.seq)
            .offset(offset)
            .limit(limit)
        )
        with self.reading() as connection:
            return as_records(connection.execute(query).mappings())

    def delete_account_webhook(self, account_id: str, webhook_id: str) -> bool:
        statement = delete(account_webhooks).where(
            account_webhooks.c.account_id == account_id, account_webhooks.c.id == webhook_id
        )
        with self.transaction() as connection:
            return connection.execute(statement).rowcount == 1

    def subscribed_webhooks(
        self, account_ids: Collection[str], connection: Connection | None = None
    ) -> list[AccountWebhook]:
        """Every webhook of the given accounts, in the caller's transaction when one is given."""
        query = (
            select(account_webhooks)
            .where(account_webhooks.c.account_id.in_(list(account_ids)))
            .order_by(account_webhooks.c.seq)
        )
        if connection is not None:
            return as_records(connection.execute(query).mappings())
        with self.reading() as own:
            return as_records(own.execute(query).mappings())
