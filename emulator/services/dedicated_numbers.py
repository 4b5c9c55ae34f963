"""The dedicated numbers API without HTTP: the pool's available numbers, one number, and an
account's assignments, taken, changed and released."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from emulator.clock import Clock
from emulator.domain.dedicated_numbers import Assignment, DedicatedNumber, NumberFilter, NumberPool
from emulator.domain.ids import new_id, normalise_id
from emulator.domain.token_pages import UnknownToken, page_after
from emulator.errors import BadRequest, Conflict, NotFound
from emulator.schemas.validation import INVALID_REQUEST
from emulator.store import Store
from emulator.store import dedicated_numbers as stored_assignments

ASSIGNED_ALREADY = "The number is not available for assignment: it is assigned to an account."
NOT_AVAILABLE_YET = "The number is not available for assignment before its available_after time."
UNKNOWN_TOKEN = "token: Not a valid pagination token."
# Ascending keys of the assignment lists' `sort_by` values; those the spec lists that mean nothing
# for a number keep the order the numbers were assigned in.
_SORT_KEYS = {
    "SOURCE_ADDRESS": lambda pair: pair[1].phone_number,
    "SOURCE_ADDRESS_COUNTRY": lambda pair: (pair[1].country, pair[1].phone_number),
    "TIMESTAMP": lambda pair: pair[0]["created_at"],
}


def number_body(number: DedicatedNumber) -> dict[str, Any]:
    """A pool number as the API shows it."""
    return asdict(number)


def assignment_body(assignment: Assignment) -> dict[str, Any]:
    """An assignment as the API shows it: its label only when it has one."""
    body: dict[str, Any] = {
        "id": assignment["id"],
        "number_id": assignment["number_id"],
        "metadata": assignment["metadata"],
    }
    if assignment["label"] is not None:
        body["label"] = assignment["label"]
    return body


class DedicatedNumberService:
    """What happens when an account looks for, takes, changes or releases a dedicated number."""

    def __init__(self, store: Store, clock: Clock, pool: NumberPool) -> None:
        self._store = store
        self._clock = clock
        self._pool = pool

    def available(self, kept: NumberFilter, page_size: int, token: str | None) -> dict[str, Any]:
        """A page of the pool's numbers no account holds, as `kept` filters them."""
        with self._store.reading() as tx:
            taken = stored_assignments.assigned_ids(tx)
        numbers = [n for n in self._pool.numbers if n.id not in taken and kept.keeps(n)]
        page, following = _page(numbers, token, page_size, lambda number: number.id)
        return _list_body([number_body(number) for number in page], page_size, following)

    def number(self, number_id: str) -> dict[str, Any]:
        return number_body(self._pool_number(number_id))

    def assignment(self, account_id: str, number_id: str) -> dict[str, Any]:
        """The account's assignment of the number; NotFound when the account does not hold it."""
        number = self._pool_number(number_id)
        with self._store.reading() as tx:
            return assignment_body(self._held(tx, account_id, number))

    def assign(
        self, account_id: str, number_id: str, label: str | None, metadata: dict[str, str]
    ) -> dict[str, Any]:
        """Give the number to the account, which may send from it at once; Conflict when an
        account holds it already or it is not available yet."""
        number = self._pool_number(number_id)
        with self._store.transaction() as tx:
            now = self._clock.now()
            stored_assignments.take_number_turns(tx, number.id)
            if stored_assignments.of_number(tx, number.id) is not None:
                raise Conflict(ASSIGNED_ALREADY)
            if now < number.available_after:
                raise Conflict(NOT_AVAILABLE_YET)
            assignment: Assignment = {
                "id": new_id(),
                "number_id": number.id,
                "phone_number": number.phone_number,
                "account_id": account_id,
                "label": label,
                "metadata": metadata,
                "created_at": now,
                "updated_at": now,
            }
            stored_assignments.assign(tx, assignment)
        return assignment_body(assignment)

    def update(self, account_id: str, number_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Replace the label or the metadata given in `changes`; the rest stays."""
        number = self._pool_number(number_id)
        with self._store.transaction() as tx:
            assignment = self._held(tx, account_id, number)
            if changes:
                stored_assignments.change(tx, assignment, changes, self._clock.now())
        return assignment_body({**assignment, **changes})  # type: ignore[typeddict-item]

    def release(self, account_id: str, number_id: str) -> None:
        """Take the number from the account: it is no longer its source number."""
        number = self._pool_number(number_id)
        with self._store.transaction() as tx:
            assignment = self._held(tx, account_id, number)
            stored_assignments.release(tx, assignment, self._clock.now())

    def assigned(
        self,
        account_id: str,
        kept: NumberFilter,
        query: dict[str, Any],
    ) -> dict[str, Any]:
        """A page of the account's assigned numbers, filtered by `kept` and the query's
        `number_id` and `label` (part of it, in any case), sorted by its `sort_by`."""
        with self._store.reading() as tx:
            assignments = stored_assignments.of_account(tx, account_id)
        pairs = [
            (assignment, number)
            for assignment in assignments
            if (number := self._pool.find(assignment["number_id"])) is not None
            and kept.keeps(number)
            and query.get("number_id") in (None, number.id)
            and query.get("label", "").lower() in (assignment["label"] or "").lower()
        ]
        sort_key = _SORT_KEYS.get(query.get("sort_by", ""))
        if sort_key is not None:
            pairs.sort(key=sort_key, reverse=query.get("sort_direction") == "DESCENDING")
        elif query.get("sort_direction") == "DESCENDING":
            pairs.reverse()
        page_size = query["page_size"]
        page, following = _page(pairs, query.get("token"), page_size, lambda p: p[0]["id"])
        data = [
            {"assignment": assignment_body(assignment), "number": number_body(number)}
            for assignment, number in page
        ]
        return _list_body(data, page_size, following)

    def _pool_number(self, number_id: str) -> DedicatedNumber:
        canonical = normalise_id(number_id)
        number = self._pool.find(canonical) if canonical else None
        if number is None:
            raise NotFound()
        return number

    @staticmethod
    def _held(tx: Any, account_id: str, number: DedicatedNumber) -> Assignment:
        assignment = stored_assignments.of_number(tx, number.id)
        if assignment is None or assignment["account_id"] != account_id:
            raise NotFound()
        return assignment


def _page(items: list[Any], token: str | None, size: int, key: Any) -> tuple[list[Any], str | None]:
    try:
        return page_after(items, token, size, key)
    except UnknownToken:
        raise BadRequest(INVALID_REQUEST, [UNKNOWN_TOKEN]) from None


def _list_body(data: list[dict[str, Any]], page_size: int, following: str | None) -> dict[str, Any]:
    pagination: dict[str, Any] = {"page_size": page_size}
    if following is not None:
        pagination["next_token"] = following
    return {"data": data, "pagination": pagination}
