"""The emulator's own document tells the truth about what it answers: a walk through the life of
messages, webhooks, keys and the control plane, with real IDs (which generated requests rarely
hit), checks every answer's status is declared and its body is valid against the declared
schema, nulls included."""

from __future__ import annotations

import pytest
import schemathesis
from sqlalchemy import create_engine

from emulator.app import openapi_document
from tests.support import basic_auth, message

AUTH = basic_auth()
DOCUMENT = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture
def answered(client):
    """Call the app and check the answer against the operation at `template`."""

    def _answered(method: str, template: str, path: str | None = None, **options):
        headers = AUTH if template.startswith("/v1") else {}
        response = client.open(path or template, method=method, headers=headers, **options)
        operation = DOCUMENT[template][method]
        declared = operation.definition.raw["responses"]
        assert str(response.status_code) in declared, (method, path, response.status_code)
        operation.validate_response(response)
        return response

    return _answered


def test_messages_in_every_state_are_answered_as_declared(answered):
    bare = message()
    full = message(
        source_number="+61491570157",
        source_number_type="INTERNATIONAL",
        # Nothing listens there: the attempts fail at once, and are listed with their nulls.
        callback_url="http://127.0.0.1:9/callback",
        delivery_report=True,
        metadata={"k": "v"},
        message_expiry_timestamp="2999-01-01T00:00:00Z",
    )
    scheduled = message(scheduled="2999-01-01T00:00:00Z")
    mms = message(format="MMS", media=["https://example.com/a.png"], subject="hi")
    sent = answered("POST", "/v1/messages", json={"messages": [bare, full, scheduled, mms]})
    ids = [echo["message_id"] for echo in sent.json["messages"]]
    for message_id in ids:
        answered("GET", "/v1/messages/{messageId}", f"/v1/messages/{message_id}")
    cancel = {"status": "cancelled"}
    not_scheduled = answered(
        "PUT", "/v1/messages/{messageId}", f"/v1/messages/{ids[0]}", json=cancel
    )
    assert not_scheduled.status_code == 400
    bad_body = {"status": "delivered"}
    invalid = answered("PUT", "/v1/messages/{messageId}", f"/v1/messages/{ids[2]}", json=bad_body)
    assert invalid.status_code == 400 and invalid.json["details"]
    answered("PUT", "/v1/messages/{messageId}", f"/v1/messages/{ids[2]}", json=cancel)
    answered("GET", "/v1/messages/{messageId}", f"/v1/messages/{ids[2]}")
    answered("POST", "/v1/messages", json={"messages": []})

    answered("POST", "/_emulator/clock/advance", json={"seconds": 600})
    answered(
        "POST",
        "/_emulator/replies",
        json={"message_id": ids[0], "source_number": bare["destination_number"], "content": "Yo"},
    )
    answered(
        "POST",
        "/_emulator/replies",
        json={
            "source_number": "+61491570158",
            "destination_number": "+61491570157",
            "content": "A",
        },
    )
    reports = answered("GET", "/v1/delivery_reports").json["delivery_reports"]
    replies = answered("GET", "/v1/replies").json["replies"]
    assert reports and replies
    for kind, listed, key in (
        ("delivery_reports", reports, "delivery_report_id"),
        ("replies", replies, "reply_id"),
    ):
        ids_field = "reply_ids" if kind == "replies" else "delivery_report_ids"
        body = {ids_field: [item[key] for item in listed]}
        answered("POST", f"/v1/{kind}/confirmed", json=body)

    answered("GET", "/_emulator/messages")
    webhooks = answered("GET", "/_emulator/webhooks").json["webhooks"]
    assert webhooks and all(webhook["attempts"] for webhook in webhooks)
    answered("GET", "/_emulator/events")
    answered("GET", "/_emulator/clock")
    answered("GET", "/_emulator/accounts/{account_id}", "/_emulator/accounts/DemoAccount")
    answered("GET", "/_emulator/accounts/{account_id}", "/_emulator/accounts/Nobody")


def test_webhooks_keys_blacklists_and_rules_are_answered_as_declared(answered):
    hook = {
        "url": "https://example.com/hook",
        "method": "POST",
        "encoding": "JSON",
        "events": ["RECEIVED_SMS"],
        "template": '{"id":"$mtId"}',
    }
    created = answered("POST", "/v1/webhooks/messages", json=hook).json
    one = "/v1/webhooks/messages/{webhookId}"
    answered("GET", "/v1/webhooks/messages")
    answered("GET", one, f"/v1/webhooks/messages/{created['id']}")
    answered("PATCH", one, f"/v1/webhooks/messages/{created['id']}", json={"url": "https://a.b/"})
    answered("DELETE", one, f"/v1/webhooks/messages/{created['id']}")

    key = answered("POST", "/v1/iam/signature_keys", json={"digest": "SHA224", "cipher": "RSA"})
    key_id = key.json["key_id"]
    answered("GET", "/v1/iam/signature_keys")
    answered("GET", "/v1/iam/signature_keys/{key_id}", f"/v1/iam/signature_keys/{key_id}")
    answered("GET", "/v1/iam/signature_keys/enabled")
    answered("PATCH", "/v1/iam/signature_keys/enabled", json={"key_id": key_id})
    answered("GET", "/v1/iam/signature_keys/enabled")
    answered("DELETE", "/v1/iam/signature_keys/enabled")

    blacklist = "/v1/number_authorisation/mt/blacklist"
    answered("POST", blacklist, json={"numbers": ["+61491570156"]})
    answered("GET", blacklist)
    answered(
        "GET",
        "/v1/number_authorisation/is_authorised/{numbers}",
        "/v1/number_authorisation/is_authorised/+61491570156,+61491570157",
    )
    answered("DELETE", f"{blacklist}/{{number}}", f"{blacklist}/+61491570156")
    answered("GET", "/v1/lookups/phone/{phone_number}", "/v1/lookups/phone/+61491570156")

    rule = {"name": "slow", "path": "/v1/replies", "fault": {"latency_seconds": 0}}
    added = answered("POST", "/_emulator/chaos", json={"rules": [rule]}).json["rules"]
    answered("GET", "/_emulator/chaos")
    answered("DELETE", "/_emulator/chaos/{rule_id}", f"/_emulator/chaos/{added[0]['id']}")
    answered("DELETE", "/_emulator/chaos")
    answered("GET", "/_emulator/health")


def test_answers_while_the_store_does_not_answer_are_declared(answered, emulator, monkeypatch):
    # A store on a volume that has gone.
    monkeypatch.setattr(emulator.store, "engine", create_engine("sqlite:////gone/store.db"))
    for method, template in (
        ("GET", "/v1/delivery_reports"),
        ("GET", "/v1/webhooks/messages"),
        ("GET", "/_emulator/messages"),
        ("GET", "/_emulator/events"),
    ):
        assert answered(method, template).status_code == 503
    sent = answered("POST", "/v1/messages", json={"messages": [message()]})
    assert sent.status_code == 503
