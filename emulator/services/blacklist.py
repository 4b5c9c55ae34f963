"""The Number Authorisation API without HTTP: an account's blacklist, listed by page, added to,
removed from, and checked; handsets' opt-out keywords feed the same blacklist."""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.domain.keywords import BlacklistChange
from emulator.errors import NotFound
from emulator.store import Store

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
        with self._store.reading():
            rows = self._store.blacklist_page(
                account_id, self._clock.now(), token or 0, PAGE_SIZE + 1
            )
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
        with self._store.transaction():
            now = self._clock.now()
            changes = [BlacklistChange(account_id, number, now, True) for number in unique]
            made = self._store.change_blacklist(changes)
        return {"uri": BLACKLIST_URI, "numbers": unique}, bool(made)

    def remove(self, account_id: str, number: str) -> None:
        """Unblock the number from now on; NotFound when it is not on the blacklist."""
        with self._store.transaction():
            change = BlacklistChange(account_id, number, self._clock.now(), False)
            if not self._store.change_blacklist([change]):
                raise NotFound()

    def authorised(self, account_id: str, numbers: list[str]) -> dict[str, Any]:
        """For each number (once each, in the order given), whether the account may send to it."""
        unique = list(dict.fromkeys(numbers))
        with self._store.reading():
            blocked = self._store.blacklisted(account_id, unique, self._clock.now())
        return {
            "uri": AUTHORISED_URI + ",".join(numbers),
            "numbers": [{"number": n, "authorised": n not in blocked} for n in unique],
        }
