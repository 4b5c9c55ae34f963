"""What the web inbox's Numbers page shows of an account: the dedicated numbers it holds, the
pool's numbers it may take, and its sender addresses with their state. Read through the
services the API uses, so the page and the API tell one truth. Plain values; no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.domain.accounts import Account, AccountDirectory
from emulator.domain.dedicated_numbers import NumberFilter
from emulator.domain.sender_addresses import ALPHANUMERIC, APPROVED, OPEN, PENDING, REJECTED
from emulator.errors import BadRequest
from emulator.schemas.validation import INVALID_REQUEST
from emulator.services.dedicated_numbers import DedicatedNumberService
from emulator.services.sender_addresses import SenderAddressService

# The pool is short; the page lists this many of its numbers and says when more match.
POOL_SHOWN = 6
# The most assignments the page lists: the API's largest page.
ASSIGNED_SHOWN = 100
# What the page calls each state of a request: an alpha tag is reviewed, an own number verified.
_ALPHA_TAG_STATES = {OPEN: "pending", APPROVED: "approved", REJECTED: "rejected"}
_OWN_NUMBER_STATES = {PENDING: "unverified", APPROVED: "verified", REJECTED: "rejected"}


@dataclass(frozen=True)
class NumbersChoice:
    """An entry of the page's account list: every account, sub-accounts under their parent."""

    id: str
    label: str


@dataclass(frozen=True)
class SenderRow:
    """One sender address of the account as the page lists it."""

    sender_address: str
    kind: str
    state: str
    request_id: str | None = None
    label: str | None = None
    code: str | None = None
    reviewable: bool = False


class InboxNumbers:
    """Reads the Numbers page's account: its numbers, the pool and its sender addresses."""

    def __init__(
        self,
        accounts: AccountDirectory,
        numbers: DedicatedNumberService,
        addresses: SenderAddressService,
    ) -> None:
        self._accounts = accounts
        self._numbers = numbers
        self._addresses = addresses

    def choices(self) -> list[NumbersChoice]:
        """Each top-level account followed by its sub-accounts."""
        shown = []
        for account, subs in self._accounts.families():
            shown.append(NumbersChoice(account.id, account.id))
            shown.extend(NumbersChoice(sub, f"— {sub}") for sub in subs)
        return shown

    def account(self, account_id: str | None) -> Account:
        """The account asked for, or the first one; BadRequest naming `account` for an unknown."""
        chosen = account_id or self.choices()[0].id
        account = self._accounts.account(chosen)
        if account is None:
            raise BadRequest(INVALID_REQUEST, [f"account: {chosen} is not an account."])
        return account

    def assigned(self, account_id: str) -> list[dict[str, Any]]:
        """The account's assignments, each with its number, in the order they were made."""
        query = {"page_size": ASSIGNED_SHOWN}
        data: list[dict[str, Any]] = self._numbers.assigned(account_id, NumberFilter(), query)[
            "data"
        ]
        return data

    def pool(self, matching: str) -> tuple[list[dict[str, Any]], bool]:
        """The first pool numbers no account holds that contain `matching`, and whether more do."""
        kept = NumberFilter(matching=matching or None)
        page = self._numbers.available(kept, POOL_SHOWN, None)
        return page["data"], "next_token" in page["pagination"]

    def senders(self, account: Account) -> list[SenderRow]:
        """The account's alpha tags and numbers of the fixtures, then its requests made through
        the sender address API, oldest first, whatever their state."""
        rows = [SenderRow(tag, "Alpha tag (fixtures)", "approved") for tag in account.alpha_tags]
        rows += [SenderRow(number, "Number (fixtures)", "registered") for number in account.numbers]
        for request in self._addresses.everyone():
            if request["account_id"] != account.id:
                continue
            alpha_tag = request["usage_type"] == ALPHANUMERIC
            states = _ALPHA_TAG_STATES if alpha_tag else _OWN_NUMBER_STATES
            rows.append(
                SenderRow(
                    sender_address=request["sender_address"],
                    kind="Alpha tag" if alpha_tag else "Own number",
                    state=states.get(request["status"], request["status"].lower()),
                    request_id=request["id"],
                    label=request.get("label"),
                    code=request["verification_code"],
                    reviewable=alpha_tag and request["status"] == OPEN,
                )
            )
        return rows
