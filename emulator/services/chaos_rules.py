"""Fault injection without HTTP: the rules, as the control plane and the --chaos file set them,
and the faults they inject into an API request."""

from __future__ import annotations

import logging
from typing import Any

from emulator.clock import Clock
from emulator.domain.chaos_rules import API, ChaosRule, Injected, matches
from emulator.errors import NotFound
from emulator.store import Store, chaos_rules
from emulator.store.events import Event

log = logging.getLogger(__name__)


class ChaosService:
    """Keeps the rules in the store and asks them about each API request.

    `startup_rules` (the --chaos file's) are in force from the start and again after every
    reset, with fresh counters.
    """

    def __init__(self, store: Store, clock: Clock, startup_rules: list[dict[str, Any]]) -> None:
        self._store = store
        self._clock = clock
        self._startup_rules = startup_rules

    def rules(self) -> list[ChaosRule]:
        with self._store.reading() as tx:
            return chaos_rules.every_rule(tx)

    def latest_faults(self, limit: int = 50) -> list[Event]:
        """The faults injected last, newest first, as the change log has them."""
        with self._store.reading() as tx:
            return chaos_rules.latest_events(tx, limit)

    def add(self, definitions: list[dict[str, Any]]) -> list[ChaosRule]:
        """Add validated rules after those in force; returns them with their IDs."""
        with self._store.transaction() as tx:
            return chaos_rules.add(tx, definitions, self._clock.now())

    def replace(self, definitions: list[dict[str, Any]]) -> list[ChaosRule]:
        """Put validated rules in place of all those in force."""
        with self._store.transaction() as tx:
            now = self._clock.now()
            chaos_rules.delete(tx, at=now)
            return chaos_rules.add(tx, definitions, now)

    def switch(self, rule_id: str, enabled: bool) -> ChaosRule:
        """Switch a rule on or off; its counters stay."""
        with self._store.transaction() as tx:
            rule = chaos_rules.switch(tx, rule_id, enabled, self._clock.now())
        if rule is None:
            raise NotFound()
        return rule

    def remove(self, rule_id: str) -> None:
        with self._store.transaction() as tx:
            deleted = chaos_rules.delete(tx, rule_id, self._clock.now())
        if not deleted:
            raise NotFound()

    def clear(self) -> None:
        with self._store.transaction() as tx:
            chaos_rules.delete(tx, at=self._clock.now())

    def restore_startup_rules(self) -> None:
        """The --chaos file's rules again, and only them."""
        self.replace(self._startup_rules)

    def inject(self, method: str, path: str, account_id: str) -> list[Injected]:
        """The faults the rules inject into this API request, each logged and in the change log;
        at most one of them answers the request."""
        rules = self._store.kept(chaos_rules.of_side, API)
        candidates = [rule for rule in rules if matches(rule, method, path, account_id)]
        if not candidates:
            return []
        with self._store.transaction() as tx:
            faults = chaos_rules.fire(
                tx, candidates, API, method, path, account_id, self._clock.now()
            )
        for fault in faults:
            log.info(
                "chaos rule %s injected %s into %s %s for %s",
                fault.rule_name or fault.rule_id,
                _shown(fault),
                method,
                path,
                account_id,
            )
        return faults


def _shown(fault: Injected) -> str:
    details = fault.describe()
    return ", ".join(
        f"{name}={details[name]}"
        for name in ("fault", "status", "retry_after", "seconds")
        if name in details
    )
