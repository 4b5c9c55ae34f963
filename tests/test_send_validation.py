"""POST /v1/messages validation: every rule at its boundary, all-or-nothing batches."""

from __future__ import annotations

import pytest

from tests.support import basic_auth, list_messages, message

AUTH = basic_auth()


def post(client, body):
    return client.post("/v1/messages", json=body, headers=AUTH)


def details_of(response) -> list[str]:
    assert response.status_code == 400, response.json
    assert set(response.json) == {"message", "details"}
    return response.json["details"]


def stored_count(emulator) -> int:
    return len(list_messages(emulator.store))


def test_minimal_message_is_accepted_and_echoed_with_defaults(client, emulator):
    response = post(client, {"messages": [message()]})
    assert response.status_code == 202
    [echo] = response.json["messages"]
    assert echo["content"] == "Hello from the tests"
    assert echo["destination_number"] == "+61491570156"
    assert echo["format"] == "SMS"
    assert echo["delivery_report"] is False
    assert echo["status"] == "queued"
    assert len(echo["message_id"]) == 36 and echo["message_id"] == echo["message_id"].lower()
    assert stored_count(emulator) == 1


def test_every_field_is_echoed_in_request_order(client):
    full = message(
        content="Full",
        format="MMS",
        delivery_report=True,
        callback_url="http://127.0.0.1:9000/callback",
        scheduled="2030-01-02T03:04:05.678Z",
        message_expiry_timestamp="2030-01-03T00:00:00+10:00",
        metadata={"key": "value"},
        source_number="+61491570157",
        source_number_type="INTERNATIONAL",
        media=["https://example.com/cat.png"],
        subject="A subject",
    )
    second = message(content="Second", destination_number="+61491570158")
    response = post(client, {"messages": [full, second]})
    assert response.status_code == 202
    first_echo, second_echo = response.json["messages"]
    assert first_echo["scheduled"] == "2030-01-02T03:04:05.678Z"
    assert first_echo["message_expiry_timestamp"] == "2030-01-02T14:00:00.000Z"
    for name in ("callback_url", "metadata", "source_number", "media", "subject", "format"):
        assert first_echo[name] == full[name]
    assert second_echo["content"] == "Second"
    assert first_echo["message_id"] != second_echo["message_id"]


@pytest.mark.parametrize(("length", "accepted"), [(1, True), (5000, True), (5001, False)])
def test_content_length_counts_code_points(client, length, accepted):
    content = "🙂" * length  # one code point, four UTF-8 bytes, two UTF-16 units
    response = post(client, {"messages": [message(content=content)]})
    assert (response.status_code == 202) is accepted
    if not accepted:
        assert details_of(response) == ["messages[0].content: Length must be between 1 and 5000."]


@pytest.mark.parametrize("count", [1, 100])
def test_one_to_one_hundred_messages_are_accepted(client, emulator, count):
    response = post(client, {"messages": [message() for _ in range(count)]})
    assert response.status_code == 202
    assert len(response.json["messages"]) == count
    assert stored_count(emulator) == count


@pytest.mark.parametrize("count", [0, 101])
def test_zero_or_more_than_one_hundred_messages_are_rejected(client, emulator, count):
    response = post(client, {"messages": [message() for _ in range(count)]})
    assert details_of(response) == ["messages: Between 1 and 100 messages are allowed per request."]
    assert stored_count(emulator) == 0


def test_one_invalid_message_rejects_the_whole_batch(client, emulator):
    batch = [message(), message(), message(), message(content="")]
    response = post(client, {"messages": batch})
    assert details_of(response) == ["messages[3].content: Length must be between 1 and 5000."]
    assert stored_count(emulator) == 0


def test_every_problem_gets_its_own_detail(client):
    response = post(
        client,
        {"messages": [message(content=""), {"destination_number": "0412345678"}]},
    )
    details = details_of(response)
    assert "messages[0].content: Length must be between 1 and 5000." in details
    assert "messages[1].content: Missing data for required field." in details
    assert any(d.startswith("messages[1].destination_number: Not a valid E.164") for d in details)
    assert len(details) == 3


@pytest.mark.parametrize(
    "number",
    ["0491570156", "61491570156", "+614915", "+1415555267", "+0491570156", "+61 491 570 156", ""],
)
def test_destination_must_be_a_possible_e164_number(client, number):
    response = post(client, {"messages": [message(destination_number=number)]})
    [detail] = details_of(response)
    assert detail.startswith("messages[0].destination_number: ")


@pytest.mark.parametrize("number", ["+61491570156", "+14155552671", "+447700900123"])
def test_possible_e164_numbers_are_accepted(client, number):
    assert post(client, {"messages": [message(destination_number=number)]}).status_code == 202


@pytest.mark.parametrize(("fmt", "accepted"), [("SMS", True), ("MMS", True), ("TTS", True)])
def test_formats(client, fmt, accepted):
    assert post(client, {"messages": [message(format=fmt)]}).status_code == 202


