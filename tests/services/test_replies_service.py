"""ReplyService: a handset answering a message, or writing to an account's number."""

from __future__ import annotations

import pytest

from emulator.errors import BadRequest
from emulator.services.replies import INVALID_REPLY
from tests.support import list_webhooks

HANDSET = "+61491570156"
CALLBACK = "https://example.com/replies"
UNKNOWN_ID = "0b5e2a44-9d7e-4c2f-8a0e-7f1d2c3b4a59"


def test_a_reply_answers_the_latest_message_to_the_handset(send_one, replies, inbox):
    send_one(destination_number=HANDSET, content="Old news")
    latest = send_one(
        destination_number=HANDSET,
        source_number="+61491570158",
        metadata={"order": "7"},
        content="Reply YES to confirm",
    )

    reply = replies.receive(HANDSET, "YES")

    assert reply["message_id"] == latest
    assert reply["account_id"] == "DemoAccount"
    assert (reply["source_number"], reply["destination_number"]) == (HANDSET, "+61491570158")
    assert reply["metadata"] == {"order": "7"}
    [listed] = inbox.replies("DemoAccount")
    assert (listed["reply_id"], listed["content"]) == (reply["reply_id"], "YES")


def test_a_reply_to_a_given_message_answers_that_one(send_one, replies):
    first = send_one(destination_number=HANDSET)
    send_one(destination_number=HANDSET)
    assert replies.receive(HANDSET, "Which one?", message_id=first)["message_id"] == first


def test_a_reply_belongs_to_the_sub_account_that_sent_the_message(send_one, replies, inbox):
    send_one(account="DemoSubAccount2", destination_number=HANDSET)
    reply = replies.receive(HANDSET, "Hi")
    assert reply["account_id"] == "DemoSubAccount2"
    assert [r["reply_id"] for r in inbox.replies("DemoSubAccount2")] == [reply["reply_id"]]
    assert inbox.replies("DemoAccount") == []


def test_a_reply_is_announced_to_the_messages_callback_url(send_one, replies, store):
    message_id = send_one(destination_number=HANDSET, callback_url=CALLBACK)
    reply = replies.receive(HANDSET, "Thanks")
    [hook] = list_webhooks(store, message_id=message_id)
    assert hook["url"] == CALLBACK
    assert hook["state"] == "pending"
    assert hook["payload"]["reply_id"] == reply["reply_id"]
    assert hook["payload"]["content"] == "Thanks"


def test_a_reply_to_a_message_without_a_source_has_no_destination_number(send_one, replies):
    send_one(destination_number=HANDSET)
    assert "destination_number" not in replies.receive(HANDSET, "Hello?")


def test_a_handset_writing_first_reaches_the_account_that_owns_the_number(replies, inbox):
    reply = replies.receive(HANDSET, "Are you open today?", destination_number="+61491570170")
    assert reply["account_id"] == "OtherAccount"
    assert reply["message_id"] is None
    assert [r["content"] for r in inbox.replies("OtherAccount")] == ["Are you open today?"]


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({}, "message_id: No message was sent to this handset; give destination_number."),
        (
            {"destination_number": "+61491570999"},
            "destination_number: No account has this number.",
        ),
        ({"message_id": UNKNOWN_ID}, "message_id: No message has this ID."),
    ],
    ids=["nothing-to-answer", "unknown-number", "unknown-message"],
)
def test_a_reply_with_nothing_to_answer_is_a_bad_request(replies, store, fields, detail):
    with pytest.raises(BadRequest) as raised:
        replies.receive(HANDSET, "Hello?", **fields)
    assert raised.value.body() == {"message": INVALID_REPLY, "details": [detail]}
    assert list_webhooks(store) == []


def test_a_reply_to_a_message_sent_to_another_handset_is_a_bad_request(send_one, replies, inbox):
    message_id = send_one(destination_number="+61491570199")
    with pytest.raises(BadRequest) as raised:
        replies.receive(HANDSET, "Not mine", message_id=message_id)
    assert raised.value.details == ["source_number: The message was not sent to this number."]
    assert inbox.replies("DemoAccount") == []
