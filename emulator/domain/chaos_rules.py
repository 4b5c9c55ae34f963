"""Fault injection ("chaos"): rules that make the API answer with errors, slowly or not at all,
and webhooks arrive twice, out of order or late. What a rule matches and what it does when it
fires is decided here, without I/O; the store keeps the rules and their counters.

A rule fires on every request it matches, with a probability, or for its next `times` matches.
Chance is drawn from the rule's seed and the number of the match (the 1st, 2nd... request the
rule matched), so a run with the same seed and the same requests fails the same requests, in
whichever process each request lands.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypedDict

import re2

API, WEBHOOK = "api", "webhook"
SIDES = (API, WEBHOOK)

STATUS, LATENCY, DROP, RATE_LIMIT = "status", "latency_seconds", "drop", "rate_limit"
DUPLICATE, REORDER, DELAY = "duplicate", "reorder", "delay_seconds"
FAULTS = {API: (STATUS, LATENCY, DROP, RATE_LIMIT), WEBHOOK: (DUPLICATE, REORDER, DELAY)}
# Faults that answer the request themselves: the first that fires ends the evaluation.
ANSWERING = (STATUS, DROP, RATE_LIMIT)
STATUS_MESSAGES = {
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}
TOO_MANY_REQUESTS = 429
# How long a held notification waits for the next one of its message, unless told.
DEFAULT_HOLD_SECONDS = 10.0
# A rate limit counts the requests of the last second.
RATE_WINDOW_SECONDS = 1.0


class ChaosRule(TypedDict):
    """A rule as stored: what it matches, its fault and how it fires, and its counters."""

    id: str
    name: str | None
    side: str
    method: str | None
    path: str | None
    account: str | None
    fault: dict[str, Any]
    times: int | None
    probability: float | None
    seed: int
    # A rule switched off is kept with its counters but matches nothing.
    enabled: bool
    # Matches left for a `times` rule; None: no limit.
    remaining: int | None
    matched: int
    fired: int
    created_at: datetime


DEFINITION_FIELDS = ("name", "method", "path", "account", "fault", "times", "probability", "seed")


@dataclass(frozen=True)
class Injected:
    """A fault a rule injected into one request or delivery."""

    rule_id: str
    rule_name: str | None
    fault: str
    status: int | None = None
    retry_after: int | None = None
    seconds: float | None = None

    @property
    def answers(self) -> bool:
        return self.fault in ANSWERING

    def describe(self) -> dict[str, Any]:
        """The fault as the change log and the logs show it."""
        shown = {"rule_id": self.rule_id, "rule": self.rule_name, "fault": self.fault}
        for name in ("status", "retry_after", "seconds"):
            value = getattr(self, name)
            if value is not None:
                shown[name] = value
        return shown


def fault_of(rule: ChaosRule) -> str:
    """The kind of fault of the rule: the one key of its `fault` that names a fault."""
    return next(name for name in FAULTS[rule["side"]] if name in rule["fault"])


def matches(rule: ChaosRule, method: str, path: str, account_id: str | None) -> bool:
    """Whether the rule concerns this request: its method, path pattern and account."""
    if rule["method"] is not None and rule["method"] != method.upper():
        return False
    if rule["account"] is not None and rule["account"] != account_id:
        return False
    return rule["path"] is None or path_matches(rule["path"], path)


def path_matches(pattern: str, path: str) -> bool:
    """Whether `path` matches the rule's path pattern: `*` stands for any characters within one
    path segment, `**` for any characters at all (`/v1/messages/*` matches `/v1/messages/ID`,
    `/v1/**` every /v1 path).

    In time linear in the path's length whatever the pattern: patterns come from clients, and a
    backtracking engine takes seconds on `/**a**a**a...b` against a long path, so they run on
    RE2, byte by byte (Latin-1 mode: every byte is a character, whatever the path holds)."""
    matched = _compiled(pattern).fullmatch(_as_bytes(path))
    return matched is not None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    parts = re.split(r"(\*\*|\*)", pattern)
    wildcards = {"**": b".*", "*": b"[^/]*"}
    translated = b"".join(wildcards.get(part, re.escape(_as_bytes(part))) for part in parts)
    return re2.compile(translated, _RE2_OPTIONS)


def _as_bytes(text: str) -> bytes:
    # A path decoded by the server holds no lone surrogate; one written in a rule might.
    return text.encode("utf-8", "surrogatepass")


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.encoding = re2.Options.Encoding.LATIN1
_RE2_OPTIONS.dot_nl = True
_RE2_OPTIONS.never_capture = True


def by_chance(rule: ChaosRule, match_number: int) -> bool:
    """Whether a rule with a probability fires on its `match_number`-th match (always without)."""
    if rule["probability"] is None:
        return True
    return _draw(rule, match_number, "chance") < rule["probability"]


def seconds_of(value: float | list[float], rule: ChaosRule, match_number: int) -> float:
    """A number of seconds, or one drawn within `[low, high]` from the rule's seed."""
    if not isinstance(value, list):
        return float(value)
    low, high = value
    return round(low + (high - low) * _draw(rule, match_number, "seconds"), 3)


def retry_after(window_start: float, now: float) -> int:
    """Whole seconds until the oldest request of a full rate window leaves it (at least 1)."""
    return max(1, math.ceil(window_start + RATE_WINDOW_SECONDS - now))


def _draw(rule: ChaosRule, match_number: int, purpose: str) -> float:
    # Seeding with text is the same in every process (str hashes are not).
    return random.Random(f"{rule['seed']}/{match_number}/{purpose}").random()
