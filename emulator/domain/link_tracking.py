"""Short trackable links, no I/O: which links of a message's content are tracked, and the short
URL each one gets, unique to the message (so to its recipient)."""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass

SHORT_URL_BASE = "https://nxt.to/"
HASH_LENGTH = 7
_ALPHABET = string.digits + string.ascii_letters
# An http or https URL, up to the first blank or quote; a sentence's closing punctuation is not
# part of it.
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


@dataclass(frozen=True)
class TrackedLink:
    """One link of one sent message, as the link reports show it."""

    hash: str
    message_id: str
    long_url: str
    destination_number: str
    metadata: dict[str, str]

    @property
    def short_url(self) -> str:
        return SHORT_URL_BASE + self.hash


def links_in(content: str) -> list[str]:
    """The http and https URLs of the content, each once, in the order they appear."""
    return list(dict.fromkeys(match.group().rstrip(_TRAILING) for match in _URL.finditer(content)))


def short_hash(message_id: str, long_url: str) -> str:
    """The short URL's code: seven letters and digits fixed by the message and the URL."""
    number = int.from_bytes(hashlib.sha256(f"{message_id} {long_url}".encode()).digest()[:8])
    code = []
    for _ in range(HASH_LENGTH):
        number, digit = divmod(number, len(_ALPHABET))
        code.append(_ALPHABET[digit])
    return "".join(code)


def tracked_links(
    message_id: str, content: str, destination_number: str, metadata: dict[str, str]
) -> list[TrackedLink]:
    """The tracked links of a sent message: one per URL of its content."""
    return [
        TrackedLink(short_hash(message_id, url), message_id, url, destination_number, metadata)
        for url in links_in(content)
    ]
