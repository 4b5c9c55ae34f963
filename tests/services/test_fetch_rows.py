"""Rows read as one value (SQLite) are the rows SQLAlchemy reads one by one: same values, same
types, same order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from emulator.store.rows import fetch_rows
from emulator.store.tables import messages, webhooks


def test_rows_read_as_one_value_equal_those_read_one_by_one(send, clock, store):
    later = clock.now() + timedelta(hours=2)
    send(
        {"content": "Plain"},
        {"content": "With metadata", "metadata": {"order": "17", "name": "Zoë"}},
        {"content": "Reported", "delivery_report": True, "scheduled": later.isoformat()},
        {"content": 'Emoji 😀 and "quotes"\n', "callback_url": "http://127.0.0.1/hook"},
    )
    query = select(messages).order_by(messages.c.seq.desc())

    with store.reading() as connection:
        one_by_one = [dict(row) for row in connection.execute(query).mappings()]
        as_one_value = fetch_rows(connection, query)

    assert as_one_value == one_by_one
    assert [row["content"] for row in as_one_value][0].startswith("Emoji")
    for fetched, expected in zip(as_one_value, one_by_one, strict=True):
        assert {name: type(value) for name, value in fetched.items()} == {
            name: type(value) for name, value in expected.items()
        }
    assert as_one_value[1]["scheduled"].tzinfo is not None
    assert as_one_value[2]["metadata"] == {"order": "17", "name": "Zoë"}
    assert as_one_value[3]["metadata"] is None


def test_no_rows_are_an_empty_list(store):
    with store.reading() as connection:
        assert fetch_rows(connection, select(messages)) == []


def test_a_float_column_is_refused_on_sqlite_rather_than_rounded(store):
    """SQLite's JSON keeps 15 digits of a REAL, fewer than a float has."""
    if store.dialect != "sqlite":
        pytest.skip("PostgreSQL reads rows one by one")
    with store.reading() as connection, pytest.raises(ValueError, match="timeout_seconds"):
        fetch_rows(connection, select(webhooks.c.id, webhooks.c.timeout_seconds))
