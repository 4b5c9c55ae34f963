"""Queries on the accounts' signature keys (the Signature Key API); at most one per account is
enabled."""

from __future__ import annotations

from sqlalchemy import delete as delete_rows
from sqlalchemy import insert as insert_rows
from sqlalchemy import select, update

from emulator.domain.records import SignatureKey
from emulator.store.base import (
    Transaction,
    account_subject,
    changes_kept_state,
    record,
    records,
    take_turns,
)
from emulator.store.tables import signature_keys

_KEYS = signature_keys.c


def insert(tx: Transaction, key: SignatureKey) -> None:
    changes_kept_state(tx)
    tx.execute(insert_rows(signature_keys), dict(key))


def find(tx: Transaction, account_id: str, key_id: str) -> SignatureKey | None:
    query = select(signature_keys).where(_KEYS.account_id == account_id, _KEYS.id == key_id)
    return record(tx.execute(query).mappings().first(), SignatureKey)


def page(tx: Transaction, account_id: str, offset: int, limit: int) -> list[SignatureKey]:
    """The account's keys, newest first."""
    query = (
        select(signature_keys)
        .where(_KEYS.account_id == account_id)
        .order_by(_KEYS.seq.desc())
        .offset(offset)
        .limit(limit)
    )
    return records(tx.execute(query).mappings(), SignatureKey)


def delete(tx: Transaction, account_id: str, key_id: str) -> bool:
    """Whether the account had the key."""
    changes_kept_state(tx)
    statement = delete_rows(signature_keys).where(
        _KEYS.account_id == account_id, _KEYS.id == key_id
    )
    return tx.execute(statement).rowcount == 1


def enable(tx: Transaction, account_id: str, key_id: str) -> SignatureKey | None:
    """Enable the key and disable every other key of the account; None for an unknown key."""
    if not _set_enabled(tx, account_id, key_id):
        return None
    query = select(signature_keys).where(_KEYS.id == key_id)
    return record(tx.execute(query).mappings().first(), SignatureKey)


def disable_all(tx: Transaction, account_id: str) -> None:
    _set_enabled(tx, account_id, None)


def enabled(tx: Transaction, account_id: str) -> SignatureKey | None:
    """The key that signs the account's callbacks now; every attempt asks, so callers read it
    through `Store.kept`."""
    query = select(signature_keys).where(_KEYS.account_id == account_id, _KEYS.enabled.is_(True))
    return record(tx.execute(query).mappings().first(), SignatureKey)


def _set_enabled(tx: Transaction, account_id: str, key_id: str | None) -> bool:
    """Make `key_id` the account's one enabled key (None: no key); False if it has no such key."""
    changes_kept_state(tx)
    take_turns(tx, account_subject(account_id))
    if key_id is not None:
        found = select(_KEYS.id).where(_KEYS.account_id == account_id, _KEYS.id == key_id)
        if tx.execute(found).first() is None:
            return False
    tx.execute(update(signature_keys).where(_KEYS.account_id == account_id).values(enabled=False))
    if key_id is not None:
        tx.execute(update(signature_keys).where(_KEYS.id == key_id).values(enabled=True))
    return True
