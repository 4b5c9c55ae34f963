"""A store written by release 0.1.0, which read opt-outs from the replies (STOP alone, in any case,
trimmed), keeps them: after the upgrade each is on its account's blacklist."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from emulator.app import create_app
from emulator.services.blacklist import opted_out
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.migrations.test_migrations import RELEASE_DB
from tests.support import OTHER, basic_auth

BLACKLIST = "/v1/number_authorisation/mt/blacklist"
REPLIES = [
    ("DemoAccount", "+61491570161", " stop ", "2026-11-20 10:00:00.000000"),
    ("DemoAccount", "+61491570161", "STOP", "2026-11-21 10:00:00.000000"),
    ("OtherAccount", "+61491570162", "Stop", "2026-11-22 10:00:00.000000"),
    ("DemoAccount", "+61491570163", "STOP please", "2026-11-22 10:00:00.000000"),
    # Not an opt-out for that release: only STOP was.
    ("DemoAccount", "+61491570164", "QUIT", "2026-11-22 10:00:00.000000"),
]


@pytest.fixture
def old_store(tmp_path) -> Path:
    """A copy of the release store, with opt-outs and other replies as that release stored them."""
    copy = tmp_path / "mm-emulator.db"
    shutil.copy(RELEASE_DB, copy)
    with sqlite3.connect(copy) as connection:
        connection.executemany(
            "INSERT INTO replies (id, account_id, source_number, content, date_received,"
            " confirmed) VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, 0)",
            REPLIES,
        )
    return copy


def test_a_release_store_keeps_its_opt_outs_on_the_blacklist(old_store):
    app = create_app(Settings(db=str(old_store)))
    client = app.test_client()
    try:
        assert client.get(BLACKLIST, headers=basic_auth()).json["numbers"] == ["+61491570161"]
        assert client.get(BLACKLIST, headers=basic_auth(OTHER)).json["numbers"] == ["+61491570162"]
        # Blocked from the first STOP on.
        store = app.extensions[EXTENSION_KEY].store
        first_stop = datetime(2026, 11, 20, 10, tzinfo=UTC)
        assert opted_out(store, "DemoAccount", ["+61491570161"], first_stop) == {"+61491570161"}
        before = first_stop.replace(hour=9)
        assert opted_out(store, "DemoAccount", ["+61491570161"], before) == set()

        body = {"messages": [{"content": "Hi", "destination_number": "+61491570161"}]}
        [sent] = client.post("/v1/messages", json=body, headers=basic_auth()).json["messages"]
        client.post("/_emulator/clock/advance", json={"seconds": 10})
        status = client.get(f"/v1/messages/{sent['message_id']}", headers=basic_auth()).json
        assert status["status"] == "rejected"
        assert client.delete(f"{BLACKLIST}/+61491570161", headers=basic_auth()).status_code == 200
    finally:
        app.extensions[EXTENSION_KEY].close()
