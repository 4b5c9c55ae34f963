"""Every Messages API operation of the official Python SDK against the emulator, unmodified."""

from __future__ import annotations

import pytest
from message_media_messages.exceptions.api_exception import APIException
from message_media_messages.models.cancel_scheduled_message_request import (
    CancelScheduledMessageRequest,
)
from message_media_messages.models.confirm_delivery_reports_as_received_request import (
    ConfirmDeliveryReportsAsReceivedRequest,
)
from message_media_messages.models.confirm_replies_as_received_request import (
    ConfirmRepliesAsReceivedRequest,
)
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest

from tests.support import basic_auth, find_message, message, record_delivery_report, record_reply


def test_send_and_read_status(sdk, emulator):
    request = SendMessagesRequest(
        messages=[
            Message(
                content="Hello from the SDK",
                destination_number="+61491570156",
                delivery_report=True,
                metadata={"order": "42"},
            )
        ]
    )
    response = sdk.messages.send_messages(request)
    [sent] = response.messages
    assert sent.status == "queued"
    assert len(sent.message_id) == 36

    status = sdk.messages.get_message_status(sent.message_id)
    assert status.content == "Hello from the SDK"
    assert status.metadata == {"order": "42"}
    assert status.status == "queued"
    assert find_message(emulator.store, "DemoAccount", sent.message_id) is not None


def test_send_rejected_by_validation_raises_the_sdk_400_error(sdk):
    request = SendMessagesRequest(messages=[Message(content="", destination_number="+61491570156")])
    with pytest.raises(APIException) as raised:
        sdk.messages.send_messages(request)
    assert raised.value.response_code == 400


def test_cancel_a_scheduled_message_and_read_it(sdk, http):
    # SDK 2.1.3 cannot parse a send response that echoes `scheduled`, so this one send is plain.
    response = http.post(
        "/v1/messages",
        json={"messages": [message(scheduled="2099-01-01T00:00:00Z")]},
        headers=basic_auth(),
    )
    message_id = response.json()["messages"][0]["message_id"]

    before = sdk.messages.get_message_status(message_id)
    assert before.status == "scheduled"
    assert before.scheduled.datetime.year == 2099

    sdk.messages.cancel_scheduled_message(
        message_id, CancelScheduledMessageRequest(status="cancelled")
    )
    assert sdk.messages.get_message_status(message_id).status == "cancelled"


def test_cancel_of_an_unscheduled_message_raises(sdk):
    request = SendMessagesRequest(
        messages=[Message(content="Now", destination_number="+61491570156")]
    )
    [sent] = sdk.messages.send_messages(request).messages
    with pytest.raises(APIException) as raised:
        sdk.messages.cancel_scheduled_message(
            sent.message_id, CancelScheduledMessageRequest(status="cancelled")
        )
    assert raised.value.response_code == 400


def test_unknown_message_raises_404(sdk):
    with pytest.raises(APIException) as raised:
        sdk.messages.get_message_status("00000000-0000-4000-8000-000000000000")
    assert raised.value.response_code == 404


def seeded_message(sdk, emulator) -> dict:
    request = SendMessagesRequest(
        messages=[
            Message(
                content="Seeded",
                destination_number="+61491570156",
                source_number="+61491570157",
                metadata={"k": "v"},
            )
        ]
    )
    [sent] = sdk.messages.send_messages(request).messages
    return find_message(emulator.store, "DemoAccount", sent.message_id)


def test_check_and_confirm_delivery_reports(sdk, emulator):
    stored = seeded_message(sdk, emulator)
    report_id = record_delivery_report(
        emulator.store, stored, "delivered", "220", emulator.clock.now()
    )

    [report] = sdk.delivery_reports.check_delivery_reports().delivery_reports
    assert report.delivery_report_id == report_id
    assert report.status == "delivered"
    assert report.source_number == "+61491570156"
    assert report.metadata == {"k": "v"}

    sdk.delivery_reports.confirm_delivery_reports_as_received(
        ConfirmDeliveryReportsAsReceivedRequest(delivery_report_ids=[report_id])
    )
    assert sdk.delivery_reports.check_delivery_reports().delivery_reports == []


def test_check_and_confirm_replies(sdk, emulator):
    stored = seeded_message(sdk, emulator)
    reply_id = record_reply(emulator.store, stored, "Yes", emulator.clock.now())

    [reply] = sdk.replies.check_replies().replies
    assert reply.reply_id == reply_id
    assert reply.content == "Yes"
    assert reply.source_number == "+61491570156"
    assert reply.destination_number == "+61491570157"

    sdk.replies.confirm_replies_as_received(ConfirmRepliesAsReceivedRequest(reply_ids=[reply_id]))
    assert sdk.replies.check_replies().replies == []
