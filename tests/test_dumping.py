"""Every response built by the compiled dumpers is exactly what marshmallow's dump builds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields

from emulator.schemas.dumping import dumper
from emulator.schemas.fields import Timestamp
from emulator.web import requests as web_requests
from tests.receivers import WebhookReceiver
from tests.support import basic_auth, message


@pytest.fixture
def compared(monkeypatch):
    """Make every response go through both and fail on any difference."""
    seen: list[str] = []

    def checking(schema):
        fast = dumper(schema)

        def dump(data):
            expected = schema.dump(data)
            assert fast(data) == expected
            assert list(fast(data)) == list(expected)  # the same key order
            seen.append(type(schema).__name__)
            return expected

        return dump

    monkeypatch.setattr(web_requests, "dumper", checking)
    return seen


def test_the_api_answers_the_same_through_the_compiled_dumpers(client, emulator, compared):
    receiver = WebhookReceiver().start()
    try:
        sent = client.post(
            "/v1/messages",
            json={
                "messages": [
                    message(delivery_report=True, callback_url=receiver.url, metadata={"a": "b"}),
                    message(format="MMS", media=["https://example.com/a.png"], subject="Hi"),
                    message(scheduled="2099-01-01T00:00:00Z", source_number="+61491570157"),
                    message(message_expiry_timestamp="2099-01-01T00:00:00.5Z"),
                ]
            },
            headers=basic_auth(),
        ).json["messages"]
        emulator.engine.advance(10)
        client.post("/_emulator/replies", json={"source_number": "+61491570156", "content": "Y"})
        for each in sent:
            client.get(f"/v1/messages/{each['message_id']}", headers=basic_auth())
        client.get("/v1/delivery_reports", headers=basic_auth())
        client.get("/v1/replies", headers=basic_auth())
        client.get("/_emulator/messages")
        client.get("/_emulator/webhooks")
        client.get("/_emulator/clock")
        client.get("/_emulator/accounts/DemoAccount")
    finally:
        receiver.stop()
    assert {
        "SendMessagesResponseSchema",
        "MessageStatusSchema",
        "InspectedMessagesSchema",
        "WebhooksSchema",
    } <= set(compared)


class _Inner(Schema):
    name = fields.String()


class _EveryKind(Schema):
    text = fields.String(allow_none=True)
    renamed = fields.String(data_key="shown", attribute="hidden")
    at = Timestamp()
    flag = fields.Boolean()
    count = fields.Integer()
    ratio = fields.Float()
    extra = fields.Dict()
    anything = fields.Raw()
    tags = fields.List(fields.String())
    grid = fields.List(fields.List(fields.Integer()))
    one = fields.Nested(_Inner)
    many = fields.Nested(_Inner, many=True)
    fallback = fields.Integer(dump_default=7)
    computed = fields.String(dump_default=lambda: "made")


class _Text(str):
    pass


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"text": None, "at": None, "tags": None, "one": None, "fallback": None},
        {
            "text": _Text("sub"),
            "hidden": b"bytes",
            "at": datetime(2024, 4, 16, 23, 41, 4, 5000, tzinfo=timezone(timedelta(hours=10))),
            "flag": "yes",
            "count": True,
            "ratio": 3,
            "extra": {"a": "b"},
            "anything": [1, {"x": None}],
            "tags": ["a", None, 5],
            "grid": [[1, 2.0], None, [False]],
            "one": {"name": 1},
            "many": [{"name": "a"}, None, {}],
            "fallback": 8,
            "computed": "given",
        },
    ],
)
def test_every_field_kind_dumps_as_marshmallow_does(data):
    schema = _EveryKind()
    as_object = SimpleNamespace(**data)
    assert dumper(schema) != schema.dump  # compiled, not marshmallow's own
    for each in (data, as_object):
        assert dumper(schema)(each) == schema.dump(each)
        assert list(dumper(schema)(each)) == list(schema.dump(each))
