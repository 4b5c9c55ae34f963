"""Sending, reading and cancelling messages: the rules of /v1/messages without HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from emulator.clock import Clock
from emulator.domain.accounts import Account, Features
from emulator.domain.ids import new_id, normalise_id
from emulator.domain.records import MESSAGE_REQUEST_FIELDS, Message
from emulator.domain.retention import retention_cutoff
from emulator.domain.statuses import QUEUED
from emulator.errors import BadRequest, NotFound
from emulator.services.acceptance import Acceptance, AcceptancePolicy
from emulator.services.features import FeatureService
from emulator.services.registered_sources import with_registered_sources
from emulator.store import Store, Transaction, gather
from emulator.store import messages as stored_messages

NOT_SCHEDULED = "Message is not currently scheduled"


class MessageService:
    """What happens when an account sends, reads or cancels a message."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        features: FeatureService,
        policy: AcceptancePolicy,
        on_due_now: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._features = features
        self._policy = policy
        self._on_due_now = on_due_now

    def send(self, account_id: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store every validated message (all or none) and return their echoes, `queued`.

        What needs no store is decided before the writing transaction, which other writers
        wait for; the transaction reads opt-outs and recent messages and inserts: two identical
        requests racing with de-duplication on are one accepted and one withheld, whichever
        process answers them. Should the time or the features change meanwhile, it decides
        again. Sends arriving together share a transaction (see Store.together).
        """
        account = self._features.account(account_id)
        ahead = self._store.kept_generation()
        # Where nothing is kept (PostgreSQL), writers do not wait on each other: decide inside.
        decided_ahead = self._decide(account, messages) if ahead is not None else None

        def accept(tx: Transaction) -> tuple[list[Message], list[dict[str, Any]]]:
            decisions = decided_ahead
            if decisions is None or self._store.kept_generation() != ahead:
                decisions = self._decide(account, messages)
            return self._accept(tx, account, messages, decisions)

        rows, echoes = self._store.together(accept)
        # Waking the engine only pays when something is already due (instant mode, past expiry).
        if any(
            row["next_transition_at"] is not None and row["next_transition_at"] <= row["created_at"]
            for row in rows
        ):
            self._on_due_now()
        return echoes

    def _accept(
        self,
        tx: Transaction,
        account: Account,
        messages: list[dict[str, Any]],
        decisions: tuple[datetime, Features, list[Acceptance]],
    ) -> tuple[list[Message], list[dict[str, Any]]]:
        """Settle and insert the messages in the open writing transaction; their rows and
        echoes."""
        now, features, decided = decisions
        batch = self._policy.batch(tx, account, features, now, messages)
        rows: list[Message] = []
        echoes = []
        for message, decision in zip(messages, decided, strict=True):
            request = {name: message.get(name) for name in MESSAGE_REQUEST_FIELDS}
            identity = {"id": new_id(), "account_id": account.id, "created_at": now}
            accepted = self._policy.settle(message, decision, batch)
            row = {**request, **accepted, **identity, "updated_at": now}
            rows.append(cast(Message, row))
            echoes.append({**message, "message_id": identity["id"], "status": QUEUED})
        gather(tx, stored_messages.insert, rows)
        return rows, echoes

    def _decide(
        self, account: Account, messages: list[dict[str, Any]]
    ) -> tuple[datetime, Features, list[Acceptance]]:
        now = self._clock.now()
        features = self._features.features(account.id)
        account = with_registered_sources(self._store, account, now)
        return now, features, [self._policy.decide(m, account, features, now) for m in messages]

    def get(self, account_id: str, message_id: str) -> dict[str, Any]:
        """The message as the account may see it; NotFound for unknown, foreign or expired IDs."""
        canonical = normalise_id(message_id)
        with self._store.reading() as tx:
            message = stored_messages.find(tx, account_id, canonical) if canonical else None
            now = self._clock.now()
        if message is None or message["created_at"] <= retention_cutoff(now):
            raise NotFound()
        return {**message, "message_id": message["id"]}

    def cancel(self, account_id: str, message_id: str) -> None:
        """Cancel a scheduled message; any other status is a 400."""
        with self._store.transaction() as tx:
            message = self.get(account_id, message_id)
            at = self._clock.now()
            if not stored_messages.cancel_if_scheduled(tx, account_id, message["id"], at):
                raise BadRequest(NOT_SCHEDULED)
