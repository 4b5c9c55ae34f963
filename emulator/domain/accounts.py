"""Accounts, sub-accounts, their API keys, numbers and features."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

REJECT, REPLACE = "reject", "replace"


@dataclass(frozen=True)
class Features:
    """The account features of the reference, all off by default as on the real service."""

    deduplication: bool = False
    social_sending: bool = False
    timezone: str = "Australia/Sydney"
    familiar_sender: bool = False
    character_converter: bool = False
    # What happens to a message whose source_number is not registered to the account.
    unregistered_source: str = REJECT
    # Enterprise Webhooks: the Signature Key API, and callbacks signed with the enabled key.
    signature_keys: bool = False

    def changed(self, changes: dict[str, Any]) -> Features:
        """These features with `changes` (validated names and values) applied."""
        return replace(self, **changes)


@dataclass(frozen=True)
class ApiKey:
    """A key/secret pair that authenticates as `account_id` (Basic or HMAC)."""

    key: str
    secret: str
    account_id: str


@dataclass(frozen=True)
class Account:
    """An account; `parent_id` is set for a sub-account. `numbers[0]` is its default number;
    `own_numbers` are numbers of its own it proved it holds (sources, never chosen for it)."""

    id: str
    parent_id: str | None = None
    sub_account_ids: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    alpha_tags: tuple[str, ...] = ()
    own_numbers: tuple[str, ...] = ()
    features: Features = field(default_factory=Features)

    @property
    def default_number(self) -> str | None:
        return self.numbers[0] if self.numbers else None

    def owns_source(self, source_number: str) -> bool:
        """True when the number or alpha tag is registered to this account."""
        return (
            source_number in self.numbers
            or source_number in self.alpha_tags
            or source_number in self.own_numbers
        )


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

    def families(self) -> list[tuple[Account, tuple[str, ...]]]:
        """Each top-level account with the IDs of its sub-accounts, in the fixtures' order: the
        order the inbox's account lists show them in."""
        return [
            (account, account.sub_account_ids)
            for account in self._accounts.values()
            if not account.parent_id
        ]

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
