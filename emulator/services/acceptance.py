"""What an account's settings make of a message as it is accepted: its sender, the content
handed to the carrier, how it will end, and when it first moves."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict

from emulator.domain.accounts import REJECT, Account, Features
from emulator.domain.billing import billing_units, to_gsm7
from emulator.domain.lifecycle import StepDelays, first_due_time
from emulator.domain.outcomes import Outcome, OutcomeRules
from emulator.domain.records import OutcomeData
from emulator.domain.social_hours import next_social_start
from emulator.domain.statuses import QUEUED, SCHEDULED
from emulator.services.blacklist import opted_out
from emulator.store import Store, Transaction, account_subject, take_turns
from emulator.store import messages as stored_messages

DEDUPLICATION_WINDOW = timedelta(hours=24)
OPTED_OUT = Outcome("rejected", "302")
UNREGISTERED_SOURCE = Outcome("rejected", "303")
DUPLICATE = Outcome("rejected", "305")


class Acceptance(TypedDict):
    """The fields of a stored message that acceptance decides."""

    source_number: str | None
    source_number_type: str | None
    sent_content: str | None
    billing_units: int
    is_duplicate: bool
    outcome: OutcomeData
    status: str
    next_transition_at: datetime


@dataclass
class Batch:
    """One request's messages, with what the store says about their destinations, read once:
    those on the account's blacklist (`opted_out`) and, for de-duplication, what was sent.

    `sent` holds (destination, content) pairs already sent: in the last 24 hours when
    de-duplication is on, and earlier in the same request.
    """

    features: Features
    now: datetime
    opted_out: set[str]
    sent: set[tuple[str, str]]


class AcceptancePolicy:
    """Applies outcome rules, opt-outs and the account features to each accepted message.

    What needs no store (the sender, the content, billing units, the outcome rules, the first
    due time) is `decide`d first, outside the writing transaction; `settle` then applies what
    the store says of the destinations inside it.
    """

    def __init__(self, store: Store, outcomes: OutcomeRules, delays: StepDelays) -> None:
        self._store = store
        self._outcomes = outcomes
        self._delays = delays

    def batch(
        self,
        tx: Transaction,
        account: Account,
        features: Features,
        now: datetime,
        messages: list[Any],
    ) -> Batch:
        """Read what the store knows of these messages' destinations, in two queries at most, in
        the caller's writing transaction `tx`."""
        numbers = {message["destination_number"] for message in messages}
        blocked = opted_out(self._store, account.id, numbers, now)
        sent: set[tuple[str, str]] = set()
        if features.deduplication:
            # Sends of the account take turns: of two identical ones, the later sees the first.
            take_turns(tx, account_subject(account.id))
            sent = stored_messages.recently_sent(
                tx, account.id, numbers, now - DEDUPLICATION_WINDOW
            )
        return Batch(features, now, blocked, sent)

    def decide(
        self, message: dict[str, Any], account: Account, features: Features, now: datetime
    ) -> Acceptance:
        """The stored fields the policy decides for `message` before the store is asked."""
        destination, content = message["destination_number"], message["content"]
        source, source_type, registered = self._sender(message, account, features)
        sent_content = to_gsm7(content) if features.character_converter else content
        outcome = (
            self._outcomes.outcome_for(destination, content) if registered else UNREGISTERED_SOURCE
        )
        scheduled = message.get("scheduled")
        departure = max(now, scheduled) if scheduled else now
        held_until = (
            next_social_start(departure, features.timezone) if features.social_sending else None
        )
        start = held_until or scheduled
        return {
            "source_number": source,
            "source_number_type": source_type,
            "sent_content": sent_content if sent_content != content else None,
            "billing_units": billing_units(sent_content),
            "is_duplicate": False,
            "outcome": outcome.as_data(),
            "status": SCHEDULED if start is not None and start > now else QUEUED,
            "next_transition_at": self._first_due(message, now, start, outcome),
        }

    def settle(self, message: dict[str, Any], decided: Acceptance, batch: Batch) -> Acceptance:
        """`decided` with what the store says: a message to a blacklisted number, or one sent
        already (with de-duplication on), is rejected rather than sent from a registered
        source."""
        destination, content = message["destination_number"], message["content"]
        is_duplicate = batch.features.deduplication and (destination, content) in batch.sent
        batch.sent.add((destination, content))
        if decided["outcome"] == UNREGISTERED_SOURCE.as_data():
            outcome = None
        elif destination in batch.opted_out:
            outcome = OPTED_OUT
        elif is_duplicate:
            outcome = DUPLICATE
        else:
            outcome = None
        if outcome is None:
            return {**decided, "is_duplicate": is_duplicate}
        start = decided["next_transition_at"] if decided["status"] == SCHEDULED else None
        return {
            **decided,
            "is_duplicate": is_duplicate,
            "outcome": outcome.as_data(),
            "next_transition_at": self._first_due(message, batch.now, start, outcome),
        }

    def _first_due(
        self, message: dict[str, Any], now: datetime, start: datetime | None, outcome: Outcome
    ) -> datetime:
        return first_due_time(
            now,
            start,
            message.get("message_expiry_timestamp"),
            self._delays.with_overrides(outcome.delays),
        )

    def _sender(
        self, message: dict[str, Any], account: Account, features: Features
    ) -> tuple[str | None, str | None, bool]:
        """Source number, its type, and whether the message may go out from it."""
        source = message.get("source_number")
        source_type = message.get("source_number_type")
        if source is None:
            if features.familiar_sender and account.numbers:
                return familiar_number(account, message["destination_number"]), None, True
            return None, None, True
        if account.owns_source(source):
            return source, source_type, True
        if features.unregistered_source == REJECT or account.default_number is None:
            return source, source_type, False
        return account.default_number, "INTERNATIONAL", True


def familiar_number(account: Account, destination_number: str) -> str:
    """The pool number a destination always gets: chosen by a stable hash of the destination."""
    digest = hashlib.sha256(destination_number.encode()).digest()
    return account.numbers[int.from_bytes(digest[:8], "big") % len(account.numbers)]
