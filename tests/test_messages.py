"""GET and PUT /v1/messages/{messageId}: status, cancellation, 404s, retention, durability."""

from __future__ import annotations

import pytest

from emulator.store import Store
from tests.support import basic_auth, list_messages, message

AUTH = basic_auth()
CANCEL = {"status": "cancelled"}
NOT_FOUND = {"message": "Resource not found"}
FUTURE = "2099-01-01T00:00:00Z"
# A well-formed ID no message has; a fixed one, so that every pytest-xdist worker collects the
# same test IDs.
UNKNOWN_ID = "3f0c8a52-7d1e-4b6a-9e2f-5c4d3b2a1f09"


def test_status_has_every_getmessagestatusresponse_field(client, send):
    sent = message(
        callback_url="https://example.com/cb",
        delivery_report=True,
        metadata={"order": "42"},
        source_number="+61491570157",
        source_number_type="INTERNATIONAL",
        message_expiry_timestamp="2099-02-01T00:00:00Z",
        scheduled=FUTURE,
    )
    [echo] = send(sent)
    body = client.get(f"/v1/messages/{echo['message_id']}", headers=AUTH).json
    assert body == {
        "callback_url": "https://example.com/cb",
        "content": "Hello from the tests",
        "destination_number": "+61491570156",
        "delivery_report": True,
        "format": "SMS",
        "message_expiry_timestamp": "2099-02-01T00:00:00.000Z",
        "metadata": {"order": "42"},
        "scheduled": "2099-01-01T00:00:00.000Z",
        "source_number": "+61491570157",
        "source_number_type": "INTERNATIONAL",
        "message_id": echo["message_id"],
        "status": "scheduled",
    }


def test_unset_fields_are_null_and_status_is_queued(client, send_as_demo):
    body = client.get(f"/v1/messages/{send_as_demo()}", headers=AUTH).json
    assert body["status"] == "queued"
    assert body["callback_url"] is None and body["scheduled"] is None


def test_scheduled_in_the_past_is_queued(client, send_as_demo):
    message_id = send_as_demo(scheduled="2001-01-01T00:00:00Z")
    assert client.get(f"/v1/messages/{message_id}", headers=AUTH).json["status"] == "queued"


def test_message_id_is_case_insensitive(client, send_as_demo):
    message_id = send_as_demo()
    assert client.get(f"/v1/messages/{message_id.upper()}", headers=AUTH).status_code == 200


@pytest.mark.parametrize("message_id", [UNKNOWN_ID, "not-a-uuid", "1234", "x" * 36])
def test_unknown_or_malformed_id_is_404(client, message_id):
    for response in (
        client.get(f"/v1/messages/{message_id}", headers=AUTH),
        client.put(f"/v1/messages/{message_id}", json=CANCEL, headers=AUTH),
    ):
        assert response.status_code == 404
        assert response.json == NOT_FOUND


@pytest.mark.parametrize(("days", "visible"), [(44.99, True), (45, False), (60, False)])
def test_messages_are_gone_after_45_days(client, emulator, send_as_demo, days, visible):
    message_id = send_as_demo(scheduled=FUTURE)
    emulator.clock.advance(days * 86400)
    assert (client.get(f"/v1/messages/{message_id}", headers=AUTH).status_code == 200) is visible
    cancel = client.put(f"/v1/messages/{message_id}", json=CANCEL, headers=AUTH)
    assert cancel.status_code == (200 if visible else 404)


def test_cancel_a_scheduled_message(client, send_as_demo):
    message_id = send_as_demo(scheduled=FUTURE)
    response = client.put(f"/v1/messages/{message_id}", json=CANCEL, headers=AUTH)
    assert response.status_code == 200
    assert response.json == {}
    assert client.get(f"/v1/messages/{message_id}", headers=AUTH).json["status"] == "cancelled"


@pytest.mark.parametrize("scheduled", [None, "2001-01-01T00:00:00Z"])
def test_only_scheduled_messages_can_be_cancelled(client, send_as_demo, scheduled):
    message_id = send_as_demo(**({"scheduled": scheduled} if scheduled else {}))
    response = client.put(f"/v1/messages/{message_id}", json=CANCEL, headers=AUTH)
    assert response.status_code == 400
    assert response.json == {"message": "Message is not currently scheduled"}


def test_cancelling_twice_is_400(client, send_as_demo):
    message_id = send_as_demo(scheduled=FUTURE)
    client.put(f"/v1/messages/{message_id}", json=CANCEL, headers=AUTH)
    second = client.put(f"/v1/messages/{message_id}", json=CANCEL, headers=AUTH)
    assert second.json == {"message": "Message is not currently scheduled"}


@pytest.mark.parametrize(
    "body",
    [{"status": "queued"}, {"status": "CANCELLED"}, {}, {"status": "cancelled", "x": 1}, []],
)
def test_any_other_cancel_body_is_400(client, send_as_demo, body):
    message_id = send_as_demo(scheduled=FUTURE)
    response = client.put(f"/v1/messages/{message_id}", json=body, headers=AUTH)
    assert response.status_code == 400
    assert response.json["details"]
    assert client.get(f"/v1/messages/{message_id}", headers=AUTH).json["status"] == "scheduled"


def test_accepted_messages_are_on_disk_before_the_answer(http, settings):
    response = http.post("/v1/messages", json={"messages": [message()] * 3}, headers=AUTH)
    assert response.status_code == 202
    ids = {echo["message_id"] for echo in response.json()["messages"]}
    other_connection = Store(settings.database_url)
    try:
        assert {row["id"] for row in list_messages(other_connection)} == ids
    finally:
        other_connection.close()
