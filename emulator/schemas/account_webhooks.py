"""Request and response shapes of /v1/webhooks/messages, after the spec's `CreateWebhookrequest`,
`UpdateWebhookrequest` and the fields its descriptions and examples give."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    missing,
    validate,
    validates,
    validates_schema,
)

from emulator.domain.account_webhook_events import CONTENT_TYPES, EVENTS, METHODS
from emulator.domain.velocity import template_problem
from emulator.schemas.fields import LARGEST_STORED_INTEGER, QueryInteger, StrictString
from emulator.schemas.messages import MAX_URL_LENGTH
from emulator.schemas.requests import NullMeansAbsentSchema

MAX_TEMPLATE_LENGTH = 20_000
MAX_HEADERS = 20
DEFAULT_READ_TIMEOUT, MAX_READ_TIMEOUT = 20_000, 60_000
DEFAULT_RETRIES, MAX_RETRIES = 3, 10
DEFAULT_RETRY_DELAY, MIN_RETRY_DELAY, MAX_RETRY_DELAY = 30, 5, 60
MAX_PAGE_SIZE = 100
REQUIRED = ("url", "method", "encoding", "events", "template")

# RFC 9110: a header name is a token; a value is visible ASCII, spaces and tabs.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]{0,2000}")
# Headers about the connection or the message's framing rather than its content (RFC 9110 7.6.1
# and 6): the emulator's HTTP client sets them; sent as a webhook gives them, they would make a
# request whose body the receiver reads wrongly, or one addressed to another host.
TRANSPORT_HEADERS = frozenset(
    {
        "connection",
        "content-length",
        "expect",
        "host",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


class StrictInteger(fields.Integer):
    """A JSON integer only: `"5"`, `5.5` and `true` are type errors."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _choice(choices: tuple[str, ...] | dict[str, str], **kwargs: Any) -> StrictString:
    return StrictString(validate=validate.OneOf(list(choices)), **kwargs)


def _number(low: int, high: int, default: int) -> StrictInteger:
    return StrictInteger(load_default=default, validate=validate.Range(min=low, max=high))


class _WebhookFields(NullMeansAbsentSchema):
    """The fields a webhook is made of, each validated as the spec describes it; an optional
    one given as null is left out."""

    url = fields.Url(
        schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=MAX_URL_LENGTH)
    )
    method = _choice(METHODS)
    encoding = _choice(CONTENT_TYPES)
    headers = fields.Dict(keys=StrictString(), values=StrictString())
    events = fields.List(
        _choice(EVENTS), validate=validate.Length(min=1, error="At least one event is required.")
    )
    template = StrictString(validate=validate.Length(max=MAX_TEMPLATE_LENGTH))
    read_timeout = _number(1, MAX_READ_TIMEOUT, DEFAULT_READ_TIMEOUT)
    retries = _number(0, MAX_RETRIES, DEFAULT_RETRIES)
    retry_delay = _number(MIN_RETRY_DELAY, MAX_RETRY_DELAY, DEFAULT_RETRY_DELAY)

    @validates("headers")
    def _headers(self, headers: dict[str, str] | None, **kwargs: Any) -> None:
        problems = []
        for name, value in (headers or {}).items():
            if name.lower() == "content-type":
                problems.append("Content-Type may not be set: the encoding sets it.")
            elif name.lower() in TRANSPORT_HEADERS:
                problems.append(
                    f"{name} may not be set: it belongs to the connection, which the emulator"
                    " makes."
                )
            elif not _HEADER_NAME.fullmatch(name):
                problems.append(f"{name!r} is not a header name.")
            elif not _HEADER_VALUE.fullmatch(value):
                problems.append(f"The value of {name} must be printable ASCII, 2000 at most.")
        if len(headers or {}) > MAX_HEADERS:
            problems.append(f"At most {MAX_HEADERS} headers are allowed.")
        if problems:
            raise ValidationError(problems)

    @validates("events")
    def _events_once(self, events: list[str] | None, **kwargs: Any) -> None:
        if events is None:
            return
        repeated = sorted({event for event in events if events.count(event) > 1})
        if repeated:
            raise ValidationError(f"Listed more than once: {', '.join(repeated)}.")

    @validates("template")
    def _template_parses(self, template: str | None, **kwargs: Any) -> None:
        problem = template_problem(template) if template is not None else None
        if problem:
            raise ValidationError(f"Not a valid Velocity template: {' '.join(problem.split())}")


class CreateWebhookRequestSchema(_WebhookFields):
    """The body of POST /v1/webhooks/messages. `headers` may be left out or null (none), and
    `read_timeout`, `retries` and `retry_delay` take their defaults."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        field_obj.required = field_name in REQUIRED


class UpdateWebhookRequestSchema(_WebhookFields):
    """The body of PATCH /v1/webhooks/messages/{webhookId}: any of the fields; one left out or
    null keeps its value (the official SDK sends null for every field it was not given)."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        field_obj.load_default = missing


class AccountWebhookSchema(Schema):
    """A webhook as the API shows it (the spec's example's order)."""

    url = fields.String()
    method = fields.String()
    id = fields.String()
    encoding = fields.String()
    events = fields.List(fields.String())
    headers = fields.Dict()
    template = fields.String()
    read_timeout = fields.Integer()
    retries = fields.Integer()
    retry_delay = fields.Integer()


class WebhookPageSchema(Schema):
    """GET /v1/webhooks/messages: one page of the account's webhooks, oldest first."""

    page = fields.Integer()
    pageSize = fields.Integer()
    pageData = fields.List(fields.Nested(AccountWebhookSchema))


class WebhookPageQuerySchema(Schema):
    """`page` (from 0) and `pageSize` (the official SDK's name) or `page_size` (the spec's)."""

    page = QueryInteger(0, LARGEST_STORED_INTEGER // MAX_PAGE_SIZE, load_default=0)
    pageSize = QueryInteger(1, MAX_PAGE_SIZE)
    page_size = QueryInteger(1, MAX_PAGE_SIZE)

    @validates_schema
    def _one_size(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "pageSize" in data and "page_size" in data:
            raise ValidationError("Give pageSize or page_size, not both.", "pageSize")
