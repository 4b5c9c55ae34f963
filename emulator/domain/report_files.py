"""The files of asynchronous reports: a detail report as CSV with the columns asked for, a summary
report as CSV with a row per group (or sub-group) and the totals last."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from emulator.domain.reporting import ReportedMessage, country_of
from emulator.timestamps import format_timestamp


def _text(value: object) -> str:
    return "" if value is None else str(value)


# The columns a detail report's file may have, by the name `fields` gives; a metadata key the
# messages carry is a column too.
DETAIL_COLUMNS: dict[str, Callable[[ReportedMessage], str]] = {
    "message_id": lambda m: m.message_id,
    "account_id": lambda m: m.account_id,
    "timestamp": lambda m: _text(format_timestamp(m.timestamp)),
    "direction": lambda m: m.direction,
    "format": lambda m: m.format,
    "status": lambda m: m.status,
    "status_code": lambda m: _text(m.status_code),
    "status_description": lambda m: _text(m.status_description),
    "source_address": lambda m: _text(m.source),
    "source_address_country": lambda m: country_of(m.source),
    "destination_address": lambda m: _text(m.destination),
    "destination_address_country": lambda m: country_of(m.destination),
    "content": lambda m: m.content,
    "units": lambda m: str(m.units),
    "delivered_timestamp": lambda m: _text(format_timestamp(m.delivered_at)),
    "last_status_update": lambda m: _text(format_timestamp(m.last_status_update)),
}
SUMMARY_COLUMNS = (
    "group",
    "sub_group",
    "total_sent",
    "total_received",
    "total_billing_units",
    "total_opt_out",
)
TOTAL_ROW = "TOTAL"


def detail_csv(messages: Iterable[ReportedMessage], columns: Sequence[tuple[str, str]]) -> str:
    """The messages as CSV: a header of each column's display name, then a row per message.
    `columns` are (field name, display name); a name that is no column of DETAIL_COLUMNS is a
    metadata key."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([display for _, display in columns])
    for message in messages:
        writer.writerow([_cell(message, name) for name, _ in columns])
    return out.getvalue()


def _cell(message: ReportedMessage, name: str) -> str:
    column = DETAIL_COLUMNS.get(name)
    return column(message) if column else message.metadata.get(name, "")


def summary_csv(summary: dict[str, Any]) -> str:
    """A summary (emulator.domain.reporting.summarise) as CSV: a row per group, or per
    sub-group when there are two levels, then the totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SUMMARY_COLUMNS)
    for group in summary["summaries"]:
        for sub_group in group.get("sub_group") or [None]:
            counts = sub_group or group
            writer.writerow(
                [group["group"], sub_group["group"] if sub_group else "", *_totals(counts)]
            )
    writer.writerow([TOTAL_ROW, "", *_totals(summary)])
    return out.getvalue()


def _totals(counts: dict[str, Any]) -> list[int]:
    return [counts[name] for name in SUMMARY_COLUMNS[2:]]
