"""Request and response shapes of /v1/iam/signature_keys, with the spec's error bodies:
`{"message": "Bad Request", "details": ["/cipher: [RA] is invalid"]}` for a body field,
`["key_id property value is invalid"]` for a path or query value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from emulator.domain.ids import normalise_id
from emulator.domain.signing import CIPHERS, DIGESTS
from emulator.errors import BadRequest
from emulator.schemas.fields import LARGEST_STORED_INTEGER, QueryInteger, Timestamp
from emulator.schemas.validation import bounded

BAD_REQUEST = "Bad Request"
MAX_PAGE_SIZE = 100


class Choice(fields.String):
    """One of `choices`; anything else is `[value] is invalid`, null `<Label> cannot be null`."""

    def __init__(self, choices: tuple[str, ...], label: str) -> None:
        missing = f"{label} cannot be null"
        super().__init__(
            required=True,
            error_messages={"required": missing, "null": missing},
            metadata={"enum": list(choices)} if choices else {},
        )
        self.choices = choices

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValidationError(f"[{value}] is invalid")
        return value


class KeyId(Choice):
    """A key ID: a UUID in any case, loaded in its canonical form."""

    def __init__(self) -> None:
        super().__init__((), "Key id")

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        canonical = normalise_id(value) if isinstance(value, str) else None
        if canonical is None:
            raise ValidationError(f"[{value}] is invalid")
        return canonical


class CreateSignatureKeyRequestSchema(Schema):
    """The body of POST /v1/iam/signature_keys."""

    digest = Choice(tuple(DIGESTS), "Digest")
    cipher = Choice(CIPHERS, "Cipher")


class EnableSignatureKeyRequestSchema(Schema):
    """The body of PATCH /v1/iam/signature_keys/enabled."""

    key_id = KeyId()


class SignatureKeyPageQuerySchema(Schema):
    """The query of GET /v1/iam/signature_keys; other parameters are ignored."""

    class Meta:
        unknown = EXCLUDE

    page = QueryInteger(0, LARGEST_STORED_INTEGER // MAX_PAGE_SIZE, load_default=0)
    page_size = QueryInteger(1, MAX_PAGE_SIZE, load_default=MAX_PAGE_SIZE)


class SignatureKeySchema(Schema):
    """A key as every answer but its creation shows it: without the public key."""

    key_id = fields.String(attribute="id")
    cipher = fields.String()
    digest = fields.String()
    created = Timestamp(attribute="created_at")
    enabled = fields.Boolean()


class CreatedSignatureKeySchema(Schema):
    """The 201 body of POST /v1/iam/signature_keys, with the public key to verify callbacks."""

    key_id = fields.String(attribute="id")
    public_key = fields.String()
    cipher = fields.String()
    digest = fields.String()
    created = Timestamp(attribute="created_at")
    enabled = fields.Boolean()


def load_body(schema: Schema, data: object) -> dict[str, Any]:
    """The validated body, or the API's 400 with a `/field: problem` detail per problem."""
    if not isinstance(data, dict):
        raise BadRequest(BAD_REQUEST, ["The request body must be a JSON object."])
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as error:
        assert isinstance(error.messages, dict)
        details = [
            f"/{name}: {problem}"
            for name, problems in error.messages.items()
            for problem in problems
        ]
        raise BadRequest(BAD_REQUEST, bounded(details)) from None
    return loaded


def key_id_or_reject(value: str) -> str:
    """A key ID from the path in its canonical form, or the API's 400."""
    canonical = normalise_id(value)
    if canonical is None:
        raise BadRequest(BAD_REQUEST, ["key_id property value is invalid"])
    return canonical


def page_or_reject(args: dict[str, str]) -> tuple[int, int]:
    """`page` (from 0) and `page_size` (1 to 100) of the query, each defaulted when left out."""
    try:
        query = _page_query.load(args)
    except ValidationError as error:
        names = sorted(error.messages, key=list(_page_query.fields).index)
        details = [f"{name} property value is invalid" for name in names]
        raise BadRequest(BAD_REQUEST, details) from None
    return query["page"], query["page_size"]


_page_query = SignatureKeyPageQuerySchema()
