"""POST a webhook payload to a receiver once, with a timeout, and say how it went."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import urllib3

from emulator import __version__
from emulator.timestamps import format_timestamp

USER_AGENT = f"mm-emulator/{__version__}"
_HEADERS = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
# How much of a receiver's answer is kept with each attempt, for people to read.
RESPONSE_EXCERPT_BYTES = 2048


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
    """Sends JSON POSTs over a thread-safe pool of keep-alive connections (urllib3, which
    requests is built on: the per-request overhead of a full requests session is not needed)."""

    def __init__(self, timeout_seconds: float, connections_per_receiver: int = 8) -> None:
        self.timeout_seconds = timeout_seconds
        self._pool = urllib3.PoolManager(
            maxsize=connections_per_receiver,
            retries=False,
            timeout=urllib3.Timeout(total=timeout_seconds),
        )

    def post(self, url: str, payload: dict) -> AttemptResult:
        try:
            response = self._pool.request(
                "POST",
                url,
                body=json.dumps(payload).encode(),
                headers=_HEADERS,
                preload_content=False,
            )
            try:
                # Only the start is kept; the rest is read and dropped so the connection is reused.
                excerpt = response.read(RESPONSE_EXCERPT_BYTES)
                response.drain_conn()
            finally:
                response.release_conn()
        except urllib3.exceptions.NewConnectionError as error:
            # Checked first: urllib3 makes a refused connection a kind of connect timeout.
            return AttemptResult(error=f"could not connect: {_reason(error)}")
        except urllib3.exceptions.TimeoutError:
            return AttemptResult(
                error=f"timed out after {self.timeout_seconds:g} s", timed_out=True
            )
        except urllib3.exceptions.HTTPError as error:
            return AttemptResult(error=f"request failed: {_reason(error)}")
        text = excerpt.decode("utf-8", errors="replace")
        return AttemptResult(status_code=response.status, response=text)

    def still_hanging(self) -> AttemptResult:
        """The result of an attempt not made: the receiver timed out moments ago in simulated
        time, during the same clock advance."""
        return AttemptResult(
            error=(
                f"timed out after {self.timeout_seconds:g} s (not called again: it did not"
                " answer an earlier attempt in this clock advance)"
            ),
            timed_out=True,
        )


def _reason(error: Exception) -> str:
    """The operating system's words for a failure (`Connection refused`), else the error's name."""
    cause = error.__cause__ or error.__context__
    return getattr(cause, "strerror", None) or type(error).__name__
