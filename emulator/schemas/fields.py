"""Marshmallow fields and validators shared by the request schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from marshmallow import ValidationError, fields, validate

from emulator.clock import LAST_MOMENT
from emulator.timestamps import as_utc, format_timestamp

# ASCII digits only, matched whole: `\d` takes any script's digits, `$` a trailing newline.
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
# A query integer: ASCII digits only (`int()` also takes `٣`, ` 1` and `1_000`), not absurdly long.
_QUERY_INTEGER = re.compile(r"-?[0-9]{1,100}")
# The largest number a query may hand to either store: PostgreSQL's INTEGER, also what it takes
# as a LIMIT or OFFSET parameter, and a seq column's largest value.
LARGEST_STORED_INTEGER = 2**31 - 1
# Leaves room for the days a message may be held (social sending) without leaving datetime's range.
EARLIEST, LATEST = datetime(1, 1, 2, tzinfo=UTC), LAST_MOMENT


class StrictBoolean(fields.Boolean):
    """A JSON boolean only: `"true"`, `1` and the like are type errors, as in a strict API."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictString(fields.String):
    """A JSON string only; numbers are not quietly turned into text."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictNumber(fields.Float):
    """A JSON number only: `"10"` and `true` are type errors."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictInteger(fields.Integer):
    """A JSON integer only: `"10"`, `1.5` and `true` are type errors."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class QueryInteger(fields.Integer):
    """An integer in a query string, within `[low, high]`: ASCII digits only, so `²`, `٣`,
    ` 1` and `1_000` are type errors rather than numbers or crashes further on."""

    def __init__(self, low: int, high: int, **kwargs: Any) -> None:
        super().__init__(validate=validate.Range(min=low, max=high), **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        if not isinstance(value, str) or not _QUERY_INTEGER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class UtcDateTime(fields.DateTime):
    """ISO 8601 in, aware UTC out; a time without an offset is taken as UTC, as the API asks."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        moment: datetime | None = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = as_utc(moment) if moment is not None else None
        except OverflowError:
            moment = None
        if moment is None or not EARLIEST <= moment <= LATEST:
            raise ValidationError("Must be a date and time between the years 0001 and 9998 in UTC.")
        return moment


class Timestamp(fields.DateTime):
    """Dump-only: a datetime as `2017-05-20T06:30:37.642Z`."""

    def _serialize(
        self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any
    ) -> str | None:
        return format_timestamp(value)


def validate_e164(value: str) -> None:
    """An E.164 number (`+` and up to 15 digits) that phonenumbers deems possible."""
    if not _E164.fullmatch(value):
        raise ValidationError("Not a valid E.164 number: expected + followed by up to 15 digits.")
    problem = _e164_problem(value)
    if problem is not None:
        raise ValidationError(problem)


@lru_cache(maxsize=4096)
def _e164_problem(value: str) -> str | None:
    # Applications send to the same few numbers over and over, and parsing one is slow.
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return "Not a valid E.164 number."
    if not phonenumbers.is_possible_number(number):
        return "Not a possible phone number."
    return None


def validate_timezone(value: str) -> None:
    """An IANA time zone name such as `Australia/Sydney`."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError("Not a known IANA time zone.") from None
