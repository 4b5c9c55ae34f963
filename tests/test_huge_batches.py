"""A send or confirmation body too big for its request is refused before it is parsed and
validated: a 400 at once, whatever its shape, and memory flat; a body over the size limit is a
413."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.support import basic_auth, message

TOO_MANY = "messages: Between 1 and 100 messages are allowed per request."
TOO_MANY_VALUES = (
    "The request body holds more than 10,000 JSON values: 100 messages need far fewer."
)
# Processor time of the request (the test client serves it on this thread): refusing a body of
# a few MB takes milliseconds; validating it item by item took 72 s for 5 MB of empty objects.
# The bound leaves room for tracing allocations and a slow machine.
FAST_SECONDS = 1.0
# What refusing may allocate beyond the body: parsing a 5 MB body of empty objects took 126 MB.
FLAT_BYTES = 16 * 1024 * 1024
BODY_BYTES = 5_000_000  # under the default limit of 5 MiB


def _items(item: str, count: int) -> str:
    return ",".join([item] * count)


def _filled(item: str) -> str:
    """Copies of `item`, comma-separated, filling about BODY_BYTES."""
    return _items(item, BODY_BYTES // (len(item) + 1))


BODIES = {
    "101 empty objects": '{"messages":[' + _items("{}", 101) + "]}",
    "5 MB of empty objects": '{"messages":[' + _filled("{}") + "]}",
    "5 MB of numbers": '{"messages":[' + _filled("1") + "]}",
    "5 MB of nulls": '{"messages":[' + _filled("null") + "]}",
    "5 MB of empty lists": '{"messages":[' + _filled("[]") + "]}",
    "101 valid messages": json.dumps({"messages": [message()] * 101}),
    "5 MB after a lone surrogate": '{"messages":[{"content":"\\udfff"},' + _filled("{}") + "]}",
}
VALUE_BOMBS = {
    "a large field before the messages": '{"x":['
    + _filled("{}")
    + '],"messages":[{"content":"Hi","destination_number":"+61491570156"}]}',
    "one message with a large unknown field": '{"messages":[{"content":"Hi","x":['
    + _filled("0")
    + "]}]}",
    "large metadata": '{"messages":[{"content":"Hi","metadata":{'
    + ",".join(f'"k{n}":"v"' for n in range(300_000))
    + "}}]}",
    "deep lists in each message": '{"messages":['
    + _items("[" + _items("[]", 200) + "]", 100)
    + "]}",
}


def _post(client, body: str, path: str = "/v1/messages"):
    began = time.thread_time()
    tracemalloc.start()
    try:
        response = client.post(
            path,
            data=body,
            headers={**basic_auth(), "Content-Type": "application/json"},
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, time.thread_time() - began, peak


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_more_than_100_messages_are_refused_at_once(client, body):
    response, took, peak = _post(client, body)
    assert response.status_code == 400
    assert response.json["details"] == [TOO_MANY]
    assert took < FAST_SECONDS
    assert peak < FLAT_BYTES + 2 * len(body)


@pytest.mark.parametrize("body", VALUE_BOMBS.values(), ids=VALUE_BOMBS.keys())
def test_a_body_with_more_values_than_a_batch_holds_is_refused_at_once(client, body):
    response, took, peak = _post(client, body)
    assert response.status_code == 400
    assert response.json["message"] == "Invalid request. Please check the details and try again."
    assert response.json["details"] == [TOO_MANY_VALUES]
    assert took < FAST_SECONDS
    assert peak < FLAT_BYTES + 2 * len(body)


def _largest_message(number: int) -> dict:
    return message(
        content="x" * 5000,
        format="MMS",
        subject="s" * 64,
        media=[f"https://example.com/{number}/{n}.png" for n in range(10)],
        metadata={f"key{n}": "v" * 256 for n in range(10)},
        delivery_report=True,
        callback_url="https://example.com/callback",
        scheduled="2030-01-01T00:00:00Z",
        message_expiry_timestamp="2030-01-02T00:00:00Z",
        source_number="+61491570157",
        source_number_type="INTERNATIONAL",
    )


def test_100_messages_with_every_field_filled_are_accepted(client):
    body = json.dumps({"messages": [_largest_message(n) for n in range(100)]})
    response, _, _ = _post(client, body)
    assert response.status_code == 202, response.json
    assert len(response.json["messages"]) == 100


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('{"messages":[]}', TOO_MANY),
        ('{"messages":{}}', "messages: Not a valid list."),
        ('{"messages":[{},,' + _items("{}", 200) + "]}", "Failed to parse message body"),
    ],
)
def test_other_bad_batches_keep_their_own_errors(client, body, detail):
    response, _, _ = _post(client, body)
    assert response.status_code == 400
    assert response.json["details"][0].startswith(detail)


def test_the_body_size_limit_is_a_setting_and_answers_413_before_parsing(store_db):
    app = create_app(Settings(db=store_db, max_body_bytes=2000))
    try:
        client = app.test_client()
        small = json.dumps({"messages": [message()]})
        assert _post(client, small)[0].status_code == 202
        response, took, _ = _post(client, '{"messages":[' + _items("{}", 1000) + "]}")
        assert response.status_code == 413
        assert "message" in response.json
        assert took < FAST_SECONDS
    finally:
        app.extensions[EXTENSION_KEY].close()


CONFIRMATIONS = {
    "/v1/delivery_reports/confirmed": "delivery_report_ids",
    "/v1/replies/confirmed": "reply_ids",
}
TOO_MANY_IDS = "At most 100 IDs can be confirmed per request."
MANY_IDS = {
    "101 IDs": _items('"a"', 101),
    "5 MB of strings": _filled('"a"'),
    "5 MB of numbers": _filled("1"),
}


@pytest.mark.parametrize("ids", MANY_IDS.values(), ids=MANY_IDS.keys())
@pytest.mark.parametrize(("path", "field"), CONFIRMATIONS.items())
def test_a_confirmation_of_more_than_100_ids_is_refused_at_once(client, path, field, ids):
    response, took, peak = _post(client, f'{{"{field}":[{ids}]}}', path)
    assert response.status_code == 400
    assert response.json["details"] == [f"{field}: {TOO_MANY_IDS}"]
    assert took < FAST_SECONDS
    assert peak < FLAT_BYTES + 2 * BODY_BYTES


@pytest.mark.parametrize(("path", "field"), CONFIRMATIONS.items())
def test_a_confirmation_with_more_values_than_it_can_hold_is_refused_at_once(client, path, field):
    body = f'{{"pagination":{{"x":[{_filled("0")}]}},"{field}":[]}}'
    response, took, _ = _post(client, body, path)
    assert response.status_code == 400
    assert response.json["details"] == [
        "The request body holds more than 1,000 JSON values: 100 IDs need far fewer."
    ]
    assert took < FAST_SECONDS


@pytest.mark.parametrize(("path", "field"), CONFIRMATIONS.items())
def test_a_confirmation_of_100_ids_is_accepted(client, path, field):
    ids = [f"00000000-0000-4000-8000-{n:012}" for n in range(100)]
    response, _, _ = _post(client, json.dumps({field: ids}), path)
    assert response.status_code == 202, response.json
