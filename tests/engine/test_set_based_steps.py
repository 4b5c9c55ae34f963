"""The engine's SQL step takes every message exactly where the lifecycle rules of the domain say,
to the microsecond."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from emulator.domain.ids import new_id
from emulator.domain.lifecycle import StepDelays, next_transition
from emulator.store import Store, inbox
from emulator.store import messages as stored_messages
from emulator.store.transitions import step_due_messages
from tests.support import find_message

DUE = datetime(2030, 5, 1, 9, 30, 15, 123457, tzinfo=UTC)
DELAYS = StepDelays(1.25, 0.000003, 7200.5)
OUTCOMES = [
    {"status": "delivered", "error_code": "220", "delays": None},
    {"status": "rejected", "error_code": "302", "delays": None},
    {"status": "failed", "error_code": "411", "delays": {"enroute": 30, "submitted": 0.75}},
    {"status": "expired", "error_code": "401", "delays": {"queued": 2.5}},
]
EXPIRIES = [
    None,
    DUE - timedelta(microseconds=1),
    DUE,
    DUE + timedelta(seconds=1, microseconds=5),
    DUE + timedelta(days=3),
]


def stored_message(status: str, outcome: dict, expiry: datetime | None) -> dict:
    return {
        "id": new_id(),
        "account_id": "DemoAccount",
        "status": status,
        "content": "Hi",
        "destination_number": "+61491570156",
        "source_number": None,
        "source_number_type": None,
        "format": "SMS",
        "delivery_report": True,
        "callback_url": None,
        "scheduled": None,
        "message_expiry_timestamp": expiry,
        "metadata": None,
        "media": None,
        "subject": None,
        "billing_units": 2,
        "sent_content": None,
        "is_duplicate": False,
        "error_code": None,
        "outcome": outcome,
        "next_transition_at": DUE,
        "created_at": DUE - timedelta(hours=1),
        "updated_at": DUE - timedelta(hours=1),
    }


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'steps.db'}")
    yield store
    store.close()


def test_one_step_of_every_kind_matches_the_domain_rules(store):
    cases = [
        stored_message(status, outcome, expiry)
        for status, outcome, expiry in itertools.product(
            ("scheduled", "queued", "enroute", "submitted"), OUTCOMES, EXPIRIES
        )
    ]
    with store.transaction() as tx:
        stored_messages.insert(tx, cases)
    with store.transaction() as connection:
        step = step_due_messages(connection, DUE, 1000, DELAYS)
    assert len(step.moved) == len(cases)
    for case in cases:
        expected = next_transition(case, DELAYS)
        stored = find_message(store, "DemoAccount", case["id"])
        moved = (
            stored["status"],
            stored["error_code"],
            stored["updated_at"],
            stored["next_transition_at"],
        )
        assert moved == (expected.status, expected.error_code, expected.at, expected.next_at), case
        with store.reading() as tx:
            reports = inbox.unconfirmed_delivery_reports(tx, "DemoAccount", DUE - timedelta(days=1))
        mine = [report for report, _ in reports if report["message_id"] == case["id"]]
        if expected.is_reported:
            [report] = mine
            assert (report["status"], report["error_code"]) == (
                expected.status,
                expected.error_code,
            )
            assert report["date_received"] == report["submitted_date"] == DUE
            assert report["billing_units"] == 2 and len(report["id"]) == 36
        else:
            assert mine == []


def test_only_what_is_due_moves_earliest_first(store):
    later = stored_message("queued", OUTCOMES[0], None)
    later["next_transition_at"] = DUE + timedelta(microseconds=1)
    first, second = (stored_message("queued", OUTCOMES[0], None) for _ in range(2))
    with store.transaction() as tx:
        stored_messages.insert(tx, [later, second, first])
    with store.transaction() as connection:
        step = step_due_messages(connection, DUE, 1, DELAYS)
    assert step.ids == [second["id"]]
    with store.transaction() as connection:
        step = step_due_messages(connection, DUE, 10, DELAYS)
    assert step.ids == [first["id"]]
