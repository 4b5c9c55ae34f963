"""A message's life over HTTP: statuses, reports, webhooks, outcome rules, scheduling, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from emulator.timestamps import format_timestamp
from tests.support import basic_auth, find_message


@pytest.fixture
def real_time_stands_still():
    """Freeze real time, leaving the emulator's clock to the test: its checks fall half a second
    or so from a message's next step, which a busy machine would otherwise reach on its own."""
    with freeze_time(datetime.now(UTC)):
        yield


def parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def test_happy_path_with_reports_and_webhooks(
    emulator, receivers, send_one, advance, status_of, reports, webhooks
):
    receiver = receivers()
    message_id = send_one(delivery_report=True, callback_url=receiver.url, metadata={"k": "v"})
    sent_at = find_message(emulator.store, "DemoAccount", message_id)["created_at"]
    assert status_of(message_id) == "queued"

    advance(1.5)
    assert status_of(message_id) == "enroute"
    advance(8)
    assert status_of(message_id) == "delivered"

    listed = reports()
    assert [(r["status"], r["error_code"]) for r in listed] == [
        ("enroute", "101"),
        ("submitted", "200"),
        ("delivered", "220"),
    ]
    offsets = [(parse(r["submitted_date"]) - sent_at).total_seconds() for r in listed]
    assert offsets == pytest.approx([1, 2, 4], abs=0.01)
    for report in listed:
        assert report["message_id"] == message_id
        assert report["metadata"] == {"k": "v"}
        assert report["billing_units"] == 1
        assert report["callback_url"] == receiver.url

    assert receiver.payloads == listed
    hooks = webhooks(message_id=message_id)
    assert [h["state"] for h in hooks] == ["delivered"] * 3
    assert [h["payload"]["status"] for h in hooks] == ["delivered", "submitted", "enroute"]
    for hook in hooks:
        [attempt] = hook["attempts"]
        assert attempt == {"at": hook["payload"]["submitted_date"], "status_code": 200}
        assert hook["next_attempt_at"] is None
        assert hook["event"] == "delivery_report"


def test_webhook_body_has_every_field_of_the_reference_example(receivers, send_one, advance):
    receiver = receivers()
    send_one(delivery_report=True, callback_url=receiver.url)
    advance(10)
    reference_fields = {
        "callback_url",
        "delivery_report_id",
        "source_number",
        "date_received",
        "status",
        "delay",
        "submitted_date",
        "original_text",
        "message_id",
        "vendor_account_id",
        "error_code",
        "metadata",
    }
    for payload in receiver.payloads:
        assert reference_fields <= set(payload)
        assert payload["vendor_account_id"] == {
            "vendor_id": "MessageMedia",
            "account_id": "DemoAccount",
        }
        assert payload["source_number"] == "+61491570156"


def test_no_reports_or_webhooks_without_delivery_report(
    receivers, send_one, advance, status_of, reports, webhooks
):
    receiver = receivers()
    message_id = send_one(callback_url=receiver.url)
    advance(10)
    assert status_of(message_id) == "delivered"
    assert reports() == []
    assert webhooks() == []
    assert receiver.requests == []


def test_reports_without_callback_url_make_no_webhooks(send_one, advance, reports, webhooks):
    send_one(delivery_report=True)
    advance(10)
    assert len(reports()) == 3
    assert webhooks() == []


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        ("+61400000411", [("enroute", "101"), ("submitted", "200"), ("failed", "411")]),
        ("+61400000414", [("enroute", "101"), ("submitted", "200"), ("failed", "414")]),
        ("+61400000302", [("enroute", "101"), ("rejected", "302")]),
        ("+61400000305", [("enroute", "101"), ("rejected", "305")]),
        ("+61400000401", [("enroute", "101"), ("submitted", "200"), ("expired", "401")]),
        ("+61400000220", [("enroute", "101"), ("submitted", "200"), ("delivered", "220")]),
        ("+61400000999", [("enroute", "101"), ("submitted", "200"), ("delivered", "220")]),
        ("+61491570156", [("enroute", "101"), ("submitted", "200"), ("delivered", "220")]),
    ],
)
def test_shipped_outcome_rules(send_one, advance, status_of, reports, destination, expected):
    message_id = send_one(destination_number=destination, delivery_report=True)
    advance(10)
    assert status_of(message_id) == expected[-1][0]
    assert [(r["status"], r["error_code"]) for r in reports()] == expected


def test_slow_handset_rule_has_its_own_delays(send_one, advance, status_of):
    message_id = send_one(destination_number="+61400001000")
    advance(29)
    assert status_of(message_id) == "queued"
    advance(2)
    assert status_of(message_id) == "enroute"
    advance(60)
    assert status_of(message_id) == "submitted"
    advance(120)
    assert status_of(message_id) == "delivered"


