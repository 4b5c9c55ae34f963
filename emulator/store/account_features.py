"""The accounts' features as changed at run time (the control plane's PATCH): one row of changes
per account, laid over the fixture's features by the feature service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, insert, select

from emulator.store.base import Transaction, changes_kept_state
from emulator.store.events import FEATURES_CHANGED, append_events, new_event
from emulator.store.tables import account_features

# Built once: every send reads it.
_CHANGES = select(account_features.c.features).where(
    account_features.c.account_id == bindparam("account_id")
)


def changes(tx: Transaction, account_id: str) -> dict[str, Any]:
    """What was changed at run time of the account's features; every send reads it, so read it
    through `Store.kept`."""
    return tx.execute(_CHANGES, {"account_id": account_id}).scalar() or {}


def save_changes(tx: Transaction, account_id: str, features: dict[str, Any]) -> None:
    """Make `features` the account's changes, in place of any before, with a `features_changed`
    event."""
    changes_kept_state(tx)
    tx.execute(delete(account_features).where(account_features.c.account_id == account_id))
    tx.execute(insert(account_features), {"account_id": account_id, "features": features})
    append_events(tx, [new_event(FEATURES_CHANGED, account_id=account_id, features=features)])
