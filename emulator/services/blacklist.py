"""The Number Authorisation API without HTTP: an account's blacklist, listed by page, added to,
removed from, and checked; handsets' opt-out keywords feed the same blacklist."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from emulator.clock import Clock
from emulator.domain.keywords import BlacklistChange
from emulator.errors import NotFound
from emulator.store import Store, blacklist

BLACKLIST_URI = "/v1/number_authorisation/mt/blacklist"
AUTHORISED_URI = "/v1/number_authorisation/is_authorised/"
PAGE_SIZE = 100


class BlacklistService:
    """What happens when an account reads or changes the numbers it may not send to."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def page(self, account_id: str, token: int | None) -> dict[str, Any]:
        """The first 100 numbers (after the pagination `token`, if given), oldest first, with
        the token of the next page when there is one."""
        with self._store.reading() as tx:
            rows = blacklist.page(tx, account_id, self._clock.now(), token or 0, PAGE_SIZE + 1)
        body: dict[str, Any] = {
            "uri": BLACKLIST_URI if token is None else f"{BLACKLIST_URI}?token={token}",
            "numbers": [number for _, number in rows[:PAGE_SIZE]],
        }
        if len(rows) > PAGE_SIZE:
            following = str(rows[PAGE_SIZE - 1][0])
            body["pagination"] = {
                "page": following,
                "next_uri": f"{BLACKLIST_URI}?token={following}",
            }
        return body

    def add(self, account_id: str, numbers: list[str]) -> tuple[dict[str, Any], bool]:
        """Block the numbers from now on; the answer, and whether any was not blocked yet."""
        unique = list(dict.fromkeys(numbers))
        with self._store.transaction() as tx:
            now = self._clock.now()
            changes = [BlacklistChange(account_id, number, now, True) for number in unique]
            made = blacklist.change(tx, changes)
        return {"uri": BLACKLIST_URI, "numbers": unique}, bool(made)

    def remove(self, account_id: str, number: str) -> None:
        """Unblock the number from now on; NotFound when it is not on the blacklist."""
        with self._store.transaction() as tx:
            change = BlacklistChange(account_id, number, self._clock.now(), False)
            if not blacklist.change(tx, [change]):
                raise NotFound()

    def authorised(self, account_id: str, numbers: list[str]) -> dict[str, Any]:
        """For each number (once each, in the order given), whether the account may send to it."""
        unique = list(dict.fromkeys(numbers))
        blocked = opted_out(self._store, account_id, unique, self._clock.now())
        return {
            "uri": AUTHORISED_URI + ",".join(numbers),
            "numbers": [{"number": n, "authorised": n not in blocked} for n in unique],
        }


def opted_out(store: Store, account_id: str, numbers: Collection[str], at: datetime) -> set[str]:
    """Those of `numbers` on the account's blacklist at `at`, in the open transaction if any.

    Most accounts never block a number: whether this one did is kept in memory (see
    `Store.kept`), and only an account that did is asked about its numbers.
    """
    if not store.kept(blacklist.ever_blocked, account_id):
        return set()
    with store.reading() as tx:
        return blacklist.blacklisted(tx, account_id, numbers, at)