@pytest.mark.parametrize("fmt", ["sms", "EMAIL", 1])
def test_unknown_formats_are_rejected(client, fmt):
    [detail] = details_of(post(client, {"messages": [message(format=fmt)]}))
    assert detail.startswith("messages[0].format: ")


@pytest.mark.parametrize("value", ["true", 1, "false"])
def test_delivery_report_must_be_a_boolean(client, value):
    [detail] = details_of(post(client, {"messages": [message(delivery_report=value)]}))
    assert detail.startswith("messages[0].delivery_report: ")


@pytest.mark.parametrize(
    "url", ["https://example.com/hook", "http://localhost:8000/hook", "http://127.0.0.1/x?y=1"]
)
def test_callback_url_accepts_http_and_https(client, url):
    assert post(client, {"messages": [message(callback_url=url)]}).status_code == 202


@pytest.mark.parametrize("url", ["ftp://example.com/hook", "/relative/path", "example.com", ""])
def test_callback_url_must_be_absolute_http(client, url):
    [detail] = details_of(post(client, {"messages": [message(callback_url=url)]}))
    assert detail == "messages[0].callback_url: Not a valid URL."


@pytest.mark.parametrize("field", ["scheduled", "message_expiry_timestamp"])
@pytest.mark.parametrize("value", ["tomorrow", "2030-13-01T00:00:00Z", 1700000000])
def test_timestamps_must_be_iso_8601(client, field, value):
    [detail] = details_of(post(client, {"messages": [message(**{field: value})]}))
    assert detail.startswith(f"messages[0].{field}: ")


def test_naive_timestamps_are_taken_as_utc(client):
    response = post(client, {"messages": [message(scheduled="2030-05-06T07:08:09")]})
    assert response.json["messages"][0]["scheduled"] == "2030-05-06T07:08:09.000Z"


def metadata_pairs(count: int) -> dict:
    return {f"key{i}": "value" for i in range(count)}


@pytest.mark.parametrize(("pairs", "accepted"), [(10, True), (11, False)])
def test_metadata_has_at_most_ten_pairs(client, pairs, accepted):
    response = post(client, {"messages": [message(metadata=metadata_pairs(pairs))]})
    if accepted:
        assert response.status_code == 202
    else:
        assert details_of(response) == [
            "messages[0].metadata: At most 10 metadata pairs are allowed."
        ]


@pytest.mark.parametrize(("length", "accepted"), [(1, True), (100, True), (101, False)])
def test_metadata_key_length(client, length, accepted):
    response = post(client, {"messages": [message(metadata={"k" * length: "v"})]})
    assert (response.status_code == 202) is accepted
    if not accepted:
        [detail] = details_of(response)
        assert (
            detail == f"messages[0].metadata.{'k' * length}.key: Length must be between 1 and 100."
        )


def test_metadata_key_cannot_be_empty(client):
    [detail] = details_of(post(client, {"messages": [message(metadata={"": "v"})]}))
    assert detail == 'messages[0].metadata[""].key: Length must be between 1 and 100.'


@pytest.mark.parametrize(("length", "accepted"), [(0, True), (256, True), (257, False)])
def test_metadata_value_length(client, length, accepted):
    response = post(client, {"messages": [message(metadata={"key": "v" * length})]})
    assert (response.status_code == 202) is accepted
    if not accepted:
        assert details_of(response) == [
            "messages[0].metadata.key.value: Longer than maximum length 256."
        ]


@pytest.mark.parametrize("metadata", [["a", "b"], "text", {"key": 5}, {"key": None}])
def test_metadata_must_map_strings_to_strings(client, metadata):
    [detail] = details_of(post(client, {"messages": [message(metadata=metadata)]}))
    assert detail.startswith("messages[0].metadata")


@pytest.mark.parametrize(("length", "accepted"), [(64, True), (65, False)])
def test_subject_length(client, length, accepted):
    response = post(client, {"messages": [message(format="MMS", subject="s" * length)]})
    assert (response.status_code == 202) is accepted
    if not accepted:
        assert details_of(response) == ["messages[0].subject: Longer than maximum length 64."]


@pytest.mark.parametrize("fmt", ["SMS", "TTS"])
def test_subject_and_media_need_mms(client, fmt):
    bad = message(format=fmt, subject="Hi", media=["https://example.com/a.png"])
    assert sorted(details_of(post(client, {"messages": [bad]}))) == [
        "messages[0].media: Only valid when format is MMS.",
        "messages[0].subject: Only valid when format is MMS.",
    ]


def test_subject_and_media_need_mms_even_by_default(client):
    [detail] = details_of(post(client, {"messages": [message(subject="Hi")]}))
    assert detail == "messages[0].subject: Only valid when format is MMS."


@pytest.mark.parametrize("media", [["ftp://example.com/a.png"], "https://example.com/a.png"])
def test_media_is_a_list_of_http_urls(client, media):
    [detail] = details_of(post(client, {"messages": [message(format="MMS", media=media)]}))
    assert detail.startswith("messages[0].media")


