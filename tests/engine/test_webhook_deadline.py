"""A receiver that never finishes its answer, a byte at a time, costs one webhook request its
whole deadline and no more: the attempt fails as timed out and is retried like any other, and
advances and resets do not wait beyond it."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from emulator.engine.delivery_http import WebhookSender
from emulator.engine.delivery_requests import WebhookRequest
from emulator.settings import Settings
from tests.receivers import TRICKLE_SECONDS, TRICKLES

DEADLINE = 0.3
# Far beyond the deadline, far below a trickle's length (it never ends): only a request cut at
# its deadline comes back within it.
GIVE_UP_SECONDS = 10.0
RETRY_SECONDS = 5


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(
        db=store_db,
        webhook_timeout_seconds=DEADLINE,
        webhook_workers=1,
        webhook_retry_base_seconds=RETRY_SECONDS,
        webhook_retry_jitter=0,
    )


def _within(call, *args, **kwargs):
    """What `call` returns, failing the test if it takes more than GIVE_UP_SECONDS; a call that
    hangs is left to end when the receivers stop."""
    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(call, *args, **kwargs).result(timeout=GIVE_UP_SECONDS)
    finally:
        pool.shutdown(wait=False)


def _post(url: str) -> WebhookRequest:
    return WebhookRequest("POST", url, {"Content-Type": "application/json"}, b"{}")


@pytest.mark.parametrize("answer", TRICKLES)
def test_a_request_to_a_trickling_receiver_ends_at_its_deadline(receivers, answer):
    receiver = receivers(always=answer)
    sender = WebhookSender(DEADLINE)
    began = time.monotonic()
    result = _within(sender.send, _post(receiver.url))
    took = time.monotonic() - began
    assert result.timed_out and result.error == f"timed out after {DEADLINE:g} s"
    assert result.status_code is None
    # Many trickled bytes arrived, each well within any read timeout; the margin is for a busy
    # machine, slow to wake the thread that cuts the connection.
    assert DEADLINE <= took < DEADLINE + 100 * TRICKLE_SECONDS


@pytest.mark.parametrize("answer", TRICKLES)
def test_a_webhook_of_its_own_keeps_its_own_deadline(receivers, answer):
    receiver = receivers(always=answer)
    request = WebhookRequest("POST", receiver.url, {}, b"{}", timeout_seconds=0.2)
    result = _within(WebhookSender(30).send, request)
    assert result.error == "timed out after 0.2 s"


def test_the_connection_after_a_cut_one_answers_normally(receivers):
    trickling, fine = receivers(always=TRICKLES[1]), receivers()
    sender = WebhookSender(DEADLINE)
    assert _within(sender.send, _post(trickling.url)).timed_out
    assert _within(sender.send, _post(fine.url)).status_code == 200
    assert _within(sender.send, _post(trickling.url)).timed_out


@pytest.mark.parametrize("answer", TRICKLES)
def test_an_advance_fails_the_attempt_at_the_deadline_and_retries_it_later(
    receivers, send_one, http, webhooks, answer
):
    receiver = receivers(always=answer)
    message_id = send_one(callback_url=receiver.url, delivery_report=True)

    def advance(seconds: float) -> None:
        response = http.post(
            "/_emulator/clock/advance", json={"seconds": seconds}, timeout=GIVE_UP_SECONDS
        )
        assert response.status_code == 200

    advance(4)  # enroute, submitted, delivered: three reports, the receiver cut off at once
    hooks = webhooks(message_id=message_id)
    assert len(hooks) == 3
    assert all(hook["state"] == "pending" for hook in hooks)
    errors = [attempt["error"] for hook in hooks for attempt in hook["attempts"]]
    # The first attempt was cut at its deadline; the others were not made, in the same advance.
    assert all(error.startswith(f"timed out after {DEADLINE:g} s") for error in errors)
    assert errors.count(f"timed out after {DEADLINE:g} s") == 1
    assert len(receiver.requests) == 1
    advance(RETRY_SECONDS)
    assert len(receiver.requests) == 2  # retried like any failed attempt


@pytest.mark.parametrize("answer", TRICKLES)
def test_after_a_reset_new_messages_move_again_with_one_worker(
    receivers, send_one, http, webhooks, answer
):
    trickling, fine = receivers(always=answer), receivers()
    send_one(callback_url=trickling.url, delivery_report=True)
    pool = ThreadPoolExecutor(1)
    try:
        advancing = pool.submit(
            http.post, "/_emulator/clock/advance", json={"seconds": 3600}, timeout=GIVE_UP_SECONDS
        )
        assert trickling.wait_for_requests(1, GIVE_UP_SECONDS)
        assert http.post("/_emulator/reset", timeout=GIVE_UP_SECONDS).status_code == 200
        assert advancing.result(timeout=GIVE_UP_SECONDS).status_code == 200
    finally:
        pool.shutdown(wait=False)

    message_id = send_one(callback_url=fine.url, delivery_report=True)
    advance = http.post("/_emulator/clock/advance", json={"seconds": 4}, timeout=GIVE_UP_SECONDS)
    assert advance.status_code == 200
    assert [hook["state"] for hook in webhooks(message_id=message_id)] == ["delivered"] * 3
    assert [payload["status"] for payload in fine.payloads] == [
        "enroute",
        "submitted",
        "delivered",
    ]
