"""Create the SQLAlchemy engine for a URL, with the settings SQLite needs to be safe and fast, and
say in one line why a store cannot be opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

POSTGRESQL_EXTRA = 'pip install "psycopg[binary]" (the emulator\'s "postgresql" extra)'
# The execution option that marks a connection's transaction as one that writes.
WRITE = "mm_emulator_write"


class StoreError(Exception):
    """A store that cannot be opened; the message names it and says why."""


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory SQLite database, another database or a URL
    that does not parse."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    return _sqlite_path(parsed) if parsed.get_backend_name() == "sqlite" else None


def _sqlite_path(url: URL) -> Path | None:
    return Path(url.database) if url.database and url.database != ":memory:" else None


def shown_url(url: str) -> str:
    """`url` as the emulator shows it: a SQLite file's path, a server's URL without its
    password."""
    return _shown(_parse(url))


def holds_a_store(url: str) -> bool:
    """Whether the database at `url` has the emulator's tables (it is not created, nor
    migrated); StoreError when it cannot be opened."""
    engine = create_database_engine(url)
    try:
        return "messages" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def create_database_engine(url: str) -> Engine:
    """An engine for `url`, connected once so that a store that cannot be opened is a StoreError
    at start-up; an in-memory SQLite database is one connection shared by all threads."""
    parsed = _parse(url)
    shown = _shown(parsed)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        engine = _server_engine(parsed, shown)
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        engine.dispose()
        reason = " ".join(str(error.orig).split())
        raise StoreError(f"cannot open the store {shown}: {reason}") from None
    return engine


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise StoreError(f"{url} is neither a file path nor a database URL") from None


def _shown(url: URL) -> str:
    if url.get_backend_name() == "sqlite":
        return url.database or "in memory"
    return url.render_as_string(hide_password=True)


def _server_engine(url: URL, shown: str) -> Engine:
    # SQLAlchemy before 2.1 picks psycopg2 for a bare postgresql://; the extra installs psycopg 3.
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    connect_args = {}
    if url.get_backend_name() == "postgresql":
        # A server that cannot be reached is an answer (a 503 from the health route) in seconds,
        # not after the system's TCP timeout; the URL's own settings win.
        defaults = {"connect_timeout": 10, "application_name": "mm-emulator"}
        connect_args = {name: value for name, value in defaults.items() if name not in url.query}
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except NoSuchModuleError:
        reason = f"unknown database {url.drivername}"
    except ImportError as error:
        if url.get_backend_name() == "postgresql":
            reason = f"the PostgreSQL driver is not installed; {POSTGRESQL_EXTRA}"
        else:
            reason = f"its driver is not installed ({error})"
    raise StoreError(f"cannot open the store {shown}: {reason}")


def _sqlite_engine(url: URL) -> Engine:
    path = _sqlite_path(url)
    in_memory = path is None
    if path is not None:
        _check_sqlite_path(path)
    pool: dict[str, Any] = (
        {"poolclass": StaticPool} if in_memory else {"pool_size": 8, "max_overflow": 32}
    )
    engine = create_engine(
        url,
        # The driver's own transaction handling is off: _begin_sqlite says when one begins.
        connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
        **pool,
    )
    # Rows inserted together are one multi-row INSERT, not one step per row: the driver gives up
    # the GIL at every step and, with request threads busy, waits to get it back each time,
    # holding the store's write lock all the while.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    event.listen(engine, "connect", _tune_sqlite if not in_memory else _enable_foreign_keys)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _begin_sqlite(connection: Connection) -> None:
    """Begin every transaction at once (the driver would wait for the first change, so schema
    changes would not be in one); one that writes takes the write lock from its first read."""
    writes = connection.get_execution_options().get(WRITE, True)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _check_sqlite_path(path: Path) -> None:
    # SQLite says only "unable to open database file" for both of these.
    if path.is_dir():
        raise StoreError(f"cannot open the store {path}: it is a folder")
    if not path.parent.is_dir():
        raise StoreError(f"cannot create the store {path}: there is no folder {path.parent}")


def _enable_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _tune_sqlite(dbapi_connection: Any, record: Any) -> None:
    # WAL lets readers proceed while a writer commits; NORMAL sync still survives a process crash.
    _enable_foreign_keys(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
