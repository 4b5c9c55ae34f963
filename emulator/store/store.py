"""The Store: owns the database engine and hands out the transactions that every query function
of emulator.store takes first. Whatever a store call does beyond its SQL is here, and only here.

A transaction (`transaction()`, `reading()`) is one connection, committed when its outermost
block ends without an error; a block inside it joins it. On PostgreSQL writers work side by side
(those that must take turns call `take_turns`; an `alone` transaction excludes every other). On a
SQLite file there is one writer at a time, and the Store keeps four rules that make that writer
fast. Each is measured against the store without it by tests/benchmarks/bench_store.py (single
sends and 100-message batches under wrk; the figures are in docs/benchmarks.md), and each has a
test that fails without it:

1. The write lock (`WriterLock`, base.py): a writing transaction takes a lock among this
   process's threads and a lock on the file `<store>-lock` among processes before its BEGIN, so
   a waiting writer sleeps in the kernel and goes on the moment the previous one commits, where
   SQLite's busy handler polls with growing sleeps. It also makes raising the generation (rule
   2) safe: the number is read and written back by one writer at a time.
   Test: tests/test_write_lock.py.
2. Kept state (`kept`, generation.py): what nearly every request reads and seldom changes (the
   clock's offset, features, fault rules, signature keys, whether an account blocks any number)
   is kept in each process under a generation number that every process of the file maps from
   `<store>-generation`. A transaction that changes such state marks itself
   (`changes_kept_state`) and raises the number once committed, still holding the write lock,
   so every process reads it afresh before its next answer; inside such a transaction `kept`
   reads afresh, and a send that decided ahead of its transaction decides again when the number
   moved. PostgreSQL instances share no memory, so there nothing is kept. Without it a send
   reads four tables more and costs a third more CPU. Tests: tests/test_kept_state.py.
3. Group commit (`together`, group_commit.py): sends that threads of one process hand in while
   another writes share one transaction, so the lock, BEGIN and COMMIT are paid once; a unit that
   fails makes the group roll back and each unit run again alone, so work handed in must be safe
   to run twice. Without it a single send costs a quarter more CPU.
   Tests: tests/test_group_commit.py.
4. Gathered inserts (`gather`, group_commit.py): the rows the sends of a group insert are
   inserted once every send of the group has run, by one statement per table, because each
   statement under the write lock also waits for the interpreter's lock while the process's
   other threads run. A read that must see an earlier send's rows (de-duplication) inserts what
   is gathered first (`insert_gathered`). Without it a send holds the lock half as long again.
   Tests: tests/test_group_commit.py.

Every other row is inserted when its query function runs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from emulator.store.base import (
    CHANGES_KEPT_STATE,
    POSTGRESQL_WRITERS,
    Transaction,
    WriterLock,
    changes_kept_state,
)
from emulator.store.database import WRITE, create_database_engine, sqlite_file
from emulator.store.generation import Generation
from emulator.store.group_commit import GroupCommit
from emulator.store.outage import Outage
from emulator.store.schema import upgrade_schema

_Read = ParamSpec("_Read")
_Value = TypeVar("_Value")


@dataclass(frozen=True)
class _Open:
    connection: Connection
    write: bool
    alone: bool


class Store:
    """Owns the database engine and hands out the transactions every query function takes;
    brings the schema up to date on first use."""

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
        self._group = GroupCommit(self.transaction)
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
        else:
            with self._begin(write, alone) as connection:
                yield connection

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
        generation = self._generation.current()
        current = self._open.get()
        if generation is None or (current and current.connection.info.get(CHANGES_KEPT_STATE)):
            with self.reading() as tx:
                return read(tx, *args, **kwargs)
        key = (read, args, tuple(sorted(kwargs.items())))
        kept = self._kept.get(key)
        if kept is not None and kept[0] == generation:
            return kept[1]  # type: ignore[no-any-return]
        # The generation is read before the state: a change committing in between is read
        # now and read again next time, never missed.
        with self.reading() as tx:
            value = read(tx, *args, **kwargs)
        self._kept[key] = (generation, value)
        return value

    def kept_generation(self) -> int | None:
        """The generation what processes keep is read under (see `kept`); it moves when that
        state changes. None where nothing is kept (PostgreSQL)."""
        return self._generation.current()

    def unavailable_reason(self) -> str | None:
        """None while the database answers a trivial query; why it does not, in one line."""
        try:
            with self.reading() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as error:
            return " ".join(str(error.orig).split())
        return None

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
                changes_kept_state(connection)
            try:
                with connection.begin():
                    if self._postgresql and write:
                        lock = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
                        connection.execute(text(f"SELECT {lock}({POSTGRESQL_WRITERS})"))
                    token = self._open.set(_Open(connection, write, alone))
                    try:
                        yield connection
                    finally:
                        self._open.reset(token)
                # Committed, and the write lock still held: no other writer raises it at once.
                if connection.info.get(CHANGES_KEPT_STATE):
                    self._generation.raise_()
            finally:
                connection.info.pop(CHANGES_KEPT_STATE, None)
