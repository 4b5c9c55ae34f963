"""The emulator's time: real UTC time plus an offset that the control plane can advance.

The offset and the generation (how many resets there have been) live in a `ClockState`: this
process's memory by default, or the store, so that every process sharing a store reads the same
time and sees an advance or a reset made by any of them before it answers.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

from emulator.store import Store
from emulator.store import clock as stored_clock

# Where the emulator's time ends: a day short of the last year a datetime holds, which leaves room
# for every delay added to now (an expiry, a retry, the days a held message waits, retention).
LAST_MOMENT = datetime(9998, 12, 31, tzinfo=UTC)


class ClockState(Protocol):
    """Where the offset and the generation are kept."""

    def clock_offset(self) -> timedelta: ...

    def raise_clock_offset(self, offset: timedelta) -> None:
        """Make the offset `offset` unless it is already larger."""

    def reset_clock(self) -> None:
        """Offset zero, and a new generation."""

    def clock_generation(self) -> int: ...


class LocalClockState:
    """The offset and generation in this process's memory."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._generation = 0
        self._lock = threading.Lock()

    def clock_offset(self) -> timedelta:
        return self._offset

    def raise_clock_offset(self, offset: timedelta) -> None:
        with self._lock:
            self._offset = max(self._offset, offset)

    def reset_clock(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
            self._generation += 1

    def clock_generation(self) -> int:
        return self._generation


class StoredClockState:
    """The offset and generation in the store's clock row, which every process on it shares;
    the offset is kept in memory until any process changes it (see Store.kept)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def clock_offset(self) -> timedelta:
        return self._store.kept(stored_clock.offset)

    def raise_clock_offset(self, offset: timedelta) -> None:
        with self._store.transaction() as tx:
            stored_clock.raise_offset(tx, offset)

    def reset_clock(self) -> None:
        with self._store.transaction() as tx:
            stored_clock.reset(tx)

    def clock_generation(self) -> int:
        with self._store.reading() as tx:
            return stored_clock.generation(tx)


class Clock:
    """Every part of the emulator asks `now()` instead of reading the system time."""

    def __init__(self, state: ClockState | None = None) -> None:
        self._state = state or LocalClockState()

    def now(self) -> datetime:
        """The emulator's current time, timezone-aware UTC; it stops at LAST_MOMENT."""
        return min(datetime.now(UTC) + self._state.clock_offset(), LAST_MOMENT)

    def advance(self, seconds: float) -> datetime:
        """Move the emulator's time forward (no further than LAST_MOMENT) and return the new now."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        now = self.now()
        return self.advance_to(now + min(timedelta(seconds=seconds), LAST_MOMENT - now))

    def can_advance(self, seconds: float) -> bool:
        """Whether moving `seconds` forward stays within LAST_MOMENT."""
        return seconds <= (LAST_MOMENT - self.now()).total_seconds()

    def reset(self) -> None:
        """Go back to real time, starting a new generation."""
        self._state.reset_clock()

    def generation(self) -> int:
        """How many resets there have been; an advance that sees it change stops."""
        return self._state.clock_generation()

    def advance_to(self, moment: datetime) -> datetime:
        """Move forward to `moment`, or to LAST_MOMENT if it is later; a moment in the past
        leaves the clock where it is."""
        self._state.raise_clock_offset(min(moment, LAST_MOMENT) - datetime.now(UTC))
        return self.now()
