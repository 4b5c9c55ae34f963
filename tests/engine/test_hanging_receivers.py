"""A receiver that never answers costs an advance one timeout, not one per attempt, and never
keeps reset or health waiting."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from emulator.settings import Settings
from tests.receivers import HANG

TIMEOUT = 2.0
MESSAGES = 5
ATTEMPTS = 10


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(
        db=store_db,
        webhook_timeout_seconds=TIMEOUT,
        webhook_max_attempts=ATTEMPTS,
    )


def test_an_hour_of_retries_to_a_hanging_receiver_calls_it_once_per_advance(
    receivers, send_one, advance, webhooks
):
    dead = receivers(always=HANG)
    ids = [send_one(delivery_report=True, callback_url=dead.url) for _ in range(MESSAGES)]

    advance(3600)

    hooks = [hook for message_id in ids for hook in webhooks(message_id=message_id)]
    assert len(hooks) == MESSAGES * 3  # enroute, submitted, delivered
    assert all(hook["state"] == "failed" for hook in hooks)
    assert all(len(hook["attempts"]) == ATTEMPTS for hook in hooks)
    assert all(a["error"].startswith("timed out") for h in hooks for a in h["attempts"])
    # 150 attempts in simulated time; the receiver was called only until it first timed out,
    # so the advance took about one timeout, not 150.
    assert len(dead.requests) == 1


def test_reset_and_health_answer_while_an_advance_waits_on_a_hanging_receiver(
    receivers, send_one, http
):
    dead = receivers(always=HANG)
    send_one(delivery_report=True, callback_url=dead.url)
    advanced: dict = {}

    def advance_an_hour() -> None:
        advanced["response"] = http.post("/_emulator/clock/advance", json={"seconds": 3600})

    advancing = threading.Thread(target=advance_an_hour)
    advancing.start()
    _wait_until(lambda: dead.requests)  # the advance is now waiting on the receiver

    assert http.get("/_emulator/health", timeout=1).status_code == 200
    reset = http.post("/_emulator/reset", timeout=1)
    assert reset.status_code == 200
    assert advancing.is_alive(), "reset answered only after the advance ended"

    advancing.join(timeout=TIMEOUT * 5)
    assert advanced["response"].status_code == 200
    # The reset won: nothing survives it, and the clock is back at real time.
    assert http.get("/_emulator/messages").json()["messages"] == []
    assert http.get("/_emulator/webhooks").json()["webhooks"] == []
    now = datetime.fromisoformat(http.get("/_emulator/clock").json()["now"].replace("Z", "+00:00"))
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def _wait_until(condition, deadline_seconds: float = 5.0) -> None:
    done = threading.Event()
    for _ in range(int(deadline_seconds / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition not met in time")
