"""The sources an account may send from: those of its fixture, and those it registered through
the API (dedicated numbers it holds, approved alpha tags, verified own numbers), read from the
store so that every process sees a change at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from emulator.domain.accounts import Account
from emulator.domain.sender_addresses import ALPHANUMERIC, registered_at
from emulator.store import Store
from emulator.store import sender_addresses as stored_sender_addresses


def with_registered_sources(store: Store, account: Account, now: datetime) -> Account:
    """`account` with the sources it registered through the API and holds at `now` added.

    What the account registered is kept in each process until a registration changes in any
    (see Store.kept); whether an alpha tag's review is done is decided on the clock here.
    """
    numbers, addresses = store.kept(stored_sender_addresses.registered_sources, account.id)
    if not numbers and not addresses:
        return account
    registered = [address for address in addresses if registered_at(address, now)]
    alpha_tags = [a["sender_address"] for a in registered if a["usage_type"] == ALPHANUMERIC]
    own_numbers = [a["sender_address"] for a in registered if a["usage_type"] != ALPHANUMERIC]
    return replace(
        account,
        numbers=tuple(dict.fromkeys([*account.numbers, *numbers])),
        alpha_tags=(*account.alpha_tags, *alpha_tags),
        own_numbers=tuple(own_numbers),
    )
