"""Accounts, sub-accounts and API keys, loaded from the fixture files."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

ACCOUNTS_FILE = "accounts.yaml"


@dataclass(frozen=True)
class ApiKey:
    """A key/secret pair that authenticates as `account_id` (Basic or HMAC)."""

    key: str
    secret: str
    account_id: str


@dataclass(frozen=True)
class Account:
    """An account; `parent_id` is set for a sub-account."""

    id: str
    parent_id: str | None = None
    sub_account_ids: tuple[str, ...] = field(default=())


class AccountDirectory:
    """Looks up keys and accounts, and decides which accounts a key may act for."""

    def __init__(self, accounts: list[Account], api_keys: list[ApiKey]) -> None:
        self._accounts = {account.id: account for account in accounts}
        self._keys = {api_key.key: api_key for api_key in api_keys}

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts.values())

    @property
    def api_keys(self) -> list[ApiKey]:
        return list(self._keys.values())

    def api_key(self, key: str) -> ApiKey | None:
        return self._keys.get(key)

    def account(self, account_id: str) -> Account | None:
        return self._accounts.get(account_id)

    def effective_account(self, api_key: ApiKey, requested: str | None) -> str | None:
        """The account a request acts for: the key's own, or one of its sub-accounts; else None."""
        own = self._accounts[api_key.account_id]
        if not requested or requested == own.id:
            return own.id
        if requested in own.sub_account_ids:
            return requested
        return None

    @classmethod
    def from_fixtures(cls, directory: str | None) -> AccountDirectory:
        """Read `accounts.yaml` from `directory`, or from the fixtures shipped with the package."""
        if directory:
            text = (Path(directory) / ACCOUNTS_FILE).read_text(encoding="utf-8")
        else:
            text = resources.files("emulator.default_fixtures").joinpath(ACCOUNTS_FILE).read_text()
        return cls.from_data(yaml.safe_load(text) or {})

    @classmethod
    def from_data(cls, data: dict) -> AccountDirectory:
        """Build the directory from the parsed fixture document."""
        accounts: list[Account] = []
        api_keys: list[ApiKey] = []
        for entry in data.get("accounts", []):
            account_id = str(entry["id"])
            sub_ids = tuple(str(sub) for sub in entry.get("sub_accounts", []))
            accounts.append(Account(account_id, sub_account_ids=sub_ids))
            accounts.extend(Account(sub_id, parent_id=account_id) for sub_id in sub_ids)
            api_keys.extend(
                ApiKey(str(pair["key"]), str(pair["secret"]), account_id)
                for pair in entry.get("api_keys", [])
            )
        return cls(accounts, api_keys)
