"""The Reporting API's pure rules: which links of a message are tracked, and how messages are
grouped and counted."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from emulator.domain.link_tracking import links_in, short_hash
from emulator.domain.reporting import (
    INBOUND,
    NO_COUNTRY,
    OUTBOUND,
    ReportedMessage,
    country_of,
    summarise,
)

UTC_ZONE = ZoneInfo("UTC")


def reported(direction: str = OUTBOUND, at: datetime | None = None, **fields) -> ReportedMessage:
    defaults = {
        "message_id": "m",
        "account_id": "DemoAccount",
        "direction": direction,
        "format": "SMS",
        "timestamp": at or datetime(2024, 4, 17, 12, tzinfo=UTC),
        "last_status_update": at or datetime(2024, 4, 17, 12, tzinfo=UTC),
        "delivered_at": None,
        "status": "delivered",
        "error_code": None,
        "source": None,
        "destination": "+61491570156",
        "content": "Hello",
        "units": 1,
        "metadata": {},
        "has_media": False,
        "opt_out": False,
    }
    return ReportedMessage(**{**defaults, **fields})


def test_links_are_http_urls_without_a_sentences_punctuation():
    content = "Go to https://example.com/a?b=1. Or (http://x.org/y), or ftp://no, HTTPS://A.B!"
    assert links_in(content) == ["https://example.com/a?b=1", "http://x.org/y", "HTTPS://A.B"]
    assert links_in("twice http://a.io http://a.io") == ["http://a.io"]


def test_a_numbers_country_is_its_region_or_that_of_its_calling_code():
    assert country_of("+61491570156") == "AU"
    # The fixtures' GB numbers are in the range kept for drama, which no region lists.
    assert country_of("+447700900201") == "GB"
    assert country_of("+15555550100") == "US"
    # A calling code of no country, or of none at all; alpha tags and short codes.
    assert country_of("+88234567890") == NO_COUNTRY
    assert country_of("+999123456") == NO_COUNTRY
    assert country_of("MyBrand") == NO_COUNTRY
    assert country_of("1234") == NO_COUNTRY
    assert country_of(None) == NO_COUNTRY


def test_a_short_code_is_seven_characters_fixed_by_the_message_and_the_url():
    code = short_hash("message-1", "https://example.com")
    assert len(code) == 7 and code.isalnum()
    assert code == short_hash("message-1", "https://example.com")
    assert code != short_hash("message-2", "https://example.com")


def test_weeks_start_on_monday_in_the_time_zone():
    sunday_night_utc = datetime(2024, 4, 21, 20, tzinfo=UTC)
    message = reported(at=sunday_night_utc)
    assert summarise([message], ["WEEK"], UTC_ZONE)["summaries"][0]["group"] == "2024-04-15"
    # Monday morning already in Sydney.
    sydney = summarise([message], ["WEEK"], ZoneInfo("Australia/Sydney"))
    assert sydney["summaries"][0]["group"] == "2024-04-22"


def test_an_opt_out_counts_once_and_billing_units_add_up():
    messages = [
        reported(units=2, opt_out=True),
        reported(INBOUND, content="STOP", opt_out=True),
        reported(INBOUND),
    ]
    totals = summarise(messages, [], UTC_ZONE)
    assert totals == {
        "summaries": [],
        "total_sent": 1,
        "total_received": 2,
        "total_billing_units": 4,
        "total_opt_out": 1,
    }


def test_a_message_counts_in_each_of_its_metadata_keys_and_sub_groups_say_their_days():
    messages = [
        reported(metadata={"a": "1", "b": "2"}),
        reported(metadata={"a": "3"}, at=datetime(2024, 4, 18, tzinfo=UTC)),
        reported(),
    ]
    summary = summarise(messages, ["METADATA_KEY", "STATUS"], UTC_ZONE)
    assert [(group["group"], group["total_sent"]) for group in summary["summaries"]] == [
        ("a", 2),
        ("b", 1),
    ]
    [delivered] = summary["summaries"][0]["sub_group"]
    assert delivered["date"] == "2024-04-17,2024-04-18" and summary["total_sent"] == 3
