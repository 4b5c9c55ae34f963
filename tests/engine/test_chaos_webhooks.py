"""Faults injected into webhook deliveries, seen by real receivers: a notification twice with the
same body and IDs, a message's reports out of order, and late."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support import basic_auth


@pytest.fixture
def rules(http):
    def _add(*added: dict) -> list[dict]:
        response = http.post("/_emulator/chaos", json={"rules": list(added)})
        assert response.status_code == 201, response.text
        return response.json()["rules"]

    return _add


def statuses(receiver) -> list[str]:
    return [payload["status"] for payload in receiver.payloads]


def test_a_callback_twice_with_the_same_body_and_ids(receivers, rules, send_one, advance, webhooks):
    receiver = receivers()
    rules({"side": "webhook", "path": "/hook", "fault": {"duplicate": True}, "times": 1})
    message_id = send_one(delivery_report=True, callback_url=receiver.url)

    advance(10)

    first, second, *rest = receiver.requests
    assert first["body"] == second["body"]
    assert first["json"]["delivery_report_id"] == second["json"]["delivery_report_id"]
    assert first["json"]["message_id"] == second["json"]["message_id"] == message_id
    assert statuses(receiver) == ["enroute", "enroute", "submitted", "delivered"]
    assert len(rest) == 2
    [duplicated] = [hook for hook in webhooks(message_id=message_id) if hook["chaos"]]
    assert [mark["fault"] for mark in duplicated["chaos"]] == ["duplicate"]
    assert len(duplicated["attempts"]) == 1


def test_an_account_webhook_twice_with_the_same_ids(receivers, rules, http, send_one, advance):
    receiver = receivers()
    webhook = {
        "url": receiver.url,
        "method": "PUT",
        "encoding": "JSON",
        "events": ["DELIVERED_DR"],
        "template": '{"report": "$drId", "message": "$mtId"}',
    }
    assert http.post("/v1/webhooks/messages", json=webhook, headers=basic_auth()).ok
    rules({"side": "webhook", "method": "PUT", "fault": {"duplicate": True}})
    send_one(delivery_report=True)
    advance(10)
    first, second = receiver.payloads
    assert first == second and first["report"]


def test_a_messages_reports_arrive_in_reverse_order(receivers, rules, send_one, advance):
    receiver = receivers()
    rules({"side": "webhook", "fault": {"reorder": True, "hold_seconds": 10}})
    send_one(delivery_report=True, callback_url=receiver.url)

    advance(5)
    assert receiver.requests == []
    advance(30)

    assert statuses(receiver) == ["delivered", "submitted", "enroute"]


def test_the_next_report_held_arrives_after_the_one_that_follows_it(
    receivers, rules, send_one, advance
):
    receiver = receivers()
    rules({"side": "webhook", "fault": {"reorder": True}, "times": 1})
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(30)
    assert statuses(receiver) == ["submitted", "enroute", "delivered"]


def test_a_held_report_goes_at_the_end_of_its_hold_when_nothing_follows(
    receivers, rules, send_one, advance, webhooks
):
    receiver = receivers()
    rules({"side": "webhook", "fault": {"reorder": True, "hold_seconds": 20}})
    message_id = send_one(
        destination_number="+61400000302", delivery_report=True, callback_url=receiver.url
    )
    advance(1)  # enroute, held
    advance(19)
    assert statuses(receiver) == []
    advance(30)
    assert statuses(receiver) == ["rejected", "enroute"]
    attempts = [hook["attempts"][0]["at"] for hook in webhooks(message_id=message_id)]
    assert len(attempts) == 2


def test_a_delay_postpones_the_first_attempt(receivers, rules, send_one, advance, webhooks):
    receiver = receivers()
    rules({"side": "webhook", "fault": {"delay_seconds": 30}, "times": 1})
    message_id = send_one(delivery_report=True, callback_url=receiver.url)
    advance(10)
    assert statuses(receiver) == ["submitted", "delivered"]
    advance(30)
    assert statuses(receiver) == ["submitted", "delivered", "enroute"]
    enroute = next(
        h for h in webhooks(message_id=message_id) if h["payload"]["status"] == "enroute"
    )
    created = datetime.fromisoformat(enroute["payload"]["date_received"])
    attempted = datetime.fromisoformat(enroute["attempts"][0]["at"])
    assert (attempted - created).total_seconds() == pytest.approx(30, abs=0.01)
    assert enroute["chaos"][0]["fault"] == "delay_seconds"
    assert enroute["chaos"][0]["seconds"] == 30


def test_webhook_faults_are_in_the_change_log(receivers, rules, send_one, advance, http):
    receiver = receivers()
    [rule] = rules({"side": "webhook", "fault": {"duplicate": True}, "times": 1})
    message_id = send_one(delivery_report=True, callback_url=receiver.url)
    advance(10)
    events = http.get("/_emulator/events").json()["events"]
    [fault] = [event for event in events if event["kind"] == "chaos"]
    assert fault["message_id"] == message_id
    assert fault["data"]["side"] == "webhook"
    assert fault["data"]["fault"] == "duplicate"
    assert fault["data"]["rule_id"] == rule["id"]
    assert fault["data"]["path"] == "/hook"


def test_api_rules_leave_webhooks_alone(receivers, rules, send_one, advance):
    receiver = receivers()
    rules({"path": "/hook", "fault": {"status": 503}})
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(10)
    assert statuses(receiver) == ["enroute", "submitted", "delivered"]
