"""Shapes of the Number Authorisation API: the blacklist's pages, numbers to add, and which
numbers an account may send to."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from emulator.errors import BadRequest
from emulator.schemas.fields import LARGEST_STORED_INTEGER, StrictString, validate_e164
from emulator.schemas.validation import INVALID_REQUEST

MAX_NUMBERS = 10
_TOKEN = re.compile(r"[0-9]{1,10}")


class InternationalNumber(StrictString):
    """A number in international (E.164) format, with its +."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate_e164, **kwargs)


def validate_token(token: str) -> None:
    """A token this API hands out: ASCII digits, no larger than an offset either store takes."""
    if not _TOKEN.fullmatch(token) or int(token) > LARGEST_STORED_INTEGER:
        raise ValidationError("Not a valid pagination token.")


class BlacklistQuerySchema(Schema):
    """Query parameters of GET /v1/number_authorisation/mt/blacklist."""

    token = fields.String(
        validate=validate_token,
        metadata={"description": "The `page` of the previous answer's `pagination`"},
    )


class PaginationSchema(Schema):
    """Where the next page starts; only when there is one."""

    page = fields.String(metadata={"description": "The pagination token of the next page"})
    next_uri = fields.String()


class BlacklistPageSchema(Schema):
    """Up to 100 numbers of the blacklist, oldest first."""

    uri = fields.String()
    numbers = fields.List(fields.String())
    pagination = fields.Nested(PaginationSchema)


class AddNumbersRequestSchema(Schema):
    """The body of POST /v1/number_authorisation/mt/blacklist: 1 to 10 numbers."""

    numbers = fields.List(
        InternationalNumber(),
        required=True,
        validate=validate.Length(min=1, max=MAX_NUMBERS),
    )


class AddNumbersResponseSchema(Schema):
    """The numbers asked for, each once, all on the blacklist now."""

    uri = fields.String(required=True)
    numbers = fields.List(fields.String(), required=True)


class AuthorisationSchema(Schema):
    number = fields.String(required=True)
    authorised = fields.Boolean(required=True)


class AuthorisationsSchema(Schema):
    """For each number, whether the account may send to it (it is not on the blacklist)."""

    uri = fields.String(required=True)
    numbers = fields.List(fields.Nested(AuthorisationSchema), required=True)


def number_or_reject(number: str) -> str:
    """The number of a path, or BadRequest when it is not international."""
    try:
        validate_e164(number)
    except ValidationError as error:
        raise BadRequest(INVALID_REQUEST, [f"number: {error.messages[0]}"]) from None
    return number


def numbers_or_reject(numbers: str) -> list[str]:
    """The comma-separated numbers of a path, 1 to 10 of them, or BadRequest naming each
    problem."""
    given = numbers.split(",")
    if len(given) > MAX_NUMBERS:
        detail = f"numbers: At most {MAX_NUMBERS} numbers, not {len(given)}."
        raise BadRequest(INVALID_REQUEST, [detail])
    details = []
    for index, number in enumerate(given):
        try:
            validate_e164(number)
        except ValidationError as error:
            details.append(f"numbers[{index}]: {error.messages[0]}")
    if details:
        raise BadRequest(INVALID_REQUEST, details)
    return given
