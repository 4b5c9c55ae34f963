"""The engine, the lock and the transactions every group of queries shares."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, RowMapping

from emulator.store.database import create_database_engine
from emulator.store.tables import metadata


class StoreBase:
    """Owns the database engine; creates the tables on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        # SQLite has one writer at a time; serialising here avoids "database is locked" retries
        # and makes a read-then-write transaction atomic against every other store call.
        self._lock = threading.RLock() if url.startswith("sqlite") else None
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def after_fork(self) -> None:
        """Forget the connections inherited from the parent process without closing them (they
        are the parent's); this process opens its own."""
        self.engine.dispose(close=False)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection whose work is committed when the block ends without an error."""
        if self._lock is None:
            with self.engine.begin() as connection:
                yield connection
            return
        with self._lock, self.engine.begin() as connection:
            yield connection


def as_record(row: RowMapping | None) -> Any:
    """A result row as a plain dict of the record type the caller declares, or None."""
    return None if row is None else dict(row)


def as_records(rows: Iterable[RowMapping]) -> Any:
    """Result rows as a list of plain dicts of the record type the caller declares."""
    return [dict(row) for row in rows]
