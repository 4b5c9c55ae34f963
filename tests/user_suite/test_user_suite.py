"""A user's test suite: it only installs messagemedia-emulator and uses the `mm_emulator` fixture.

This is the example README.md shows; tests/test_pytest_plugin.py also runs it on its own.
"""

import pytest
from message_media_messages.configuration import Configuration
from message_media_messages.message_media_messages_client import MessageMediaMessagesClient
from message_media_messages.models.message import Message
from message_media_messages.models.send_messages_request import SendMessagesRequest


@pytest.fixture
def client(mm_emulator):
    Configuration.base_uri = mm_emulator.base_url
    Configuration.hmac_auth_user_name = Configuration.hmac_auth_password = None
    return MessageMediaMessagesClient(mm_emulator.api_key, mm_emulator.api_secret)


def test_order_confirmation_is_delivered(client, mm_emulator):
    request = SendMessagesRequest(
        messages=[
            Message(
                content="Your order has shipped",
                destination_number="+61491570156",
                delivery_report=True,
                metadata={"order": "1234"},
            )
        ]
    )
    [sent] = client.messages.send_messages(request).messages

    mm_emulator.advance(10)

    reports = client.delivery_reports.check_delivery_reports().delivery_reports
    assert [r.status for r in reports] == ["enroute", "submitted", "delivered"]
    assert reports[-1].message_id == sent.message_id
    assert reports[-1].metadata == {"order": "1234"}


def test_every_test_starts_empty(client, mm_emulator):
    assert mm_emulator.messages() == []
    assert client.delivery_reports.check_delivery_reports().delivery_reports == []


def test_a_failing_number_and_a_reply(client, mm_emulator):
    request = SendMessagesRequest(
        messages=[Message(content="Are you there?", destination_number="+61400000411")]
    )
    [sent] = client.messages.send_messages(request).messages
    mm_emulator.advance(10)
    assert client.messages.get_message_status(sent.message_id).status == "failed"

    mm_emulator.reply("+61400000411", "Yes!")
    [reply] = client.replies.check_replies().replies
    assert reply.content == "Yes!" and reply.message_id == sent.message_id
