"""The clock's one row: the offset every process adds to real time, the generation each reset
starts, and the lease that lets one clock advance at a time hold the engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update

from emulator.store.base import Transaction, changes_kept_state
from emulator.store.database import WRITE
from emulator.store.tables import CLOCK_ROW, clock

_ROW = clock.c.id == CLOCK_ROW
_MICROSECOND = timedelta(microseconds=1)
# Built once: every now() reads it.
_OFFSET = select(clock.c.offset_microseconds).where(_ROW)
_GENERATION = select(clock.c.generation).where(_ROW)


def offset(tx: Transaction) -> timedelta:
    """What every process adds to real time; read it through `Store.kept`, as every now() does."""
    return timedelta(microseconds=tx.execute(_OFFSET).scalar() or 0)


def raise_offset(tx: Transaction, new_offset: timedelta) -> None:
    """Make the offset `new_offset` unless it is already larger."""
    microseconds = new_offset // _MICROSECOND
    changes_kept_state(tx)
    tx.execute(
        update(clock)
        .where(_ROW, clock.c.offset_microseconds < microseconds)
        .values(offset_microseconds=microseconds)
    )


def reset(tx: Transaction) -> None:
    """Real time again, in a new generation; an advance under way loses its lease."""
    changes_kept_state(tx)
    tx.execute(
        update(clock)
        .where(_ROW)
        .values(
            offset_microseconds=0,
            generation=clock.c.generation + 1,
            advancing_until=None,
            advance_token=None,
        )
    )


def generation(tx: Transaction) -> int:
    """The generation; in a writing transaction the row stays as read until `tx` ends (a reset
    in another process waits), so what the transaction does next is in this generation."""
    query = _GENERATION
    if tx.get_execution_options().get(WRITE):
        query = query.with_for_update()
    return tx.execute(query).scalar() or 0


def take_advance_lease(tx: Transaction, token: str, seconds: float) -> bool:
    """Hold the engine for an advance for `seconds` of real time, unless another advance holds
    it; renews the lease when `token` already holds it."""
    now = datetime.now(UTC)
    statement = (
        update(clock)
        .where(
            _ROW,
            or_(
                clock.c.advancing_until.is_(None),
                clock.c.advancing_until < now,
                clock.c.advance_token == token,
            ),
        )
        .values(advancing_until=now + timedelta(seconds=seconds), advance_token=token)
    )
    return tx.execute(statement).rowcount == 1


def release_advance_lease(tx: Transaction, token: str) -> None:
    """Give the engine back, if `token` still holds it."""
    tx.execute(
        update(clock)
        .where(_ROW, clock.c.advance_token == token)
        .values(advancing_until=None, advance_token=None)
    )


def advance_under_way(tx: Transaction) -> bool:
    """Whether an advance holds the engine (its lease has not run out)."""
    query = select(func.count()).where(_ROW, clock.c.advancing_until >= datetime.now(UTC))
    return bool(tx.execute(query).scalar())
