"""A user's test suite: it only installs messagemedia-emulator and uses the `mm_emulator` fixture.

This is the example docs/pytest.md shows; tests/test_pytest_plugin.py also runs it on its own.
"""

import time

import pytest
import requests
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


def send_with_retries(base_url, key, secret, body, attempts=3, sleep=time.sleep):
    """Your client: a 503 or 429 is tried again after the Retry-After the server gives."""
    for _ in range(attempts - 1):
        response = requests.post(f"{base_url}/v1/messages", json=body, auth=(key, secret))
        if response.status_code not in (429, 503):
            return response
        sleep(int(response.headers.get("Retry-After", "1")))
    return requests.post(f"{base_url}/v1/messages", json=body, auth=(key, secret))


def test_a_503_is_retried_after_its_retry_after(mm_emulator):
    the_next_send_fails = {
        "method": "POST",
        "path": "/v1/messages",
        "fault": {"status": 503, "retry_after": 2},
        "times": 1,
    }
    body = {"messages": [{"content": "Your code is 1234", "destination_number": "+61491570156"}]}

    slept = []  # the test need not wait: it records what the client would have slept
    with mm_emulator.chaos(the_next_send_fails):
        response = send_with_retries(
            mm_emulator.base_url,
            mm_emulator.api_key,
            mm_emulator.api_secret,
            body,
            sleep=slept.append,
        )

    assert response.status_code == 202
    assert slept == [2]  # it honoured Retry-After
    assert len(mm_emulator.messages()) == 1  # the refused send stored nothing
