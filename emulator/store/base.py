"""The engine, the transactions every group of queries shares, and the lock that lets one writer
at a time into a SQLite store."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, RowMapping

from emulator.store.database import WRITE, create_database_engine, sqlite_file
from emulator.store.schema import upgrade_schema

try:
    import fcntl
except ImportError:  # Windows: one process, so the lock among threads is enough
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Open:
    connection: Connection
    write: bool


class StoreBase:
    """Owns the database engine; brings the schema up to date on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        self._in_memory = url.startswith("sqlite") and sqlite_file(url) is None
        path = sqlite_file(url) if url.startswith("sqlite") else None
        self._writers = WriterLock(path.with_name(path.name + "-lock") if path else None)
        # The transaction open in this thread or task, which nested store calls join.
        self._open: ContextVar[_Open | None] = ContextVar(f"store-{id(self)}", default=None)
        with self.transaction() as connection:
            upgrade_schema(connection)

    def close(self) -> None:
        self.engine.dispose()

    def after_fork(self) -> None:
        """Forget the connections inherited from the parent process without closing them (they
        are the parent's); this process opens its own."""
        self.engine.dispose(close=False)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Connection]:
        """A connection whose work is committed when the outermost block ends without an error.

        Store calls inside the block join its transaction, so a service can make one unit of
        several queries. A writing transaction takes the store's write lock from its start: its
        reads see what it then writes over, and two of them never interleave.
        """
        current = self._open.get()
        if current is not None:
            if write and not current.write:
                raise RuntimeError("a write inside a read-only transaction")
            yield current.connection
            return
        if write or self._in_memory:
            # In memory, every thread shares the one connection: reads wait their turn too.
            with self._writers.hold(), self._begin(write) as connection:
                yield connection
        else:
            with self._begin(write) as connection:
                yield connection

    def reading(self) -> AbstractContextManager[Connection]:
        """A read-only transaction: one consistent view, taking no lock (the writer may commit
        meanwhile; this transaction does not see it)."""
        return self.transaction(write=False)

    @contextmanager
    def _begin(self, write: bool) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE: write})
            with connection.begin():
                token = self._open.set(_Open(connection, write))
                try:
                    yield connection
                finally:
                    self._open.reset(token)


class WriterLock:
    """One writer at a time: a lock among this process's threads and, for a SQLite file, a lock
    on a file beside it among processes.

    SQLite alone would make a second writer poll with growing sleeps; here it waits in the
    kernel and goes on the moment the first is done.
    """

    def __init__(self, path: Path | None) -> None:
        self._threads = threading.RLock()
        self._path = path if fcntl is not None else None
        self._file_descriptor: int | None = None
        self._pid: int | None = None
        self._depth = 0

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._threads:
            self._depth += 1
            outermost = self._depth == 1 and self._path is not None
            try:
                if outermost:
                    fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
                yield
            finally:
                if outermost:
                    fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
                self._depth -= 1

    def _descriptor(self) -> int:
        # A forked child shares its parent's open file and so its lock: it opens its own.
        if self._pid != os.getpid():
            assert self._path is not None
            self._file_descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            self._pid = os.getpid()
        assert self._file_descriptor is not None
        return self._file_descriptor


def as_record(row: RowMapping | None) -> Any:
    """A result row as a plain dict of the record type the caller declares, or None."""
    return None if row is None else dict(row)


def as_records(rows: Iterable[RowMapping]) -> Any:
    """Result rows as a list of plain dicts of the record type the caller declares."""
    return [dict(row) for row in rows]
