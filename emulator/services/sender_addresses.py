"""The sender address API without HTTP: alpha tags requested and reviewed on the emulator's
clock, own numbers verified with a code sent to them by SMS, and the addresses an account may
send from, listed, read, relabelled, deleted and verified again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from emulator.clock import Clock
from emulator.domain.accounts import Account
from emulator.domain.ids import new_id, normalise_id
from emulator.domain.sender_addresses import (
    ALPHANUMERIC,
    APPROVED,
    CODE_LIFETIME,
    CODE_SENT_EVENT,
    DELETED_EVENT,
    MAX_CODE_TRIES,
    OPEN,
    OWN_NUMBER,
    OWN_NUMBER_VALIDITY,
    PENDING,
    REJECTED,
    RELABELLED_EVENT,
    REQUESTED_EVENT,
    REVIEWED_EVENT,
    VERIFICATION_FAILED_EVENT,
    VERIFIED_EVENT,
    SenderAddress,
    current_status,
    new_verification_code,
    review_verdict,
    verification_text,
)
from emulator.errors import BadRequest, Conflict, NotFound
from emulator.schemas.validation import INVALID_REQUEST
from emulator.services.features import FeatureService
from emulator.services.sender_listing import SenderListing, shown_as_address
from emulator.store import Store, Transaction, take_turns
from emulator.store import sender_addresses as stored

ALPHA_TAG_TAKEN = "The sender address is registered to your account already."
NUMBER_TAKEN = "The number is registered to an account already."
NOT_AN_OWN_NUMBER = "Only an own number (usage_type OWN_NUMBER) is verified with a code."
NO_CODE_PENDING = "No verification code is pending for this sender address."
WRONG_CODE = "The verification code is incorrect."
CODE_EXPIRED = "The verification code has expired."
TOO_MANY_TRIES = "Too many incorrect verification codes."
NOT_FOR_API = "This sender address is not registered through the sender address API."
NOT_VERIFIED_YET = "Only a verified own number is verified again."

# Sends one SMS from the account to a number: how a verification code reaches the handset.
SendCode = Callable[[str, str, str], object]


class SenderAddressService:
    """What happens when an account requests, verifies, reads or removes a sender address."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        features: FeatureService,
        send_code: SendCode,
        review_time: timedelta,
        listing: SenderListing,
    ) -> None:
        self._store = store
        self._clock = clock
        self._features = features
        self._send_code = send_code
        self._review_time = review_time
        self._listing = listing

    def request(self, account_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Record the request: an alpha tag is OPEN until its review, an own number PENDING
        until the code sent to it now comes back. Conflict for an address held already."""
        own_number = body["usage_type"] == OWN_NUMBER
        with self._store.transaction() as tx:
            now = self._clock.now()
            self._refuse_taken(tx, account_id, body["sender_address"], own_number, now)
            verdict = None if own_number else review_verdict(body["sender_address"])
            code = new_verification_code() if own_number else None
            address: SenderAddress = {
                "id": new_id(),
                "account_id": account_id,
                "sender_address": body["sender_address"],
                "sender_address_type": body["sender_address_type"],
                "usage_type": body["usage_type"],
                "destination_countries": body["destination_countries"],
                "reason": body["reason"],
                "label": body.get("label"),
                "status": PENDING if own_number else OPEN,
                "reviewed_at": None if verdict is None else now + self._review_time,
                "verdict": verdict,
                "review_announced": False,
                "code": code,
                "code_expires_at": now + CODE_LIFETIME if own_number else None,
                "code_tries": 0,
                "expires_at": None,
                "created_at": now,
                "updated_at": now,
            }
            stored.insert_address(tx, address, REQUESTED_EVENT)
        if code is not None:
            self._send_code(account_id, address["sender_address"], verification_text(code))
        return request_body(address, now)

    def status(self, account_id: str, address_id: str) -> dict[str, Any]:
        """The request as it stands now, whatever its status."""
        with self._store.reading() as tx:
            address = self._find(tx, account_id, address_id)
        return request_body(address, self._clock.now())

    def verify(self, account_id: str, address_id: str, code: str) -> dict[str, Any]:
        """Approve the own number when `code` is the one sent to it. A wrong code is a 400 and
        counts; the third wrong code, or any code once the code expired, ends the verification:
        a new request is REJECTED (it may be made again), an address verified before stays
        as it was."""
        failure = None
        with self._store.transaction() as tx:
            now = self._clock.now()
            address = self._find(tx, account_id, address_id, taking_turns=True)
            if address["usage_type"] != OWN_NUMBER:
                raise BadRequest(NOT_AN_OWN_NUMBER, [NOT_AN_OWN_NUMBER])
            if address["status"] != PENDING or address["code"] is None:
                raise BadRequest(NO_CODE_PENDING, [NO_CODE_PENDING])
            assert address["code_expires_at"] is not None
            tries = address["code_tries"] + (code != address["code"])
            if now >= address["code_expires_at"]:
                failure = BadRequest(CODE_EXPIRED, [f"{CODE_EXPIRED} {_ASK_AGAIN}"])
            elif tries >= MAX_CODE_TRIES:
                failure = BadRequest(TOO_MANY_TRIES, [f"{TOO_MANY_TRIES} {_ASK_AGAIN}"])
            elif code != address["code"]:
                left = MAX_CODE_TRIES - tries
                failure = BadRequest(WRONG_CODE, [f"verification_code: {left} tries left."])
            if failure is None:
                changes, event = _approved(now), VERIFIED_EVENT
            elif failure.message == WRONG_CODE:
                changes, event = {"code_tries": tries}, VERIFICATION_FAILED_EVENT
            else:
                changes, event = _ended(address), VERIFICATION_FAILED_EVENT
            address = stored.change(tx, address, changes, now, event)
        # Raised once committed: the tries counted and an ended verification stay.
        if failure is not None:
            raise failure
        return request_body(address, now)

    def reverify(self, account_id: str, address_id: str) -> dict[str, Any]:
        """Send a new code to a verified own number; the address stays usable meanwhile."""
        with self._store.transaction() as tx:
            now = self._clock.now()
            address = self._find(tx, account_id, address_id, taking_turns=True)
            if address["usage_type"] != OWN_NUMBER:
                raise BadRequest(NOT_AN_OWN_NUMBER, [NOT_AN_OWN_NUMBER])
            if address["expires_at"] is None:
                raise BadRequest(NOT_VERIFIED_YET, [NOT_VERIFIED_YET])
            code = new_verification_code()
            changes = {
                "status": PENDING,
                "code": code,
                "code_expires_at": now + CODE_LIFETIME,
                "code_tries": 0,
            }
            address = stored.change(tx, address, changes, now, CODE_SENT_EVENT)
        self._send_code(account_id, address["sender_address"], verification_text(code))
        return request_body(address, now)

    def listed(self, account_id: str, query: dict[str, Any]) -> dict[str, Any]:
        """A page of the sender addresses the account may send from (and those of its related
        accounts when asked), filtered as the query asks."""
        accounts = [self._fixture_account(account_id)]
        if query.get("include_related_accounts"):
            accounts = self._related(accounts[0])
        with self._store.reading() as tx:
            now = self._clock.now()
            rows = [row for account in accounts for row in stored.of_account(tx, account.id)]
            return self._listing.listed(tx, accounts, rows, now, query)

    def address(self, account_id: str, address_id: str) -> dict[str, Any]:
        """One sender address the account may send from; NotFound for a request not approved."""
        canonical = normalise_id(address_id)
        with self._store.reading() as tx:
            now = self._clock.now()
            account = self._fixture_account(account_id)
            rows = stored.of_account(tx, account_id)
            found = self._listing.find(tx, account, rows, now, canonical) if canonical else None
        if found is None:
            raise NotFound()
        return found

    def relabel(self, account_id: str, address_id: str, label: str) -> dict[str, Any]:
        with self._store.transaction() as tx:
            now = self._clock.now()
            address = self._registered(tx, account_id, address_id, now)
            stored.change(tx, address, {"label": label}, now, RELABELLED_EVENT)
        return self.address(account_id, address_id)

    def delete(self, account_id: str, address_id: str) -> None:
        """Remove the address (or the request): it is no longer a valid source."""
        with self._store.transaction() as tx:
            now = self._clock.now()
            address = self._registered(tx, account_id, address_id, now, approved_only=False)
            stored.remove(tx, address, now, DELETED_EVENT)

    def review(self, address_id: str, verdict: str) -> dict[str, Any]:
        """The control plane's decision on an alpha tag's review, in force at once."""
        canonical = normalise_id(address_id)
        with self._store.transaction() as tx:
            now = self._clock.now()
            address = stored.find_any(tx, canonical) if canonical else None
            if address is None:
                raise NotFound()
            if address["usage_type"] != ALPHANUMERIC:
                raise BadRequest(INVALID_REQUEST, ["Only an alpha tag request is reviewed."])
            changes = {"reviewed_at": now, "verdict": verdict, "review_announced": True}
            address = stored.change(tx, address, changes, now, REVIEWED_EVENT)
        return request_body(address, now)

    def everyone(self) -> list[dict[str, Any]]:
        """Every account's requests with their pending codes (the control plane's)."""
        with self._store.reading() as tx:
            rows = stored.everyone(tx)
            now = self._clock.now()
        return [{**request_body(row, now), "verification_code": row["code"]} for row in rows]

    def _find(
        self, tx: Transaction, account_id: str, address_id: str, taking_turns: bool = False
    ) -> SenderAddress:
        """The account's request of this ID; NotFound for any other. `taking_turns`: other
        writers about it wait until `tx` ends (two codes given at once both count)."""
        canonical = normalise_id(address_id)
        if canonical and taking_turns:
            take_turns(tx, _subject(canonical))
        address = stored.find(tx, account_id, canonical) if canonical else None
        if address is None:
            raise NotFound()
        return address

    def _registered(
        self,
        tx: Transaction,
        account_id: str,
        address_id: str,
        now: datetime,
        approved_only: bool = True,
    ) -> SenderAddress:
        """The account's address of this ID registered through the API; a 400 naming where an
        address of the fixture or a dedicated number is changed, a 404 for any other ID."""
        canonical = normalise_id(address_id)
        if canonical:
            take_turns(tx, _subject(canonical))
        address = stored.find(tx, account_id, canonical) if canonical else None
        if address is not None and (not approved_only or shown_as_address(address, now)):
            return address
        account = self._fixture_account(account_id)
        shown = self._listing.find(tx, account, [], now, canonical) if canonical else None
        if shown is not None:
            raise BadRequest(NOT_FOR_API, [_WHERE_CHANGED[shown["usage_type"]]])
        raise NotFound()

    def _refuse_taken(
        self, tx: Transaction, account_id: str, sender_address: str, own_number: bool, now: datetime
    ) -> None:
        # Two requests for one address at once: the second sees the first.
        take_turns(tx, _subject(sender_address.upper()))
        account = self._fixture_account(account_id)
        if own_number:
            held = stored.holding(tx, sender_address)
            if any(current_status(row, now) != REJECTED for row in held):
                raise Conflict(NUMBER_TAKEN)
            return
        wanted = sender_address.upper()
        mine = stored.of_account(tx, account_id)
        if any(tag.upper() == wanted for tag in account.alpha_tags) or any(
            row["sender_address"].upper() == wanted and current_status(row, now) != REJECTED
            for row in mine
        ):
            raise Conflict(ALPHA_TAG_TAKEN)

    def _fixture_account(self, account_id: str) -> Account:
        return self._features.account(account_id)

    def _related(self, account: Account) -> list[Account]:
        """The account, its parent and its sub-accounts: the accounts one key may act for."""
        top = self._fixture_account(account.parent_id) if account.parent_id else account
        return [top, *(self._fixture_account(sub) for sub in top.sub_account_ids)]


def _subject(name: str) -> str:
    """What writers about one sender address (by ID or by name) take turns on."""
    return f"sender address {name}"


_ASK_AGAIN = "Request the sender address again, or verify it again, for a new code."
_WHERE_CHANGED = {
    ALPHANUMERIC: "It is an alpha tag of the account in the emulator's fixtures (accounts.yaml).",
    "DEDICATED": "It is a dedicated number: PATCH or DELETE"
    " /v1/messaging/numbers/dedicated/{numberId}/assignment changes it.",
}


def verification_message(number: str, text: str) -> dict[str, Any]:
    """The message that carries a verification code: an SMS from the account's default sender,
    as a send of its own would be."""
    return {
        "destination_number": number,
        "content": text,
        "format": "SMS",
        "delivery_report": False,
    }


def _approved(now: datetime) -> dict[str, Any]:
    return {
        "status": APPROVED,
        "code": None,
        "code_expires_at": None,
        "code_tries": 0,
        "expires_at": now + OWN_NUMBER_VALIDITY,
    }


def _ended(address: SenderAddress) -> dict[str, Any]:
    """A failed verification: a number verified before stays APPROVED until it expires."""
    status = APPROVED if address["expires_at"] is not None else REJECTED
    return {"status": status, "code": None, "code_expires_at": None, "code_tries": 0}


def request_body(address: SenderAddress, now: datetime) -> dict[str, Any]:
    """A request as GET .../requests/{id} shows it."""
    body: dict[str, Any] = {
        name: address[name]
        for name in (
            "id",
            "sender_address",
            "sender_address_type",
            "usage_type",
            "destination_countries",
            "reason",
        )
    }
    if address["label"] is not None:
        body["label"] = address["label"]
    body["status"] = current_status(address, now)
    body["account_id"] = address["account_id"]
    body["created_date"] = address["created_at"]
    body["last_modified_date"] = _last_modified(address, now)
    return body


def _last_modified(address: SenderAddress, now: datetime) -> datetime:
    """When the request last changed: its review counts once it is done."""
    reviewed_at = address["reviewed_at"]
    if reviewed_at is not None and reviewed_at <= now and reviewed_at > address["updated_at"]:
        return reviewed_at
    return address["updated_at"]
