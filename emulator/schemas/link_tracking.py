"""Shapes of the short trackable links reports (/v1/reporting/links/summary and .../detail)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

MAX_PAGE_SIZE = 100


class WholeNumber(fields.Float):
    """A number without a fraction (`2` or `2.0`): the spec gives pages as numbers."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> int:
        number = super()._deserialize(value, attr, data, **kwargs)
        if not math.isfinite(number) or not number.is_integer():
            raise ValidationError("Must be a whole number.")
        return int(number)


def _page() -> WholeNumber:
    return WholeNumber(validate=validate.Range(min=1), metadata={"description": "From 1"})


def _page_size() -> WholeNumber:
    return WholeNumber(
        data_key="pageSize",
        validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
        metadata={"description": f"1 to {MAX_PAGE_SIZE}; {MAX_PAGE_SIZE} by default"},
    )


class LinkSummaryQuerySchema(Schema):
    """The query of GET /v1/reporting/links/summary: links of messages with the metadata key
    (and value), of the long URL, to the recipient."""

    key = fields.String(validate=validate.Length(min=1))
    value = fields.String()
    url = fields.String()
    recipient = fields.String()
    page = _page()
    page_size = _page_size()

    @validates_schema
    def _value_with_its_key(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "value" in data and "key" not in data:
            raise ValidationError("Required when value is given.", "key")


class LinkDetailQuerySchema(Schema):
    """The query of GET /v1/reporting/links/detail: one short URL by its code."""

    hash = fields.String(required=True, validate=validate.Length(min=1))
    page = _page()
    page_size = _page_size()


class LinkPaginationSchema(Schema):
    page = fields.Integer()
    page_size = fields.Integer()
    page_count = fields.Integer()


class ShortUrlSchema(Schema):
    click_count = fields.Integer()
    view_count = fields.Integer()
    message_id = fields.String()
    long_url = fields.String()
    short_url = fields.String()
    destination_number = fields.String()


class LinkSummarySchema(Schema):
    total_clicks = fields.Integer()
    unique_clicks = fields.Integer()
    total_views = fields.Integer()
    unique_views = fields.Integer()
    short_urls_generated = fields.Integer()
    short_urls = fields.List(fields.Nested(ShortUrlSchema))
    pagination = fields.Nested(LinkPaginationSchema)


class VisitSchema(Schema):
    """A click or a view of a short URL."""

    dt = fields.String()
    user_agent = fields.String()
    ip = fields.String()


class LinkDetailSchema(Schema):
    message_id = fields.String()
    long_url = fields.String()
    short_url = fields.String()
    destination_number = fields.String()
    click_count = fields.Integer()
    view_count = fields.Integer()
    clicks = fields.List(fields.Nested(VisitSchema))
    views = fields.List(fields.Nested(VisitSchema))
    pagination = fields.Nested(LinkPaginationSchema)
