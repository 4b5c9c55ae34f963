"""The queries of the web inbox's pages: a paged list's page, the Numbers page's account and
digits, and the Reports page's account and window of days."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from emulator.domain.retention import RETENTION_PERIOD
from emulator.schemas.fields import QueryInteger

# A page number the inbox's links never go near, and small enough that its offset fits a store.
LARGEST_INBOX_PAGE = 10**6
# The Reports page's longest window: the messages the emulator keeps.
LONGEST_REPORT_DAYS = RETENTION_PERIOD.days
# Days whose window, and the week around it, the API's dates can hold.
EARLIEST_DAY, LATEST_DAY = date(1, 1, 8), date(9998, 12, 24)


class InboxPageQuerySchema(Schema):
    """`?page=` (from 1) of the handsets and webhooks pages; their other parameters are filters."""

    class Meta:
        unknown = EXCLUDE

    page = QueryInteger(1, LARGEST_INBOX_PAGE, load_default=1)


class NumbersPageQuerySchema(Schema):
    """The Numbers page's `?account=` (the first account when absent) and `?matching=`, digits
    the pool's numbers shown contain, as GET /v1/messaging/numbers/dedicated/ filters them."""

    class Meta:
        unknown = EXCLUDE

    account = fields.String(validate=validate.Length(max=100))
    matching = fields.String(
        validate=validate.Regexp(r"^[0-9]{0,15}$", error="Expected up to 15 digits."),
        load_default="",
    )


class ReportsPageQuerySchema(Schema):
    """The Reports page's `?account=` and its window of days, `?from=` to `?to=` (both
    included, YYYY-MM-DD in the account's time zone; the last 7 days when absent)."""

    class Meta:
        unknown = EXCLUDE

    account = fields.String(validate=validate.Length(max=100))
    first = fields.Date(data_key="from", validate=validate.Range(EARLIEST_DAY, LATEST_DAY))
    last = fields.Date(data_key="to", validate=validate.Range(EARLIEST_DAY, LATEST_DAY))

    @validates_schema
    def _a_window(self, data: dict[str, Any], **kwargs: Any) -> None:
        first: date | None = data.get("first")
        last: date | None = data.get("last")
        if first is None or last is None:
            return
        if last < first:
            raise ValidationError("Must not be before from.", "to")
        if (last - first).days >= LONGEST_REPORT_DAYS:
            raise ValidationError(
                f"The window is at most {LONGEST_REPORT_DAYS} days: the emulator keeps messages"
                f" {LONGEST_REPORT_DAYS} days.",
                "to",
            )
