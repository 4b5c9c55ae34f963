"""Bring a store's schema up to date with the migrations shipped in the package."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).with_name("migrations")
# Release 0.1.0 created its tables without migrations; its schema is the first one.
FIRST_RELEASE = "0001"
# Any constant: the key of PostgreSQL's lock that makes processes starting at once take turns.
_POSTGRESQL_LOCK = 4_770_215

log = logging.getLogger(__name__)


def upgrade_schema(connection: Connection) -> None:
    """Run the migrations the store has not had, in the caller's transaction.

    On SQLite that transaction holds the write lock, so processes starting at once on one
    store take turns: the first migrates, the others find nothing left to do. A store written
    by release 0.1.0, which had no migrations, is taken to have its schema. Upgrading a store
    that held data is logged in one line; a new store is made silently.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRESQL_LOCK})
    config = _config()
    config.attributes["connection"] = connection
    tables = inspect(connection).get_table_names()
    if "alembic_version" not in tables and "messages" in tables:
        command.stamp(config, FIRST_RELEASE)
    before = MigrationContext.configure(connection).get_current_revision()
    if before == _head_revision():
        return
    command.upgrade(config, "head")
    after = MigrationContext.configure(connection).get_current_revision()
    if before is not None and before != after:
        log.info("upgraded the store's schema from revision %s to %s", before, after)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _head_revision() -> str | None:
    """The newest migration shipped, read once per process: reading the migrations is most of
    what opening an up-to-date store would cost."""
    return ScriptDirectory.from_config(_config()).get_current_head()
