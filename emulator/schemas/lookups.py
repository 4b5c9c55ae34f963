"""Shapes of GET /v1/lookups/phone/{phone_number}: its `options` and its answer, after the
Lookups API's documentation and the official SDK's model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields

from emulator.domain.lookups import NUMBER_TYPES, OPTIONS


class LookupOptions(fields.Field[list[str]]):
    """`carrier`, `type` or both, comma-separated (`carrier,type`), in any case, spaces around
    a name ignored; empty is none. Given more than once, every value counts."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[str]:
        values = value if isinstance(value, list) else [value]
        names = [
            name.strip().lower() for text in values for name in str(text).split(",") if name.strip()
        ]
        unknown = sorted({name for name in names if name not in OPTIONS})
        if unknown:
            raise ValidationError(
                f"Unknown option {', '.join(unknown)}: options are carrier and type,"
                " comma-separated."
            )
        return sorted(set(names))


class LookupQuerySchema(Schema):
    """The query: `options`, none by default."""

    options = LookupOptions(
        load_default=list,
        metadata={
            "type": "string",
            "description": "carrier, type or carrier,type",
            "example": "carrier,type",
        },
    )


class CarrierSchema(Schema):
    """The carrier, where one is known: `{}` otherwise."""

    name = fields.String(metadata={"description": "The carrier's name"})


class LookupSchema(Schema):
    """A number looked up: `type` and `carrier` only when the options ask for them."""

    country_code = fields.String(metadata={"description": "ISO 3166 alpha-2"})
    phone_number = fields.String(metadata={"description": "E.164"})
    type = fields.String(metadata={"enum": list(NUMBER_TYPES)})
    carrier = fields.Nested(CarrierSchema)
