"""A store written by release 0.1.0 is upgraded in place and keeps everything; the migrations
build exactly the schema the code declares, on SQLite and on PostgreSQL; processes starting at
once on one store take turns to migrate it."""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from emulator.store import Store, account_features, inbox
from emulator.store.schema import MIGRATIONS
from emulator.store.tables import metadata
from tests.support import list_messages, list_webhooks
from tests.test_cli import BANNER, mm_emulator_command

RELEASE_DB = Path(__file__).with_name("release-0.1.0.db")
SCHEDULED = "141a2ec9-6789-4e80-b7b8-a70c027d2c18"
DELIVERED = "5c04d435-71f2-4a0b-9f38-a9ee4e7ccb05"


@pytest.fixture
def empty_postgresql(postgresql_server):
    """A PostgreSQL database with nothing in it."""
    url = postgresql_server.database(migrated=False)
    yield url
    postgresql_server.drop(url)


@pytest.fixture
def old_store(tmp_path) -> Path:
    copy = tmp_path / "mm-emulator.db"
    shutil.copy(RELEASE_DB, copy)
    return copy


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def schema_differences(url: str) -> list:
    with create_engine(url).connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), metadata)


def test_a_release_store_is_upgraded_and_keeps_its_data(old_store):
    store = Store(f"sqlite:///{old_store}")
    try:
        messages = {message["id"]: message for message in list_messages(store)}
        assert messages[SCHEDULED]["status"] == "scheduled"
        assert messages[DELIVERED]["status"] == "delivered"
        assert messages[DELIVERED]["metadata"] == {"order": "42"}
        assert len(messages) == 3
        with store.reading() as tx:
            reports = inbox.unconfirmed_delivery_reports(
                tx, "DemoAccount", messages[DELIVERED]["created_at"]
            )
            changed = account_features.changes(tx, "DemoAccount")
        assert {report["status"] for report, _ in reports} >= {"enroute", "submitted", "delivered"}
        hooks = list_webhooks(store)
        assert len(hooks) == 4 and {hook["state"] for hook in hooks} == {"pending"}
        assert {hook["content_type"] for hook in hooks} == {"application/json"}
        assert changed == {"deduplication": True}
        with store.transaction() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            replies = connection.execute(text("SELECT content FROM replies")).scalars().all()
        assert version == head_revision()
        assert replies == ["Thanks!"]
    finally:
        store.close()
    assert schema_differences(f"sqlite:///{old_store}") == []


def test_the_migrations_build_the_schema_the_code_declares(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    Store(url).close()
    assert schema_differences(url) == []


def test_the_migrations_build_the_schema_the_code_declares_on_postgresql(empty_postgresql):
    Store(empty_postgresql).close()
    assert schema_differences(empty_postgresql) == []
    with create_engine(empty_postgresql).connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision()


def test_instances_starting_at_once_on_an_empty_postgresql_database_all_serve_it(
    empty_postgresql,
):
    # An advisory lock makes them take turns: the first migrates, the others find it done.
    processes = [serve("--workers", "1", "--db", empty_postgresql) for _ in range(3)]
    try:
        for process in processes:
            base_url = base_url_of(process)
            health = requests.get(f"{base_url}/_emulator/health", timeout=10)
            assert health.json() == {"status": "ok"}
            assert requests.get(f"{base_url}/_emulator/messages", timeout=10).json() == {
                "messages": []
            }
    finally:
        stop(processes)
    assert schema_differences(empty_postgresql) == []


def test_processes_starting_at_once_on_a_release_store_all_serve_it(old_store):
    processes = [serve("--workers", "2", "--db", str(old_store)) for _ in range(3)]
    try:
        for process in processes:
            found = requests.get(
                f"{base_url_of(process)}/_emulator/messages",
                params={"message_id": SCHEDULED},
                timeout=10,
            ).json()["messages"]
            assert [message["status"] for message in found] == ["scheduled"]
    finally:
        stop(processes)


def test_upgrading_a_store_is_one_line_of_the_log_and_a_new_store_none(old_store, tmp_path):
    logs = {}
    for name, db in (("old", old_store), ("new", tmp_path / "new.db")):
        process = serve("--workers", "1", "--db", str(db))
        base_url_of(process)
        stop([process])
        logs[name] = process.stderr.read()
    upgraded = [line for line in logs["old"].splitlines() if "schema" in line]
    assert len(upgraded) == 1, logs["old"]
    assert upgraded[0].endswith(
        f"INFO emulator.store.schema: upgraded the store's schema from revision 0001 to"
        f" {head_revision()}"
    )
    assert "alembic" not in logs["old"] + logs["new"]
    assert "schema" not in logs["new"]


def serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*mm_emulator_command(), "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def base_url_of(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    match = BANNER.search(line)
    assert match, line + process.stderr.read()
    return match.group(1)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        assert process.wait(timeout=15) == 0
