"""GET /_emulator/clock and POST /_emulator/clock/advance."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


def parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def test_clock_starts_at_real_time(http):
    now = parse(http.get("/_emulator/clock").json()["now"])
    assert abs((now - datetime.now(UTC)).total_seconds()) < 2


def test_advance_moves_the_clock_and_reset_puts_it_back(http):
    before = parse(http.get("/_emulator/clock").json()["now"])
    after = parse(http.post("/_emulator/clock/advance", json={"seconds": 86400}).json()["now"])
    assert 86400 <= (after - before).total_seconds() < 86402
    http.post("/_emulator/reset")
    now = parse(http.get("/_emulator/clock").json()["now"])
    assert abs((now - datetime.now(UTC)).total_seconds()) < 2


@pytest.mark.parametrize("body", [{"seconds": -1}, {"seconds": "10"}, {}, {"seconds": None}])
def test_advance_rejects_bad_input(http, body):
    response = http.post("/_emulator/clock/advance", json=body)
    assert response.status_code == 400
    assert response.json()["details"][0].startswith("seconds: ")
