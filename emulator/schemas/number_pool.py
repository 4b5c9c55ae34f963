"""Shape of dedicated_numbers.yaml, the fixture file of the dedicated number pool, strictly
typed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emulator.domain.dedicated_numbers import CAPABILITIES, CLASSIFICATIONS, NUMBER_TYPES
from emulator.schemas.fields import StrictString, UtcDateTime, validate_e164

_SHORT_CODE = re.compile(r"[0-9]{3,8}")


class _Entry(Schema):
    """A mapping of the file; unknown keys are refused."""

    error_messages = {"type": "Not a valid mapping type."}


class PoolPhoneNumber(StrictString):
    """An E.164 number, or 3 to 8 digits for a short code; YAML reads a number as an integer
    unless it is quoted."""

    default_error_messages = {"invalid": 'Not a valid string: quote it, as in "+61491570201".'}

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _SHORT_CODE.fullmatch(text):
            validate_e164(text)
        return text


class FixtureTime(UtcDateTime):
    """An ISO 8601 time, which YAML may have read as a datetime already (naive: UTC)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> datetime:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return super()._deserialize(value, attr, data, **kwargs)


class PoolNumberSchema(_Entry):
    phone_number = PoolPhoneNumber(required=True)
    country = StrictString(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    type = StrictString(required=True, validate=validate.OneOf(NUMBER_TYPES))
    classification = StrictString(required=True, validate=validate.OneOf(CLASSIFICATIONS))
    capabilities = fields.List(
        StrictString(validate=validate.OneOf(CAPABILITIES)),
        required=True,
        validate=validate.Length(min=1),
    )
    available_after = FixtureTime(load_default=datetime(2000, 1, 1, tzinfo=UTC))


class NumberPoolFileSchema(_Entry):
    """dedicated_numbers.yaml: the pool, each number listed once."""

    numbers = fields.List(fields.Nested(PoolNumberSchema), load_default=list, allow_none=True)

    @validates_schema
    def _numbers_listed_once(self, data: dict[str, Any], **kwargs: Any) -> None:
        seen: dict[str, int] = {}
        errors: dict[int, Any] = {}
        for index, entry in enumerate(data["numbers"] or []):
            number = entry["phone_number"]
            if number in seen:
                errors[index] = {
                    "phone_number": [
                        f'Duplicate number "{number}" (first at numbers[{seen[number]}]).'
                    ]
                }
            seen.setdefault(number, index)
        if errors:
            raise ValidationError({"numbers": errors})
