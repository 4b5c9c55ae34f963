"""The one timestamp format of responses: ISO 8601 UTC with milliseconds and `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def format_timestamp(moment: datetime | None) -> str | None:
    """`2017-05-20T06:30:37.642Z` for an aware or naive-UTC datetime; None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    # By hand: strftime's %Y does not pad years below 1000 to four digits on every platform.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}Z"
    )


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
