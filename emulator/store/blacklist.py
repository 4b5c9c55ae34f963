"""Queries on the accounts' blacklists: which numbers are blocked when, a page of them, and
blocking or unblocking numbers with the change log's events."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import and_, bindparam, func, insert, or_, select, update

from emulator.domain.keywords import BlacklistChange
from emulator.store.base import StoreBase, account_subject
from emulator.store.events import BLACKLIST_CHANGED, append_events, new_event
from emulator.store.tables import blacklist


def _in_force(at):
    """Rows blocking their number at `at`."""
    return and_(
        blacklist.c.blocked_from <= at,
        or_(blacklist.c.blocked_until.is_(None), blacklist.c.blocked_until > at),
    )


# Built once: a send asks it every time.
_BLACKLISTED = select(blacklist.c.number).where(
    blacklist.c.account_id == bindparam("account_id"),
    blacklist.c.number.in_(bindparam("numbers", expanding=True)),
    _in_force(bindparam("at", type_=blacklist.c.blocked_from.type)),
)

_EVER_BLOCKED = (
    select(blacklist.c.number).where(blacklist.c.account_id == bindparam("account_id")).limit(1)
)


class BlacklistQueries(StoreBase):
    """Queries the Store gathers; each commits before it returns."""

    def blacklisted(self, account_id: str, numbers: Collection[str], at: datetime) -> set[str]:
        """Those of `numbers` on the account's blacklist at `at`."""
        # Most accounts never block a number: their sends need not ask.
        if not self.cached(f"blacklist of {account_id}", lambda: self._ever_blocked(account_id)):
            return set()
        parameters = {"account_id": account_id, "numbers": list(numbers), "at": at}
        with self.reading() as connection:
            return set(connection.execute(_BLACKLISTED, parameters).scalars())

    def _ever_blocked(self, account_id: str) -> bool:
        with self.reading() as connection:
            return connection.execute(_EVER_BLOCKED, {"account_id": account_id}).first() is not None

    def blacklist_page(
        self, account_id: str, at: datetime, after: int, limit: int
    ) -> list[tuple[int, str]]:
        """Up to `limit` numbers on the account's blacklist at `at`, in the order they were
        added, each with its position; only those after position `after`."""
        position = func.min(blacklist.c.seq)
        query = (
            select(position, blacklist.c.number)
            .where(blacklist.c.account_id == account_id, _in_force(at))
            .group_by(blacklist.c.number)
            .having(position > after)
            .order_by(position)
            .limit(limit)
        )
        with self.reading() as connection:
            return [(row[0], row[1]) for row in connection.execute(query)]

    def change_blacklist(self, changes: Iterable[BlacklistChange]) -> list[BlacklistChange]:
        """Block or unblock numbers, each from its own time, in one transaction; returns the
        changes that changed something (a number blocked already stays as it is)."""
        made = []
        with self.transaction() as connection:
            self.changes_kept_state(connection)
            for change in changes:
                # Two changes of one account's blacklist at once each see the other's.
                self.take_turns(account_subject(change.account_id))
                if change.blocked:
                    if self.blacklisted(change.account_id, [change.number], change.at):
                        continue
                    row = {
                        "account_id": change.account_id,
                        "number": change.number,
                        "blocked_from": change.at,
                    }
                    connection.execute(insert(blacklist), row)
                else:
                    statement = (
                        update(blacklist)
                        .where(
                            blacklist.c.account_id == change.account_id,
                            blacklist.c.number == change.number,
                            _in_force(change.at),
                        )
                        .values(blocked_until=change.at)
                    )
                    if not connection.execute(statement).rowcount:
                        continue
                made.append(change)
            append_events(connection, [_event(change) for change in made])
        return made


def _event(change: BlacklistChange):
    return new_event(
        BLACKLIST_CHANGED,
        change.at,
        change.account_id,
        number=change.number,
        blocked=change.blocked,
    )
