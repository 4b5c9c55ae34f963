"""The engine's periodic jobs really run on APScheduler when the emulator is started."""

from __future__ import annotations

import time

import pytest

from emulator.settings import Settings
from tests.receivers import HANG

# Only a broken emulator makes a test wait this long for what it expects.
DEADLINE_SECONDS = 10
# The manual promises a receiver at most this many attempts at a time.
LANES = 4


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(
        db=store_db,
        instant=True,
        # Longer than any wait below: a hanging receiver holds its workers for the whole test.
        webhook_timeout_seconds=60,
        # One worker more than a hanging receiver may hold.
        webhook_workers=LANES + 1,
    )


@pytest.fixture
def started(emulator):
    emulator.start()
    return emulator


def wait_until(condition) -> bool:
    """Whether `condition` comes true before the deadline; the engine runs on its own threads."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_instant_mode_delivers_without_advancing_the_clock(started, send_one, status_of, reports):
    message_id = send_one(delivery_report=True)
    assert wait_until(lambda: status_of(message_id) == "delivered")
    assert [r["status"] for r in reports()] == ["enroute", "submitted", "delivered"]


def test_a_hanging_receiver_holds_at_most_four_workers(started, receivers, send_one):
    dead = receivers(always=HANG)
    healthy = receivers()
    for _ in range(3):  # nine reports, more than there are workers
        send_one(delivery_report=True, callback_url=dead.url)
    assert dead.wait_for_requests(LANES, DEADLINE_SECONDS)

    send_one(delivery_report=True, callback_url=healthy.url)

    assert healthy.wait_for_requests(3, DEADLINE_SECONDS), "no worker was left for the healthy one"
    assert len(healthy.requests) == 3
    # The dead receiver's other reports wait for one of its lanes, not for any free worker.
    assert len(dead.requests) == LANES
