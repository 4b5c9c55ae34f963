"""Queries on sender addresses: requests and the addresses they become, their review, codes and
deletion, with the change log's events; and every source an account registered through the API,
which the source-number check reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from emulator.domain.sender_addresses import REVIEWED_EVENT, SenderAddress
from emulator.store.base import Transaction, changes_kept_state, record, records, take_turns
from emulator.store.events import append_events, new_event
from emulator.store.numbering_tables import dedicated_number_assignments, sender_addresses

_ADDRESSES = sender_addresses.c


def find(tx: Transaction, account_id: str, address_id: str) -> SenderAddress | None:
    query = select(sender_addresses).where(
        _ADDRESSES.account_id == account_id, _ADDRESSES.id == address_id
    )
    return record(tx.execute(query).mappings().first(), SenderAddress)


def find_any(tx: Transaction, address_id: str) -> SenderAddress | None:
    """The address of this ID, whichever account it belongs to (the control plane's)."""
    query = select(sender_addresses).where(_ADDRESSES.id == address_id)
    return record(tx.execute(query).mappings().first(), SenderAddress)


def holding(tx: Transaction, sender_address: str) -> list[SenderAddress]:
    """Every account's requests and addresses of this sender address."""
    query = select(sender_addresses).where(_ADDRESSES.sender_address == sender_address)
    return records(tx.execute(query).mappings(), SenderAddress)


def of_account(tx: Transaction, account_id: str) -> list[SenderAddress]:
    """The account's requests and addresses, oldest first."""
    query = (
        select(sender_addresses).where(_ADDRESSES.account_id == account_id).order_by(_ADDRESSES.seq)
    )
    return records(tx.execute(query).mappings(), SenderAddress)


def everyone(tx: Transaction) -> list[SenderAddress]:
    """Every account's requests and addresses, oldest first (the control plane's)."""
    query = select(sender_addresses).order_by(_ADDRESSES.seq)
    return records(tx.execute(query).mappings(), SenderAddress)


def insert_address(tx: Transaction, address: SenderAddress, event: str) -> None:
    changes_kept_state(tx)
    tx.execute(insert(sender_addresses), dict(address))
    append_events(tx, [_event(event, address, address["created_at"])])


def change(
    tx: Transaction, address: SenderAddress, changes: dict[str, Any], at: datetime, event: str
) -> SenderAddress:
    """The address with `changes` saved, and the event of `event` kind."""
    changes_kept_state(tx)
    changed: SenderAddress = {**address, **changes, "updated_at": at}  # type: ignore[typeddict-item]
    statement = (
        update(sender_addresses)
        .where(_ADDRESSES.id == address["id"])
        .values(**changes, updated_at=at)
    )
    tx.execute(statement)
    append_events(tx, [_event(event, changed, at)])
    return changed


def remove(tx: Transaction, address: SenderAddress, at: datetime, event: str) -> None:
    changes_kept_state(tx)
    tx.execute(delete(sender_addresses).where(_ADDRESSES.id == address["id"]))
    append_events(tx, [_event(event, address, at)])


def next_review_time(tx: Transaction) -> datetime | None:
    """When the next review the change log has not announced ends."""
    query = select(func.min(_ADDRESSES.reviewed_at)).where(
        _ADDRESSES.review_announced.is_(False), _ADDRESSES.reviewed_at.is_not(None)
    )
    moment: datetime | None = tx.execute(query).scalar()
    return moment


def announce_reviews(tx: Transaction, now: datetime) -> int:
    """Append the change log's event of every review that ended by `now` and was not announced,
    each at the time it ended; how many."""
    # Processes announcing at once: each review is announced by one of them.
    take_turns(tx, "sender address reviews")
    query = (
        select(sender_addresses)
        .where(_ADDRESSES.review_announced.is_(False), _ADDRESSES.reviewed_at <= now)
        .order_by(_ADDRESSES.reviewed_at, _ADDRESSES.seq)
    )
    due = records(tx.execute(query).mappings(), SenderAddress)
    if not due:
        return 0
    tx.execute(
        update(sender_addresses)
        .where(_ADDRESSES.id.in_([address["id"] for address in due]))
        .values(review_announced=True)
    )
    events = []
    for address in due:
        assert address["reviewed_at"] is not None and address["verdict"] is not None
        reviewed = {**address, "status": address["verdict"]}
        events.append(_event(REVIEWED_EVENT, reviewed, address["reviewed_at"]))  # type: ignore[arg-type]
    append_events(tx, events)
    return len(due)


def registered_sources(tx: Transaction, account_id: str) -> tuple[list[str], list[SenderAddress]]:
    """What the account registered through the API: the phone numbers of its dedicated number
    assignments, and its sender addresses (whether each counts depends on the time)."""
    numbers = select(dedicated_number_assignments.c.phone_number).where(
        dedicated_number_assignments.c.account_id == account_id
    )
    return list(tx.execute(numbers).scalars()), of_account(tx, account_id)


def _event(kind: str, address: SenderAddress, at: datetime) -> Any:
    return new_event(
        kind,
        at,
        address["account_id"],
        sender_address=address["sender_address"],
        sender_address_id=address["id"],
        usage_type=address["usage_type"],
        status=address["status"],
    )
