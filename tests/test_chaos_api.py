"""Faults injected into API requests, seen by real clients (requests and the official SDK): error
answers for the next N sends, rate limits, latency, dropped connections and seeded chance."""

from __future__ import annotations

import time

import pytest
import requests
from message_media_messages.configuration import Configuration
from message_media_messages.exceptions.api_exception import APIException
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest

from tests.support import DEMO, basic_auth, message

SEND = {"messages": [message()]}


@pytest.fixture
def rules(http):
    """Add fault injection rules through the control plane; returns them with their IDs."""

    def _add(*added: dict) -> list[dict]:
        response = http.post("/_emulator/chaos", json={"rules": list(added)})
        assert response.status_code == 201, response.text
        return response.json()["rules"]

    return _add


@pytest.fixture
def sdk(server):
    Configuration.base_uri = server.base_url
    Configuration.hmac_auth_user_name = Configuration.hmac_auth_password = None
    yield MessageMediaMessagesClient(DEMO.key, DEMO.secret)
    Configuration.base_uri = "https://api.messagemedia.com"


def stored(http) -> list[dict]:
    return http.get("/_emulator/messages").json()["messages"]


def test_the_next_send_fails_with_503_then_works_and_nothing_is_stored(http, rules):
    [rule] = rules(
        {
            "name": "send fails once",
            "method": "POST",
            "path": "/v1/messages",
            "fault": {"status": 503, "retry_after": 2},
            "times": 1,
        }
    )

    refused = http.post("/v1/messages", json=SEND, headers=basic_auth())

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "2"
    assert refused.headers["X-Mm-Emulator-Chaos-Rule"] == rule["id"]
    assert refused.json() == {
        "message": "Service unavailable",
        "details": ["Injected by the emulator's chaos rule send fails once."],
    }
    assert stored(http) == []
    accepted = http.post("/v1/messages", json=SEND, headers=basic_auth())
    assert accepted.status_code == 202
    assert [m["message_id"] for m in stored(http)] == [accepted.json()["messages"][0]["message_id"]]
    [after] = http.get("/_emulator/chaos").json()["rules"]
    assert (after["matched"], after["fired"], after["remaining"]) == (2, 1, 0)


def test_the_official_sdk_sees_the_503_then_sends(sdk, http, rules):
    rules({"method": "POST", "path": "/v1/messages", "fault": {"status": 503}, "times": 1})
    request = SendMessagesRequest(
        messages=[Message(content="Hi", destination_number="+61491570156")]
    )

    with pytest.raises(APIException) as refused:
        sdk.messages.send_messages(request)
    assert refused.value.response_code == 503
    assert stored(http) == []

    [sent] = sdk.messages.send_messages(request).messages
    assert sdk.messages.get_message_status(sent.message_id).status == "queued"


@pytest.mark.parametrize("status", [429, 500, 502, 504])
def test_every_error_status_is_a_json_error_body(http, rules, status):
    rules({"path": "/v1/replies", "fault": {"status": status}})
    response = http.get("/v1/replies", headers=basic_auth())
    assert response.status_code == status
    assert set(response.json()) == {"message", "details"}
    # A 429 always says when to come back.
    assert ("Retry-After" in response.headers) == (status == 429)


def test_a_rate_limit_lets_n_requests_a_second_through_then_429(http, rules):
    limit = 5
    rules({"method": "GET", "path": "/v1/delivery_reports", "fault": {"rate_limit": limit}})
    through: list[tuple[float, float]] = []  # when each request that got through was sent, answered
    limited = []
    started = time.monotonic()
    while time.monotonic() - started < 2.5:
        sent = time.monotonic()
        response = http.get("/v1/delivery_reports", headers=basic_auth())
        if response.status_code == 200:
            through.append((sent, time.monotonic()))
        else:
            limited.append((response.status_code, int(response.headers["Retry-After"])))

    assert limited and all(status == 429 and wait >= 1 for status, wait in limited)
    # The server let request i+limit through at least a second after request i: between the
    # first's sending and the other's answer, a second or more went by.
    assert all(
        through[index + limit][1] - through[index][0] >= 1.0
        for index in range(len(through) - limit)
    )
    # Over the run they went through at about that rate.
    assert limit * 2 <= len(through) <= limit * 3


