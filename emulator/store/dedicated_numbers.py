"""Queries on dedicated number assignments: which account holds which pool number, taking and
releasing numbers with the change log's events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from emulator.domain.dedicated_numbers import (
    ASSIGNED_EVENT,
    ASSIGNMENT_UPDATED_EVENT,
    RELEASED_EVENT,
    Assignment,
)
from emulator.store.base import Transaction, changes_kept_state, record, records, take_turns
from emulator.store.events import append_events, new_event
from emulator.store.numbering_tables import dedicated_number_assignments

_ASSIGNMENTS = dedicated_number_assignments.c


def number_subject(number_id: str) -> str:
    """What writers about one pool number take turns on (see take_turns)."""
    return f"dedicated number {number_id}"


def of_number(tx: Transaction, number_id: str) -> Assignment | None:
    """The assignment of the pool number, whichever account holds it."""
    query = select(dedicated_number_assignments).where(_ASSIGNMENTS.number_id == number_id)
    return record(tx.execute(query).mappings().first(), Assignment)


def holder_of(tx: Transaction, phone_number: str) -> str | None:
    """The account that holds the pool number `phone_number`, if any does."""
    query = select(_ASSIGNMENTS.account_id).where(_ASSIGNMENTS.phone_number == phone_number)
    holder: str | None = tx.execute(query).scalar()
    return holder


def assigned_ids(tx: Transaction) -> set[str]:
    """The IDs of every pool number some account holds."""
    return set(tx.execute(select(_ASSIGNMENTS.number_id)).scalars())


def of_account(tx: Transaction, account_id: str) -> list[Assignment]:
    """The account's assignments, oldest first."""
    query = (
        select(dedicated_number_assignments)
        .where(_ASSIGNMENTS.account_id == account_id)
        .order_by(_ASSIGNMENTS.seq)
    )
    return records(tx.execute(query).mappings(), Assignment)


def assign(tx: Transaction, assignment: Assignment) -> None:
    """Record the assignment; the number is the account's source number from now on."""
    changes_kept_state(tx)
    tx.execute(insert(dedicated_number_assignments), dict(assignment))
    append_events(tx, [_event(ASSIGNED_EVENT, assignment, assignment["created_at"])])


def change(tx: Transaction, assignment: Assignment, changes: dict[str, Any], at: datetime) -> None:
    """Give the assignment a new label or metadata."""
    statement = (
        update(dedicated_number_assignments)
        .where(_ASSIGNMENTS.id == assignment["id"])
        .values(**changes, updated_at=at)
    )
    tx.execute(statement)
    changed: Assignment = {**assignment, **changes}  # type: ignore[typeddict-item]
    append_events(tx, [_event(ASSIGNMENT_UPDATED_EVENT, changed, at)])


def release(tx: Transaction, assignment: Assignment, at: datetime) -> None:
    """Delete the assignment: the number is no longer the account's source number."""
    changes_kept_state(tx)
    tx.execute(delete(dedicated_number_assignments).where(_ASSIGNMENTS.id == assignment["id"]))
    append_events(tx, [_event(RELEASED_EVENT, assignment, at)])


def take_number_turns(tx: Transaction, number_id: str) -> None:
    """Until `tx` ends, other writers about this pool number wait (two accounts taking it at
    once: one gets it, the other a conflict)."""
    take_turns(tx, number_subject(number_id))


def _event(kind: str, assignment: Assignment, at: datetime) -> Any:
    return new_event(
        kind,
        at,
        assignment["account_id"],
        number=assignment["phone_number"],
        number_id=assignment["number_id"],
        label=assignment["label"],
    )
