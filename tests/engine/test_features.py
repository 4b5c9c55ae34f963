"""Account features: de-duplication, social sending, familiar sender, character converter,
unregistered source numbers; set at run time through the control plane."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from emulator.timestamps import format_timestamp
from tests.support import basic_auth, find_message

SYDNEY = ZoneInfo("Australia/Sydney")


@pytest.fixture
def features(http):
    def _set(account: str = "DemoAccount", **changes) -> dict:
        response = http.patch(f"/_emulator/accounts/{account}", json={"features": changes})
        assert response.status_code == 200, response.text
        return response.json()["features"]

    return _set


def stored(http, message_id: str) -> dict:
    listed = http.get("/_emulator/messages").json()["messages"]
    return next(m for m in listed if m["message_id"] == message_id)


# Account settings


def test_features_are_off_by_default_but_signature_keys_and_patch_changes_only_what_is_given(
    http, features
):
    shown = http.get("/_emulator/accounts/DemoAccount").json()
    assert shown["features"] == {
        "deduplication": False,
        "social_sending": False,
        "timezone": "Australia/Sydney",
        "familiar_sender": False,
        "character_converter": False,
        "unregistered_source": "reject",
        "signature_keys": True,
    }
    assert shown["numbers"] == ["+61491570157", "+61491570158", "+61491570159"]
    assert shown["sub_accounts"] == ["DemoSubAccount1", "DemoSubAccount2"]
    changed = features(deduplication=True, timezone="Europe/London")
    assert changed["deduplication"] is True and changed["timezone"] == "Europe/London"
    assert features(social_sending=True)["deduplication"] is True


def test_reset_puts_features_back_to_the_fixtures(http, features):
    features(deduplication=True)
    http.post("/_emulator/reset")
    assert http.get("/_emulator/accounts/DemoAccount").json()["features"]["deduplication"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"features": {"deduplication": "yes"}},
        {"features": {"timezone": "Mars/Olympus"}},
        {"features": {"unregistered_source": "drop"}},
        {"features": {"signature_keys": "on"}},
        {"features": {"teleport": True}},
        {"deduplication": True},
    ],
)
def test_bad_feature_changes_are_400(http, body):
    response = http.patch("/_emulator/accounts/DemoAccount", json=body)
    assert response.status_code == 400
    assert response.json()["details"]


def test_unknown_account_is_404(http):
    assert http.get("/_emulator/accounts/Nobody").status_code == 404
    assert http.patch("/_emulator/accounts/Nobody", json={"features": {}}).status_code == 404


# De-duplication


def test_duplicates_are_sent_when_deduplication_is_off(send_one, advance, status_of):
    ids = [send_one(content="Same"), send_one(content="Same")]
    advance(10)
    assert [status_of(i) for i in ids] == ["delivered", "delivered"]


def test_duplicate_within_24_hours_is_withheld(http, features, send_one, advance, status_of):
    features(deduplication=True)
    first = send_one(content="Sale today")
    advance(24 * 3600 - 1)
    duplicate = send_one(content="Sale today", delivery_report=True)
    different_content = send_one(content="Sale tomorrow")
    different_number = send_one(content="Sale today", destination_number="+61491570199")
    advance(10)
    assert status_of(first) == "delivered"
    assert status_of(duplicate) == "rejected"
    assert status_of(different_content) == "delivered"
    assert status_of(different_number) == "delivered"
    reports = http.get("/v1/delivery_reports", headers=basic_auth()).json()["delivery_reports"]
    assert [(r["status"], r["error_code"]) for r in reports] == [
        ("enroute", "101"),
        ("rejected", "305"),
    ]


def test_same_message_24_hours_later_is_sent(emulator, features, send_one, advance, status_of):
    features(deduplication=True)
    first = send_one(content="Weekly reminder")
    created_at = find_message(emulator.store, "DemoAccount", first)["created_at"]
    emulator.clock.advance_to(created_at + timedelta(hours=24))
    again = send_one(content="Weekly reminder")
    advance(10)
    assert status_of(again) == "delivered"


def test_identical_messages_in_one_request_are_duplicates(http, features, advance):
    features(deduplication=True)
    body = {"messages": [{"content": "Twice", "destination_number": "+61491570156"}] * 2}
    sent = http.post("/v1/messages", json=body, headers=basic_auth()).json()["messages"]
    advance(10)
    assert [stored(http, m["message_id"])["status"] for m in sent] == ["delivered", "rejected"]


def test_deduplication_looks_only_at_the_sending_accounts_messages(http, features, advance):
    # On for both, so that only the account scoping lets the sub-account's first message through.
    features(deduplication=True)
    features("DemoSubAccount1", deduplication=True)

    def send(account: str | None = None) -> str:
        body = {"messages": [{"content": "Once each", "destination_number": "+61491570156"}]}
        response = http.post("/v1/messages", json=body, headers=basic_auth(account=account))
        return response.json()["messages"][0]["message_id"]

    ids = [send(), send("DemoSubAccount1"), send("DemoSubAccount1")]
    advance(10)
    assert [stored(http, i)["status"] for i in ids] == ["delivered", "delivered", "rejected"]


def test_a_withheld_duplicate_does_not_extend_the_window(
    emulator, features, send_one, advance, status_of
):
    features(deduplication=True)
    first = send_one(content="Once a day")
    created_at = find_message(emulator.store, "DemoAccount", first)["created_at"]
    emulator.clock.advance_to(created_at + timedelta(hours=20))
    assert send_one(content="Once a day")
    emulator.clock.advance_to(created_at + timedelta(hours=25))
    third = send_one(content="Once a day")
    advance(10)
    assert status_of(third) == "delivered"


# Social sending


def sydney(*args) -> datetime:
    return datetime(*args, tzinfo=SYDNEY)


def send_at(emulator, moment: datetime, send_one) -> str:
    emulator.clock.advance_to(moment.astimezone(UTC))
    return send_one(content="Social")


@pytest.mark.parametrize(
    ("local", "released"),
    [
        (sydney(2027, 2, 10, 7, 59, 59), sydney(2027, 2, 10, 8, 0)),
        (sydney(2027, 2, 10, 8, 0, 0), None),
        (sydney(2027, 2, 10, 17, 59, 59), None),
        (sydney(2027, 2, 10, 18, 0, 0), sydney(2027, 2, 11, 8, 0)),
        (sydney(2027, 2, 10, 23, 30, 0), sydney(2027, 2, 11, 8, 0)),
    ],
    ids=["before-8", "at-8", "before-18", "at-18", "night"],
)
def test_social_sending_holds_messages_outside_8_to_18(
    http, emulator, features, send_one, local, released
):
    features(social_sending=True)
    message_id = send_at(emulator, local, send_one)
    message = stored(http, message_id)
    if released is None:
        assert message["status"] == "queued"
    else:
        assert message["status"] == "scheduled"
        assert message["next_transition_at"] == format_timestamp(released)


@pytest.mark.parametrize(
    ("local", "released_utc"),
    [
        # Daylight saving starts at 02:00 on 3 October 2027: 08:00 that day is 21:00 UTC, not 22:00.
        (sydney(2027, 10, 2, 20, 0), datetime(2027, 10, 2, 21, 0, tzinfo=UTC)),
        # It ends at 03:00 on 4 April 2027: 08:00 that day is 22:00 UTC, not 21:00.
        (sydney(2027, 4, 3, 20, 0), datetime(2027, 4, 3, 22, 0, tzinfo=UTC)),
    ],
    ids=["dst-starts", "dst-ends"],
)
def test_social_sending_across_a_daylight_saving_change(
    http, emulator, features, send_one, local, released_utc
):
    features(social_sending=True)
    message_id = send_at(emulator, local, send_one)
    assert stored(http, message_id)["next_transition_at"] == format_timestamp(released_utc)


def test_held_message_is_delivered_after_release(http, emulator, features, send_one, advance):
    features(social_sending=True, timezone="Europe/London")
    london = ZoneInfo("Europe/London")
    message_id = send_at(emulator, datetime(2027, 1, 5, 21, 0, tzinfo=london), send_one)
    advance(11 * 3600 + 10)
    assert stored(http, message_id)["status"] == "delivered"


def test_scheduled_time_outside_hours_is_held_too(http, emulator, features, send_one):
    features(social_sending=True)
    emulator.clock.advance_to(sydney(2027, 2, 10, 12, 0).astimezone(UTC))
    night = format_timestamp(sydney(2027, 2, 10, 22, 0))
    message_id = send_one(scheduled=night)
    next_at = stored(http, message_id)["next_transition_at"]
    assert next_at == format_timestamp(sydney(2027, 2, 11, 8, 0))


# Familiar sender


def test_without_familiar_sender_there_is_no_source(http, send_one):
    assert stored(http, send_one())["source_number"] is None


def test_familiar_sender_always_uses_the_same_pool_number(http, features, send_one):
    features(familiar_sender=True)
    pool = {"+61491570157", "+61491570158", "+61491570159"}
    by_destination = {}
    for destination in ["+61491570101", "+61491570102", "+61491570103", "+61491570104"] * 3:
        source = stored(http, send_one(destination_number=destination))["source_number"]
        assert source in pool
        assert by_destination.setdefault(destination, source) == source


def test_familiar_sender_uses_the_sub_accounts_own_pool(http, features):
    features("DemoSubAccount2", familiar_sender=True)
    body = {"messages": [{"content": "Hi", "destination_number": "+61491570101"}]}
    sent = http.post("/v1/messages", json=body, headers=basic_auth(account="DemoSubAccount2"))
    message_id = sent.json()["messages"][0]["message_id"]
    assert stored(http, message_id)["source_number"] == "+61491570160"


# Character converter and billing


def test_character_converter_sends_gsm7_and_bills_less(http, features, send_one, advance):
    content = "Café “special” — 10% off 🙂 " + "x" * 50
    plain = send_one(content=content, delivery_report=True)
    features(character_converter=True)
    converted = send_one(content=content, delivery_report=True)
    assert stored(http, plain)["billing_units"] == 2
    assert stored(http, plain)["sent_content"] is None
    assert stored(http, converted)["billing_units"] == 1
    assert stored(http, converted)["sent_content"] == 'Café "special" - 10% off ? ' + "x" * 50
    advance(10)
    reports = http.get("/v1/delivery_reports", headers=basic_auth()).json()["delivery_reports"]
    units = {r["message_id"]: r["billing_units"] for r in reports}
    assert units == {plain: 2, converted: 1}


# Source numbers


@pytest.mark.parametrize("source", ["+61491570157", "DemoCo"])
def test_registered_sources_are_sent(send_one, advance, status_of, source):
    message_id = send_one(source_number=source)
    advance(10)
    assert status_of(message_id) == "delivered"


def test_unregistered_source_is_rejected_by_default(http, send_one, advance, status_of):
    message_id = send_one(source_number="+61491570999", delivery_report=True)
    advance(10)
    assert status_of(message_id) == "rejected"
    reports = http.get("/v1/delivery_reports", headers=basic_auth()).json()["delivery_reports"]
    assert reports[-1]["error_code"] == "303"


def test_unregistered_source_can_be_replaced_by_the_default(
    http, features, send_one, advance, status_of
):
    features(unregistered_source="replace")
    message_id = send_one(source_number="NotOurs")
    advance(10)
    assert status_of(message_id) == "delivered"
    assert stored(http, message_id)["source_number"] == "+61491570157"
