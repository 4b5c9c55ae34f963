"""The /_emulator control plane: health, reset, inspection and the admin token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine

from emulator.app import create_app
from emulator.settings import Settings
from tests.support import (
    OTHER,
    basic_auth,
    find_message,
    message,
    record_delivery_report,
    record_reply,
)


def test_health_needs_no_auth(http):
    response = http.get("/_emulator/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def take_the_store_away(emulator, store_db, request, monkeypatch) -> None:
    if emulator.store.dialect == "postgresql":
        # The database goes away under the running emulator, its connections with it.
        request.getfixturevalue("postgresql_server").drop(store_db)
    else:
        # A store on a volume that has gone.
        monkeypatch.setattr(emulator.store, "engine", create_engine("sqlite:////gone/store.db"))


def test_health_is_503_with_a_message_while_the_store_does_not_answer(
    http, emulator, store_db, request, monkeypatch, caplog
):
    take_the_store_away(emulator, store_db, request, monkeypatch)

    response = http.get("/_emulator/health")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "message": "The store does not answer; the log says why.",
    }
    [logged] = [r.getMessage() for r in caplog.records if r.name == "emulator.control.routes"]
    assert logged.startswith("health: the store does not answer: ")


def test_requests_are_503_while_the_store_does_not_answer_and_the_log_says_so_once(
    http, emulator, store_db, request, monkeypatch, caplog
):
    take_the_store_away(emulator, store_db, request, monkeypatch)

    answers = [
        http.post("/v1/messages", json={"messages": [message()]}, headers=basic_auth()),
        http.get("/v1/delivery_reports", headers=basic_auth()),
        http.get("/_emulator/messages"),
    ]
    emulator.engine.run_due()

    for response in answers:
        assert response.status_code == 503
        assert response.json() == {"message": "The store does not answer; the log says why."}
        assert response.headers["Retry-After"] == "1"
    outage = [r for r in caplog.records if r.name == "emulator.store.outage"]
    assert [r.getMessage().split(":")[0] for r in outage] == ["the store does not answer"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_the_engine_says_once_when_the_store_answers_again(emulator, monkeypatch, caplog):
    monkeypatch.setattr(emulator.store, "engine", create_engine("sqlite:////gone/store.db"))
    emulator.engine.run_due()
    emulator.engine.run_due()
    monkeypatch.undo()
    emulator.engine.run_due()
    emulator.engine.run_due()

    outage = [r.getMessage() for r in caplog.records if r.name == "emulator.store.outage"]
    assert len(outage) == 2
    assert outage[0].startswith("the store does not answer: ")
    assert outage[1].startswith("the store answers again after ")
    assert outage[1].endswith("(2 failures)")


def test_reset_clears_messages_reports_and_replies_but_keeps_accounts(http, emulator, send):
    [echo] = send(message())
    stored = find_message(emulator.store, "DemoAccount", echo["message_id"])
    record_delivery_report(emulator.store, stored, "enroute", "101", emulator.clock.now())
    record_reply(emulator.store, stored, "Hi", emulator.clock.now())
    emulator.clock.advance(3600)

    assert http.post("/_emulator/reset").status_code == 200

    assert http.get("/_emulator/messages").json() == {"messages": []}
    assert http.get("/v1/delivery_reports", headers=basic_auth()).json()["delivery_reports"] == []
    assert http.get("/v1/replies", headers=basic_auth()).json()["replies"] == []
    assert abs((emulator.clock.now() - datetime.now(UTC)).total_seconds()) < 5
    again = http.post("/v1/messages", json={"messages": [message()]}, headers=basic_auth())
    assert again.status_code == 202


@pytest.fixture
def mixed_messages(send):
    send(message(destination_number="+61491570156"))
    send(message(destination_number="+61491570158", scheduled="2099-01-01T00:00:00Z"))
    send(message(destination_number="+61491570158"), headers=basic_auth(OTHER))
    send(message(), headers=basic_auth(account="DemoSubAccount1"))


def test_lists_every_account_newest_first(http, mixed_messages):
    listed = http.get("/_emulator/messages").json()["messages"]
    assert [m["account_id"] for m in listed] == [
        "DemoSubAccount1",
        "OtherAccount",
        "DemoAccount",
        "DemoAccount",
    ]
    assert listed[0]["created_at"] >= listed[-1]["created_at"]
    assert {"message_id", "status", "content", "destination_number"} <= set(listed[0])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("account=DemoAccount", 2),
        ("account=OtherAccount", 1),
        ("destination_number=%2B61491570158", 2),
        ("status=scheduled", 1),
        ("account=DemoAccount&status=queued", 1),
        ("limit=3", 3),
        ("account=Nobody", 0),
    ],
)
def test_filters(http, mixed_messages, query, expected):
    assert len(http.get(f"/_emulator/messages?{query}").json()["messages"]) == expected


def test_bad_filter_is_400(http):
    response = http.get("/_emulator/messages?limit=zero")
    assert response.status_code == 400
    assert response.json()["details"] == ["limit: Not a valid integer."]
    misspelt = http.get("/_emulator/messages?status=deliverd")
    assert misspelt.status_code == 400
    assert misspelt.json()["details"] == [
        "status: Must be one of: scheduled, queued, enroute, submitted, delivered, expired,"
        " rejected, failed, cancelled."
    ]


def test_admin_token_protects_everything_but_health():
    client = create_app(Settings(db=":memory:", admin_token="s3cret")).test_client()
    assert client.get("/_emulator/health").status_code == 200
    for method, path in (("get", "/_emulator/messages"), ("post", "/_emulator/reset")):
        assert getattr(client, method)(path).status_code == 403
        wrong = {"Authorization": "Bearer nope"}
        assert getattr(client, method)(path, headers=wrong).status_code == 403
        right = {"Authorization": "Bearer s3cret"}
        assert getattr(client, method)(path, headers=right).status_code == 200


def test_lists_are_pages_of_a_bounded_size(http, send):
    for _ in range(2):
        send(*[message(content=f"page test {n}") for n in range(60)])
    first = http.get("/_emulator/messages").json()["messages"]
    rest = http.get("/_emulator/messages", params={"offset": 100}).json()["messages"]
    assert (len(first), len(rest)) == (100, 20)
    assert {m["message_id"] for m in first}.isdisjoint(m["message_id"] for m in rest)
    assert http.get("/_emulator/messages", params={"limit": 1001}).status_code == 400
    assert http.get("/_emulator/webhooks", params={"offset": -1}).status_code == 400
