"""Check and confirm delivery reports and replies, seeded through the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import basic_auth, find_message, message, record_delivery_report, record_reply

AUTH = basic_auth()


@pytest.fixture
def stored_message(emulator, send):
    """Send a message with metadata and a source number and return its stored row."""

    def _stored(**fields) -> dict:
        defaults = {
            "metadata": {"order": "42"},
            "source_number": "+61491570157",
            "callback_url": "https://example.com/cb",
        }
        [echo] = send(message(**{**defaults, **fields}))
        return find_message(emulator.store, "DemoAccount", echo["message_id"])

    return _stored


def seed_reports(emulator, msg, count, status="delivered", code="220"):
    start = emulator.clock.now()
    return [
        record_delivery_report(emulator.store, msg, status, code, start + timedelta(seconds=i))
        for i in range(count)
    ]


def test_delivery_report_shape(client, emulator, stored_message):
    msg = stored_message()
    [report_id] = seed_reports(emulator, msg, 1)
    [report] = client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"]
    assert report.pop("date_received").endswith("Z")
    assert report.pop("submitted_date").endswith("Z")
    assert report == {
        "callback_url": "https://example.com/cb",
        "delivery_report_id": report_id,
        "source_number": "+61491570156",
        "status": "delivered",
        "delay": 0,
        "billing_units": 1,
        "original_text": "Hello from the tests",
        "message_id": msg["id"],
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "DemoAccount"},
        "error_code": "220",
        "metadata": {"order": "42"},
    }


def test_delivery_report_without_callback_or_metadata(client, emulator, send):
    [echo] = send(message())
    msg = find_message(emulator.store, "DemoAccount", echo["message_id"])
    seed_reports(emulator, msg, 1)
    [report] = client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"]
    assert report["callback_url"] is None
    assert report["metadata"] == {}


def test_reply_shape_inverts_source_and_destination(client, emulator, stored_message):
    msg = stored_message()
    reply_id = record_reply(emulator.store, msg, "Yes please", emulator.clock.now())
    [reply] = client.get("/v1/replies", headers=AUTH).json["replies"]
    assert reply.pop("date_received").endswith("Z")
    assert reply == {
        "callback_url": "https://example.com/cb",
        "content": "Yes please",
        "destination_number": "+61491570157",
        "message_id": msg["id"],
        "metadata": {"order": "42"},
        "reply_id": reply_id,
        "source_number": "+61491570156",
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "DemoAccount"},
    }


def test_reply_has_no_destination_when_message_had_no_source(client, emulator, send):
    [echo] = send(message())
    msg = find_message(emulator.store, "DemoAccount", echo["message_id"])
    record_reply(emulator.store, msg, "Hi", emulator.clock.now())
    [reply] = client.get("/v1/replies", headers=AUTH).json["replies"]
    assert "destination_number" not in reply


def test_oldest_hundred_unconfirmed_and_the_same_until_confirmed(client, emulator, stored_message):
    msg = stored_message()
    ids = seed_reports(emulator, msg, 150)
    first = [
        r["delivery_report_id"]
        for r in client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"]
    ]
    assert first == ids[:100]
    again = client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"]
    assert [r["delivery_report_id"] for r in again] == first

    confirm = client.post(
        "/v1/delivery_reports/confirmed", json={"delivery_report_ids": first}, headers=AUTH
    )
    assert confirm.status_code == 202
    assert confirm.json == {}
    rest = client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"]
    assert [r["delivery_report_id"] for r in rest] == ids[100:]


def test_replies_oldest_hundred_and_confirmation(client, emulator, stored_message):
    msg = stored_message()
    start = emulator.clock.now()
    ids = [
        record_reply(emulator.store, msg, f"reply {i}", start - timedelta(seconds=200 - i))
        for i in range(101)
    ]
    listed = client.get("/v1/replies", headers=AUTH).json["replies"]
    assert [r["reply_id"] for r in listed] == ids[:100]
    client.post("/v1/replies/confirmed", json={"reply_ids": ids[:100]}, headers=AUTH)
    assert [r["reply_id"] for r in client.get("/v1/replies", headers=AUTH).json["replies"]] == [
        ids[100]
    ]


def test_unknown_ids_are_ignored_silently(client, emulator, stored_message):
    [report_id] = seed_reports(emulator, stored_message(), 1)
    response = client.post(
        "/v1/delivery_reports/confirmed",
        json={"delivery_report_ids": ["nope", "00000000-0000-4000-8000-000000000000", report_id]},
        headers=AUTH,
    )
    assert response.status_code == 202 and response.json == {}
    assert client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"] == []


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/delivery_reports/confirmed", "delivery_report_ids"),
        ("/v1/replies/confirmed", "reply_ids"),
    ],
)
@pytest.mark.parametrize(("count", "accepted"), [(0, True), (100, True), (101, False)])
def test_confirm_takes_up_to_one_hundred_ids(client, path, field, count, accepted):
    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(count)]
    response = client.post(path, json={field: ids}, headers=AUTH)
    assert response.status_code == (202 if accepted else 400)
    if not accepted:
        assert response.json["details"] == [
            f"{field}: At most 100 IDs can be confirmed per request."
        ]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/delivery_reports/confirmed", "delivery_report_ids"),
        ("/v1/replies/confirmed", "reply_ids"),
    ],
)
@pytest.mark.parametrize("value", ["an-id", [1, 2], [None], {"a": "b"}, None])
def test_confirm_needs_a_list_of_strings(client, path, field, value):
    response = client.post(path, json={field: value}, headers=AUTH)
    assert response.status_code == 400
    assert all(detail.startswith(field) for detail in response.json["details"])


@pytest.mark.parametrize("path", ["/v1/delivery_reports/confirmed", "/v1/replies/confirmed"])
def test_confirm_needs_its_field(client, path):
    response = client.post(path, json={"ids": []}, headers=AUTH)
    assert response.status_code == 400


def test_reports_older_than_45_days_are_not_returned(client, emulator, stored_message):
    seed_reports(emulator, stored_message(), 1)
    emulator.clock.advance(45 * 86400)
    assert client.get("/v1/delivery_reports", headers=AUTH).json["delivery_reports"] == []
