"""Webhook delivery: retries with growing gaps, dead receivers, and isolation between receivers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from itertools import pairwise

import pytest
import requests

from emulator.settings import Settings
from tests.receivers import HANG
from tests.support import basic_auth, message

# Only a broken emulator makes a test wait this long for what it expects.
DEADLINE_SECONDS = 10


@pytest.fixture
def settings(request, store_db) -> Settings:
    """Short timeouts and few attempts; a test may change them with indirect parametrisation."""
    settings = Settings(
        db=store_db,
        webhook_timeout_seconds=0.3,
        webhook_max_attempts=4,
    )
    return replace(settings, **getattr(request, "param", {}))


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


def test_receiver_that_never_answers_fails_after_max_attempts(
    receivers, send_one, advance, webhooks
):
    dead = receivers(always=HANG)
    message_id = send_one(delivery_report=True, callback_url=dead.url)

    advance(3600)

    hooks = webhooks(message_id=message_id)
    assert [h["state"] for h in hooks] == ["failed"] * 3
    for hook in hooks:
        errors = [a["error"] for a in hook["attempts"]]
        assert len(errors) == 4
        assert all(error.startswith("timed out after 0.3 s") for error in errors)
        assert hook["next_attempt_at"] is None


@pytest.mark.parametrize("settings", [{"webhook_timeout_seconds": 60}], indirect=True)
def test_a_hanging_receiver_does_not_hold_up_another_due_at_the_same_time(
    http, server, receivers, webhooks
):
    dead = receivers(always=HANG)
    healthy = receivers()
    dead_id, healthy_id = send_together(http, dead.url, healthy.url)

    with advancing(server, 10, then=dead.stop):
        # The dead receiver would hold the first attempt for its 60 s timeout.
        assert healthy.wait_for_requests(1, DEADLINE_SECONDS), "it waited for the dead one"
        # Stopped only once its request hangs: stopped sooner, the attempt could not connect.
        assert dead.wait_for_requests(1, DEADLINE_SECONDS), "the dead receiver was never asked"

    assert first_attempt(webhooks, dead_id)["error"].startswith("request failed")
    healthy_hooks = webhooks(message_id=healthy_id)
    assert [h["state"] for h in healthy_hooks] == ["delivered"] * 3
    for hook in healthy_hooks:
        [attempt] = hook["attempts"]
        assert attempt["at"] == hook["payload"]["submitted_date"]
    assert len(healthy.requests) == 3


@pytest.mark.parametrize("settings", [{"webhook_timeout_seconds": 60}], indirect=True)
def test_webhooks_due_together_reach_one_receiver_side_by_side(http, server, receivers, webhooks):
    receiver = receivers(answers=[HANG])  # the first request hangs, the others get 200
    ids = send_together(http, receiver.url, receiver.url)

    with advancing(server, 10, then=receiver.stop):
        # One at a time, the second enroute report would wait out the first one's timeout.
        assert receiver.wait_for_requests(2, DEADLINE_SECONDS), "the second waited for the first"

    firsts = [first_attempt(webhooks, message_id) for message_id in ids]
    answered = [a for a in firsts if a.get("status_code") == 200]
    cut_off = [a for a in firsts if a.get("error", "").startswith("request failed")]
    assert len(answered) == len(cut_off) == 1


def send_together(http, *callback_urls: str) -> list[str]:
    """Send one message per URL in one request, so that their reports fall due together."""
    body = {"messages": [message(delivery_report=True, callback_url=url) for url in callback_urls]}
    sent = http.post("/v1/messages", json=body, headers=basic_auth()).json()["messages"]
    return [m["message_id"] for m in sent]


def first_attempt(webhooks, message_id: str) -> dict:
    """The first attempt of the message's first webhook (its enroute report)."""
    return webhooks(message_id=message_id)[-1]["attempts"][0]


@contextmanager
def advancing(server, seconds: float, then: Callable[[], None]) -> Iterator[None]:
    """Advance the clock on another thread while the block runs; after it, call `then` (which
    must end whatever holds the advance up) and wait for the advance to finish."""
    url = server.base_url + "/_emulator/clock/advance"
    thread = threading.Thread(
        target=requests.post, args=(url,), kwargs={"json": {"seconds": seconds}}
    )
    thread.start()
    try:
        yield
    finally:
        then()
        thread.join()


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
