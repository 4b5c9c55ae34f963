"""Timestamps as responses show them, and as the store reads them back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import bindparam, create_engine, select

from emulator.store.tables import UtcDateTime
from emulator.timestamps import format_timestamp

MOMENTS = [
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(2017, 5, 20, 6, 30, 37, 642000, tzinfo=UTC),
    datetime(2017, 5, 20, 6, 30, 37, 999999, tzinfo=UTC),
    datetime(2017, 5, 20, 6, 30, 37, 999, tzinfo=UTC),
    datetime(2017, 5, 20, 6, 30, 37, 1000, tzinfo=UTC),
    datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00.000Z"),
        (datetime(999, 1, 2, 3, 4, 5), "0999-01-02T03:04:05.000Z"),
        (datetime(2017, 5, 20, 6, 30, 37, 642999, tzinfo=UTC), "2017-05-20T06:30:37.642Z"),
        (datetime(2017, 5, 20, 6, 30, 37, 999, tzinfo=UTC), "2017-05-20T06:30:37.000Z"),
        (datetime(9998, 12, 31, 23, 59, 59, 999999), "9998-12-31T23:59:59.999Z"),
        (
            datetime(2017, 5, 20, 16, 30, 37, 642000, tzinfo=ZoneInfo("Australia/Sydney")),
            "2017-05-20T06:30:37.642Z",
        ),
        (
            datetime(2017, 5, 19, 23, 0, tzinfo=timezone(timedelta(hours=-7, minutes=-30))),
            "2017-05-20T06:30:00.000Z",
        ),
        (None, None),
    ],
)
def test_a_timestamp_is_utc_with_four_digit_years_and_milliseconds_cut(moment, shown):
    assert format_timestamp(moment) == shown


@pytest.mark.parametrize("moment", MOMENTS)
def test_sqlite_reads_back_the_aware_utc_datetime_it_was_given(moment):
    engine = create_engine("sqlite://")
    value = bindparam("moment", type_=UtcDateTime())
    with engine.connect() as connection:
        read = connection.execute(select(value), {"moment": moment}).scalar_one()
        missing = connection.execute(select(value), {"moment": None}).scalar_one()
    assert read == moment
    assert read.tzinfo is UTC
    assert missing is None


def test_sqlite_reads_a_moment_given_in_another_zone_as_utc():
    engine = create_engine("sqlite://")
    sydney = datetime(2017, 5, 20, 16, 30, 37, 642000, tzinfo=ZoneInfo("Australia/Sydney"))
    value = bindparam("moment", type_=UtcDateTime())
    with engine.connect() as connection:
        read = connection.execute(select(value), {"moment": sydney}).scalar_one()
    assert read == sydney
    assert (read.tzinfo, read.hour) == (UTC, 6)
