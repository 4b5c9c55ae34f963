"""Shapes of the Reporting API's scheduled reports (/v2-preview/reporting/.../scheduled): a
schedule (a cron expression in a time zone), the report it makes, and the stored report."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from emulator.domain.reporting import DIRECTIONS, MESSAGE_STATUSES, SUMMARY_GROUPS
from emulator.schemas.fields import QueryInteger, StrictString, validate_timezone
from emulator.schemas.report_answers import WithoutNulls
from emulator.schemas.reporting import (
    TRUE_OR_FALSE,
    Choice,
    DeliveryOptionSchema,
    choice_list,
    group_list,
    string_list,
)

REPORT_PERIODS = (
    "TODAY",
    "YESTERDAY",
    "THIS_WEEK",
    "LAST_WEEK",
    "THIS_MONTH",
    "LAST_MONTH",
    "LAST_30_DAYS",
    "LAST_7_DAYS",
    "THIS_WEEKDAYS",
    "LAST_WEEKDAYS",
)
MAX_LABEL = 200
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# A cron field of the six or seven (minutes, hours, day of month, month, day of week, year).
_CRON_FIELD = re.compile(r"[0-9A-Za-z*?/,#-]+")


def validate_cron(expression: str) -> None:
    """Six or seven fields, as the spec's `0 0 * * * ? *` (seconds are not scheduled)."""
    parts = expression.split()
    if len(parts) not in (6, 7) or not all(_CRON_FIELD.fullmatch(part) for part in parts):
        raise ValidationError("Must be a cron expression of six or seven fields: 0 0 * * * ? *.")


class ScheduleSchema(Schema):
    timezone = StrictString(required=True, validate=validate_timezone)
    cron_expression = StrictString(required=True, validate=validate_cron)
    type = Choice(("cron",), required=True)


def _metadata() -> fields.Dict:
    return fields.Dict(
        keys=StrictString(validate=validate.Length(min=1, max=100)),
        values=StrictString(validate=validate.Length(max=256)),
        validate=validate.Length(max=10),
    )


class ScheduledDetailRequestSchema(Schema):
    """The report a scheduled detail report makes, over a period before each run."""

    period = Choice(REPORT_PERIODS, required=True)
    timezone = StrictString(validate=validate_timezone)
    direction = Choice(DIRECTIONS)
    source = StrictString()
    destination = StrictString()
    metadata_key = StrictString(validate=validate.Length(min=1, max=100))
    metadata_value = StrictString()
    accounts = string_list()
    status = choice_list(MESSAGE_STATUSES)
    opt_out = Choice(TRUE_OR_FALSE)
    delivery_options = fields.List(fields.Nested(DeliveryOptionSchema))

    @validates_schema
    def _metadata_value_with_its_key(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "metadata_value" in data and "metadata_key" not in data:
            raise ValidationError("Required when metadata_value is given.", "metadata_key")


class ScheduledSummaryRequestSchema(ScheduledDetailRequestSchema):
    """The report a scheduled summary report makes: totals by up to two groups."""

    timezone = StrictString(required=True, validate=validate_timezone)
    group_by = group_list(SUMMARY_GROUPS)


def _label() -> StrictString:
    return StrictString(required=True, validate=validate.Length(min=1, max=MAX_LABEL))


class UpdateScheduledDetailSchema(Schema):
    """The body of PUT .../detail/scheduled/{scheduled_id}."""

    label = _label()
    schedule = fields.Nested(ScheduleSchema, required=True)
    report = fields.Nested(ScheduledDetailRequestSchema, required=True)


class ScheduledDetailSchema(UpdateScheduledDetailSchema):
    """The body of POST .../detail/scheduled."""

    metadata = _metadata()


class UpdateScheduledSummarySchema(Schema):
    """The body of PUT .../summary/scheduled/{scheduled_id}."""

    label = _label()
    schedule = fields.Nested(ScheduleSchema, required=True)
    report = fields.Nested(ScheduledSummaryRequestSchema, required=True)


class ScheduledSummarySchema(UpdateScheduledSummarySchema):
    """The body of POST .../summary/scheduled."""

    metadata = _metadata()


class ScheduledReportCreatedSchema(Schema):
    scheduled_report_id = fields.String()


class ScheduledReportSchema(WithoutNulls):
    """A stored scheduled report; `message_type` is its report's direction."""

    label = fields.String()
    schedule = fields.Nested(ScheduleSchema)
    report = fields.Nested(ScheduledSummaryRequestSchema)
    scheduled_report_id = fields.String(attribute="id")
    message_type = fields.Function(lambda report: report["report"].get("direction", "all"))
    report_type = fields.String(metadata={"enum": ["detail", "summary"]})
    metadata = fields.Dict(keys=fields.String(), values=fields.String())


class ScheduledReportPageSchema(WithoutNulls):
    page_token = fields.String()
    page_size = fields.Integer()
    data = fields.List(fields.Nested(ScheduledReportSchema))


class ScheduledReportsQuerySchema(Schema):
    """The query of GET .../scheduled."""

    page_size = QueryInteger(
        1,
        MAX_PAGE_SIZE,
        metadata={"description": f"1 to {MAX_PAGE_SIZE}; {DEFAULT_PAGE_SIZE} by default"},
    )
    page_token = fields.String(metadata={"description": "The previous answer's page_token"})
