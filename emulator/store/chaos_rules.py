"""Queries on fault injection rules: list, add, replace and delete them, and fire those that match
a request or a delivery, counting each match in the store so that every process on it agrees
on the next N, the seeded draws and the rate windows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, insert, select, update
from sqlalchemy import delete as delete_rows

from emulator.domain.chaos_rules import (
    DEFINITION_FIELDS,
    DELAY,
    LATENCY,
    RATE_LIMIT,
    RATE_WINDOW_SECONDS,
    REORDER,
    STATUS,
    TOO_MANY_REQUESTS,
    ChaosRule,
    Injected,
    by_chance,
    fault_of,
    retry_after,
    seconds_of,
)
from emulator.domain.ids import new_id
from emulator.store.base import Transaction, changes_kept_state, records
from emulator.store.events import CHAOS, CHAOS_RULES_CHANGED, Event, append_events, new_event
from emulator.store.tables import chaos_hits, chaos_rules, events

# Built once: every API request and every first webhook attempt asks it.
_RULES_OF_SIDE = (
    select(chaos_rules).where(chaos_rules.c.side == bindparam("side")).order_by(chaos_rules.c.seq)
)


def every_rule(tx: Transaction) -> list[ChaosRule]:
    """Every rule, oldest first."""
    return [
        _rule(row) for row in tx.execute(select(chaos_rules).order_by(chaos_rules.c.seq)).mappings()
    ]


def of_side(tx: Transaction, side: str) -> list[ChaosRule]:
    """The rules of `side` switched on, oldest first: the order they are tried in. Every API
    request and first webhook attempt asks, so callers read them through `Store.kept`
    (their counters there are stale; `fire` reads them again under lock)."""
    rules = [_rule(row) for row in tx.execute(_RULES_OF_SIDE, {"side": side}).mappings()]
    return [rule for rule in rules if rule["enabled"]]


def latest_events(tx: Transaction, limit: int) -> list[Event]:
    """The faults injected last, newest first, from the change log."""
    query = select(events).where(events.c.kind == CHAOS).order_by(events.c.seq.desc())
    return records(tx.execute(query.limit(limit)).mappings(), Event)


def add(tx: Transaction, definitions: list[dict[str, Any]], at: datetime) -> list[ChaosRule]:
    """Store validated rules after those there are; returns them with their IDs."""
    rows = [
        {
            "id": new_id(),
            "side": definition["side"],
            "definition": {
                **{name: definition.get(name) for name in DEFINITION_FIELDS},
                "enabled": definition.get("enabled", True),
            },
            "remaining": definition.get("times"),
            "matched": 0,
            "fired": 0,
            "created_at": at,
        }
        for definition in definitions
    ]
    changes_kept_state(tx)
    if rows:
        tx.execute(insert(chaos_rules), rows)
        _rules_changed(tx, at, added=[row["id"] for row in rows])
    return [_rule(row) for row in rows]


def switch(tx: Transaction, rule_id: str, enabled: bool, at: datetime) -> ChaosRule | None:
    """Switch a rule on or off, keeping its counters; None if there is no such rule."""
    row = tx.execute(select(chaos_rules).where(chaos_rules.c.id == rule_id)).mappings().first()
    if row is None:
        return None
    definition = {**row["definition"], "enabled": enabled}
    changes_kept_state(tx)
    tx.execute(update(chaos_rules).where(chaos_rules.c.id == rule_id).values(definition=definition))
    _rules_changed(tx, at, switched=rule_id, enabled=enabled)
    return _rule({**row, "definition": definition})


def delete(tx: Transaction, rule_id: str | None = None, at: datetime | None = None) -> bool:
    """Delete one rule (or all of them) with its rate windows; False if there was none. With
    `at`, the change log says so."""
    rules = delete_rows(chaos_rules)
    hits = delete_rows(chaos_hits)
    if rule_id is not None:
        rules = rules.where(chaos_rules.c.id == rule_id)
        hits = hits.where(chaos_hits.c.rule_id == rule_id)
    changes_kept_state(tx)
    tx.execute(hits)
    deleted = bool(tx.execute(rules).rowcount)
    if deleted and at is not None:
        _rules_changed(tx, at, removed=rule_id or "all")
    return deleted


def _rules_changed(tx: Transaction, at: datetime, **data: Any) -> None:
    """A rule was added, switched or removed: pages that list the rules draw them again."""
    append_events(tx, [new_event(CHAOS_RULES_CHANGED, at, **data)])


def fire(
    tx: Transaction,
    candidates: list[ChaosRule],
    side: str,
    method: str,
    path: str,
    account_id: str | None,
    at: datetime,
    **context: Any,
) -> list[Injected]:
    """The faults of the `candidates` (rules of `side` that match the request or delivery) that
    fire, counted, each with an event in the change log (`context` adds to its data; its
    `message_id` names the message). After a fault that answers the request (a status, a
    dropped connection, a rate limit) no further rule is tried."""
    injected: list[Injected] = []
    for rule in candidates:
        fault = _fire(tx, rule, account_id, at)
        if fault is None:
            continue
        injected.append(fault)
        if fault.answers:
            break
    data = {"side": side, "method": method, "path": path, **context}
    message_id = data.pop("message_id", None)
    append_events(
        tx,
        [
            new_event(CHAOS, at, account_id, message_id, **data, **fault.describe())
            for fault in injected
        ],
    )
    return injected


def _fire(
    connection: Connection, rule: ChaosRule, account_id: str | None, at: datetime
) -> Injected | None:
    """Count a match of the rule and return its fault if it fires at `at`."""
    # Locked: processes matching the same rule count one after the other.
    counters = connection.execute(
        select(chaos_rules.c.remaining, chaos_rules.c.matched)
        .where(chaos_rules.c.id == rule["id"])
        .with_for_update()
    ).first()
    if counters is None:  # deleted meanwhile
        return None
    remaining, match_number = counters.remaining, counters.matched + 1
    fault = None
    if by_chance(rule, match_number) and (remaining is None or remaining > 0):
        fault = _fault(connection, rule, match_number, account_id, at)
    if fault is not None and remaining is not None:
        remaining -= 1
    connection.execute(
        update(chaos_rules)
        .where(chaos_rules.c.id == rule["id"])
        .values(
            matched=match_number,
            remaining=remaining,
            fired=chaos_rules.c.fired + (1 if fault else 0),
        )
    )
    return fault


def _fault(
    connection: Connection,
    rule: ChaosRule,
    match_number: int,
    account_id: str | None,
    at: datetime,
) -> Injected | None:
    kind = fault_of(rule)
    settings = rule["fault"]
    if kind == STATUS:
        status = settings[STATUS]
        wait = settings.get("retry_after", 1 if status == TOO_MANY_REQUESTS else None)
        return Injected(rule["id"], rule["name"], kind, status, wait)
    if kind in (LATENCY, DELAY):
        seconds = seconds_of(settings[kind], rule, match_number)
        return Injected(rule["id"], rule["name"], kind, seconds=seconds)
    if kind == REORDER:
        return Injected(rule["id"], rule["name"], kind, seconds=settings["hold_seconds"])
    if kind == RATE_LIMIT:
        return _rate_limited(connection, rule, settings[RATE_LIMIT], account_id or "", at)
    return Injected(rule["id"], rule["name"], kind)  # a dropped connection, a duplicate


def _rate_limited(
    connection: Connection, rule: ChaosRule, limit: int, account_id: str, at: datetime
) -> Injected | None:
    """429 when the account had `limit` requests let through in the second before `at` (the
    emulator's time, so a clock advance empties the window); otherwise the request is let
    through and counted."""
    now = at.timestamp()
    mine = (chaos_hits.c.rule_id == rule["id"]) & (chaos_hits.c.account_id == account_id)
    connection.execute(
        delete_rows(chaos_hits).where(mine, chaos_hits.c.at <= now - RATE_WINDOW_SECONDS)
    )
    window = connection.execute(
        select(chaos_hits.c.at).where(mine).order_by(chaos_hits.c.at).limit(limit)
    ).scalars()
    hits = list(window)
    if len(hits) < limit:
        connection.execute(
            insert(chaos_hits), {"rule_id": rule["id"], "account_id": account_id, "at": now}
        )
        return None
    wait = retry_after(hits[0], now)
    return Injected(rule["id"], rule["name"], RATE_LIMIT, TOO_MANY_REQUESTS, wait)


def _rule(row: RowMapping | dict[str, Any]) -> ChaosRule:
    definition = row["definition"]
    return {
        "id": row["id"],
        "side": row["side"],
        **{name: definition.get(name) for name in DEFINITION_FIELDS},  # type: ignore[typeddict-item]
        "seed": definition.get("seed") or 0,
        "enabled": definition.get("enabled", True) is not False,
        "remaining": row["remaining"],
        "matched": row["matched"],
        "fired": row["fired"],
        "created_at": row["created_at"],
    }
