"""Queries on webhook deliveries: what is due, recording attempts, listing."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, bindparam, func, or_, select, update

from emulator.domain.ids import new_id
from emulator.domain.records import WebhookDelivery
from emulator.store.base import Transaction, records
from emulator.store.events import WEBHOOK_ATTEMPT, NewEvent, append_events, new_event
from emulator.store.tables import webhooks

# Built once: every group of attempts records itself with them.
_CLAIMS = select(
    webhooks.c.id,
    webhooks.c.claim_token,
    webhooks.c.account_id,
    webhooks.c.message_id,
    webhooks.c.event,
    webhooks.c.payload,
).where(webhooks.c.id.in_(bindparam("ids", expanding=True)))
_CLAIMS_LOCKED = _CLAIMS.with_for_update()
_RECORD_ATTEMPT = (
    update(webhooks)
    .where(
        webhooks.c.id == bindparam("webhook_id"),
        webhooks.c.claim_token == bindparam("claim"),
    )
    .values(
        attempts=bindparam("new_attempts"),
        state=bindparam("new_state"),
        next_attempt_at=bindparam("new_next_attempt_at"),
        body=bindparam("new_body"),
        claimed_until=None,
        claim_token=None,
    )
)


def claim_due(
    tx: Transaction,
    now: datetime,
    limit: int,
    lease_seconds: float,
    skip_receivers: Collection[str] = (),
) -> list[WebhookDelivery]:
    """Claim pending deliveries due at or before `now` that no live claim holds, earliest
    first, for `lease_seconds` of real time; each comes back with its `claim_token`.

    One UPDATE picks and claims them, so two processes never claim the same delivery: under
    SQLite's single writer here, with FOR UPDATE SKIP LOCKED in the choice elsewhere.
    """
    real_now = datetime.now(UTC)
    choice = (
        select(webhooks.c.id)
        .where(
            webhooks.c.next_attempt_at <= now,
            or_(webhooks.c.claimed_until.is_(None), webhooks.c.claimed_until < real_now),
            webhooks.c.receiver.not_in(list(skip_receivers)),
        )
        .order_by(webhooks.c.next_attempt_at, webhooks.c.seq)
        .limit(limit)
    )
    statement = (
        update(webhooks)
        .where(webhooks.c.id.in_(_skip_locked(choice, tx.dialect.name)))
        .values(claimed_until=real_now + timedelta(seconds=lease_seconds), claim_token=new_id())
        .returning(*webhooks.columns)
    )
    claimed = tx.execute(statement).mappings().all()
    in_order = sorted(claimed, key=lambda row: (row["next_attempt_at"], row["seq"]))
    return records(in_order, WebhookDelivery)


def release_claims(tx: Transaction, hooks: Collection[WebhookDelivery]) -> None:
    """Give up claims on deliveries not attempted after all; any process may take them."""
    statement = (
        update(webhooks)
        .where(
            webhooks.c.id == bindparam("webhook_id"),
            webhooks.c.claim_token == bindparam("token"),
        )
        .values(claimed_until=None, claim_token=None)
    )
    tx.execute(
        statement, [{"webhook_id": hook["id"], "token": hook["claim_token"]} for hook in hooks]
    )


def extend_claims(tx: Transaction, hooks: Collection[WebhookDelivery]) -> None:
    """Move the claims of these deliveries to their `claimed_until`, where still held."""
    statement = (
        update(webhooks)
        .where(
            webhooks.c.id == bindparam("webhook_id"),
            webhooks.c.claim_token == bindparam("token"),
        )
        .values(claimed_until=bindparam("until"))
    )
    rows = [
        {"webhook_id": hook["id"], "token": hook["claim_token"], "until": hook["claimed_until"]}
        for hook in hooks
    ]
    tx.execute(statement, rows)


def next_attempt_time(tx: Transaction) -> datetime | None:
    """The earliest pending attempt no other process holds a claim on."""
    query = select(func.min(webhooks.c.next_attempt_at)).where(
        or_(webhooks.c.claimed_until.is_(None), webhooks.c.claimed_until < datetime.now(UTC))
    )
    return cast(datetime | None, tx.execute(query).scalar())


def record_attempts(tx: Transaction, results: list[dict[str, Any]]) -> None:
    """Store attempts, ending their claims; each result holds `webhook_id`, `claim`,
    `new_attempts`, `new_state`, `new_next_attempt_at` and `new_body` (names that differ from
    the columns they set). A result whose claim has run out and been taken by another process
    is dropped: that process's attempt counts."""
    ids = [result["webhook_id"] for result in results]
    # Locked where rows are locked one by one: no claim changes hands before the update.
    claims = _CLAIMS_LOCKED if tx.dialect.name == "postgresql" else _CLAIMS
    held = {row.id: row for row in tx.execute(claims, {"ids": ids})}
    recorded = [
        result
        for result in results
        if (hook := held.get(result["webhook_id"])) is not None
        and hook.claim_token == result["claim"]
    ]
    if recorded:
        tx.execute(_RECORD_ATTEMPT, recorded)
        append_events(tx, _attempt_events(held, recorded))


def newest(
    tx: Transaction, message_id: str | None = None, limit: int | None = None, offset: int = 0
) -> list[WebhookDelivery]:
    """Webhook deliveries (of one message, when given), newest first."""
    conditions = [webhooks.c.message_id == message_id] if message_id else []
    query = (
        select(webhooks)
        .where(*conditions)
        .order_by(webhooks.c.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return records(tx.execute(query).mappings(), WebhookDelivery)


def _attempt_events(hooks: dict[str, Any], results: list[dict[str, Any]]) -> list[NewEvent]:
    """One event per attempt, naming the handset the notification is about."""
    found = []
    for result in results:
        hook = hooks[result["webhook_id"]]
        attempt = result["new_attempts"][-1]
        found.append(
            new_event(
                WEBHOOK_ATTEMPT,
                datetime.fromisoformat(attempt["at"]),
                hook.account_id,
                hook.message_id,
                # A template's variables name the handset sourceAddress.
                hook.payload.get("source_number") or hook.payload.get("sourceAddress"),
                webhook_id=hook.id,
                event=hook.event,
                attempt=len(result["new_attempts"]),
                status_code=attempt.get("status_code"),
                error=attempt.get("error"),
                state=result["new_state"],
            )
        )
    return found


def _skip_locked(choice: Select[Any], dialect: str) -> Select[Any]:
    """Where rows can be locked one by one, pass over those another transaction is claiming."""
    return choice.with_for_update(skip_locked=True) if dialect == "postgresql" else choice
