"""Webhook delivery: retries with growing gaps, dead receivers, and isolation between receivers."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest

from emulator.settings import Settings
from tests.receivers import HANG


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        db=str(tmp_path / "emulator.db"),
        webhook_timeout_seconds=0.3,
        webhook_max_attempts=4,
    )


def attempt_times(hook: dict) -> list[datetime]:
    return [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in hook["attempts"]]


def final_report_hook(webhooks, message_id):
    [hook] = [h for h in webhooks(message_id=message_id) if h["payload"]["status"] == "delivered"]
    return hook


def test_receiver_failing_three_times_then_succeeding(receivers, send_one, advance, webhooks):
    # The enroute and submitted reports take the 500s; answers are consumed in order.
    receiver = receivers(answers=[200, 200, 500, 503, 500])
    message_id = send_one(delivery_report=True, callback_url=receiver.url)
    advance(4.5)
    hook = final_report_hook(webhooks, message_id)
    assert hook["state"] == "pending"
    assert [a.get("status_code") for a in hook["attempts"]] == [500]

    advance(3600)
    hook = final_report_hook(webhooks, message_id)
    assert hook["state"] == "delivered"
    assert [a["status_code"] for a in hook["attempts"]] == [500, 503, 500, 200]
    times = attempt_times(hook)
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    assert gaps[0] >= 5 and gaps[1] >= 10 and gaps[2] >= 20
    assert gaps[0] < gaps[1] < gaps[2]
    assert hook["next_attempt_at"] is None
    assert len(receiver.requests) == 2 + 4


def test_dead_receiver_fails_after_max_attempts_while_another_is_served_on_time(
    receivers, send_one, advance, webhooks
):
    dead = receivers(always=HANG)
    healthy = receivers()
    dead_id = send_one(delivery_report=True, callback_url=dead.url)
    healthy_id = send_one(delivery_report=True, callback_url=healthy.url)

    advance(3600)

    dead_hooks = webhooks(message_id=dead_id)
    assert [h["state"] for h in dead_hooks] == ["failed"] * 3
    for hook in dead_hooks:
        errors = [a["error"] for a in hook["attempts"]]
        assert len(errors) == 4
        assert all(error.startswith("timed out after 0.3 s") for error in errors)
        assert hook["next_attempt_at"] is None

    healthy_hooks = webhooks(message_id=healthy_id)
    assert [h["state"] for h in healthy_hooks] == ["delivered"] * 3
    for hook in healthy_hooks:
        [attempt] = hook["attempts"]
        assert attempt["at"] == hook["payload"]["submitted_date"]
    assert len(healthy.requests) == 3


def test_refused_connection_is_retried(receivers, send_one, advance, webhooks):
    receiver = receivers()
    url = receiver.url
    receiver.stop()
    message_id = send_one(delivery_report=True, callback_url=url)
    advance(3600)
    hooks = webhooks(message_id=message_id)
    assert {h["state"] for h in hooks} == {"failed"}
    assert all(a["error"].startswith("could not connect") for a in hooks[0]["attempts"])
    assert len(hooks[0]["attempts"]) == 4


def test_webhooks_list_is_newest_first_with_payloads(receivers, send_one, advance, webhooks):
    receiver = receivers()
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(10)
    listed = webhooks()
    assert [h["payload"]["status"] for h in listed] == ["delivered", "submitted", "enroute"]
    assert {h["url"] for h in listed} == {receiver.url}
    assert len(webhooks(limit=1)) == 1