@pytest.mark.parametrize(
    ("source_number", "source_type"),
    [
        ("+61491570157", "INTERNATIONAL"),
        ("+61491570157", None),
        ("MyBrand", "ALPHANUMERIC"),
        ("My Brand 1", None),
        ("12345", "SHORTCODE"),
        ("1234", None),
    ],
)
def test_source_numbers_that_fit_their_type(client, source_number, source_type):
    fields = {"source_number": source_number}
    if source_type:
        fields["source_number_type"] = source_type
    assert post(client, {"messages": [message(**fields)]}).status_code == 202


@pytest.mark.parametrize(
    ("source_number", "source_type"),
    [
        ("MyBrand", "INTERNATIONAL"),
        ("+61491570157", "ALPHANUMERIC"),
        ("TwelveLetter", "ALPHANUMERIC"),
        ("123456789", "SHORTCODE"),
        ("ABC", "SHORTCODE"),
        ("+0000", None),
    ],
)
def test_source_numbers_that_do_not_fit_their_type(client, source_number, source_type):
    fields = {"source_number": source_number}
    if source_type:
        fields["source_number_type"] = source_type
    [detail] = details_of(post(client, {"messages": [message(**fields)]}))
    assert detail.startswith("messages[0].source_number: Not a valid")


def test_source_number_type_needs_a_source_number(client):
    bad = message(source_number_type="INTERNATIONAL")
    assert details_of(post(client, {"messages": [bad]})) == [
        "messages[0].source_number_type: Only valid when a source_number is given."
    ]


def test_unknown_source_number_type(client):
    bad = message(source_number="+61491570157", source_number_type="LONGCODE")
    [detail] = details_of(post(client, {"messages": [bad]}))
    assert detail.startswith("messages[0].source_number_type: Must be one of")


@pytest.mark.parametrize(("field", "value"), [("content", 5), ("destination_number", 61491570156)])
def test_wrong_types_are_rejected(client, field, value):
    [detail] = details_of(post(client, {"messages": [message(**{field: value})]}))
    assert detail == f"messages[0].{field}: Not a valid string."


def test_unknown_fields_are_rejected_to_catch_typos(client):
    bad = message(delivery_reports=True)
    assert details_of(post(client, {"messages": [bad]})) == [
        "messages[0].delivery_reports: Unknown field."
    ]


@pytest.mark.parametrize(
    "body", [[], {"messages": "x"}, {"messages": [1]}, {"message": [message()]}, {}]
)
def test_body_shape_errors(client, emulator, body):
    response = post(client, body)
    assert details_of(response)
    assert stored_count(emulator) == 0


OPTIONAL_MESSAGE_FIELDS = (
    "source_number",
    "source_number_type",
    "callback_url",
    "delivery_report",
    "format",
    "scheduled",
    "message_expiry_timestamp",
    "metadata",
    "media",
    "subject",
)


def echo_without_id(response) -> list[dict]:
    assert response.status_code == 202, response.json
    return [
        {name: value for name, value in echoed.items() if name != "message_id"}
        for echoed in response.json["messages"]
    ]


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"source_number": "+61491570157"},
        {"format": "MMS", "subject": "Hi", "media": ["https://example.com/cat.png"]},
        {"delivery_report": True, "callback_url": "http://127.0.0.1:9000/callback"},
    ],
)
def test_a_null_optional_field_is_the_field_left_out(client, given):
    nulls = {name: None for name in OPTIONAL_MESSAGE_FIELDS if name not in given}
    # Symfony's MessageMedia transport sends `"source_number": null` when no sender is set.
    with_nulls = post(client, {"messages": [message(**given, **nulls)]})
    left_out = post(client, {"messages": [message(**given)]})

    assert echo_without_id(with_nulls) == echo_without_id(left_out)
    message_id = with_nulls.json["messages"][0]["message_id"]
    read = client.get(f"/v1/messages/{message_id}", headers=AUTH).json
    assert read["format"] == given.get("format", "SMS")
    assert read["delivery_report"] is given.get("delivery_report", False)
    assert read["source_number"] == given.get("source_number")


def test_a_null_source_number_leaves_its_type_without_one(client):
    body = {"messages": [message(source_number=None, source_number_type="INTERNATIONAL")]}
    assert details_of(post(client, body)) == [
        "messages[0].source_number_type: Only valid when a source_number is given."
    ]


def test_a_null_source_number_type_is_inferred_as_when_left_out(client):
    body = {"messages": [message(source_number="MyBrand", source_number_type=None)]}
    response = post(client, body)
    message_id = response.json["messages"][0]["message_id"]
    read = client.get(f"/v1/messages/{message_id}", headers=AUTH).json
    assert (read["source_number"], read["source_number_type"]) == ("MyBrand", None)


@pytest.mark.parametrize("required", ["content", "destination_number"])
def test_null_in_a_required_field_is_400_naming_it(client, emulator, required):
    body = {"messages": [message(), message(**{required: None, "source_number": None})]}
    assert details_of(post(client, body)) == [f"messages[1].{required}: Field may not be null."]
    assert stored_count(emulator) == 0


def test_null_messages_is_400_naming_it(client):
    assert details_of(post(client, {"messages": None})) == ["messages: Field may not be null."]
