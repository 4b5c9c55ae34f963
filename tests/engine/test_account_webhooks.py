"""Account webhooks fire for delivery reports, replies and opt-outs, beside the callback_url, with
their own method, encoding, headers, template and retry settings, to real receivers."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from itertools import pairwise
from urllib.parse import parse_qs

import pytest

from tests.domain.test_velocity import DR_TEMPLATE, IMAGE, MO_TEMPLATE
from tests.receivers import HANG
from tests.support import OTHER, basic_auth

HANDSET = "+61491570156"


@pytest.fixture
def create_webhook(http):
    def _create(url: str, events: list[str], template: str, auth=None, **fields) -> dict:
        body = {"url": url, "method": "POST", "encoding": "JSON", "events": events}
        body.update(template=template, **fields)
        response = http.post("/v1/webhooks/messages", json=body, headers=auth or basic_auth())
        assert response.status_code == 201, response.text
        return response.json()

    return _create


@pytest.fixture
def reply(http, advance):
    """A handset answers now; its webhooks are attempted before this returns."""

    def _reply(content: str, **fields) -> dict:
        body = {"source_number": HANDSET, "content": content, **fields}
        response = http.post("/_emulator/replies", json=body)
        assert response.status_code == 201, response.text
        advance(0)
        return response.json()

    return _reply


def test_a_delivered_dr_webhook_with_the_spec_json_template(
    receivers, create_webhook, send_one, advance, webhooks
):
    hook_receiver, callback_receiver = receivers(), receivers()
    webhook = create_webhook(hook_receiver.url, ["DELIVERED_DR"], DR_TEMPLATE)
    message_id = send_one(
        delivery_report=True, callback_url=callback_receiver.url, metadata={"order": "42"}
    )

    advance(5)

    [request] = hook_receiver.requests
    assert request["method"] == "POST" and request["path"] == "/hook"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {
        **request["json"],
        "status": "delivered",
        "error_code": "220",
        "message_id": message_id,
        "source_number": HANDSET,
        "original_text": "Hello",
        "metadata": {"order": "42"},
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "DemoAccount"},
    }
    # The callback_url still gets every report, the webhook only the one it subscribed to.
    assert [p["status"] for p in callback_receiver.payloads] == [
        "enroute",
        "submitted",
        "delivered",
    ]
    [delivery] = [h for h in webhooks(message_id=message_id) if h["event"] == "DELIVERED_DR"]
    assert delivery["account_webhook_id"] == webhook["id"]
    assert (delivery["state"], delivery["method"]) == ("delivered", "POST")
    assert delivery["body"] == request["body"].decode()


@pytest.mark.parametrize(
    ("destination", "event", "status"),
    [
        ("+61400000302", "REJECTED_DR", "rejected"),
        ("+61400000411", "FAILED_DR", "failed"),
        ("+61400000401", "EXPIRED_DR", "expired"),
    ],
)
def test_each_final_status_has_its_event(
    receivers, create_webhook, send_one, advance, destination, event, status
):
    receiver = receivers()
    create_webhook(receiver.url, ["ENROUTE_DR", "SUBMITTED_DR", event], '{"s": "$status"}')
    send_one(destination_number=destination, delivery_report=True)
    advance(10)
    assert [p["s"] for p in receiver.payloads][-1] == status
    assert [p["s"] for p in receiver.payloads][0] == "enroute"


def test_no_report_no_webhook(receivers, create_webhook, send_one, advance):
    receiver = receivers()
    create_webhook(receiver.url, ["DELIVERED_DR"], "$status")
    send_one()
    advance(10)
    assert receiver.requests == []


def test_a_received_sms_webhook_form_encoded(receivers, create_webhook, send_one, advance, reply):
    receiver = receivers()
    template = "reply=$replyId&from=$esc.url($sourceAddress)&text=$esc.url($moContent)&to=$mtId"
    create_webhook(receiver.url, ["RECEIVED_SMS"], template, encoding="FORM_ENCODED")
    message_id = send_one(source_number="+61491570157")
    advance(5)

    stored = reply("Yes & no = maybe")

    [request] = receiver.requests
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request["body"].decode()) == {
        "reply": [stored["reply_id"]],
        "from": [HANDSET],
        "text": ["Yes & no = maybe"],
        "to": [message_id],
    }


def test_an_xml_webhook_put(receivers, create_webhook, send_one, advance, reply):
    receiver = receivers()
    template = "<reply><id>$moId</id><text>$esc.xml($moContent)</text></reply>"
    create_webhook(receiver.url, ["RECEIVED_SMS"], template, encoding="XML", method="PUT")
    send_one()
    advance(5)

    stored = reply("<b> & 'x'")

    [request] = receiver.requests
    assert request["method"] == "PUT"
    assert request["headers"]["Content-Type"] == "application/xml"
    assert request["body"].decode() == (
        f"<reply><id>{stored['reply_id']}</id><text>&lt;b&gt; &amp; &apos;x&apos;</text></reply>"
    )


def test_a_get_webhook_sends_its_template_as_the_query(
    receivers, create_webhook, send_one, advance
):
    receiver = receivers()
    template = "id=$mtId&status=$status&code=$statusCode"
    create_webhook(receiver.url + "?token=abc", ["ENROUTE_DR"], template, method="GET")
    message_id = send_one(delivery_report=True)
    advance(5)

    [request] = receiver.requests
    assert request["method"] == "GET"
    assert request["query"] == f"token=abc&id={message_id}&status=enroute&code=101"
    assert request["body"] == b"" and "Content-Type" not in request["headers"]


def test_custom_headers_are_sent(receivers, create_webhook, send_one, advance):
    receiver = receivers()
    headers = {"X-Api-Key": "s3cret", "Authorization": "Bearer t0ken"}
    create_webhook(receiver.url, ["ENROUTE_DR"], "{}", headers=headers)
    send_one(delivery_report=True)
    advance(5)
    [request] = receiver.requests
    assert request["headers"]["X-Api-Key"] == "s3cret"
    assert request["headers"]["Authorization"] == "Bearer t0ken"
    assert request["headers"]["User-Agent"].startswith("mm-emulator/")


def test_a_webhook_retries_as_it_says_with_the_retry_count(
    receivers, create_webhook, send_one, advance, webhooks
):
    receiver = receivers(always=500)
    template = '{"retry": $retryCount}'
    create_webhook(receiver.url, ["DELIVERED_DR"], template, retries=2, retry_delay=7)
    message_id = send_one(delivery_report=True)

    advance(3600)

    [hook] = webhooks(message_id=message_id)
    assert hook["state"] == "failed" and hook["next_attempt_at"] is None
    assert [a["status_code"] for a in hook["attempts"]] == [500, 500, 500]
    times = [datetime.fromisoformat(a["at"].replace("Z", "+00:00")) for a in hook["attempts"]]
    assert [(b - a).total_seconds() for a, b in pairwise(times)] == [7, 7]
    assert receiver.payloads == [{"retry": 0}, {"retry": 1}, {"retry": 2}]
    assert hook["body"] == '{"retry": 2}'


def test_a_webhook_times_out_after_its_read_timeout(
    receivers, create_webhook, send_one, advance, webhooks
):
    receiver = receivers(always=HANG)
    create_webhook(receiver.url, ["ENROUTE_DR"], "{}", read_timeout=300, retries=0)
    message_id = send_one(delivery_report=True)
    advance(5)
    [hook] = webhooks(message_id=message_id)
    assert hook["state"] == "failed"
    assert [a["error"] for a in hook["attempts"]] == ["timed out after 0.3 s"]


def test_a_template_that_fails_to_render_fails_the_delivery_with_its_error(
    receivers, create_webhook, send_one, advance, webhooks
):
    receiver = receivers()
    create_webhook(receiver.url, ["ENROUTE_DR"], '{"text": "$esc.json()"}')
    message_id = send_one(delivery_report=True)
    advance(600)
    [hook] = webhooks(message_id=message_id)
    assert hook["state"] == "failed"
    [attempt] = hook["attempts"]
    assert attempt["error"].startswith("the template could not be rendered: ")
    assert "missing 1 required positional argument" in attempt["error"]
    assert receiver.requests == []


def test_stop_fires_opt_out_and_received_sms(receivers, create_webhook, send_one, advance, reply):
    opt_outs, received = receivers(), receivers()
    create_webhook(opt_outs.url, ["OPT_OUT_SMS"], '{"out": "$sourceAddress"}')
    create_webhook(received.url, ["RECEIVED_SMS"], '{"text": "$moContent"}')
    send_one()
    advance(5)

    reply("Hello")
    reply(" stop ")

    assert opt_outs.payloads == [{"out": HANDSET}]
    assert received.payloads == [{"text": "Hello"}, {"text": " stop "}]


def test_a_scripted_handset_opting_out_fires_too(receivers, create_webhook, send_one, advance):
    receiver = receivers()
    create_webhook(receiver.url, ["OPT_OUT_SMS"], '{"reply": "$moContent", "to": "$mtId"}')
    message_id = send_one(destination_number="+61400002000")  # the shipped script answers STOP
    advance(10)
    assert receiver.payloads == [{"reply": "STOP", "to": message_id}]


def test_an_mms_reply_fires_received_mms_with_its_attachments(
    receivers, create_webhook, send_one, advance, reply
):
    mms, sms = receivers(), receivers()
    create_webhook(mms.url, ["RECEIVED_MMS"], MO_TEMPLATE)
    create_webhook(sms.url, ["RECEIVED_SMS"], "$moContent", encoding="FORM_ENCODED")
    send_one(metadata={"k": "v"})
    advance(5)

    reply("A picture", attachments=[IMAGE])
    reply("Words")

    [picture] = mms.payloads
    assert picture["attachments"] == [IMAGE] and picture["metadata"] == {"k": "v"}
    assert [r["body"] for r in sms.requests] == [b"Words"]


def test_webhooks_belong_to_their_account_alone(receivers, create_webhook, http, advance):
    parent, sub = receivers(), receivers()
    template = '{"account": "$accountId"}'
    create_webhook(parent.url, ["ENROUTE_DR"], template)
    create_webhook(sub.url, ["ENROUTE_DR"], template, auth=basic_auth(account="DemoSubAccount1"))
    body = {"messages": [{"content": "Hi", "destination_number": HANDSET, "delivery_report": True}]}
    for headers in (basic_auth(), basic_auth(account="DemoSubAccount1"), basic_auth(OTHER)):
        assert http.post("/v1/messages", json=body, headers=headers).status_code == 202

    advance(5)

    assert parent.payloads == [{"account": "DemoAccount"}]
    assert sub.payloads == [{"account": "DemoSubAccount1"}]


def test_changes_to_a_webhook_apply_to_later_events(
    http, receivers, create_webhook, send_one, advance
):
    receiver = receivers()
    webhook = create_webhook(receiver.url, ["ENROUTE_DR"], "$status")
    path = f"/v1/webhooks/messages/{webhook['id']}"
    http.patch(path, json={"events": ["SUBMITTED_DR"]}, headers=basic_auth())
    send_one(delivery_report=True)
    advance(5)
    assert [r["body"] for r in receiver.requests] == [b"submitted"]

    http.delete(path, headers=basic_auth())
    send_one(delivery_report=True)
    advance(5)
    assert len(receiver.requests) == 1


def test_credentials_in_a_callback_url_go_as_basic_auth_and_never_to_the_log(
    receivers, send_one, advance, caplog
):
    receiver = receivers()
    url = receiver.url.replace("http://", "http://hook%20user:s3cr%40t@")
    caplog.set_level(logging.INFO, logger="emulator.engine.dispatcher")

    send_one(delivery_report=True, callback_url=url)
    advance(5)

    assert [r["headers"]["Authorization"] for r in receiver.requests] == [
        "Basic " + "aG9vayB1c2VyOnMzY3JAdA=="  # base64("hook user:s3cr@t")
    ] * 3
    assert receiver.requests[0]["headers"]["Host"] == receiver.url.split("/")[2]
    assert json.loads(receiver.requests[0]["body"])["callback_url"] == url
    assert "s3cr" not in caplog.text and "hook%20user:***@" in caplog.text
