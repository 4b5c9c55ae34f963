"""A message sent with its expiry already passed, or passing as it is accepted: accepted, then
expired at once as of its acceptance, through the store's own step. Nothing it or its report
carries is dated before it was accepted (the expiry it was sent with aside)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from emulator.store import events as stored_events
from emulator.timestamps import format_timestamp
from tests.support import find_message

# Whole milliseconds, as the API's timestamps carry them.
ACCEPTED = datetime.now(UTC).replace(microsecond=250000) - timedelta(hours=1)


def _events(store):
    """The first events of the change log, oldest first."""
    with store.reading() as tx:
        return stored_events.events_after(tx, 0, 10)


def accepted_with_expiry(send_one, seconds_after_acceptance: float, **fields) -> str:
    """The ID of a message sent at ACCEPTED, expiring that many seconds after it."""
    expiry = ACCEPTED + timedelta(seconds=seconds_after_acceptance)
    with freeze_time(ACCEPTED):
        return send_one(
            message_expiry_timestamp=format_timestamp(expiry), delivery_report=True, **fields
        )


@pytest.mark.parametrize("seconds", [-3600, -1, -0.001, 0])
def test_an_expiry_at_or_before_acceptance_expires_the_message_as_it_is_accepted(
    send_one, engine, store, inbox, seconds
):
    message_id = accepted_with_expiry(send_one, seconds)

    assert find_message(store, "DemoAccount", message_id)["next_transition_at"] == ACCEPTED
    assert engine.advance_due_messages(ACCEPTED) == 1
    stored = find_message(store, "DemoAccount", message_id)
    assert (stored["status"], stored["error_code"]) == ("expired", "320")
    assert stored["created_at"] == stored["updated_at"] == ACCEPTED
    [report] = inbox.delivery_reports("DemoAccount")
    assert (report["status"], report["error_code"]) == ("expired", "320")
    assert report["submitted_date"] == report["date_received"] == ACCEPTED
    assert [(event["kind"], event["at"]) for event in _events(store)] == [
        ("message_accepted", ACCEPTED),
        ("status_changed", ACCEPTED),
        ("delivery_report", ACCEPTED),
    ]


def test_a_scheduled_message_past_its_expiry_expires_unsent_as_it_is_accepted(
    send_one, engine, store
):
    later = format_timestamp(ACCEPTED + timedelta(hours=2))
    message_id = accepted_with_expiry(send_one, -1, scheduled=later)

    engine.advance_due_messages(ACCEPTED)
    stored = find_message(store, "DemoAccount", message_id)
    assert (stored["status"], stored["error_code"], stored["updated_at"]) == (
        "expired",
        "320",
        ACCEPTED,
    )


def test_an_expiry_after_acceptance_is_kept(send_one, engine, store, inbox):
    message_id = accepted_with_expiry(send_one, 1)

    assert engine.advance_due_messages(ACCEPTED) == 0
    assert find_message(store, "DemoAccount", message_id)["status"] == "queued"
    engine.advance_due_messages(ACCEPTED + timedelta(seconds=10))
    stored = find_message(store, "DemoAccount", message_id)
    expiry = ACCEPTED + timedelta(seconds=1)
    assert (stored["status"], stored["error_code"], stored["updated_at"]) == (
        "expired",
        "320",
        expiry,
    )
    [report] = inbox.delivery_reports("DemoAccount")
    assert report["submitted_date"] == expiry
