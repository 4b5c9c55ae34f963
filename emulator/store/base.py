"""What the Store's transactions and the query functions share: the transaction type, the locks
that make writers take turns where they must (every writer on SQLite, writers about one subject
on PostgreSQL), inserts run at commit, and rows as typed records."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias, TypeVar, cast

from sqlalchemy import Connection, RowMapping, text

from emulator.store.database import WRITE

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: one process, so the lock among threads is enough
    fcntl = None  # type: ignore[assignment]


# Any constant: the key of PostgreSQL's lock that every writing transaction holds shared and a
# transaction that must run alone (a reset) holds exclusive.
POSTGRESQL_WRITERS = 4_770_216
# Set on a transaction that changes what processes keep in memory (see Store.kept).
CHANGES_KEPT_STATE = "mm_emulator_changes_kept_state"


Transaction: TypeAlias = Connection
"""The open store transaction that every query function takes first: from
`Store.transaction()` or `Store.reading()`."""

_Record = TypeVar("_Record", bound=Mapping[str, Any])


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


def take_turns(tx: Transaction, subject: str) -> None:
    """Until the writing transaction `tx` ends, other writers about `subject` (an account) wait
    for it, and it for those before it: what it reads next is what they left, and what it
    writes on the strength of that (a withheld duplicate, a webhook whose URL is free) is right.
    SQLite has one writer at a time already."""
    if not tx.get_execution_options().get(WRITE):
        raise RuntimeError("take_turns outside a writing transaction")
    if tx.dialect.name == "postgresql":
        tx.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:subject, 0))"),
            {"subject": subject},
        )


def changes_kept_state(tx: Transaction) -> None:
    """Mark `tx` as a transaction that changes state processes keep (see `Store.kept`): when
    it commits, what they keep is read afresh."""
    tx.info[CHANGES_KEPT_STATE] = True


def account_subject(account_id: str) -> str:
    """What writers about one account take turns on (see take_turns)."""
    return f"account {account_id}"


def as_record(row: RowMapping | None) -> Any:
    """A result row as a plain dict of the record type the caller declares, or None."""
    return None if row is None else dict(row)


def as_records(rows: Iterable[RowMapping]) -> Any:
    """Result rows as a list of plain dicts of the record type the caller declares."""
    return [dict(row) for row in rows]


def record(row: RowMapping | None, kind: type[_Record]) -> _Record | None:
    """A result row as a record of type `kind` (a TypedDict of the row's columns), or None."""
    return None if row is None else cast(_Record, dict(row))


def records(rows: Iterable[RowMapping], kind: type[_Record]) -> list[_Record]:
    """Result rows as records of type `kind` (a TypedDict of the rows' columns)."""
    return [cast(_Record, dict(row)) for row in rows]
