"""GET /_emulator/events: the change log in order, read by cursor, bounded, and kept by reset."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.store import housekeeping
from emulator.store.events import FEATURES_CHANGED, append_events, events_after, new_event
from emulator.web.admin_guard import ADMIN_COOKIE
from tests.receivers import WebhookReceiver
from tests.support import basic_auth, message


@pytest.fixture
def receiver():
    started = WebhookReceiver().start()
    yield started
    started.stop()


def events(http, **params) -> dict:
    response = http.get("/_emulator/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def advance(http, seconds: float) -> None:
    assert http.post("/_emulator/clock/advance", json={"seconds": seconds}).status_code == 200


def send(http, **fields) -> str:
    body = {"messages": [message(**fields)]}
    response = http.post("/v1/messages", json=body, headers=basic_auth())
    assert response.status_code == 202, response.text
    return response.json()["messages"][0]["message_id"]


def test_a_message_life_is_logged_in_order(http):
    message_id = send(http, delivery_report=True)
    advance(http, 10)

    logged = events(http)["events"]
    assert [(e["kind"], e["data"].get("status")) for e in logged] == [
        ("message_accepted", "queued"),
        ("status_changed", "enroute"),
        ("delivery_report", "enroute"),
        ("status_changed", "submitted"),
        ("delivery_report", "submitted"),
        ("status_changed", "delivered"),
        ("delivery_report", "delivered"),
    ]
    seqs = [e["seq"] for e in logged]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {e["message_id"] for e in logged} == {message_id}
    assert {e["number"] for e in logged} == {"+61491570156"}
    assert {e["account_id"] for e in logged} == {"DemoAccount"}
    assert logged[-1]["data"]["error_code"] == "220"
    assert logged[0]["at"] <= logged[-1]["at"]


def test_the_cursor_returns_only_what_came_after(http):
    send(http)
    first = events(http)
    assert first["next"] == first["events"][-1]["seq"] == first["last_seq"]

    assert events(http, after=first["next"]) == {
        "events": [],
        "next": first["next"],
        "last_seq": first["last_seq"],
    }
    second_id = send(http)
    later = events(http, after=first["next"])["events"]
    assert [(e["kind"], e["message_id"]) for e in later] == [("message_accepted", second_id)]


def test_limit_is_bounded_with_a_default(http):
    for _ in range(3):
        body = {"messages": [message() for _ in range(50)]}
        assert http.post("/v1/messages", json=body, headers=basic_auth()).status_code == 202

    assert len(events(http)["events"]) == 100
    page = events(http, limit=7)
    assert len(page["events"]) == 7
    rest = events(http, after=page["next"], limit=1000)["events"]
    assert len(rest) == 143
    assert rest[0]["seq"] > page["next"]


@pytest.mark.parametrize(
    "query",
    ["after=abc", "after=-1", "after=1.5", "after=", "after=99999999999999999999999", "limit=0"]
    + ["limit=1001", "limit=x"],
)
def test_bad_cursor_or_limit_is_a_400(http, query):
    response = http.get(f"/_emulator/events?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] and body["details"][0].split(":")[0] in ("after", "limit")


def test_cancel_reply_and_webhook_attempts_are_logged(http, receiver):
    scheduled = send(http, scheduled="2099-01-01T00:00:00Z")
    assert http.put(
        f"/v1/messages/{scheduled}", json={"status": "cancelled"}, headers=basic_auth()
    ).ok
    sent = send(http, destination_number="+61491570199", callback_url=receiver.url)
    reply = http.post("/_emulator/replies", json={"source_number": "+61491570199", "content": "Hi"})
    assert reply.status_code == 201
    advance(http, 1)

    logged = events(http)["events"]
    changes = [e for e in logged if e["kind"] == "status_changed" and e["message_id"] == scheduled]
    assert [e["data"]["status"] for e in changes] == ["cancelled"]
    [replied] = [e for e in logged if e["kind"] == "reply"]
    assert replied["number"] == "+61491570199"
    assert replied["message_id"] == sent
    assert replied["data"]["reply_id"] == reply.json()["reply_id"]
    [attempt] = [e for e in logged if e["kind"] == "webhook_attempt"]
    assert attempt["message_id"] == sent and attempt["number"] == "+61491570199"
    assert attempt["data"]["status_code"] == 200
    assert attempt["data"]["state"] == "delivered"
    assert attempt["data"]["event"] == "reply"
    assert attempt["data"]["attempt"] == 1


def test_feature_changes_are_logged(http):
    change = {"features": {"deduplication": True}}
    assert http.patch("/_emulator/accounts/DemoAccount", json=change).status_code == 200
    [logged] = events(http)["events"]
    assert logged["kind"] == "features_changed"
    assert logged["account_id"] == "DemoAccount"
    assert logged["data"] == {"features": {"deduplication": True}}


def test_reset_leaves_one_reset_event_and_the_cursor_never_goes_back(http):
    send(http)
    send(http)
    before = events(http)["next"]

    assert http.post("/_emulator/reset").status_code == 200

    after_reset = events(http)
    assert [e["kind"] for e in after_reset["events"]] == ["reset"]
    assert after_reset["events"][0]["seq"] > before
    assert events(http, after=before)["events"] == after_reset["events"]
    send(http)
    assert events(http, after=after_reset["next"])["events"][0]["seq"] > after_reset["next"]


def test_purge_trims_the_log(emulator, send_as_demo):
    send_as_demo()
    with emulator.store.transaction() as tx:
        housekeeping.purge_created_before(tx, emulator.clock.now() + timedelta(seconds=1))
    with emulator.store.reading() as tx:
        assert events_after(tx, 0, 10) == []


def test_events_need_the_admin_token_as_bearer_or_cookie():
    client = create_app(Settings(db=":memory:", admin_token="s3cret")).test_client()
    assert client.get("/_emulator/events").status_code == 403
    bearer = client.get("/_emulator/events", headers={"Authorization": "Bearer s3cret"})
    assert bearer.status_code == 200
    client.set_cookie(ADMIN_COOKIE, "s3cret")
    assert client.get("/_emulator/events").status_code == 200


def test_a_follower_by_cursor_never_passes_an_event_committed_later(emulator):
    # Writers hold their transactions open a moment after appending, for different lengths:
    # on PostgreSQL, where they work side by side, one that drew a lower seq could commit after
    # one with a higher seq, unless numbers are drawn in commit order.
    store = emulator.store
    writers, appends = 8, 10
    done = threading.Event()
    seen: list[int] = []

    def write(writer: int) -> None:
        pause = random.Random(writer)
        for _ in range(appends):
            with store.transaction() as connection:
                append_events(connection, [new_event(FEATURES_CHANGED, account_id=f"{writer}")])
                time.sleep(pause.uniform(0, 0.01))

    def follow() -> None:
        cursor = 0
        while True:
            finished = done.is_set()
            with store.reading() as tx:
                found = events_after(tx, cursor, 1000)
            seen.extend(event["seq"] for event in found)
            cursor = seen[-1] if seen else cursor
            if finished and not found:
                return

    follower = threading.Thread(target=follow)
    follower.start()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    done.set()
    follower.join(timeout=30)
    with store.reading() as tx:
        stored = [event["seq"] for event in events_after(tx, 0, 10_000)]
    assert len(stored) == writers * appends
    assert seen == stored
