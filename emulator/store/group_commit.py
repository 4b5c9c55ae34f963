"""Group commit: writing work that threads of one process hand in at the same time shares one
transaction, so that the write lock, BEGIN and COMMIT are paid once for all of it, and the rows
its units insert are inserted together, by one statement per table."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar, cast

from sqlalchemy import Connection

_Result = TypeVar("_Result")
_Row = TypeVar("_Row")
Insert = Callable[[Connection, list[_Row]], None]

# Where a group's shared transaction keeps the rows its units gather (in the connection's info).
_GATHERED = "mm_group_gathered"


def gather(tx: Connection, insert: Insert[_Row], rows: list[_Row]) -> None:
    """Insert `rows` by calling `insert(tx, rows)`: at once, or, in a group's shared transaction,
    once every unit of the group has run, with the rows its other units gather for the same
    `insert` (in the order the units ran): one statement per table for the whole group, where
    each statement inside the write lock also costs a wait for the interpreter's lock."""
    gathered: dict[Insert[Any], list[Any]] | None = tx.info.get(_GATHERED)
    if gathered is None:
        insert(tx, rows)
    else:
        gathered.setdefault(insert, []).extend(rows)


def insert_gathered(tx: Connection) -> None:
    """Insert now what the units of the group sharing `tx` have gathered so far: a read that
    must see the rows of earlier units calls it first."""
    gathered: dict[Insert[Any], list[Any]] | None = tx.info.get(_GATHERED)
    while gathered:
        insert, rows = next(iter(gathered.items()))
        del gathered[insert]
        insert(tx, rows)


class _Unit:
    """One thread's work, and what came of it."""

    __slots__ = ("work", "result", "error", "finished", "ready", "leads")

    def __init__(self, work: Callable[[Connection], Any]) -> None:
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False
        self.ready = threading.Event()
        self.leads = False


class GroupCommit:
    """Runs each thread's work in a transaction it may share with work handed in meanwhile.

    The first thread to arrive leads: it runs every unit waiting, in order, in one transaction,
    inserts the rows they `gather`, then wakes their threads and hands the lead to the first
    that arrived since. No thread leads more than one group. When the work of any unit fails
    (or the insert of what they gathered), the group rolls back and each of its units runs
    again alone: one failing fails only its own request. Work must therefore be safe to run
    twice, keeping nothing outside the store from a run that rolled back. When the commit
    itself fails, or what follows it, no work runs again: every unit of the group has the
    error.
    """

    def __init__(
        self,
        transaction: Callable[[], AbstractContextManager[Connection]],
    ) -> None:
        """`transaction` opens a writing transaction in the calling thread."""
        self._transaction = transaction
        self._lock = threading.Lock()
        self._waiting: list[_Unit] = []
        self._leading = False

    @property
    def waiting(self) -> int:
        """How many units wait for a leader to take them."""
        with self._lock:
            return len(self._waiting)

    def run(self, work: Callable[[Connection], _Result]) -> _Result:
        """What `work(tx)` returns once its transaction `tx` has committed; what it raised
        otherwise."""
        unit = _Unit(work)
        with self._lock:
            self._waiting.append(unit)
            unit.leads = not self._leading
            self._leading = True
        if not unit.leads:
            unit.ready.wait()
        if unit.leads:
            self._lead()
        if unit.error is not None:
            raise unit.error
        return cast(_Result, unit.result)

    def _lead(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        try:
            self._commit(group)
        finally:
            with self._lock:
                successor = self._waiting[0] if self._waiting else None
                if successor is not None:
                    successor.leads = True
                else:
                    self._leading = False
            for unit in group:
                if not unit.finished:
                    unit.error = RuntimeError("the transaction of this work was interrupted")
                unit.ready.set()
            if successor is not None:
                successor.ready.set()

    def _commit(self, group: list[_Unit]) -> None:
        if len(group) > 1:
            try:
                with self._transaction() as tx:
                    tx.info[_GATHERED] = {}
                    try:
                        results = [unit.work(tx) for unit in group]
                        insert_gathered(tx)
                    except BaseException as error:
                        raise _WorkFailed from error
                    finally:
                        del tx.info[_GATHERED]
            except _WorkFailed:
                pass  # rolled back: each runs again alone below, the one that failed by itself
            except BaseException as error:
                # The commit itself failed, or what follows it: running the work again could
                # store it twice, so every unit of the group has this error.
                for unit in group:
                    unit.error, unit.finished = error, True
                return
            else:
                for unit, result in zip(group, results, strict=True):
                    unit.result, unit.finished = result, True
                return
        for unit in group:
            try:
                with self._transaction() as tx:
                    unit.result = unit.work(tx)
            except BaseException as error:
                # Raised again in the unit's own thread (see run), not in the leader's.
                unit.error = error
            unit.finished = True


class _WorkFailed(Exception):
    """The work of a group failed in its shared transaction, which then rolls back."""
