"""The Lookups API's rules without HTTP or storage: what a phone number looks up as, from the
`phonenumbers` library's data (country, number type, carrier per number range) unless a fixture
pins the answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

CARRIER, TYPE = "carrier", "type"
OPTIONS = (CARRIER, TYPE)
MOBILE, LANDLINE = "mobile", "landline"
NUMBER_TYPES = (MOBILE, LANDLINE)
NOT_FOUND = "The number could not be found or is invalid."
# The kind of the change feed's event for a lookup.
LOOKUP_EVENT = "lookup"

# The two types the API documents. A number that may be either is taken as mobile, so a client
# checking "can this number get an SMS" is not turned away; every other valid kind (toll-free,
# VoIP, premium rate, ...) is a landline: it cannot receive SMS.
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


@dataclass(frozen=True)
class PinnedNumber:
    """What a fixture says about one number: not found, or its type and carrier. A `type` of None
    is the library's; `carrier_pinned` with a `carrier_name` of None means no carrier known."""

    number: str
    found: bool = True
    type: str | None = None
    carrier_pinned: bool = False
    carrier_name: str | None = None


@dataclass(frozen=True)
class NumberFacts:
    """What a found number looks up as."""

    country_code: str
    phone_number: str
    type: str
    carrier_name: str | None

    def answer(self, options: Iterable[str]) -> dict[str, object]:
        """The 200 body: `country_code` and `phone_number`, then `type` and `carrier` when
        asked for (`carrier` is `{}` when no carrier is known)."""
        wanted = set(options)
        body: dict[str, object] = {
            "country_code": self.country_code,
            "phone_number": self.phone_number,
        }
        if TYPE in wanted:
            body[TYPE] = self.type
        if CARRIER in wanted:
            body[CARRIER] = {} if self.carrier_name is None else {"name": self.carrier_name}
        return body


class LookupDirectory:
    """Every number's lookup: the pinned ones as pinned, the others from the library's data."""

    def __init__(self, pinned: Iterable[PinnedNumber] = ()) -> None:
        self._pinned: Mapping[str, PinnedNumber] = {entry.number: entry for entry in pinned}

    def look_up(self, number: str) -> NumberFacts | None:
        """The facts of an E.164 `number`, or None when it is invalid or not found. A number
        the library cannot tell valid is found only when pinned (as a mobile unless pinned
        otherwise)."""
        parsed = _parsed(number)
        if parsed is None:
            return None
        canonical = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        pinned = self._pinned.get(canonical)
        if pinned is not None and not pinned.found:
            return None
        valid = phonenumbers.is_valid_number(parsed)
        if not valid and pinned is None:
            return None
        region = phonenumbers.region_code_for_number(parsed) or (
            phonenumbers.region_code_for_country_code(parsed.country_code or 0)
        )
        # Imported on the first lookup: the carrier data is a tenth of a second of every
        # process's start-up otherwise, and most runs never look a number up.
        from phonenumbers import carrier

        library_carrier = carrier.name_for_number(parsed, "en") or None
        facts = NumberFacts(
            country_code=region,
            phone_number=canonical,
            type=_number_type(parsed) if valid else MOBILE,
            carrier_name=library_carrier,
        )
        if pinned is None:
            return facts
        return NumberFacts(
            country_code=facts.country_code,
            phone_number=canonical,
            type=pinned.type or facts.type,
            carrier_name=pinned.carrier_name if pinned.carrier_pinned else facts.carrier_name,
        )


def _parsed(number: str) -> phonenumbers.PhoneNumber | None:
    if not number.startswith("+") or not number[1:].isascii() or not number[1:].isdigit():
        return None
    try:
        return phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None


def _number_type(parsed: phonenumbers.PhoneNumber) -> str:
    return MOBILE if phonenumbers.number_type(parsed) in _MOBILE_TYPES else LANDLINE
