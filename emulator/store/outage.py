"""Telling a store that does not answer from a query that merely failed, and saying so in the
log once an outage rather than at every request and engine tick."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)
REMINDER_SECONDS = 60.0


class Outage:
    """Whether the store is down, as its callers' errors show. The first failure of an outage
    is a warning with the reason, a reminder follows once a minute while it lasts, and one line
    says when the store answers again."""

    def __init__(
        self,
        unavailable_reason: Callable[[], str | None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`unavailable_reason()` is None while the store answers a trivial query."""
        self._unavailable_reason = unavailable_reason
        self._clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None
        self._reminded = 0.0
        self._failures = 0

    def explains(self, error: BaseException) -> bool:
        """True when `error` comes from a store that does not answer (then logged as above);
        False for any other error, a failing query of a store that answers included."""
        if not isinstance(error, DBAPIError):
            return False
        reason = self._unavailable_reason()
        if reason is None:
            return False
        with self._lock:
            now = self._clock()
            self._failures += 1
            if self._since is None:
                self._since = self._reminded = now
                log.warning("the store does not answer: %s", reason)
            elif now - self._reminded >= REMINDER_SECONDS:
                self._reminded = now
                log.warning(
                    "the store has not answered for %.0f s (%d failures): %s",
                    now - self._since,
                    self._failures,
                    reason,
                )
        return True

    def answered(self) -> None:
        """The store did some work: if it had stopped answering, say that it answers again."""
        if self._since is None:
            return
        with self._lock:
            if self._since is None:
                return
            log.warning(
                "the store answers again after %.0f s (%d failures)",
                self._clock() - self._since,
                self._failures,
            )
            self._since, self._failures = None, 0
