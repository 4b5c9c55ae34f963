"""The engine, the transactions every group of queries shares, and the locks that make writers
take turns where they must: every writer on SQLite, writers about one subject on PostgreSQL."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeAlias, TypeVar, cast

from sqlalchemy import Connection, Executable, RowMapping, text
from sqlalchemy.exc import DBAPIError

from emulator.store.database import WRITE, create_database_engine, sqlite_file
from emulator.store.generation import Generation
from emulator.store.group_commit import GroupCommit
from emulator.store.outage import Outage
from emulator.store.schema import upgrade_schema

log = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: one process, so the lock among threads is enough
    fcntl = None  # type: ignore[assignment]


# Any constant: the key of PostgreSQL's lock that every writing transaction holds shared and a
# transaction that must run alone (a reset) holds exclusive.
_POSTGRESQL_WRITERS = 4_770_216
# Where a store transaction keeps the statements it runs last, just before it commits.
_AT_COMMIT = "mm_emulator_at_commit"
# How often a process checkpoints the write-ahead log of a SQLite file (see _after_sqlite_commit).
CHECKPOINT_EVERY_COMMITS = 200
# Set on a transaction that changes what processes keep in memory (see StoreBase.cached).
_CHANGES_KEPT_STATE = "mm_emulator_changes_kept_state"


Transaction: TypeAlias = Connection
"""The open store transaction that every query function takes first: from
`StoreBase.transaction()` or `StoreBase.reading()`."""

_Read = ParamSpec("_Read")
_Value = TypeVar("_Value")
_Record = TypeVar("_Record", bound=Mapping[str, Any])


@dataclass(frozen=True)
class _Open:
    connection: Connection
    write: bool
    alone: bool


class StoreBase:
    """Owns the database engine; brings the schema up to date on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_database_engine(url)
        self.dialect: str = self.engine.dialect.name
        self._postgresql = self.dialect == "postgresql"
        self._in_memory = url.startswith("sqlite") and sqlite_file(url) is None
        path = sqlite_file(url) if url.startswith("sqlite") else None
        self._writers = WriterLock(path.with_name(path.name + "-lock") if path else None)
        self._generation = Generation(
            path.with_name(path.name + "-generation") if path else None,
            shared=not self._postgresql,
        )
        self._kept: dict[Hashable, tuple[int, Any]] = {}
        self._commits = 0
        self._group = GroupCommit(self.transaction, self._run_at_commit)
        # The transaction open in this thread or task, which nested store calls join.
        self._open: ContextVar[_Open | None] = ContextVar(f"store-{id(self)}", default=None)
        self.outage = Outage(self.unavailable_reason)
        with self.transaction() as connection:
            upgrade_schema(connection)

    def close(self) -> None:
        self.engine.dispose()

    def after_fork(self) -> None:
        """Forget the connections inherited from the parent process without closing them (they
        are the parent's); this process opens its own."""
        self.engine.dispose(close=False)

    @contextmanager
    def transaction(self, write: bool = True, alone: bool = False) -> Iterator[Connection]:
        """A connection whose work is committed when the outermost block ends without an error.

        Store calls inside the block join its transaction, so a service can make one unit of
        several queries. On SQLite a writing transaction takes the store's write lock from its
        start: its reads see what it then writes over, and two of them never interleave. On
        PostgreSQL writers work side by side; those that read and then write on what they read
        call `take_turns` first. An `alone` transaction (a reset) runs while no other writes.
        """
        current = self._open.get()
        if current is not None:
            if write and not current.write:
                raise RuntimeError("a write inside a read-only transaction")
            if alone and not current.alone:
                raise RuntimeError("a transaction that must run alone inside one that need not")
            yield current.connection
            return
        if self._in_memory or (write and not self._postgresql):
            # In memory, every thread shares the one connection: reads wait their turn too.
            with self._writers.hold(), self._begin(write, alone) as connection:
                yield connection
            self._after_sqlite_commit()
        else:
            with self._begin(write, alone) as connection:
                yield connection

    def _after_sqlite_commit(self) -> None:
        """Now and then, copy what the write-ahead log holds into the store file, outside the
        write lock: SQLite would do it (and wait for the disk) inside the commit that fills the
        log, while every other writer waits. A passive checkpoint lets writers go on."""
        if self._in_memory:
            return
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY_COMMITS == 0:
            try:
                # Outside any transaction, which the driver's connection is (see _begin_sqlite).
                connection = self.engine.raw_connection()
                try:
                    connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").close()
                finally:
                    connection.close()
            except Exception as error:
                # What was committed stands (a busy pool, a busy file); the next checkpoint, or
                # SQLite's own, copies it.
                log.warning("checkpoint of the store's log failed: %s", error)

    def together(self, work: Callable[[Transaction], _Value]) -> _Value:
        """What `work(tx)` returns, run in a writing transaction `tx` that it may share with the
        work other threads of this process hand in at the same time (see GroupCommit), where
        writers take turns anyway (SQLite). Inside an open transaction it runs in that one."""
        if self._postgresql or self._open.get() is not None:
            with self.transaction() as tx:
                return work(tx)
        return self._group.run(work)

    @property
    def waiting_together(self) -> int:
        """How much work handed to `together` waits for a transaction to take it."""
        return self._group.waiting

    def _run_at_commit(self) -> None:
        current = self._open.get()
        if current is not None:
            run_at_commit(current.connection)

    def reading(self) -> AbstractContextManager[Connection]:
        """A read-only transaction: one consistent view, taking no lock (a writer may commit
        meanwhile; this transaction does not see it)."""
        return self.transaction(write=False)

    def writing(self) -> bool:
        """Whether a writing transaction is open in this thread or task."""
        current = self._open.get()
        return current is not None and current.write

    def kept(
        self,
        read: Callable[Concatenate[Transaction, _Read], _Value],
        *args: _Read.args,
        **kwargs: _Read.kwargs,
    ) -> _Value:
        """What `read(tx, *args, **kwargs)` returns, kept in this process until a transaction
        that marked itself with `changes_kept_state` commits in any process.

        Read afresh where processes share no generation (PostgreSQL) and inside a transaction
        that is itself changing such state (it must see its own changes; they may yet roll back).
        `args` must be hashable: with `read`, they name what is kept.
        """
        return self.cached(
            (read, args, tuple(sorted(kwargs.items()))),
            lambda: self._read(read, *args, **kwargs),
        )

    def _read(
        self,
        read: Callable[Concatenate[Transaction, _Read], _Value],
        *args: _Read.args,
        **kwargs: _Read.kwargs,
    ) -> _Value:
        with self.reading() as tx:
            return read(tx, *args, **kwargs)

    def cached(self, key: Hashable, load: Callable[[], _Value]) -> _Value:
        """What `load` reads from the store, kept under `key` as `kept` keeps it."""
        generation = self._generation.current()
        current = self._open.get()
        if generation is None or (current and current.connection.info.get(_CHANGES_KEPT_STATE)):
            return load()
        kept = self._kept.get(key)
        if kept is not None and kept[0] == generation:
            return kept[1]  # type: ignore[no-any-return]
        # The generation is read before the state: a change committing in between is read
        # now and read again next time, never missed.
        value = load()
        self._kept[key] = (generation, value)
        return value

    def kept_generation(self) -> int | None:
        """The generation what processes keep is read under (see `cached`); it moves when that
        state changes. None where nothing is kept (PostgreSQL)."""
        return self._generation.current()

    def changes_kept_state(self, connection: Connection) -> None:
        """See the function `changes_kept_state`."""
        changes_kept_state(connection)

    def unavailable_reason(self) -> str | None:
        """None while the database answers a trivial query; why it does not, in one line."""
        try:
            with self.reading() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as error:
            return " ".join(str(error.orig).split())
        return None

    def take_turns(self, subject: str) -> None:
        """`take_turns` in the writing transaction open in this thread or task."""
        current = self._open.get()
        if current is None or not current.write:
            raise RuntimeError("take_turns outside a writing transaction")
        take_turns(current.connection, subject)

    @contextmanager
    def _begin(self, write: bool, alone: bool) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE: write})
            if self._postgresql and not write:
                # Every statement of a read sees the same moment, as on SQLite.
                connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            if alone:
                self.changes_kept_state(connection)
            try:
                with connection.begin():
                    if self._postgresql and write:
                        lock = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
                        connection.execute(text(f"SELECT {lock}({_POSTGRESQL_WRITERS})"))
                    token = self._open.set(_Open(connection, write, alone))
                    connection.info[_AT_COMMIT] = []
                    try:
                        yield connection
                        run_at_commit(connection)
                    finally:
                        connection.info.pop(_AT_COMMIT, None)
                        self._open.reset(token)
                # Committed, and the write lock still held: no other writer raises it at once.
                if connection.info.get(_CHANGES_KEPT_STATE):
                    self._generation.raise_()
            finally:
                connection.info.pop(_CHANGES_KEPT_STATE, None)


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


