"""POST a webhook payload to a receiver once, with a timeout, and say how it went."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

import requests

from emulator import __version__
from emulator.timestamps import format_timestamp

USER_AGENT = f"mm-emulator/{__version__}"


@dataclass(frozen=True)
class AttemptResult:
    """A 2xx answer is a success; anything else, or no answer, is a failure to retry."""

    status_code: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def as_attempt(self, at: datetime) -> dict:
        """The attempt as stored and shown by /_emulator/webhooks."""
        attempt = {"at": format_timestamp(at)}
        if self.status_code is not None:
            attempt["status_code"] = self.status_code
        else:
            attempt["error"] = self.error
        return attempt


class WebhookSender:
    """Sends JSON POSTs; one HTTP session per worker thread so connections are reused."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._local = threading.local()

    def post(self, url: str, payload: dict) -> AttemptResult:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
        try:
            response = session.post(url, json=payload, timeout=self.timeout_seconds)
        except requests.Timeout:
            return AttemptResult(error=f"timed out after {self.timeout_seconds:g} s")
        except requests.RequestException as error:
            return AttemptResult(error=f"could not connect: {type(error).__name__}")
        response.close()
        return AttemptResult(status_code=response.status_code)
