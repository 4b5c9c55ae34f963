"""Faults injected into webhook deliveries, to test receivers' idempotency and ordering: a
notification sent twice, a message's notifications out of order, or late.

The rules of side `webhook` are asked once per delivery, before its first attempt; what they
decide is kept on the delivery (its `chaos` marks), so a postponed delivery is not asked again.

Out of order: a delivery a `reorder` rule holds waits (at most `hold_seconds`) for the next
notification of the same message to the same URL and goes right after that one's first
attempt. When every notification of a message is held, they go out in reverse order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from emulator.domain.chaos_rules import (
    DELAY,
    DUPLICATE,
    REORDER,
    WEBHOOK,
    ChaosRule,
    Injected,
    matches,
)
from emulator.domain.records import WebhookDelivery
from emulator.redaction import redact_url
from emulator.store import Store, chaos_rules, delivery_chaos
from emulator.store.delivery_chaos import RELEASES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """What the faults make of a delivery's first attempt."""

    # Not now: the delivery was postponed.
    postponed: bool = False
    # Sent twice, the same request both times.
    duplicate: bool = False
    # Deliveries held for this one, to make due once it has been attempted.
    releases: tuple[str, ...] = ()


AS_IS = Plan()


class WebhookChaos:
    """Asks the rules about each delivery's first attempt and applies what they decide."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def before_first_attempt(self, hook: WebhookDelivery, at: datetime) -> Plan:
        """The faults of a claimed delivery about to be attempted for the first time at `at`;
        a delivery they postpone is stored as such, and not attempted now."""
        if hook["chaos"] is not None:
            return _plan_of(hook["chaos"])
        rules = self._store.kept(chaos_rules.of_side, WEBHOOK)
        if not rules:
            return AS_IS
        method, path = hook["method"], urlsplit(hook["url"]).path or "/"
        candidates = [rule for rule in rules if matches(rule, method, path, hook["account_id"])]
        faults: list[Injected] = []
        if candidates:
            faults = self._fire(hook, candidates, method, path, at)
        for fault in faults:
            self._log(hook, fault)
        marks = [fault.describe() for fault in faults]
        wait = max((f.seconds or 0.0 for f in faults if f.fault in (DELAY, REORDER)), default=0.0)
        until = at + timedelta(seconds=wait) if wait else None
        held = []
        if any(rule["fault"].get(REORDER) for rule in rules):
            with self._store.reading() as tx:
                held = delivery_chaos.held_before(tx, hook, REORDER)
        if held:
            longest = max(rule["fault"].get("hold_seconds", 0.0) for rule in rules)
            bound = (until or at) + timedelta(seconds=longest)
            with self._store.transaction() as tx:
                delivery_chaos.make_wait(tx, held, hook["id"], bound)
            marks.append({RELEASES: [earlier["id"] for earlier in held]})
        if marks:
            with self._store.transaction() as tx:
                delivery_chaos.mark(tx, hook, marks, until)
        return Plan(postponed=until is not None) if until else _plan_of(marks)

    def _fire(
        self,
        hook: WebhookDelivery,
        candidates: list[ChaosRule],
        method: str,
        path: str,
        at: datetime,
    ) -> list[Injected]:
        with self._store.transaction() as tx:
            return chaos_rules.fire(
                tx,
                candidates,
                WEBHOOK,
                method,
                path,
                hook["account_id"],
                at,
                message_id=hook["message_id"],
                webhook_id=hook["id"],
                event=hook["event"],
            )

    def after_first_attempt(self, plan: Plan, at: datetime) -> None:
        """Make the deliveries held for this one due now, right after it."""
        if plan.releases:
            with self._store.transaction() as tx:
                delivery_chaos.release(tx, plan.releases, at)

    def _log(self, hook: WebhookDelivery, fault: Injected) -> None:
        log.info(
            "chaos rule %s injected %s into webhook %s to %s",
            fault.rule_name or fault.rule_id,
            fault.fault if fault.seconds is None else f"{fault.fault}={fault.seconds:g}",
            hook["id"],
            redact_url(hook["url"]),
        )


def _plan_of(marks: list[dict[str, Any]]) -> Plan:
    released = [hook_id for mark in marks for hook_id in mark.get(RELEASES, [])]
    duplicate = any(mark.get("fault") == DUPLICATE for mark in marks)
    return Plan(duplicate=duplicate, releases=tuple(released))
