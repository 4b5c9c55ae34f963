"""Shapes of the dedicated numbers API: the lists' queries, a pool number, an assignment and
the bodies that create and change one, after the official spec's schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from emulator.domain.dedicated_numbers import (
    CAPABILITIES,
    CLASSIFICATIONS,
    NUMBER_TYPES,
    NumberFilter,
)
from emulator.schemas.fields import QueryInteger, StrictString, Timestamp
from emulator.schemas.messages import MAX_METADATA_PAIRS
from emulator.schemas.requests import NullMeansAbsentSchema

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_LABEL_LENGTH = 100
SORT_BY = (
    "ACCOUNT",
    "ACTION",
    "DESTINATION_ADDRESS",
    "DESTINATION_ADDRESS_COUNTRY",
    "FORMAT",
    "SOURCE_ADDRESS",
    "SOURCE_ADDRESS_COUNTRY",
    "TIMESTAMP",
)
SORT_DIRECTIONS = ("ASCENDING", "DESCENDING")


class CommaSeparated(fields.Field[tuple[str, ...]]):
    """Names from `choices`, comma-separated (`SMS,MMS`), in any case; given more than once
    (`?service_types=SMS&service_types=MMS`), every value counts."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> tuple[str, ...]:
        values = value if isinstance(value, list) else [value]
        names = [
            name.strip().upper() for text in values for name in str(text).split(",") if name.strip()
        ]
        unknown = sorted({name for name in names if name not in self.choices})
        if unknown:
            raise ValidationError(
                f"Unknown {', '.join(unknown)}: expected any of {', '.join(self.choices)},"
                " comma-separated."
            )
        return tuple(dict.fromkeys(names))


def _upper_choice(choices: tuple[str, ...], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(choices), **kwargs)


def page_size_field(default: int) -> QueryInteger:
    return QueryInteger(
        1,
        MAX_PAGE_SIZE,
        load_default=default,
        metadata={"description": f"Results per page, 1 to {MAX_PAGE_SIZE}; {default} by default"},
    )


class _NumberQuerySchema(Schema):
    """What both lists of numbers filter on."""

    country = fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2}$", error="Not an ISO 3166 alpha-2 country code."),
        metadata={"description": "ISO 3166 alpha-2, in any case", "example": "AU"},
    )
    matching = fields.String(
        validate=validate.Regexp(r"^[0-9]{1,15}$", error="Expected 1 to 15 digits."),
        metadata={"description": "Digits the number contains", "example": "570"},
    )
    service_types = CommaSeparated(
        CAPABILITIES,
        metadata={"type": "string", "description": "Capabilities the number must all have"},
    )
    token = fields.String(
        metadata={"description": "The `next_token` of the previous page's `pagination`"}
    )


class AvailableNumbersQuerySchema(_NumberQuerySchema):
    """The query of GET /v1/messaging/numbers/dedicated/."""

    page_size = page_size_field(DEFAULT_PAGE_SIZE)


class AssignedNumbersQuerySchema(_NumberQuerySchema):
    """The query of GET /v1/messaging/numbers/dedicated/assignments; `types` wins over `type`."""

    page_size = page_size_field(DEFAULT_PAGE_SIZE)
    number_id = fields.String(metadata={"description": "The pool number's ID"})
    type = _upper_choice(NUMBER_TYPES)
    types = CommaSeparated(NUMBER_TYPES, metadata={"type": "string"})
    classification = _upper_choice(CLASSIFICATIONS)
    label = fields.String(metadata={"description": "Part of the label, in any case"})
    sort_by = _upper_choice(SORT_BY)
    sort_direction = _upper_choice(SORT_DIRECTIONS)


def number_filter(query: dict[str, Any]) -> NumberFilter:
    """The filter a loaded query of either list describes."""
    types = query.get("types") or ((query["type"],) if "type" in query else ())
    return NumberFilter(
        country=query["country"].upper() if "country" in query else None,
        matching=query.get("matching"),
        service_types=query.get("service_types", ()),
        types=types,
        classification=query.get("classification"),
    )


class DedicatedNumberSchema(Schema):
    """A pool number (the spec's DedicatedNumber)."""

    id = fields.String()
    phone_number = fields.String()
    country = fields.String()
    type = fields.String(metadata={"enum": list(NUMBER_TYPES)})
    classification = fields.String(metadata={"enum": list(CLASSIFICATIONS)})
    available_after = Timestamp()
    capabilities = fields.List(fields.String(metadata={"enum": list(CAPABILITIES)}))


class TokenPaginationSchema(Schema):
    """The page's size and, when there is a next page, its token."""

    page_size = fields.Integer()
    next_token = fields.String()


class NumbersListSchema(Schema):
    data = fields.List(fields.Nested(DedicatedNumberSchema))
    pagination = fields.Nested(TokenPaginationSchema)


class AssignmentSchema(Schema):
    """A number's assignment to the account: its label and metadata."""

    id = fields.String()
    number_id = fields.String()
    label = fields.String()
    metadata = fields.Dict(keys=fields.String(), values=fields.String())


class AssignedNumberSchema(Schema):
    assignment = fields.Nested(AssignmentSchema)
    number = fields.Nested(DedicatedNumberSchema)


class AssignedNumbersListSchema(Schema):
    data = fields.List(fields.Nested(AssignedNumberSchema))
    pagination = fields.Nested(TokenPaginationSchema)


def _metadata_field(**kwargs: Any) -> fields.Dict:
    return fields.Dict(
        keys=StrictString(validate=validate.Length(min=1, max=100)),
        values=StrictString(validate=validate.Length(max=256)),
        validate=validate.Length(
            max=MAX_METADATA_PAIRS, error="At most {max} metadata pairs are allowed."
        ),
        **kwargs,
    )


class AssignmentRequestSchema(NullMeansAbsentSchema):
    """The body of POST .../assignment: a label and metadata, both optional."""

    label = StrictString(validate=validate.Length(max=MAX_LABEL_LENGTH))
    metadata = _metadata_field(load_default=dict)


class AssignmentChangesSchema(NullMeansAbsentSchema):
    """The body of PATCH .../assignment: what is given replaces what the assignment had."""

    label = StrictString(validate=validate.Length(max=MAX_LABEL_LENGTH))
    metadata = _metadata_field()