def at_commit(connection: Connection, statement: Executable, parameters: Any = None) -> None:
    """Run `statement` when the store transaction open on `connection` is about to commit, after
    everything else it does (at once outside one): how the change log and sent messages are
    inserted. What reads them in the same transaction calls `run_at_commit` first.

    On PostgreSQL the first insert into the change log takes a lock held until commit, so that
    events are numbered in commit order; the later it is taken, the less other writers wait.
    """
    pending = connection.info.get(_AT_COMMIT)
    if pending is None:
        connection.execute(statement, parameters)
    else:
        pending.append((statement, parameters))


def run_at_commit(connection: Connection) -> None:
    """Run now, in order, what waits for the commit of the transaction open on `connection`.

    Rows given to one statement several times (the inserts of each send in a group) are given
    to it once, all together: rows have no order among statements, and each statement is one
    multi-row INSERT. A statement given anything but rows keeps its place among them.
    """
    pending = connection.info.get(_AT_COMMIT) or []
    rows: dict[int, tuple[Executable, list[Any]]] = {}
    while pending:
        statement, parameters = pending.pop(0)
        if isinstance(parameters, list):
            rows.setdefault(id(statement), (statement, []))[1].extend(parameters)
            continue
        _insert_rows(connection, rows)
        connection.execute(statement, parameters)
    _insert_rows(connection, rows)


def _insert_rows(connection: Connection, rows: dict[int, tuple[Executable, list[Any]]]) -> None:
    for statement, parameters in rows.values():
        connection.execute(statement, parameters)
    rows.clear()


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
    """Mark `tx` as a transaction that changes state processes keep (see `StoreBase.kept`): when
    it commits, what they keep is read afresh."""
    tx.info[_CHANGES_KEPT_STATE] = True


def account_subject(account_id: str) -> str:
    """What writers about one account take turns on (see StoreBase.take_turns)."""
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
