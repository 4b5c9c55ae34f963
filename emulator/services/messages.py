"""Sending, reading and cancelling messages: the rules of /v1/messages without HTTP."""

from __future__ import annotations

from collections.abc import Callable

from emulator.clock import Clock
from emulator.engine.lifecycle import QUEUED, SCHEDULED, StepDelays, first_due_time
from emulator.engine.outcomes import OutcomeRules
from emulator.errors import BadRequest, NotFound
from emulator.services.billing import billing_units
from emulator.services.ids import new_id, normalise_id
from emulator.services.retention import retention_cutoff
from emulator.store import Store

NOT_SCHEDULED = "Message is not currently scheduled"

_STORED_FIELDS = (
    "content",
    "destination_number",
    "source_number",
    "source_number_type",
    "format",
    "delivery_report",
    "callback_url",
    "scheduled",
    "message_expiry_timestamp",
    "metadata",
    "media",
    "subject",
)


class MessageService:
    """What happens when an account sends, reads or cancels a message."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        outcomes: OutcomeRules,
        delays: StepDelays,
        on_accepted: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._outcomes = outcomes
        self._delays = delays
        self._on_accepted = on_accepted

    def send(self, account_id: str, messages: list[dict]) -> list[dict]:
        """Store every validated message (all or none) and return their echoes, `queued`."""
        now = self._clock.now()
        rows, echoes = [], []
        for message in messages:
            message_id = new_id()
            scheduled = message.get("scheduled")
            status = SCHEDULED if scheduled is not None and scheduled > now else QUEUED
            outcome = self._outcomes.outcome_for(message["destination_number"], message["content"])
            row = {name: message.get(name) for name in _STORED_FIELDS}
            row.update(
                id=message_id,
                account_id=account_id,
                status=status,
                billing_units=billing_units(message["content"]),
                outcome=outcome.as_data(),
                next_transition_at=first_due_time(
                    now,
                    scheduled,
                    message.get("message_expiry_timestamp"),
                    self._delays.with_overrides(outcome.delays),
                ),
                created_at=now,
                updated_at=now,
            )
            rows.append(row)
            echoes.append({**message, "message_id": message_id, "status": QUEUED})
        self._store.insert_messages(rows)
        self._on_accepted()
        return echoes

    def get(self, account_id: str, message_id: str) -> dict:
        """The message as the account may see it; NotFound for unknown, foreign or expired IDs."""
        canonical = normalise_id(message_id)
        message = self._store.find_message(account_id, canonical) if canonical else None
        if message is None or message["created_at"] <= retention_cutoff(self._clock.now()):
            raise NotFound()
        return {**message, "message_id": message["id"]}

    def cancel(self, account_id: str, message_id: str) -> None:
        """Cancel a scheduled message; any other status is a 400."""
        message = self.get(account_id, message_id)
        if not self._store.cancel_if_scheduled(account_id, message["id"], self._clock.now()):
            raise BadRequest(NOT_SCHEDULED)
