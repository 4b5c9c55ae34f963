"""Pure engine rules: next transitions, retry waits, outcome rules; no server, no store."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from emulator.clock import Clock
from emulator.domain.lifecycle import INSTANT, StepDelays, first_due_time, next_transition
from emulator.domain.retry import RetryPolicy
from emulator.fixture_files import load_outcome_rules, outcome_rules_from_data

T0 = datetime(2030, 1, 1, tzinfo=UTC)
DELIVERED = {"status": "delivered", "error_code": "220", "delays": None}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def message(status: str, due: float, outcome=DELIVERED, expiry: float | None = None) -> dict:
    return {
        "status": status,
        "next_transition_at": at(due),
        "message_expiry_timestamp": None if expiry is None else at(expiry),
        "outcome": outcome,
    }


@pytest.mark.parametrize(
    ("status", "expected", "code", "next_in"),
    [
        ("scheduled", "queued", None, 1),
        ("queued", "enroute", "101", 1),
        ("enroute", "submitted", "200", 2),
        ("submitted", "delivered", "220", None),
    ],
)
def test_delivered_path(status, expected, code, next_in):
    transition = next_transition(message(status, 10), StepDelays())
    assert (transition.status, transition.error_code, transition.at) == (expected, code, at(10))
    assert transition.next_at == (None if next_in is None else at(10 + next_in))


def test_gateway_rejection_ends_while_enroute():
    outcome = {"status": "rejected", "error_code": "302", "delays": None}
    transition = next_transition(message("enroute", 5, outcome), StepDelays())
    assert (transition.status, transition.error_code, transition.next_at) == (
        "rejected",
        "302",
        None,
    )


def test_provider_failure_ends_after_submission():
    outcome = {"status": "failed", "error_code": "411", "delays": None}
    assert next_transition(message("enroute", 5, outcome), StepDelays()).status == "submitted"
    assert next_transition(message("submitted", 5, outcome), StepDelays()).status == "failed"


def test_next_step_is_clamped_to_the_expiry():
    transition = next_transition(message("enroute", 5, expiry=6), StepDelays())
    assert transition.next_at == at(6)
    expired = next_transition(message("submitted", 6, expiry=6), StepDelays())
    assert (expired.status, expired.error_code) == ("expired", "401")


def test_rule_delays_override_the_defaults():
    outcome = {**DELIVERED, "delays": {"enroute": 30}}
    assert next_transition(message("queued", 0, outcome), StepDelays()).next_at == at(30)


def test_first_due_time():
    assert first_due_time(at(0), None, None, StepDelays()) == at(1)
    assert first_due_time(at(0), None, None, INSTANT) == at(0)
    assert first_due_time(at(0), at(100), None, StepDelays()) == at(100)
    assert first_due_time(at(0), at(-5), None, StepDelays()) == at(1)
    assert first_due_time(at(0), at(100), at(50), StepDelays()) == at(50)


@pytest.mark.parametrize(
    ("expiry", "scheduled", "due", "status", "code"),
    [
        (-3600, None, 0, "expired", "320"),
        (-1, None, 0, "expired", "320"),
        (-1, 100, 0, "expired", "320"),
        (0, None, 0, "expired", "320"),
        (0.5, None, 0.5, "expired", "320"),
        (1, None, 1, "expired", "320"),
        (2, None, 1, "enroute", "101"),
    ],
)
def test_a_message_past_its_expiry_expires_as_it_is_accepted(expiry, scheduled, due, status, code):
    """Accepted at 0: never due before its acceptance, and expired from the status it was
    accepted in (320, before submission) when due at or after its expiry."""
    scheduled_at = None if scheduled is None else at(scheduled)
    assert first_due_time(at(0), scheduled_at, at(expiry), StepDelays()) == at(due)
    accepted_as = "queued" if scheduled is None else "scheduled"
    moved = next_transition(message(accepted_as, due, expiry=expiry), StepDelays())
    assert (moved.status, moved.error_code, moved.at) == (status, code, at(due))


def test_retry_waits_grow_exponentially_up_to_the_cap():
    policy = RetryPolicy(base_seconds=5, factor=2, cap_seconds=60, max_attempts=6, jitter=0)
    assert [policy.delay_after(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, None]


def test_retry_jitter_only_lengthens_and_keeps_gaps_growing():
    policy = RetryPolicy(base_seconds=5, factor=2, jitter=0.1, max_attempts=8)
    rng = random.Random(7)
    waits = [policy.delay_after(n, rng) for n in range(1, 8)]
    assert all(5 * 2 ** (n - 1) <= w <= 5 * 2 ** (n - 1) * 1.1 for n, w in enumerate(waits, 1))
    assert waits == sorted(waits)


def test_outcome_rules_match_exact_prefix_and_content():
    rules = outcome_rules_from_data(
        {
            "rules": [
                {"destination": "+61400000001", "error_code": "414"},
                {"destination_prefix": "+6140000", "content": "(?i)urgent", "error_code": "302"},
                {"destination_prefix": "+61400000", "error_code_from_suffix": True},
            ]
        }
    )
    assert rules.outcome_for("+61400000001", "hi").error_code == "414"
    assert rules.outcome_for("+61400000411", "URGENT").status == "rejected"
    assert rules.outcome_for("+61400000411", "hi").status == "failed"
    assert rules.outcome_for("+61400000101", "hi").status == "delivered"  # 101 is not final
    assert rules.outcome_for("+61491570156", "hi").status == "delivered"


def test_outcome_rules_refuse_codes_that_do_not_end_a_message():
    with pytest.raises(ValueError, match="not a final error code"):
        outcome_rules_from_data({"rules": [{"destination": "+61400000001", "error_code": "200"}]})


def test_shipped_rules_load():
    rules = load_outcome_rules(None)
    assert rules.outcome_for("+61400000305", "x").status == "rejected"


@freeze_time("2030-01-01T00:00:00Z")
def test_clock_follows_real_time_plus_its_offset():
    clock = Clock()
    assert clock.now() == T0
    clock.advance(90)
    assert clock.now() == at(90)
    clock.advance_to(at(30))
    assert clock.now() == at(90)
    clock.advance_to(at(120))
    assert clock.now() == at(120)
    with pytest.raises(ValueError):
        clock.advance(-1)
    clock.reset()
    assert clock.now() == T0
