"""Send one webhook request to a receiver, with a timeout, and say how it went."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import urllib3

from emulator import __version__
from emulator.engine.deadlines import WATCHED_POOLS, Deadline, Watched
from emulator.engine.delivery_requests import WebhookRequest
from emulator.timestamps import format_timestamp

USER_AGENT = f"mm-emulator/{__version__}"
# How much of a receiver's answer is kept with each attempt, for people to read.
RESPONSE_EXCERPT_BYTES = 2048
# The rest of an answer is read and dropped up to this much, so that its connection is reused;
# a longer one is cut and its connection closed.
DRAIN_LIMIT_BYTES = 1024 * 1024
DRAIN_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class AttemptResult:
    """A 2xx answer is a success; anything else, or no answer, is a failure to retry."""

    status_code: int | None = None
    error: str | None = None
    # The start of the receiver's answer body, as text.
    response: str = ""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def as_attempt(self, at: datetime) -> dict[str, Any]:
        """The attempt as stored and shown by /_emulator/webhooks."""
        attempt: dict[str, Any] = {"at": format_timestamp(at)}
        if self.status_code is not None:
            attempt["status_code"] = self.status_code
        else:
            attempt["error"] = self.error
        if self.response:
            attempt["response"] = self.response
        return attempt


class WebhookSender:
    """Sends requests over a thread-safe pool of keep-alive connections (urllib3, which requests
    is built on: the per-request overhead of a full requests session is not needed), each
    request within one total deadline: connecting, sending and reading the whole answer."""

    def __init__(self, timeout_seconds: float, connections_per_receiver: int = 8) -> None:
        self.timeout_seconds = timeout_seconds
        self._pool = urllib3.PoolManager(maxsize=connections_per_receiver, retries=False)
        self._pool.pool_classes_by_scheme = WATCHED_POOLS

    def send(self, request: WebhookRequest) -> AttemptResult:
        timeout = request.timeout_seconds or self.timeout_seconds
        with Watched(Deadline(timeout)) as deadline:
            try:
                response = self._pool.request(
                    request.method,
                    request.url,
                    body=request.body,
                    headers={"User-Agent": USER_AGENT, **request.headers},
                    timeout=urllib3.Timeout(connect=deadline.left(), read=deadline.left()),
                    preload_content=False,
                )
                try:
                    # Only the start is kept; the rest is read and dropped so the connection is
                    # reused, unless there is so much of it that a new connection costs less.
                    excerpt = response.read(RESPONSE_EXCERPT_BYTES)
                    _drain(response)
                finally:
                    response.release_conn()
            except urllib3.exceptions.NewConnectionError as error:
                # Checked first: urllib3 makes a refused connection a kind of connect timeout.
                return AttemptResult(error=f"could not connect: {_reason(error)}")
            except urllib3.exceptions.TimeoutError:
                return AttemptResult(error=f"timed out after {timeout:g} s", timed_out=True)
            except urllib3.exceptions.HTTPError as error:
                if deadline.expired:
                    return AttemptResult(error=f"timed out after {timeout:g} s", timed_out=True)
                return AttemptResult(error=f"request failed: {_reason(error)}")
            if deadline.expired:
                # The answer was cut short at the deadline: its status does not count.
                return AttemptResult(error=f"timed out after {timeout:g} s", timed_out=True)
        text = excerpt.decode("utf-8", errors="replace")
        return AttemptResult(status_code=response.status, response=text)

    def still_hanging(self, timeout_seconds: float | None) -> AttemptResult:
        """The result of an attempt not made: the receiver timed out moments ago in simulated
        time, during the same clock advance."""
        timeout = timeout_seconds or self.timeout_seconds
        return AttemptResult(
            error=(
                f"timed out after {timeout:g} s (not called again: it did not"
                " answer an earlier attempt in this clock advance)"
            ),
            timed_out=True,
        )


class _Answer(Protocol):
    """What draining needs of an answer, as urllib3 1.26 and 2 give it."""

    def stream(self, amt: int, decode_content: bool) -> Iterator[bytes]: ...

    def close(self) -> None: ...


def _drain(response: _Answer) -> None:
    """Read the rest of the answer and drop it, a chunk at a time; past DRAIN_LIMIT_BYTES, close
    the connection instead."""
    drained = 0
    for chunk in response.stream(DRAIN_CHUNK_BYTES, decode_content=False):
        drained += len(chunk)
        if drained > DRAIN_LIMIT_BYTES:
            response.close()
            return


def _reason(error: Exception) -> str:
    """The operating system's words for a failure (`Connection refused`), else the error's name."""
    cause = error.__cause__ or error.__context__
    return getattr(cause, "strerror", None) or type(error).__name__
