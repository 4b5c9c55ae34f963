"""One total deadline per webhook request: connecting, sending and reading the whole answer.

Socket timeouts bound each read, not a request: a receiver that answers a byte at a time, or
never ends its headers or its body, would hold a worker for ever. Here each request on a
connection of these pools is watched by one thread, which shuts the connection's socket down
at the request's deadline; the read under way then fails at once and the attempt with it.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class Deadline:
    """The deadline of one request, and whether it has passed with the request unfinished."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.finished = False
        self._connection: HTTPConnection | None = None
        self._lock = threading.Lock()

    def left(self) -> float:
        """Seconds until the deadline (at least a millisecond, as socket timeouts need)."""
        return max(self.at - time.monotonic(), 0.001)

    def attach(self, connection: HTTPConnection) -> None:
        """The connection the request goes over; cut at once if the deadline has passed."""
        with self._lock:
            self._connection = connection
            if self.expired:
                _cut(connection)

    def finish(self) -> None:
        """The request is over: the deadline no longer matters."""
        with self._lock:
            self.finished = True
            self._connection = None

    def expire(self) -> None:
        with self._lock:
            if self.finished:
                return
            self.expired = True
            if self._connection is not None:
                _cut(self._connection)


def _cut(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is None:
        return
    # An OSError: the other end closed it already.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """One thread that expires the deadlines it watches, in the order they fall."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: Deadline) -> None:
        with self._changed:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            # Started at the first request; again in a process forked from one that had it.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="mm-webhook-deadlines", daemon=True
                )
                self._thread.start()
            self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                while self._heap and self._heap[0][2].finished:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._changed.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                deadline = heapq.heappop(self._heap)[2]
            deadline.expire()


# One for the process: every sender's requests are watched by the same thread.
WATCHDOG = Watchdog()
_current = threading.local()


def current_deadline() -> Deadline | None:
    """The deadline of the request this thread is making, if any."""
    deadline: Deadline | None = getattr(_current, "deadline", None)
    return deadline


class Watched:
    """While it is entered, requests this thread makes on a watched pool keep to `deadline`."""

    def __init__(self, deadline: Deadline) -> None:
        self._deadline = deadline

    def __enter__(self) -> Deadline:
        _current.deadline = self._deadline
        WATCHDOG.watch(self._deadline)
        return self._deadline

    def __exit__(self, *exc_info: object) -> None:
        self._deadline.finish()
        _current.deadline = None


def _attach(connection: HTTPConnection) -> None:
    deadline = current_deadline()
    if deadline is not None:
        deadline.attach(connection)


class _WatchedConnection(HTTPConnection):  # type: ignore[misc,unused-ignore]  # untyped in urllib3 1.26
    # Attached before the request, which may connect, and again once connected: a deadline
    # that passed while connecting cuts the new socket.
    def request(self, *args: Any, **kwargs: Any) -> Any:
        _attach(self)
        return super().request(*args, **kwargs)

    def connect(self) -> None:
        super().connect()
        _attach(self)


class _WatchedHTTPSConnection(HTTPSConnection):  # type: ignore[misc,unused-ignore]  # untyped in urllib3 1.26
    # Attached before the request, which may connect, and again once connected: a deadline
    # that passed while connecting cuts the new socket.
    def request(self, *args: Any, **kwargs: Any) -> Any:
        _attach(self)
        return super().request(*args, **kwargs)

    def connect(self) -> None:
        super().connect()
        _attach(self)


class _WatchedPool(HTTPConnectionPool):  # type: ignore[misc,unused-ignore]  # untyped in urllib3 1.26
    ConnectionCls = _WatchedConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):  # type: ignore[misc,unused-ignore]  # untyped in urllib3 1.26
    ConnectionCls = _WatchedHTTPSConnection


# For PoolManager.pool_classes_by_scheme: pools whose connections keep to the thread's deadline.
WATCHED_POOLS = {"http": _WatchedPool, "https": _WatchedHTTPSPool}
