"""The GSM-7 alphabet: converting content to it, and counting SMS segments as carriers do."""

from __future__ import annotations

import unicodedata

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
    if is_gsm7(content):
        length = sum(2 if char in GSM7_EXTENSION else 1 for char in content)
        single, part = GSM7_SINGLE, GSM7_PART
    else:
        length = len(content.encode("utf-16-le")) // 2
        single, part = UCS2_SINGLE, UCS2_PART
    if length <= single:
        return 1
    return -(-length // part)
