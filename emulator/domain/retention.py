"""How long the API shows an entity: the reference says 45 days."""

from __future__ import annotations

from datetime import datetime, timedelta

RETENTION_PERIOD = timedelta(days=45)


def retention_cutoff(now: datetime) -> datetime:
    """Entities created at or before this moment are gone from the API."""
    return now - RETENTION_PERIOD
