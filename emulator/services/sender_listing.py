"""The sender addresses an account may send from, as the sender address API lists them: alpha
tags and numbers of its fixture, the dedicated numbers it holds, and the addresses it registered
through the API and had approved."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from emulator.domain.accounts import Account
from emulator.domain.dedicated_numbers import NumberPool
from emulator.domain.reporting import NO_COUNTRY, country_of
from emulator.domain.sender_addresses import (
    ALPHANUMERIC,
    APPROVED,
    DEDICATED,
    INTERNATIONAL,
    OWN_NUMBER,
    SenderAddress,
    current_status,
    display_status,
)
from emulator.domain.token_pages import UnknownToken, page_after
from emulator.errors import BadRequest
from emulator.schemas.validation import INVALID_REQUEST
from emulator.services.dedicated_numbers import UNKNOWN_TOKEN, number_body
from emulator.store import Transaction
from emulator.store import dedicated_numbers as stored_assignments

FIXTURE_REASON = "Registered in the emulator's fixtures (accounts.yaml)."
DEDICATED_REASON = "A dedicated number assigned to the account."
_REQUEST_FIELDS = (
    "id",
    "sender_address",
    "sender_address_type",
    "usage_type",
    "destination_countries",
    "reason",
)


def fixture_address_id(account_id: str, sender_address: str) -> str:
    """The ID of a sender address of the account's fixture: a UUID4 like every ID of the API,
    the same in every run."""
    digest = hashlib.sha256(f"sender address {account_id} {sender_address}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


class SenderListing:
    """Builds the sender addresses an account may send from, from its fixture, its dedicated
    numbers and its approved requests."""

    def __init__(self, pool: NumberPool) -> None:
        self._pool = pool

    def entries(
        self, tx: Transaction, account: Account, rows: list[SenderAddress], now: datetime
    ) -> list[dict[str, Any]]:
        """The account's sender addresses as the API shows them, fixture ones first, then its
        dedicated numbers and its approved requests in the order they were made."""
        shown = [_fixture(account, tag, ALPHANUMERIC, ALPHANUMERIC) for tag in account.alpha_tags]
        shown += [_fixture(account, n, INTERNATIONAL, DEDICATED) for n in account.numbers]
        for assignment in stored_assignments.of_account(tx, account.id):
            number = self._pool.find(assignment["number_id"])
            if number is None:
                continue
            entry: dict[str, Any] = {
                "id": assignment["id"],
                "sender_address": number.phone_number,
                "sender_address_type": INTERNATIONAL,
                "usage_type": DEDICATED,
                "destination_countries": [number.country],
                "reason": DEDICATED_REASON,
                "label": assignment["label"],
                "account_id": account.id,
                "created_date": assignment["created_at"],
                "last_modified_date": assignment["updated_at"],
                "number": number_body(number),
            }
            shown.append(_without_none(entry))
        for row in rows:
            if row["account_id"] == account.id and shown_as_address(row, now):
                shown.append(address_body(row, now))
        return shown

    def listed(
        self,
        tx: Transaction,
        accounts: list[Account],
        rows: list[SenderAddress],
        now: datetime,
        query: dict[str, Any],
    ) -> dict[str, Any]:
        """A page of the accounts' sender addresses, filtered as the query asks."""
        wanted = query.get("sender_address", "").upper()
        entries = [
            entry
            for account in accounts
            for entry in self.entries(tx, account, rows, now)
            if wanted in entry["sender_address"].upper()
            and query.get("sender_address_type") in (None, entry["sender_address_type"])
            and query.get("usage_type") in (None, entry["usage_type"])
            and query.get("expiry_status") in (None, entry.get("display_status"))
        ]
        page_size = query["page_size"]
        try:
            page, following = page_after(entries, query.get("token"), page_size, _entry_id)
        except UnknownToken:
            raise BadRequest(INVALID_REQUEST, [UNKNOWN_TOKEN]) from None
        pagination: dict[str, Any] = {"page_size": page_size}
        if following is not None:
            pagination["next_token"] = following
        return {"data": page, "pagination": pagination}

    def find(
        self,
        tx: Transaction,
        account: Account,
        rows: list[SenderAddress],
        now: datetime,
        address_id: str,
    ) -> dict[str, Any] | None:
        """The account's sender address of this ID, or None."""
        entries = self.entries(tx, account, rows, now)
        return next((entry for entry in entries if entry["id"] == address_id), None)


def address_body(address: SenderAddress, now: datetime) -> dict[str, Any]:
    """An approved address as the API shows it: an own number with its expiry and standing."""
    body: dict[str, Any] = {name: address[name] for name in _REQUEST_FIELDS}  # type: ignore[literal-required]
    body["label"] = address["label"]
    body["account_id"] = address["account_id"]
    body["created_date"] = address["created_at"]
    reviewed_at = address["reviewed_at"] or address["updated_at"]
    body["last_modified_date"] = max(address["updated_at"], reviewed_at)
    if address["usage_type"] == OWN_NUMBER:
        body["expiry"] = address["expires_at"]
        body["display_status"] = display_status(address["expires_at"], now)
    return _without_none(body)


def shown_as_address(address: SenderAddress, now: datetime) -> bool:
    """Whether the address shows among the account's sender addresses: an alpha tag once
    approved, an own number once verified (an expired one too, as EXPIRED)."""
    if address["usage_type"] == ALPHANUMERIC:
        return current_status(address, now) == APPROVED
    return address["expires_at"] is not None


def _fixture(account: Account, sender_address: str, kind: str, usage: str) -> dict[str, Any]:
    return {
        "id": fixture_address_id(account.id, sender_address),
        "sender_address": sender_address,
        "sender_address_type": kind,
        "usage_type": usage,
        "destination_countries": _country_of(sender_address) if kind == INTERNATIONAL else [],
        "reason": FIXTURE_REASON,
        "account_id": account.id,
    }


def _country_of(number: str) -> list[str]:
    """The country of a fixture number, as its only destination country (none when unknown)."""
    country = country_of(number)
    return [] if country == NO_COUNTRY else [country]


def _entry_id(entry: dict[str, Any]) -> str:
    return str(entry["id"])


def _without_none(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if value is not None}
