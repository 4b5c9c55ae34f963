"""Webhook templates: the spec's own example templates render the bodies they are written for, with
Velocity's rules for absent values and the escaping tool's helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from emulator.domain.account_webhook_events import reply_variables, report_variables
from emulator.domain.records import new_delivery_report, new_reply
from emulator.domain.velocity import TemplateProblem, render, template_problem

# The spec's examples, as CreateWebhook's description gives them.
DR_TEMPLATE = (
    '{  "delivery_report_id": "$drId",  "source_number": "$sourceAddress",  "date_received": '
    '"$receivedTimestamp",  "status": "$status",  "delay": "0",  "submitted_date": '
    '"$submittedTimestamp",  "message_id": "$messageId",  "original_text": '
    '"$esc.json($!mtContent)",  "vendor_account_id": {    "vendor_id": "$vendorId",    '
    '"account_id": "$accountId"  },  "error_code": "$statusCode",  "metadata": {    '
    '#foreach($key in $metadata.keySet())    "$key": "$esc.json($metadata.get($key))"'
    "#if( $velocityHasNext ),#end    #end  }}"
)
MO_TEMPLATE = (
    '{  "account_id": "$accountId",  "reply_id": "$replyId",  "destination_number": '
    '"$destinationAddress",  "source_number": "$sourceAddress",  "date_received": '
    '"$receivedTimestamp",  "message_id": "$messageId",  #if ($attachments)  "attachments": [   '
    '#foreach ($entry in $attachments)    {      "content_type": "$entry.contentType",      '
    '"content": "$entry.base64",      "original_name": "$entry.originalName"    }'
    '#if( $foreach.hasNext ),#end    #end  ],  #else  "content": "$esc.json($moContent)",  #end  '
    '"metadata": {    #foreach ($entry in $metadata.entrySet())    "$entry.key": "$entry.value"'
    "#if( $foreach.hasNext ),#end    #end  }}"
)
AT = datetime(2024, 4, 16, 23, 41, 4, 250000, tzinfo=UTC)
MESSAGE = {
    "id": "389dc1a8-62a4-4110-ba61-af94806c006f",
    "account_id": "DemoAccount",
    "content": 'Say "hi"\nthen / go',
    "destination_number": "+61491570156",
    "source_number": "+61491570157",
    "format": "SMS",
    "metadata": {"order": "12", "note": 'a "quote"'},
    "callback_url": None,
    "billing_units": 1,
}
IMAGE = {"content_type": "image/png", "content": "iVBORw0KGgo=", "original_name": "a.png"}


def test_the_spec_delivery_report_template_renders_the_report_body():
    report = new_delivery_report(MESSAGE, "delivered", "220", AT)

    body = json.loads(render(DR_TEMPLATE, report_variables(MESSAGE, report)))

    assert body == {
        "delivery_report_id": report["id"],
        "source_number": "+61491570156",
        "date_received": "2024-04-16T23:41:04.250Z",
        "status": "delivered",
        "delay": "0",
        "submitted_date": "2024-04-16T23:41:04.250Z",
        "message_id": MESSAGE["id"],
        "original_text": 'Say "hi"\nthen / go',
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "DemoAccount"},
        "error_code": "220",
        "metadata": {"order": "12", "note": 'a "quote"'},
    }


@pytest.mark.parametrize("attachments", [None, [IMAGE, IMAGE]], ids=["sms", "mms"])
def test_the_spec_reply_template_renders_sms_and_mms_replies(attachments):
    # The example leaves metadata values unescaped: these need none.
    message = {**MESSAGE, "metadata": {"order": "12"}}
    reply = new_reply(message, 'Yes "please"', AT, attachments)

    body = json.loads(render(MO_TEMPLATE, reply_variables(reply, message)))

    assert body["reply_id"] == reply["id"]
    assert (body["source_number"], body["destination_number"]) == ("+61491570156", "+61491570157")
    assert body["metadata"] == {"order": "12"}
    if attachments:
        assert body["attachments"] == [IMAGE, IMAGE] and "content" not in body
    else:
        assert body["content"] == 'Yes "please"' and "attachments" not in body


def test_every_documented_variable_of_a_report():
    report = new_delivery_report(MESSAGE, "submitted", "200", AT)
    names = [
        "type",
        "mtId",
        "messageId",
        "drId",
        "reportId",
        "accountId",
        "submittedTimestamp",
        "receivedTimestamp",
        "status",
        "statusCode",
        "sourceAddress",
        "destinationAddress",
        "mtContent",
        "messageContent",
        "billingUnits",
        "retryCount",
        "vendorId",
    ]
    template = "|".join(f"${name}" for name in names) + "|$metadata.get('order')"
    variables = {**report_variables(MESSAGE, report), "retryCount": 2}

    assert render(template, variables).split("|") == [
        "SMS",
        *[MESSAGE["id"]] * 2,
        *[report["id"]] * 2,
        "DemoAccount",
        *["2024-04-16T23:41:04.250Z"] * 2,
        "submitted",
        "200",
        "+61491570156",
        "+61491570157",
        *[MESSAGE["content"]] * 2,
        "1",
        "2",
        "MessageMedia",
        "12",
    ]


def test_every_documented_variable_of_a_reply():
    reply = new_reply(MESSAGE, "Yes", AT, [IMAGE])
    names = "type moId replyId moContent replyContent mtContent sourceAddress destinationAddress"
    template = "|".join(f"${name}" for name in names.split()) + "|$attachments.size()"

    rendered = render(template, reply_variables(reply, MESSAGE)).split("|")

    assert rendered == [
        "MMS",
        reply["id"],
        reply["id"],
        "Yes",
        "Yes",
        MESSAGE["content"],
        "+61491570156",
        "+61491570157",
        "1",
    ]


def test_an_absent_value_stays_as_written_unless_quiet():
    reply = new_reply({**MESSAGE, "source_number": None}, "Hi", AT)
    variables = reply_variables(reply, None)

    assert render("[$destinationAddress][$!destinationAddress][$drId]", variables) == (
        "[$destinationAddress][][$drId]"
    )
    assert render("[$esc.json($!mtContent)]", variables) == "[]"


def test_escaping_helpers():
    text = "a <b> & \"c\" 'd' e/f\n"
    rendered = render(
        "$esc.json($t)|$esc.xml($t)|$esc.html($t)|$esc.url($t)|$esc.javascript($t)|$esc.d$esc.h",
        {"t": text},
    )
    assert rendered.split("|") == [
        "a <b> & \\\"c\\\" 'd' e/f\\n",
        "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; e/f\n",
        "a &lt;b&gt; &amp; &quot;c&quot; &#x27;d&#x27; e/f\n",
        "a+%3Cb%3E+%26+%22c%22+%27d%27+e%2Ff%0A",
        "a <b> & \\\"c\\\" \\'d\\' e/f\\n",
        "$#",
    ]


def test_a_template_that_does_not_parse_is_named_with_where():
    assert template_problem('{"id": "$mtId"}') is None
    problem = template_problem('#if( $mtId {"id": 1}')
    assert problem is not None and "line 1" in problem


@pytest.mark.parametrize("template", ['#include("other.vm")', "$esc.json()", "$esc.xml(1, 2)"])
def test_a_template_that_fails_while_rendering_raises_its_problem(template):
    assert template_problem(template) is None
    with pytest.raises(TemplateProblem):
        render(template, {})