def test_scheduled_message_waits_for_its_time(
    real_time_stands_still, emulator, send_one, advance, status_of, reports
):
    scheduled = emulator.clock.now() + timedelta(hours=1)
    message_id = send_one(scheduled=format_timestamp(scheduled), delivery_report=True)
    advance(3599)
    assert status_of(message_id) == "scheduled"
    assert reports() == []
    advance(1.5)
    assert status_of(message_id) == "queued"
    advance(10)
    assert status_of(message_id) == "delivered"
    first = parse(reports()[0]["submitted_date"])
    assert (first - scheduled).total_seconds() == pytest.approx(1, abs=0.01)


def test_cancelled_message_never_moves(http, emulator, send_one, advance, status_of, reports):
    scheduled = format_timestamp(emulator.clock.now() + timedelta(minutes=5))
    message_id = send_one(scheduled=scheduled, delivery_report=True)
    cancel = http.put(
        f"/v1/messages/{message_id}", json={"status": "cancelled"}, headers=basic_auth()
    )
    assert cancel.status_code == 200
    advance(3600)
    assert status_of(message_id) == "cancelled"
    assert reports() == []


def test_message_expiring_before_submission(
    real_time_stands_still, emulator, send_one, advance, status_of, reports
):
    expiry = format_timestamp(emulator.clock.now() + timedelta(seconds=1.5))
    message_id = send_one(message_expiry_timestamp=expiry, delivery_report=True)
    advance(10)
    assert status_of(message_id) == "expired"
    assert [(r["status"], r["error_code"]) for r in reports()] == [
        ("enroute", "101"),
        ("expired", "320"),
    ]
    assert reports()[-1]["submitted_date"] == expiry


def test_message_expiring_after_submission(
    real_time_stands_still, emulator, send_one, advance, status_of, reports
):
    expiry = format_timestamp(emulator.clock.now() + timedelta(seconds=3))
    message_id = send_one(message_expiry_timestamp=expiry, delivery_report=True)
    advance(10)
    assert status_of(message_id) == "expired"
    assert [(r["status"], r["error_code"]) for r in reports()] == [
        ("enroute", "101"),
        ("submitted", "200"),
        ("expired", "401"),
    ]


def test_scheduled_after_its_expiry_expires_unsent(emulator, send_one, advance, status_of, reports):
    now = emulator.clock.now()
    message_id = send_one(
        scheduled=format_timestamp(now + timedelta(hours=2)),
        message_expiry_timestamp=format_timestamp(now + timedelta(hours=1)),
        delivery_report=True,
    )
    advance(3 * 3600)
    assert status_of(message_id) == "expired"
    assert [(r["status"], r["error_code"]) for r in reports()] == [("expired", "320")]


def test_already_expired_message_is_expired_at_once(send_one, advance, status_of):
    message_id = send_one(message_expiry_timestamp="2001-01-01T00:00:00Z")
    advance(0)
    assert status_of(message_id) == "expired"


@pytest.mark.parametrize("expired_for", [timedelta(seconds=1), timedelta(hours=1)])
def test_a_message_sent_past_its_expiry_is_reported_as_of_its_acceptance(
    emulator, http, receivers, send_one, advance, reports, expired_for
):
    callback, hook = receivers(), receivers()
    webhook = {
        "url": hook.url,
        "method": "POST",
        "encoding": "JSON",
        "events": ["EXPIRED_DR"],
        "template": '{"id": "$mtId", "status": "$status", "at": "$submittedTimestamp"}',
    }
    created = http.post("/v1/webhooks/messages", json=webhook, headers=basic_auth())
    assert created.status_code == 201, created.text
    expiry = format_timestamp(emulator.clock.now() - expired_for)

    message_id = send_one(
        message_expiry_timestamp=expiry, delivery_report=True, callback_url=callback.url
    )
    advance(0)

    accepted_at = find_message(emulator.store, "DemoAccount", message_id)["created_at"]
    read = http.get(f"/v1/messages/{message_id}", headers=basic_auth()).json()
    assert (read["status"], read["message_expiry_timestamp"]) == ("expired", expiry)
    [report] = reports()
    assert (report["message_id"], report["status"], report["error_code"]) == (
        message_id,
        "expired",
        "320",
    )
    # Reported as of the acceptance, not of the expiry before it.
    accepted = format_timestamp(accepted_at)
    assert report["submitted_date"] == report["date_received"] == accepted
    assert callback.payloads == [report]
    assert hook.payloads == [
        {"id": message_id, "status": "expired", "at": report["submitted_date"]}
    ]


def test_billing_units_follow_the_content(send_one, advance, reports):
    send_one(content="x" * 161, delivery_report=True)
    advance(10)
    assert {r["billing_units"] for r in reports()} == {2}


def test_purge_deletes_what_is_older_than_45_days(emulator, send_one, advance, reports):
    old = send_one(delivery_report=True)
    advance(44 * 86400)
    recent = send_one(delivery_report=True)
    advance(1.5 * 86400)
    emulator.engine.purge_expired()
    assert find_message(emulator.store, "DemoAccount", old) is None
    assert find_message(emulator.store, "DemoAccount", recent) is not None
    assert {r["message_id"] for r in reports()} == {recent}
