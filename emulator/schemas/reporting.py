"""Requests of the Reporting API (/v2-preview/reporting/messages/...): the window and filters of
a detail, summary or metadata-key report, checked field by field, and the async report history's
query."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emulator.domain.report_records import REPORT_STATUSES
from emulator.domain.reporting import (
    ALL,
    ASCENDING,
    CHANNELS,
    DESCENDING,
    DIRECTIONS,
    FORMATS,
    INSIGHT_GROUPS,
    MAX_GROUPS,
    MESSAGE_STATUSES,
    SORT_FIELDS,
    SUMMARY_GROUPS,
)
from emulator.schemas.fields import (
    EARLIEST,
    LATEST,
    QueryInteger,
    StrictInteger,
    StrictString,
    validate_timezone,
)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_HISTORY_PAGE_SIZE = 100
DEFAULT_HISTORY_PAGE_SIZE = 10
MAX_REPORT_NAME = 200
TRUE_OR_FALSE = ("true", "false")


class ReportDateTime(fields.DateTime):
    """ISO 8601, with or without an offset (`z` or `Z` for UTC); without one it is a local time
    of the request's time zone, resolved by the service."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> datetime:
        if not isinstance(value, str):
            raise ValidationError("Not a valid string.")
        text = value
        if text[-1:] == "z":
            text = text[:-1] + "Z"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError("Not an ISO 8601 date and time.") from None
        naive = moment.replace(tzinfo=None)
        if not EARLIEST.replace(tzinfo=None) <= naive <= LATEST.replace(tzinfo=None):
            raise ValidationError("Must be a date and time between the years 0001 and 9998.")
        return moment


class Choice(StrictString):
    """One of `choices`, in any letter case; loaded as the choice's own spelling."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self._by_folded = {choice.casefold(): choice for choice in choices}

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        choice = self._by_folded.get(text.casefold())
        if choice is None:
            raise ValidationError(f"Must be one of: {', '.join(self.choices)}.")
        return choice


def string_list(**kwargs: Any) -> fields.List[Any]:
    return fields.List(StrictString(), **kwargs)


def choice_list(choices: tuple[str, ...], **kwargs: Any) -> fields.List[Any]:
    return fields.List(Choice(choices), **kwargs)


def _page(**kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=0), **kwargs)


def _page_size() -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class DeliveryOptionSchema(Schema):
    """Where a report is sent once made: kept with the report; the emulator sends no email."""

    delivery_type = Choice(("EMAIL",))
    delivery_addresses = fields.List(StrictString(validate=validate.Email()))
    delivery_format = Choice(("CSV",))


class WindowSchema(Schema):
    """The window every report request gives, and the checks between its fields."""

    start_date = ReportDateTime(required=True)
    end_date = ReportDateTime(required=True)
    timezone = StrictString(validate=validate_timezone)
    direction = Choice(DIRECTIONS)
    accounts = string_list()

    @validates_schema
    def _end_after_start(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start is None or end is None:
            return
        if (start.tzinfo is None) != (end.tzinfo is None):
            start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        if end <= start:
            raise ValidationError("Must be after start_date.", "end_date")


class FilterSchema(WindowSchema):
    """The filters of detail and summary reports."""

    source = StrictString()
    sources = string_list()
    destination = StrictString()
    destinations = string_list()
    addresses = string_list()
    metadata_key = StrictString(validate=validate.Length(min=1, max=100))
    metadata_value = StrictString()
    metadata_values = string_list()
    status = choice_list(MESSAGE_STATUSES)
    opt_out = Choice(TRUE_OR_FALSE)

    @validates_schema
    def _metadata_with_its_key(self, data: dict[str, Any], **kwargs: Any) -> None:
        for name in ("metadata_value", "metadata_values"):
            if name in data and "metadata_key" not in data:
                raise ValidationError(f"Required when {name} is given.", "metadata_key")
        if "metadata_value" in data and "metadata_values" in data:
            raise ValidationError("Cannot be given with metadata_value.", "metadata_values")

    @validates_schema
    def _addresses_alone(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "addresses" not in data:
            return
        if data.get("direction", ALL) != ALL:
            raise ValidationError("Only with direction all.", "addresses")
        given = [n for n in ("source", "sources", "destination", "destinations") if n in data]
        if given:
            raise ValidationError(f"Cannot be given with {', '.join(given)}.", "addresses")


class DetailRequestSchema(FilterSchema):
    """The body of POST .../messages/detail: a page of the messages, sorted."""

    mms_media = Choice(TRUE_OR_FALSE)
    message_format = choice_list(FORMATS)
    channels = choice_list(CHANNELS)
    page = _page()
    page_size = _page_size()
    sort_by = Choice(SORT_FIELDS)
    sort_direction = Choice((ASCENDING, DESCENDING))


def group_list(choices: tuple[str, ...]) -> fields.List[Any]:
    return choice_list(choices, validate=validate.Length(max=MAX_GROUPS))


class _GroupsNeedTheirKey(Schema):
    @validates_schema
    def _metadata_value_needs_key(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "METADATA_VALUE" in data.get("group_by", []) and "metadata_key" not in data:
            raise ValidationError("METADATA_VALUE needs metadata_key.", "group_by")


class InsightsRequestSchema(FilterSchema, _GroupsNeedTheirKey):
    """The body of POST .../messages/insights: totals, grouped by up to two fields."""

    timezone = StrictString(required=True, validate=validate_timezone)
    channels = choice_list(CHANNELS)
    group_by = group_list(INSIGHT_GROUPS)


class _Named(Schema):
    """What the emulator adds to an async request: the name its history shows."""

    report_name = StrictString(validate=validate.Length(min=1, max=MAX_REPORT_NAME))
    delivery_options = fields.List(fields.Nested(DeliveryOptionSchema))


class FieldSchema(Schema):
    name = StrictString(required=True, validate=validate.Length(min=1))
    display_name = StrictString(required=True, validate=validate.Length(min=1))


class AsyncDetailRequestSchema(FilterSchema, _Named):
    """The body of POST .../messages/async/detail: a detail report made as a CSV file."""

    message_format = choice_list(FORMATS)
    # `fields` is the name of a schema's own fields.
    columns = fields.List(
        fields.Nested(FieldSchema), data_key="fields", validate=validate.Length(min=1)
    )


class AsyncSummaryRequestSchema(FilterSchema, _Named, _GroupsNeedTheirKey):
    """The body of POST .../messages/async/summary: a summary report made as a CSV file."""

    group_by = group_list(SUMMARY_GROUPS)


class MetadataKeysRequestSchema(WindowSchema):
    """The body of POST .../messages/metakeys and .../async/detail/fields."""

    page = _page()
    page_size = _page_size()


class ReportHistoryQuerySchema(Schema):
    """The query of GET .../messages/async/reports."""

    page_size = QueryInteger(
        1,
        MAX_HISTORY_PAGE_SIZE,
        metadata={"description": f"1 to {MAX_HISTORY_PAGE_SIZE}; {DEFAULT_HISTORY_PAGE_SIZE}"},
    )
    page_token = fields.String(metadata={"description": "The previous answer's next_page_token"})
    report_name = fields.String(metadata={"description": "Part of the name, in any case"})
    status = fields.List(Choice(REPORT_STATUSES))
    start_date = ReportDateTime(metadata={"description": "Requested at or after (UTC)"})
    end_date = ReportDateTime(metadata={"description": "Requested at or before (UTC)"})
    sort_direction = Choice((ASCENDING, DESCENDING))


class ReportIdQuerySchema(Schema):
    """The query of GET .../messages/async/status."""

    report_id = fields.String(required=True)
