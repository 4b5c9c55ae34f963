"""Queries on the accounts' blacklists: which numbers are blocked when, a page of them, and
blocking or unblocking numbers with the change log's events."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, bindparam, func, insert, or_, select, update

from emulator.domain.keywords import BlacklistChange
from emulator.store.base import Transaction, account_subject, changes_kept_state, take_turns
from emulator.store.events import BLACKLIST_CHANGED, NewEvent, append_events, new_event
from emulator.store.tables import blacklist

_BLOCKS = blacklist.c


def _in_force(at: object) -> ColumnElement[bool]:
    """Rows blocking their number at `at`."""
    return and_(
        _BLOCKS.blocked_from <= at,
        or_(_BLOCKS.blocked_until.is_(None), _BLOCKS.blocked_until > at),
    )


# Built once: a send asks it every time.
_BLACKLISTED = select(_BLOCKS.number).where(
    _BLOCKS.account_id == bindparam("account_id"),
    _BLOCKS.number.in_(bindparam("numbers", expanding=True)),
    _in_force(bindparam("at", type_=_BLOCKS.blocked_from.type)),
)

_EVER_BLOCKED = select(_BLOCKS.number).where(_BLOCKS.account_id == bindparam("account_id")).limit(1)


def ever_blocked(tx: Transaction, account_id: str) -> bool:
    """Whether the account ever blocked a number; most never do, so callers read it through
    `Store.kept` and ask `blacklisted` only when it did."""
    return tx.execute(_EVER_BLOCKED, {"account_id": account_id}).first() is not None


def blacklisted(
    tx: Transaction, account_id: str, numbers: Collection[str], at: datetime
) -> set[str]:
    """Those of `numbers` on the account's blacklist at `at`."""
    parameters = {"account_id": account_id, "numbers": list(numbers), "at": at}
    return set(tx.execute(_BLACKLISTED, parameters).scalars())


def page(
    tx: Transaction, account_id: str, at: datetime, after: int, limit: int
) -> list[tuple[int, str]]:
    """Up to `limit` numbers on the account's blacklist at `at`, in the order they were added,
    each with its position; only those after position `after`."""
    position = func.min(_BLOCKS.seq)
    query = (
        select(position, _BLOCKS.number)
        .where(_BLOCKS.account_id == account_id, _in_force(at))
        .group_by(_BLOCKS.number)
        .having(position > after)
        .order_by(position)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in tx.execute(query)]


def change(tx: Transaction, changes: Iterable[BlacklistChange]) -> list[BlacklistChange]:
    """Block or unblock numbers, each from its own time; returns the changes that changed
    something (a number blocked already stays as it is)."""
    changes_kept_state(tx)
    made = []
    for change in changes:
        # Two changes of one account's blacklist at once each see the other's.
        take_turns(tx, account_subject(change.account_id))
        if change.blocked:
            if blacklisted(tx, change.account_id, [change.number], change.at):
                continue
            row = {
                "account_id": change.account_id,
                "number": change.number,
                "blocked_from": change.at,
            }
            tx.execute(insert(blacklist), row)
        else:
            statement = (
                update(blacklist)
                .where(
                    _BLOCKS.account_id == change.account_id,
                    _BLOCKS.number == change.number,
                    _in_force(change.at),
                )
                .values(blocked_until=change.at)
            )
            if not tx.execute(statement).rowcount:
                continue
        made.append(change)
    append_events(tx, [_event(change) for change in made])
    return made


def _event(change: BlacklistChange) -> NewEvent:
    return new_event(
        BLACKLIST_CHANGED,
        change.at,
        change.account_id,
        number=change.number,
        blocked=change.blocked,
    )
