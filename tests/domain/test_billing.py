"""Segments: the encoding decision, the characters that force UCS-2, and where each part breaks."""

from __future__ import annotations

import random

import pytest

from emulator.domain.billing import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    billing_units,
    segments,
)


def test_plain_text_is_one_gsm7_part():
    split = segments("Your order has shipped")
    assert split.encoding == GSM7
    assert split.ucs2_characters == ()
    assert split.parts == ("Your order has shipped",)
    assert (split.length, split.capacity, split.billing_units) == (22, 160, 1)


def test_one_character_outside_gsm7_makes_the_whole_message_ucs2():
    split = segments("Café “special” today")
    assert split.encoding == UCS2
    assert split.ucs2_characters == ("“", "”")
    assert split.capacity == 70


def test_offending_characters_are_listed_once_in_order_of_appearance():
    assert segments("🙂 ok 🙂 Привет").ucs2_characters == ("🙂", "П", "р", "и", "в", "е", "т")


def test_extension_characters_stay_gsm7_and_count_two():
    split = segments("Price: 5€ [approx]")
    assert split.encoding == GSM7
    assert split.length == 18 + 3


@pytest.mark.parametrize(
    ("content", "parts"),
    [
        ("a" * 160, ["a" * 160]),
        ("a" * 161, ["a" * 153, "a" * 8]),
        ("a" * 307, ["a" * 153, "a" * 153, "a"]),
        ("ж" * 71, ["ж" * 67, "ж" * 4]),
        ("🙂" * 36, ["🙂" * 33, "🙂" * 3]),
    ],
)
def test_parts_break_at_the_carrier_limits(content, parts):
    split = segments(content)
    assert list(split.parts) == parts
    assert split.billing_units == len(parts) == billing_units(content)


def test_a_character_is_never_cut_in_two():
    # 152 septets, then "€" (two septets) would straddle the boundary at 153.
    split = segments("a" * 152 + "€" + "a" * 10)
    assert split.parts == ("a" * 152, "€" + "a" * 10)
    # A surrogate pair would straddle the 67 code-unit boundary.
    emoji = segments("ж" * 66 + "🙂" + "ж" * 10)
    assert emoji.parts == ("ж" * 66, "🙂" + "ж" * 10)


def test_only_a_straddling_character_makes_more_parts_than_billed_units():
    straddled = segments("a" * 152 + "€" + "a" * 153)
    assert straddled.billing_units == billing_units("a" * 152 + "€" + "a" * 153) == 3
    assert len(straddled.parts) == 3
    tight = segments("a" * 152 + "€" + "a" * 152)
    assert (tight.billing_units, len(tight.parts)) == (2, 3)


def test_empty_content_is_one_empty_part():
    assert segments("").parts == ("",)


def _random_content(rng: random.Random) -> str:
    alphabet = sorted(GSM7_BASIC) + sorted(GSM7_EXTENSION)
    if rng.random() < 0.5:
        alphabet += ["ж", "🙂", "“"]
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 700)))


def test_parts_rebuild_the_content_and_fit_whatever_the_content():
    rng = random.Random(7)
    for _ in range(300):
        content = _random_content(rng)
        split = segments(content)
        assert "".join(split.parts) == content
        assert split.billing_units == billing_units(content)
        assert split.billing_units <= len(split.parts) <= split.billing_units + 1
        assert all(_length(part, split.encoding) <= split.capacity for part in split.parts)


def _length(part: str, encoding: str) -> int:
    if encoding == GSM7:
        return sum(2 if char in GSM7_EXTENSION else 1 for char in part)
    return len(part.encode("utf-16-le")) // 2
