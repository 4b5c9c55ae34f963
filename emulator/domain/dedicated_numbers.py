"""Dedicated numbers: the pool an account picks its numbers from, and what their lists filter on."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

NUMBER_TYPES = ("MOBILE", "LANDLINE", "TOLL_FREE", "SHORT_CODE")
CLASSIFICATIONS = ("BRONZE", "SILVER", "GOLD")
CAPABILITIES = ("SMS", "TTS", "MMS")
# The change log's kinds for a number taken by an account, relabelled, and released.
ASSIGNED_EVENT = "dedicated_number_assigned"
ASSIGNMENT_UPDATED_EVENT = "dedicated_number_updated"
RELEASED_EVENT = "dedicated_number_released"
EVENT_KINDS = (ASSIGNED_EVENT, ASSIGNMENT_UPDATED_EVENT, RELEASED_EVENT)


def pool_number_id(phone_number: str) -> str:
    """The ID of the pool's number `phone_number`: a UUID4 like every ID of the API, derived
    from the number so that it is the same in every run and store."""
    digest = hashlib.sha256(f"dedicated number {phone_number}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


@dataclass(frozen=True)
class DedicatedNumber:
    """A number of the pool, as GET /v1/messaging/numbers/dedicated/{id} shows it."""

    id: str
    phone_number: str
    country: str
    type: str
    classification: str
    capabilities: tuple[str, ...]
    available_after: datetime


class Assignment(TypedDict):
    """A pool number taken by an account, with the label and metadata it gave."""

    id: str
    number_id: str
    phone_number: str
    account_id: str
    label: str | None
    metadata: dict[str, str]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NumberFilter:
    """What a list of numbers keeps: each criterion given must hold. `matching` is digits the
    number contains; `service_types` are capabilities the number must all have."""

    country: str | None = None
    matching: str | None = None
    service_types: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    classification: str | None = None

    def keeps(self, number: DedicatedNumber) -> bool:
        return (
            (self.country is None or number.country == self.country)
            and (self.matching is None or self.matching in number.phone_number)
            and all(capability in number.capabilities for capability in self.service_types)
            and (not self.types or number.type in self.types)
            and (self.classification is None or number.classification == self.classification)
        )


class NumberPool:
    """Every dedicated number the emulator offers, in the order of the fixture file."""

    def __init__(self, numbers: Iterable[DedicatedNumber]) -> None:
        self._numbers = {number.id: number for number in numbers}

    @property
    def numbers(self) -> list[DedicatedNumber]:
        return list(self._numbers.values())

    def find(self, number_id: str) -> DedicatedNumber | None:
        return self._numbers.get(number_id)
