"""The rules of dedicated numbers and sender addresses, without I/O: pages after a token, the
review of an alpha tag, an own number's standing, and the pool's IDs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from emulator.domain.dedicated_numbers import pool_number_id
from emulator.domain.sender_addresses import (
    APPROVED,
    EXPIRED,
    EXPIRING,
    OPEN,
    REJECTED,
    alpha_tag_status,
    display_status,
    new_verification_code,
    review_verdict,
)
from emulator.domain.token_pages import UnknownToken, page_after

NOW = datetime(2026, 1, 1, tzinfo=UTC)
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_pages_continue_after_the_token_and_the_last_has_none():
    items = ["a", "b", "c", "d", "e"]
    assert page_after(items, None, 2, str) == (["a", "b"], "b")
    assert page_after(items, "b", 2, str) == (["c", "d"], "d")
    assert page_after(items, "d", 2, str) == (["e"], None)
    assert page_after(items, None, 5, str) == (items, None)
    assert page_after([], None, 5, str) == ([], None)
    with pytest.raises(UnknownToken):
        page_after(items, "z", 2, str)


@pytest.mark.parametrize(
    ("tag", "verdict"),
    [
        ("ACME", APPROVED),
        ("REJECTME", REJECTED),
        ("reject", REJECTED),
        ("HoldCo", None),
        ("NOREJECT", APPROVED),
    ],
)
def test_the_review_of_magic_names(tag, verdict):
    assert review_verdict(tag) == verdict


def test_an_alpha_tag_is_open_until_the_moment_of_its_review():
    review = NOW + timedelta(seconds=300)
    assert alpha_tag_status(review, APPROVED, review - timedelta(microseconds=1)) == OPEN
    assert alpha_tag_status(review, APPROVED, review) == APPROVED
    assert alpha_tag_status(None, None, NOW + timedelta(days=999)) == OPEN


def test_an_own_number_is_expiring_in_its_last_thirty_days_then_expired():
    expires = NOW + timedelta(days=365)
    assert display_status(expires, expires - timedelta(days=30, microseconds=1)) == APPROVED
    assert display_status(expires, expires - timedelta(days=30)) == EXPIRING
    assert display_status(expires, expires - timedelta(microseconds=1)) == EXPIRING
    assert display_status(expires, expires) == EXPIRED


def test_codes_are_six_digits():
    codes = {new_verification_code() for _ in range(200)}
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes) and len(codes) > 150


def test_a_pool_numbers_id_is_a_uuid4_that_never_changes():
    assert pool_number_id("+61491570201") == "fa13b94b-4d17-4b1b-a1a4-865a817c401b"
    assert UUID4.match(pool_number_id("+447700900201"))
    assert pool_number_id("+61491570201") != pool_number_id("+61491570202")
