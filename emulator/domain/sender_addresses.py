"""Sender addresses: alpha tags reviewed on the emulator's clock, own numbers proven by a code
sent to them, and what makes either a valid `source_number`."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TypedDict

ALPHANUMERIC, INTERNATIONAL = "ALPHANUMERIC", "INTERNATIONAL"
OWN_NUMBER, DEDICATED = "OWN_NUMBER", "DEDICATED"
# The two kinds of request, as (sender_address_type, usage_type).
ALPHA_TAG_KIND = (ALPHANUMERIC, ALPHANUMERIC)
OWN_NUMBER_KIND = (INTERNATIONAL, OWN_NUMBER)
USAGE_TYPES = (ALPHANUMERIC, OWN_NUMBER, DEDICATED)

OPEN, PENDING, APPROVED, REJECTED = "OPEN", "PENDING", "APPROVED", "REJECTED"
EXPIRING, EXPIRED = "EXPIRING", "EXPIRED"

# Magic alpha tags, matched at their start in any case: rejected by the review, or never
# reviewed (OPEN until approved or rejected through the control plane).
REJECTED_PREFIX = "REJECT"
HELD_PREFIX = "HOLD"

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_TRIES = 3
# An own number must be verified again every 12 months; EXPIRING in the last 30 days.
OWN_NUMBER_VALIDITY = timedelta(days=365)
EXPIRING_WITHIN = timedelta(days=30)

# The change log's kinds.
REQUESTED_EVENT = "sender_address_requested"
REVIEWED_EVENT = "sender_address_reviewed"
CODE_SENT_EVENT = "sender_address_code_sent"
VERIFIED_EVENT = "sender_address_verified"
VERIFICATION_FAILED_EVENT = "sender_address_code_refused"
RELABELLED_EVENT = "sender_address_relabelled"
DELETED_EVENT = "sender_address_deleted"
EVENT_KINDS = (
    REQUESTED_EVENT,
    REVIEWED_EVENT,
    CODE_SENT_EVENT,
    VERIFIED_EVENT,
    VERIFICATION_FAILED_EVENT,
    RELABELLED_EVENT,
    DELETED_EVENT,
)


class SenderAddress(TypedDict):
    """A sender address request and the address it becomes (see the table's comment)."""

    id: str
    account_id: str
    sender_address: str
    sender_address_type: str
    usage_type: str
    destination_countries: list[str]
    reason: str
    label: str | None
    status: str
    reviewed_at: datetime | None
    verdict: str | None
    review_announced: bool
    code: str | None
    code_expires_at: datetime | None
    code_tries: int
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


def current_status(address: SenderAddress, now: datetime) -> str:
    """The request's status at `now`: an alpha tag's is that of its review."""
    if address["usage_type"] == ALPHANUMERIC:
        return alpha_tag_status(address["reviewed_at"], address["verdict"], now)
    return address["status"]


def registered_at(address: SenderAddress, now: datetime) -> bool:
    """Whether the address is a valid `source_number` of its account at `now`: an alpha tag
    once approved, an own number while verified and not expired."""
    if address["usage_type"] == ALPHANUMERIC:
        return current_status(address, now) == APPROVED
    expires_at = address["expires_at"]
    return expires_at is not None and now < expires_at


def review_verdict(alpha_tag: str) -> str | None:
    """What the review of an alpha tag decides: REJECTED for a tag starting with REJECT, None
    (it waits) for one starting with HOLD, APPROVED for any other."""
    upper = alpha_tag.upper()
    if upper.startswith(REJECTED_PREFIX):
        return REJECTED
    if upper.startswith(HELD_PREFIX):
        return None
    return APPROVED


def alpha_tag_status(reviewed_at: datetime | None, verdict: str | None, now: datetime) -> str:
    """OPEN until the review is done at `reviewed_at`, then its verdict."""
    if reviewed_at is None or verdict is None or now < reviewed_at:
        return OPEN
    return verdict


def display_status(expires_at: datetime | None, now: datetime) -> str:
    """An own number's standing: APPROVED, EXPIRING in its last 30 days, then EXPIRED."""
    if expires_at is None or now < expires_at - EXPIRING_WITHIN:
        return APPROVED
    return EXPIRING if now < expires_at else EXPIRED


def new_verification_code() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def verification_text(code: str) -> str:
    """The SMS that carries a verification code to the number being registered."""
    minutes = int(CODE_LIFETIME.total_seconds()) // 60
    return f"Your MessageMedia verification code is {code}. It expires in {minutes} minutes."
