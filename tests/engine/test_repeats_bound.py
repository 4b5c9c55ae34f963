"""Webhooks a receiver may get again after the emulator is killed: at most one request per
webhook worker, the requests in flight. A webhook worker makes its next request only once the
store has recorded its last one, so at any moment the requests a receiver has got and the store
does not know of (those sent again after a kill) are at most one per worker."""

from __future__ import annotations

import pytest

from emulator.settings import Settings
from emulator.store import webhook_deliveries
from tests.support import basic_auth, message

WORKERS = 2
MESSAGES = 10
# How long the store is kept from recording: a worker that went on sending meanwhile would
# reach the receiver long before.
HOLD_SECONDS = 0.5


@pytest.fixture
def settings(store_db) -> Settings:
    return Settings(db=store_db, webhook_workers=WORKERS, instant=True)


def test_while_the_store_records_nothing_each_worker_sends_at_most_one_request(
    client, emulator, receivers, monkeypatch
):
    receiver = receivers()
    sent = [
        message(callback_url=receiver.url, delivery_report=True, content=f"Hi {number}")
        for number in range(MESSAGES)
    ]
    response = client.post("/v1/messages", json={"messages": sent}, headers=basic_auth())
    assert response.status_code == 202
    record_attempts = webhook_deliveries.record_attempts
    unrecorded: list[int] = []

    def record_late(tx, results):
        if not unrecorded:
            # The first recording waits, as a slow commit or a kill would leave it: meanwhile
            # the receiver gets only the requests already made.
            receiver.wait_for_requests(WORKERS + 1, HOLD_SECONDS)
            unrecorded.append(len(receiver.requests))
        record_attempts(tx, results)

    monkeypatch.setattr(webhook_deliveries, "record_attempts", record_late)

    emulator.engine.advance(10)

    assert unrecorded == [WORKERS]
    # Everything was delivered, and each webhook once.
    hooks = client.get("/_emulator/webhooks?limit=1000").json["webhooks"]
    bodies = [request["body"] for request in receiver.requests]
    assert len(bodies) == len(set(bodies)) == len(hooks) >= MESSAGES
    assert all(hook["state"] == "delivered" for hook in hooks)
