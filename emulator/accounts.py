"""Accounts, sub-accounts, their API keys, numbers and feature defaults, from the fixture files."""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.fixture_files import load_fixture

ACCOUNTS_FILE = "accounts.yaml"


@dataclass(frozen=True)
class ApiKey:
    """A key/secret pair that authenticates as `account_id` (Basic or HMAC)."""

    key: str
    secret: str
    account_id: str


@dataclass(frozen=True)
class Account:
    """An account; `parent_id` is set for a sub-account. `numbers[0]` is its default number."""

    id: str
    parent_id: str | None = None
    sub_account_ids: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    alpha_tags: tuple[str, ...] = ()
    features: dict = field(default_factory=dict)

    @property
    def default_number(self) -> str | None:
        return self.numbers[0] if self.numbers else None

    def owns_source(self, source_number: str) -> bool:
        """True when the number or alpha tag is registered to this account."""
        return source_number in self.numbers or source_number in self.alpha_tags


class AccountDirectory:
    """Looks up keys and accounts, and decides which accounts a key may act for."""

    def __init__(self, accounts: list[Account], api_keys: list[ApiKey]) -> None:
        self._accounts = {account.id: account for account in accounts}
        self._keys = {api_key.key: api_key for api_key in api_keys}
        self._number_owners = {
            number: account.id for account in reversed(accounts) for number in account.numbers
        }

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

    def owner_of_number(self, number: str) -> str | None:
        """The account a dedicated number belongs to (the first listed, for a shared one)."""
        return self._number_owners.get(number)

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
        """Read `accounts.yaml` from `directory` if it has one, else the shipped file."""
        return cls.from_data(load_fixture(directory, ACCOUNTS_FILE))

    @classmethod
    def from_data(cls, data: dict) -> AccountDirectory:
        """Build the directory from the parsed fixture document."""
        accounts: list[Account] = []
        api_keys: list[ApiKey] = []
        for entry in data.get("accounts", []):
            parent = _account(entry)
            subs = [_sub_account(sub, parent) for sub in entry.get("sub_accounts", [])]
            parent = Account(
                parent.id,
                sub_account_ids=tuple(sub.id for sub in subs),
                numbers=parent.numbers,
                alpha_tags=parent.alpha_tags,
                features=parent.features,
            )
            accounts.extend([parent, *subs])
            api_keys.extend(
                ApiKey(str(pair["key"]), str(pair["secret"]), parent.id)
                for pair in entry.get("api_keys", [])
            )
        return cls(accounts, api_keys)


def _account(entry: dict, parent: Account | None = None) -> Account:
    inherited = parent or Account("")
    return Account(
        str(entry["id"]),
        parent_id=parent.id if parent else None,
        numbers=tuple(str(n) for n in entry.get("numbers", inherited.numbers)),
        alpha_tags=tuple(str(t) for t in entry.get("alpha_tags", inherited.alpha_tags)),
        features=dict(entry.get("features") or {}),
    )


def _sub_account(entry: str | dict, parent: Account) -> Account:
    """A sub-account is an ID, or a mapping like an account's; numbers default to the parent's."""
    return _account({"id": entry} if isinstance(entry, str) else entry, parent)
