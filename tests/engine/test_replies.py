"""Handsets answering through POST /_emulator/replies: replies, inbound messages, MMS, webhooks."""

from __future__ import annotations

import base64

import pytest

from tests.support import OTHER, basic_auth

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image").decode()


@pytest.fixture
def reply(http):
    def _reply(**body):
        return http.post("/_emulator/replies", json=body)

    return _reply


def replies_of(http, headers=None) -> list[dict]:
    return http.get("/v1/replies", headers=headers or basic_auth()).json()["replies"]


def test_reply_answers_the_latest_message_to_the_handset(http, receivers, send_one, reply, advance):
    receiver = receivers()
    send_one(content="First")
    message_id = send_one(
        content="Second",
        source_number="+61491570157",
        callback_url=receiver.url,
        metadata={"ticket": "7"},
    )
    response = reply(source_number="+61491570156", content="Thanks!")
    assert response.status_code == 201
    created = response.json()
    assert created["message_id"] == message_id
    assert created["account_id"] == "DemoAccount"

    [listed] = replies_of(http)
    assert listed == {
        "callback_url": receiver.url,
        "content": "Thanks!",
        "date_received": created["date_received"],
        "destination_number": "+61491570157",
        "message_id": message_id,
        "metadata": {"ticket": "7"},
        "reply_id": created["reply_id"],
        "source_number": "+61491570156",
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "DemoAccount"},
    }
    advance(0)
    [payload] = [p for p in receiver.payloads if "reply_id" in p]
    assert payload == listed
    assert "attachments" not in payload


def test_reply_with_attachments_is_posted_as_an_mms_reply(receivers, send_one, reply, advance):
    receiver = receivers()
    send_one(format="MMS", callback_url=receiver.url)
    attachment = {"content_type": "image/png", "content": PNG, "original_name": "cat.png"}
    assert reply(source_number="+61491570156", content="Look", attachments=[attachment]).ok
    advance(0)
    [payload] = receiver.payloads
    assert payload["attachments"] == [attachment]
    assert payload["content"] == "Look"


def test_reply_to_a_message_without_source_has_no_destination(http, send_one, reply):
    send_one()
    reply(source_number="+61491570156", content="Hi")
    [listed] = replies_of(http)
    assert "destination_number" not in listed


def test_reply_by_message_id_and_confirmation(http, send_one, reply):
    older = send_one(content="Older")
    send_one(content="Newer")
    response = reply(source_number="+61491570156", content="About the older one", message_id=older)
    assert response.json()["message_id"] == older
    reply_id = response.json()["reply_id"]
    http.post("/v1/replies/confirmed", json={"reply_ids": [reply_id]}, headers=basic_auth())
    assert replies_of(http) == []


def test_reply_belongs_to_the_sub_account_that_sent(http, reply):
    sub = basic_auth(account="DemoSubAccount1")
    body = {"messages": [{"content": "From the sub", "destination_number": "+61491570156"}]}
    http.post("/v1/messages", json=body, headers=sub)
    assert reply(source_number="+61491570156", content="Hi sub").json()["account_id"] == (
        "DemoSubAccount1"
    )
    assert len(replies_of(http, sub)) == 1
    assert replies_of(http) == []


def test_inbound_message_to_an_account_number(http, reply):
    response = reply(
        source_number="+61491570199", content="Hello there", destination_number="+61491570170"
    )
    assert response.status_code == 201
    [listed] = replies_of(http, basic_auth(OTHER))
    assert listed["message_id"] is None
    assert listed["destination_number"] == "+61491570170"
    assert listed["callback_url"] is None
    assert replies_of(http) == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"content": "x"}, "source_number: Missing data for required field."),
        ({"source_number": "+61491570156"}, "content: Missing data for required field."),
        (
            {"source_number": "+61491570111", "content": "x"},
            "message_id: No message was sent to this handset; give destination_number.",
        ),
        (
            {"source_number": "+61491570111", "content": "x", "destination_number": "+61400000000"},
            "destination_number: No account has this number.",
        ),
        (
            {
                "source_number": "+61491570156",
                "content": "x",
                "message_id": "00000000-0000-4000-8000-000000000000",
            },
            "message_id: No message has this ID.",
        ),
        (
            {
                "source_number": "+61491570156",
                "content": "x",
                "attachments": [{"content_type": "image/png", "content": "not base64!"}],
            },
            "attachments[0].content: Not valid base64.",
        ),
        (
            {
                "source_number": "+61491570156",
                "content": "x",
                "attachments": [{"content_type": "application/pdf", "content": PNG}],
            },
            "attachments[0].content_type: Must be an image type (image/...).",
        ),
    ],
)
def test_bad_replies_are_400(send_one, reply, body, detail):
    send_one()
    response = reply(**body)
    assert response.status_code == 400
    assert response.json()["details"] == [detail]


def test_reply_from_another_handset_than_the_message_went_to(send_one, reply):
    message_id = send_one()
    response = reply(source_number="+61491570111", content="x", message_id=message_id)
    assert response.json()["details"] == ["source_number: The message was not sent to this number."]


def test_reply_webhook_is_retried(receivers, send_one, reply, advance, webhooks):
    receiver = receivers(answers=[500])
    send_one(callback_url=receiver.url)
    reply(source_number="+61491570156", content="Hi")
    advance(60)
    [hook] = webhooks()
    assert hook["event"] == "reply"
    assert [a["status_code"] for a in hook["attempts"]] == [500, 200]
    assert hook["state"] == "delivered"
