"""The engine's periodic jobs really run on APScheduler when the emulator is started."""

from __future__ import annotations

import time

import pytest

from emulator.settings import Settings
from tests.receivers import HANG


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(db=str(tmp_path / "emulator.db"), instant=True, webhook_timeout_seconds=2)


@pytest.fixture
def started(emulator):
    emulator.start()
    return emulator


def wait_until(condition, timeout: float = 5.0):
    """Poll with a deadline; the engine runs on its own threads."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met before the deadline")


def test_instant_mode_delivers_without_advancing_the_clock(started, send_one, status_of, reports):
    message_id = send_one(delivery_report=True)
    wait_until(lambda: status_of(message_id) == "delivered", timeout=3)
    assert [r["status"] for r in reports()] == ["enroute", "submitted", "delivered"]


def test_dead_receiver_does_not_delay_a_healthy_one(started, receivers, send_one):
    dead = receivers(always=HANG)
    healthy = receivers()
    for _ in range(5):
        send_one(delivery_report=True, callback_url=dead.url)
    began = time.monotonic()
    send_one(delivery_report=True, callback_url=healthy.url)
    wait_until(lambda: len(healthy.requests) == 3, timeout=1.5)
    assert time.monotonic() - began < 1.5  # well under the dead receiver's 2 s timeout
