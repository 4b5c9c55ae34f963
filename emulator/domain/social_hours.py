"""Social sending: messages go out only between 08:00 and 18:00 in the account's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

OPENS, CLOSES = time(8), time(18)


def next_social_start(moment: datetime, timezone: str) -> datetime | None:
    """None when `moment` is within social hours, else the next 08:00 there (as UTC)."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    if OPENS <= local.time() < CLOSES:
        return None
    day = local.date() if local.time() < OPENS else local.date() + timedelta(days=1)
    return datetime.combine(day, OPENS, tzinfo=zone).astimezone(UTC)
