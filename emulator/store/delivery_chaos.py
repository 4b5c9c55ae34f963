"""Queries on the faults injected into webhook deliveries: mark a delivery with them, postpone it,
and hold a message's notifications back so that they go out in reverse order."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select, update

from emulator.domain.records import WebhookDelivery
from emulator.domain.statuses import WEBHOOK_PENDING
from emulator.store.base import Transaction, records
from emulator.store.tables import webhooks

WAITS_FOR = "waits_for"
RELEASES = "releases"


def _unclaimed() -> ColumnElement[bool]:
    return or_(webhooks.c.claimed_until.is_(None), webhooks.c.claimed_until < datetime.now(UTC))


def mark(
    tx: Transaction, hook: WebhookDelivery, marks: list[dict[str, Any]], until: datetime | None
) -> None:
    """Note the faults injected into a claimed delivery; with `until`, postpone its first
    attempt to then and give up the claim."""
    values: dict[str, Any] = {"chaos": marks}
    if until is not None:
        values.update(next_attempt_at=until, claimed_until=None, claim_token=None)
    statement = (
        update(webhooks)
        .where(webhooks.c.id == hook["id"], webhooks.c.claim_token == hook["claim_token"])
        .values(**values)
    )
    tx.execute(statement)


def held_before(tx: Transaction, hook: WebhookDelivery, fault: str) -> list[WebhookDelivery]:
    """The earlier deliveries of the same message to the same URL that `fault` holds back,
    not attempted yet, not waiting for another one yet, and not being attempted now."""
    if hook["message_id"] is None:
        return []
    position = select(webhooks.c.seq).where(webhooks.c.id == hook["id"]).scalar_subquery()
    query = select(webhooks).where(
        webhooks.c.message_id == hook["message_id"],
        webhooks.c.url == hook["url"],
        webhooks.c.state == WEBHOOK_PENDING,
        webhooks.c.seq < position,
        webhooks.c.chaos.is_not(None),
        _unclaimed(),
    )
    found = records(tx.execute(query).mappings(), WebhookDelivery)
    return [
        earlier
        for earlier in found
        if not earlier["attempts"]
        and any(mark.get("fault") == fault for mark in earlier["chaos"] or [])
        and not any(WAITS_FOR in mark for mark in earlier["chaos"] or [])
    ]


def make_wait(
    tx: Transaction, held: Collection[WebhookDelivery], successor: str, at_most_until: datetime
) -> None:
    """Let `held` deliveries wait for the first attempt at `successor`, which releases them,
    and at most until `at_most_until`, whatever happens to it."""
    statement = (
        update(webhooks)
        .where(webhooks.c.id == bindparam("webhook_id"), _unclaimed())
        .values(chaos=bindparam("marks"), next_attempt_at=at_most_until)
    )
    rows = [
        {"webhook_id": hook["id"], "marks": [*(hook["chaos"] or []), {WAITS_FOR: successor}]}
        for hook in held
    ]
    if rows:
        tx.execute(statement, rows)


def release(tx: Transaction, ids: Collection[str], at: datetime) -> None:
    """Make the waiting deliveries among `ids` due at `at`."""
    query = select(webhooks.c.id, webhooks.c.attempts).where(
        webhooks.c.id.in_(list(ids)), webhooks.c.state == WEBHOOK_PENDING
    )
    waiting = [row.id for row in tx.execute(query) if not row.attempts]
    if waiting:
        tx.execute(update(webhooks).where(webhooks.c.id.in_(waiting)).values(next_attempt_at=at))
