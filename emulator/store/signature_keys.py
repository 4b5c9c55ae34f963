"""Queries on the accounts' signature keys (the Signature Key API); at most one per account is
enabled."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from emulator.domain.records import SignatureKey
from emulator.store.base import StoreBase, account_subject, as_record, as_records
from emulator.store.tables import signature_keys


class SignatureKeyQueries(StoreBase):
    """Queries the Store gathers; each commits before it returns."""

    def insert_signature_key(self, key: SignatureKey) -> None:
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            connection.execute(insert(signature_keys), key)

    def find_signature_key(self, account_id: str, key_id: str) -> SignatureKey | None:
        query = select(signature_keys).where(
            signature_keys.c.account_id == account_id, signature_keys.c.id == key_id
        )
        with self.reading() as connection:
            return as_record(connection.execute(query).mappings().first())

    def signature_keys_page(self, account_id: str, offset: int, limit: int) -> list[SignatureKey]:
        """The account's keys, newest first."""
        query = (
            select(signature_keys)
            .where(signature_keys.c.account_id == account_id)
            .order_by(signature_keys.c.seq.desc())
            .offset(offset)
            .limit(limit)
        )
        with self.reading() as connection:
            return as_records(connection.execute(query).mappings())

    def delete_signature_key(self, account_id: str, key_id: str) -> bool:
        statement = delete(signature_keys).where(
            signature_keys.c.account_id == account_id, signature_keys.c.id == key_id
        )
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            return connection.execute(statement).rowcount == 1

    def enable_signature_key(self, account_id: str, key_id: str) -> SignatureKey | None:
        """Enable the key and disable every other key of the account; None for an unknown key."""
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            self.take_turns(account_subject(account_id))
            if not _set_enabled(connection, account_id, key_id):
                return None
            query = select(signature_keys).where(signature_keys.c.id == key_id)
            return as_record(connection.execute(query).mappings().first())

    def disable_signature_keys(self, account_id: str) -> None:
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            self.take_turns(account_subject(account_id))
            _set_enabled(connection, account_id, None)

    def enabled_signature_key(self, account_id: str) -> SignatureKey | None:
        """The key that signs the account's callbacks now (kept: every attempt asks)."""
        return self.cached(f"signature key {account_id}", lambda: self._enabled_key(account_id))

    def _enabled_key(self, account_id: str) -> SignatureKey | None:
        query = select(signature_keys).where(
            signature_keys.c.account_id == account_id, signature_keys.c.enabled.is_(True)
        )
        with self.reading() as connection:
            return as_record(connection.execute(query).mappings().first())


def _set_enabled(connection: Connection, account_id: str, key_id: str | None) -> bool:
    """Make `key_id` the account's one enabled key (None: no key); False if it has no such key."""
    keys = signature_keys.c
    if key_id is not None:
        found = select(keys.id).where(keys.account_id == account_id, keys.id == key_id)
        if connection.execute(found).first() is None:
            return False
    connection.execute(
        update(signature_keys).where(keys.account_id == account_id).values(enabled=False)
    )
    if key_id is not None:
        connection.execute(update(signature_keys).where(keys.id == key_id).values(enabled=True))
    return True
