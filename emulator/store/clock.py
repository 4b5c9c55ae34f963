"""The clock's one row: the offset every process adds to real time, the generation each reset
starts, and the lease that lets one clock advance at a time hold the engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select, update

from emulator.store.base import StoreBase
from emulator.store.tables import CLOCK_ROW, clock

_ROW = clock.c.id == CLOCK_ROW
_MICROSECOND = timedelta(microseconds=1)
# Built once: every now() reads it.
_OFFSET = select(clock.c.offset_microseconds).where(_ROW)
_GENERATION = select(clock.c.generation).where(_ROW)


class ClockQueries(StoreBase):
    """The store as the Clock's state (see emulator.clock.ClockState), and the advance lease."""

    def clock_offset(self) -> timedelta:
        return self.cached("clock offset", self._read_clock_offset)

    def _read_clock_offset(self) -> timedelta:
        with self.reading() as connection:
            offset = connection.execute(_OFFSET).scalar()
        return timedelta(microseconds=offset or 0)

    def raise_clock_offset(self, offset: timedelta) -> None:
        microseconds = offset // _MICROSECOND
        statement = (
            update(clock)
            .where(_ROW, clock.c.offset_microseconds < microseconds)
            .values(offset_microseconds=microseconds)
        )
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            connection.execute(statement)

    def reset_clock(self) -> None:
        """Real time again, in a new generation; an advance under way loses its lease."""
        statement = (
            update(clock)
            .where(_ROW)
            .values(
                offset_microseconds=0,
                generation=clock.c.generation + 1,
                advancing_until=None,
                advance_token=None,
            )
        )
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            connection.execute(statement)

    def clock_generation(self) -> int:
        """The generation; in a writing transaction, the row stays as read until it ends (a
        reset in another process waits), so what the transaction does next is in this one."""
        query = select(clock.c.generation).where(_ROW)
        if self.writing():
            query = query.with_for_update()
        with self.reading() as connection:
            return connection.execute(query).scalar() or 0

    def take_advance_lease(self, token: str, seconds: float) -> bool:
        """Hold the engine for an advance for `seconds` of real time, unless another advance
        holds it; renews the lease when `token` already holds it."""
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
        with self.transaction() as connection:
            return connection.execute(statement).rowcount == 1

    def release_advance_lease(self, token: str) -> None:
        statement = (
            update(clock)
            .where(_ROW, clock.c.advance_token == token)
            .values(advancing_until=None, advance_token=None)
        )
        with self.transaction() as connection:
            connection.execute(statement)

    def advance_under_way(self) -> bool:
        """Whether an advance holds the engine (its lease has not run out)."""
        query = select(func.count()).where(_ROW, clock.c.advancing_until >= datetime.now(UTC))
        with self.reading() as connection:
            return bool(connection.execute(query).scalar())
