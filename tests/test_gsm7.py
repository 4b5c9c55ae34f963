"""SMS segment counting: GSM-7 160/153 with extension characters counting two; UCS-2 70/67."""

from __future__ import annotations

import pytest

from emulator.domain.billing import billing_units, is_gsm7


@pytest.mark.parametrize(
    ("content", "units"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 158 + "[", 1),
        ("a" * 159 + "[", 2),
        ("ж" * 70, 1),
        ("ж" * 71, 2),
        ("ж" * 134, 2),
        ("ж" * 135, 3),
        ("🙂" * 35, 1),
        ("🙂" * 36, 2),
    ],
)
def test_segments(content, units):
    assert billing_units(content) == units


def test_gsm7_detection():
    assert is_gsm7("Hello @ £5 {ok}")
    assert not is_gsm7("Привет")
