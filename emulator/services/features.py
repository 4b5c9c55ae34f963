"""Account features: the fixture defaults plus what was changed at run time, kept in the store."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from emulator.domain.accounts import Account, AccountDirectory, Features
from emulator.errors import NotFound
from emulator.store import Store, account_features, account_subject, take_turns

_FEATURE_NAMES = frozenset(field.name for field in fields(Features))


class FeatureService:
    """Shows accounts and changes their features."""

    def __init__(self, directory: AccountDirectory, store: Store) -> None:
        self._directory = directory
        self._store = store

    def account(self, account_id: str) -> Account:
        account = self._directory.account(account_id)
        if account is None:
            raise NotFound()
        return account

    def features(self, account_id: str) -> Features:
        """The features in force: the fixture's, overridden by any change made at run time."""
        changed = self._store.kept(account_features.changes, account_id)
        known = {name: value for name, value in changed.items() if name in _FEATURE_NAMES}
        return self.account(account_id).features.changed(known)

    def describe(self, account_id: str) -> dict[str, Any]:
        account = self.account(account_id)
        return {
            "account_id": account.id,
            "parent_account_id": account.parent_id,
            "sub_accounts": list(account.sub_account_ids),
            "numbers": list(account.numbers),
            "alpha_tags": list(account.alpha_tags),
            "features": asdict(self.features(account_id)),
        }

    def change_features(self, account_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply validated feature changes and return the account as it now is."""
        self.account(account_id)
        with self._store.transaction() as tx:
            # Two changes at once each keep the other's.
            take_turns(tx, account_subject(account_id))
            merged = {**account_features.changes(tx, account_id), **changes}
            account_features.save_changes(tx, account_id, merged)
        return self.describe(account_id)
