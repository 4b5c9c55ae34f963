"""Outcome rules: fixture data that fixes how a message ends, by destination and content."""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulator.domain.error_codes import DELIVERED_CODE, STATUS_BY_CODE, is_final_code
from emulator.domain.records import OutcomeData


@dataclass(frozen=True)
class Outcome:
    """The final status and error code of a message, and optionally its own step delays."""

    status: str
    error_code: str
    delays: dict[str, float] | None = None

    def as_data(self) -> OutcomeData:
        return {"status": self.status, "error_code": self.error_code, "delays": self.delays}


DELIVERED = Outcome("delivered", DELIVERED_CODE)


@dataclass(frozen=True)
class OutcomeRule:
    """Matches a destination (exact or prefix) and optionally a content pattern."""

    name: str
    destination: str | None = None
    destination_prefix: str | None = None
    content: re.Pattern[str] | None = None
    error_code: str | None = None
    error_code_from_suffix: bool = False
    delays: dict[str, float] | None = None

    def outcome_for(self, destination_number: str, content: str) -> Outcome | None:
        if self.destination is not None and destination_number != self.destination:
            return None
        prefix = self.destination_prefix or ""
        if not destination_number.startswith(prefix):
            return None
        if self.content is not None and not self.content.search(content):
            return None
        code = destination_number[len(prefix) :] if self.error_code_from_suffix else self.error_code
        code = code or DELIVERED_CODE
        if not is_final_code(code):
            return None
        return Outcome(STATUS_BY_CODE[code], code, self.delays)


class OutcomeRules:
    """The first matching rule decides; a message no rule matches is delivered."""

    def __init__(self, rules: list[OutcomeRule]) -> None:
        self.rules = rules

    def outcome_for(self, destination_number: str, content: str) -> Outcome:
        for rule in self.rules:
            outcome = rule.outcome_for(destination_number, content)
            if outcome is not None:
                return outcome
        return DELIVERED
