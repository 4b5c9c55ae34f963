"""The emulator's time: real UTC time plus an offset that the control plane can advance."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    """Every part of the emulator asks `now()` instead of reading the system time."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The emulator's current time, timezone-aware UTC."""
        return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move the emulator's time forward and return the new now."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        """Go back to real time."""
        with self._lock:
            self._offset = timedelta(0)

    def advance_to(self, moment: datetime) -> datetime:
        """Move forward to `moment`; a moment in the past leaves the clock where it is."""
        with self._lock:
            gap = moment - (datetime.now(UTC) + self._offset)
            if gap > timedelta(0):
                self._offset += gap
        return self.now()
