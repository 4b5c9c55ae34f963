"""The Lookups API without HTTP: a phone number looked up, and the lookup shown in the change
feed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from emulator.clock import Clock
from emulator.domain.lookups import LOOKUP_EVENT, NOT_FOUND, LookupDirectory
from emulator.errors import NotFound
from emulator.store import Store
from emulator.store.events import append_events, new_event

# What of an unfound number the event keeps: enough to recognise it, never a whole long path.
_MAX_SHOWN_NUMBER = 32


class LookupService:
    """What happens when an account looks a number up."""

    def __init__(self, store: Store, clock: Clock, directory: LookupDirectory) -> None:
        self._store = store
        self._clock = clock
        self._directory = directory

    def look_up(self, account_id: str, number: str, options: Iterable[str]) -> dict[str, Any]:
        """The 200 body for `number` with the `options` asked for; NotFound with the API's
        message when the number is invalid or not found. Either way the lookup is an event."""
        wanted = sorted(set(options))
        facts = self._directory.look_up(number)
        answer = None if facts is None else facts.answer(wanted)
        event = new_event(
            LOOKUP_EVENT,
            self._clock.now(),
            account_id,
            number=None if facts is None else facts.phone_number,
            requested=number[:_MAX_SHOWN_NUMBER],
            options=wanted,
            found=answer is not None,
            answer=answer,
        )
        with self._store.transaction() as connection:
            append_events(connection, [event])
        if answer is None:
            raise NotFound(NOT_FOUND)
        return answer