def test_a_rate_limit_counts_each_account_apart(http, rules):
    rules({"path": "/v1/replies", "fault": {"rate_limit": 1}})
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 200
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 429
    sub = basic_auth(account="DemoSubAccount1")
    assert http.get("/v1/replies", headers=sub).status_code == 200


def test_latency_within_its_range_before_the_real_answer(http, rules):
    rules({"method": "GET", "path": "/v1/replies", "fault": {"latency_seconds": [0.2, 0.4]}})
    took = []
    for _ in range(5):
        started = time.monotonic()
        response = http.get("/v1/replies", headers=basic_auth())
        took.append(time.monotonic() - started)
        assert response.status_code == 200 and response.json() == {"replies": []}
    http.get("/v1/delivery_reports", headers=basic_auth())

    events = http.get("/_emulator/events").json()["events"]
    drawn = [event["data"]["seconds"] for event in events if event["kind"] == "chaos"]
    assert len(drawn) == 5  # the other path got none
    assert all(0.2 <= seconds <= 0.4 for seconds in drawn)
    assert len(set(drawn)) > 1
    # Each answer came after its latency, and not much later (the rest is the request itself).
    pairs = zip(drawn, took, strict=True)
    assert all(seconds <= measured < seconds + 0.3 for seconds, measured in pairs), took


def test_a_dropped_connection_is_a_connection_error_and_stores_nothing(http, server, rules):
    rules({"method": "POST", "path": "/v1/messages", "fault": {"drop": True}, "times": 1})
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{server.base_url}/v1/messages", json=SEND, headers=basic_auth())
    assert stored(http) == []
    assert (
        requests.post(f"{server.base_url}/v1/messages", json=SEND, headers=basic_auth()).status_code
        == 202
    )


def failing_requests(http, count: int = 30) -> list[int]:
    return [
        index
        for index in range(count)
        if http.get("/v1/replies", headers=basic_auth()).status_code == 500
    ]


def test_a_seeded_probability_fails_the_same_requests_in_two_runs(http, rules):
    rule = {"path": "/v1/replies", "fault": {"status": 500}, "probability": 0.4, "seed": 7}
    rules(rule)
    first = failing_requests(http)
    http.post("/_emulator/reset", json={})
    rules(rule)
    second = failing_requests(http)

    assert first == second
    assert 0 < len(first) < 30
    http.post("/_emulator/reset", json={})
    rules({**rule, "seed": 8})
    assert failing_requests(http) != first


def test_a_rule_for_one_account_leaves_the_others_alone(http, rules):
    rules({"account": "DemoSubAccount2", "fault": {"status": 503}})
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 200
    refused = http.get("/v1/replies", headers=basic_auth(account="DemoSubAccount2"))
    assert refused.status_code == 503


def test_bad_credentials_are_refused_before_any_fault(http, rules):
    rules({"fault": {"status": 503}})
    assert http.get("/v1/replies").status_code == 403


def test_path_patterns_match_a_segment_or_anything(http, rules):
    rules({"method": "GET", "path": "/v1/messages/*", "fault": {"status": 502}})
    unknown = "/v1/messages/0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59"
    assert http.get(unknown, headers=basic_auth()).status_code == 502
    assert http.post("/v1/messages", json=SEND, headers=basic_auth()).status_code == 202
    http.delete("/_emulator/chaos")
    rules({"path": "/v1/**", "fault": {"status": 504}})
    assert http.get(unknown, headers=basic_auth()).status_code == 504
    assert http.get("/v1/replies", headers=basic_auth()).status_code == 504


def test_each_fault_is_in_the_change_log_and_the_log(http, rules, caplog):
    [rule] = rules({"name": "flaky", "path": "/v1/replies", "fault": {"status": 503}})
    caplog.set_level("INFO", logger="emulator.services.chaos_rules")
    http.get("/v1/replies", headers=basic_auth())
    events = http.get("/_emulator/events").json()["events"]
    [fault] = [event for event in events if event["kind"] == "chaos"]
    assert fault["account_id"] == "DemoAccount"
    assert fault["data"] == {
        "side": "api",
        "method": "GET",
        "path": "/v1/replies",
        "rule_id": rule["id"],
        "rule": "flaky",
        "fault": "status",
        "status": 503,
    }
    assert "chaos rule flaky injected fault=status, status=503 into GET /v1/replies" in caplog.text
