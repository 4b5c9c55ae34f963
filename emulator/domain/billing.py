"""The GSM-7 alphabet: converting content to it, and counting SMS segments as carriers do."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

# Characters outside GSM-7 with a usual GSM-7 spelling; others lose accents or become "?".
LOOKALIKES = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "•": "-",
    "`": "'",
    "´": "'",
}
REPLACEMENT = "?"

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def is_gsm7(content: str) -> bool:
    """True when every character has a GSM-7 form (basic or extension table)."""
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in content)


def to_gsm7(content: str) -> str:
    """The content in GSM-7: look-alikes swapped, accents dropped, anything else as `?`."""
    return "".join(_gsm7_char(char) for char in content)


def _gsm7_char(char: str) -> str:
    if char in GSM7_BASIC or char in GSM7_EXTENSION:
        return char
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    base = unicodedata.normalize("NFKD", char)[0]
    return base if base in GSM7_BASIC else REPLACEMENT


def billing_units(content: str) -> int:
    """SMS segments: GSM-7 160 single / 153 per part, extension characters counting two;
    otherwise UCS-2 70 single / 67 per part, counted in UTF-16 code units."""
    gsm7 = is_gsm7(content)
    return _units(_length(content, gsm7), gsm7)


GSM7, UCS2 = "GSM-7", "UCS-2"


@dataclass(frozen=True)
class Segments:
    """How content travels as SMS: its encoding, the characters that forced UCS-2 (each once),
    its length in septets (GSM-7) or UTF-16 code units (UCS-2), the most one part holds, the
    parts it is sent in, and the units `billing_units` bills for it.

    The parts are as many as the units except in one edge: a carrier never cuts a character in
    two, so an extension character or an emoji that would straddle a part boundary moves to the
    next part, which can take one part more than the per-part arithmetic bills.
    """

    encoding: str
    ucs2_characters: tuple[str, ...]
    length: int
    capacity: int
    parts: tuple[str, ...]
    billing_units: int


def segments(content: str) -> Segments:
    """The encoding decision and the parts of `content`, each part as long as a carrier allows
    (160 / 153 septets, 70 / 67 code units) without cutting a character in two."""
    gsm7 = is_gsm7(content)
    length = _length(content, gsm7)
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    capacity = single if length <= single else part
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in content:
        size = _char_length(char, gsm7)
        if used + size > capacity:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    parts.append("".join(current))
    return Segments(
        encoding=GSM7 if gsm7 else UCS2,
        ucs2_characters=tuple(dict.fromkeys(_without_gsm7_form(content))),
        length=length,
        capacity=capacity,
        parts=tuple(parts),
        billing_units=_units(length, gsm7),
    )


def _without_gsm7_form(content: str) -> list[str]:
    return [char for char in content if char not in GSM7_BASIC and char not in GSM7_EXTENSION]


def _char_length(char: str, gsm7: bool) -> int:
    if gsm7:
        return 2 if char in GSM7_EXTENSION else 1
    return len(char.encode("utf-16-le")) // 2


def _length(content: str, gsm7: bool) -> int:
    return sum(_char_length(char, gsm7) for char in content)


def _units(length: int, gsm7: bool) -> int:
    single, part = (GSM7_SINGLE, GSM7_PART) if gsm7 else (UCS2_SINGLE, UCS2_PART)
    if length <= single:
        return 1
    return -(-length // part)
