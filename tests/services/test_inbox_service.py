"""InboxService: the oldest 100 unconfirmed delivery reports and replies of an account, the same
until confirmed; confirming ignores IDs that are not the account's."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from tests.support import find_message, record_delivery_report, record_reply

PAGE = 100


@pytest.fixture
def sent(send_one, store):
    """A stored message of an account, to hang reports and replies on."""

    def _sent(account: str = "DemoAccount") -> dict:
        return find_message(store, account, send_one(account=account))

    return _sent


def test_reports_are_the_oldest_100_oldest_first_until_confirmed(sent, store, clock, inbox):
    message = sent()
    start = clock.now() - timedelta(hours=1)
    minutes = list(range(PAGE + 20))
    random.Random(7).shuffle(minutes)  # stored in no particular order
    ids_by_minute = {
        minute: record_delivery_report(
            store, message, "delivered", "220", start + timedelta(minutes=minute)
        )
        for minute in minutes
    }
    oldest_first = [ids_by_minute[minute] for minute in sorted(ids_by_minute)]

    page = inbox.delivery_reports("DemoAccount")
    assert [r["delivery_report_id"] for r in page] == oldest_first[:PAGE]
    assert inbox.delivery_reports("DemoAccount") == page

    inbox.confirm_delivery_reports("DemoAccount", oldest_first[:PAGE])
    assert [r["delivery_report_id"] for r in inbox.delivery_reports("DemoAccount")] == (
        oldest_first[PAGE:]
    )


def test_a_report_shows_its_messages_fields(send_one, store, clock, inbox):
    message_id = send_one(content="Your order", metadata={"order": "9"})
    message = find_message(store, "DemoAccount", message_id)
    record_delivery_report(store, message, "submitted", "200", clock.now())
    [report] = inbox.delivery_reports("DemoAccount")
    assert report["message_id"] == message_id
    assert report["original_text"] == "Your order"
    assert report["metadata"] == {"order": "9"}
    assert (report["status"], report["error_code"]) == ("submitted", "200")
    assert report["source_number"] == message["destination_number"]


def test_confirming_ignores_other_accounts_and_unknown_ids(sent, store, clock, inbox):
    mine = record_delivery_report(store, sent(), "delivered", "220", clock.now())
    theirs = record_delivery_report(store, sent("OtherAccount"), "delivered", "220", clock.now())

    inbox.confirm_delivery_reports("DemoAccount", [theirs, "no-such-report"])

    assert [r["delivery_report_id"] for r in inbox.delivery_reports("DemoAccount")] == [mine]
    assert [r["delivery_report_id"] for r in inbox.delivery_reports("OtherAccount")] == [theirs]


def test_reports_older_than_45_days_are_not_shown(sent, store, clock, inbox):
    message = sent()
    record_delivery_report(store, message, "delivered", "220", clock.now())
    clock.advance(timedelta(days=45).total_seconds() + 1)
    assert inbox.delivery_reports("DemoAccount") == []


def test_replies_are_the_oldest_100_oldest_first_until_confirmed(sent, store, clock, inbox):
    message = sent()
    start = clock.now() - timedelta(hours=1)
    ids = [
        record_reply(store, message, f"Reply {n}", start + timedelta(seconds=n))
        for n in range(PAGE + 5)
    ]

    page = inbox.replies("DemoAccount")
    assert [r["reply_id"] for r in page] == ids[:PAGE]
    assert [r["content"] for r in page[:2]] == ["Reply 0", "Reply 1"]
    assert inbox.replies("DemoAccount") == page

    inbox.confirm_replies("DemoAccount", ids[:PAGE])
    assert [r["reply_id"] for r in inbox.replies("DemoAccount")] == ids[PAGE:]


def test_a_reply_received_later_is_shown_from_then_on(sent, store, clock, inbox):
    # A scripted handset's reply is stored when its message is delivered, dated when it answers.
    reply_id = record_reply(store, sent(), "YES", clock.now() + timedelta(seconds=5))
    assert inbox.replies("DemoAccount") == []
    clock.advance(5)
    assert [r["reply_id"] for r in inbox.replies("DemoAccount")] == [reply_id]


def test_confirming_replies_ignores_other_accounts_ids(sent, store, clock, inbox):
    mine = record_reply(store, sent(), "Mine", clock.now())
    theirs = record_reply(store, sent("OtherAccount"), "Theirs", clock.now())

    inbox.confirm_replies("DemoAccount", [theirs])

    assert [r["reply_id"] for r in inbox.replies("DemoAccount")] == [mine]
    assert [r["reply_id"] for r in inbox.replies("OtherAccount")] == [theirs]
