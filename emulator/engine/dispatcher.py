"""Webhook delivery on a bounded pool: retries with backoff (or a webhook's own delay), signing,
fairness between receivers, and the faults chaos rules inject."""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter, defaultdict, deque
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from emulator.clock import Clock
from emulator.domain.records import WebhookDelivery
from emulator.domain.retry import RetryPolicy
from emulator.domain.statuses import WEBHOOK_DELIVERED, WEBHOOK_FAILED, WEBHOOK_PENDING
from emulator.domain.velocity import DEFAULT_LIMITS, RenderLimits, TemplateProblem
from emulator.engine.delivery_chaos import AS_IS, Plan, WebhookChaos
from emulator.engine.delivery_http import AttemptResult, WebhookSender
from emulator.engine.delivery_requests import WebhookRequest, build_request, retry_policy
from emulator.engine.signing import CallbackSigner
from emulator.redaction import redact_url
from emulator.store import Store, webhook_deliveries

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# A receiver that hangs holds at most this many workers, leaving the rest of the pool to others.
LANES_PER_RECEIVER = 4
# Due webhooks of a receiver waiting in memory; beyond this they wait in the store.
QUEUE_LIMIT_PER_RECEIVER = 200
# A process claims the deliveries it will attempt for this many times the webhook timeout (plus
# the margin): long enough to attempt them, short enough that another process soon takes over
# those of a process that died.
CLAIM_TIMEOUTS = 3
# An attempt starts only if its claim will outlast it by this much.
CLAIM_MARGIN_SECONDS = 2.0


@dataclass(frozen=True)
class _Outcome:
    """An attempt made, waiting to be stored, and what follows once it is."""

    hook: WebhookDelivery
    # The row webhook_deliveries.record_attempts stores.
    result: dict[str, Any]
    plan: Plan
    at: datetime
    # Set once the transaction that held it has ended, committed or not.
    stored: threading.Event = field(default_factory=threading.Event)


class WebhookDispatcher:
    """Attempts due webhooks and records each attempt, its result and the next attempt time."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        retry: RetryPolicy,
        sender: WebhookSender,
        signer: CallbackSigner,
        workers: int = 16,
        rng: random.Random | None = None,
        template_limits: RenderLimits = DEFAULT_LIMITS,
    ) -> None:
        self._store = store
        self._template_limits = template_limits
        self._clock = clock
        self._retry = retry
        self._sender = sender
        self._signer = signer
        self._chaos = WebhookChaos(store)
        self._rng = rng or random.Random()
        self._lease_seconds = CLAIM_TIMEOUTS * sender.timeout_seconds + CLAIM_MARGIN_SECONDS
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mm-webhook")
        self._changed = threading.Condition()
        self._in_flight: dict[str, str] = {}  # webhook id -> receiver, queued or being attempted
        self._queues: dict[str, deque[WebhookDelivery]] = defaultdict(deque)
        self._lanes: Counter[str] = Counter()
        self._unrecorded: list[_Outcome] = []
        self._unrecorded_lock = threading.Lock()
        self._recording = False  # whether a lane is storing what waits in _unrecorded

    def attempt_due_and_wait(self, now: datetime, hanging: set[str]) -> int:
        """Attempt every webhook due at or before `now`, stamped `now`, and wait for all of them.

        Receivers are attempted in parallel, each on up to LANES_PER_RECEIVER lanes. A receiver
        in `hanging` timed out earlier in the same clock advance: simulated time passes in no
        time, so it is taken to be still hanging and its attempts time out without a call. That
        bounds an advance by its work, not by the sum of the receivers' timeouts.
        """
        attempted = 0
        while True:
            due = self._claim(now)
            by_receiver: dict[str, deque[WebhookDelivery]] = defaultdict(deque)
            for hook in due:
                by_receiver[hook["receiver"]].append(hook)
            with self._changed:
                self._in_flight.update({hook["id"]: hook["receiver"] for hook in due})
            lanes = [
                self._pool.submit(self._run_advance_lane, queue, now, hanging)
                for queue in by_receiver.values()
                for _ in range(min(LANES_PER_RECEIVER, len(queue)))
            ]
            wait(lanes)
            # The next due time is read from the store: the attempts must be there.
            self._wait_until_stored(due)
            attempted += len(due)
            if len(due) < BATCH_SIZE:
                return attempted

    def queue_due(self, now: datetime) -> int:
        """Claim due webhooks and hand them to per-receiver lanes; returns at once, with how
        many."""
        with self._changed:
            backed_up = [r for r, q in self._queues.items() if len(q) >= QUEUE_LIMIT_PER_RECEIVER]
        due = self._claim(now, backed_up)
        with self._changed:
            for hook in due:
                receiver = hook["receiver"]
                self._in_flight[hook["id"]] = receiver
                self._queues[receiver].append(hook)
                if self._lanes[receiver] < LANES_PER_RECEIVER:
                    self._lanes[receiver] += 1
                    self._pool.submit(self._run_lane, receiver)
        return len(due)

    def drop_queued(self) -> None:
        """Forget what waits in memory and give up its claims; it stays pending in the store.
        Attempts under way go on: nothing here waits on the network."""
        dropped: list[WebhookDelivery] = []
        with self._changed:
            for queue in self._queues.values():
                for hook in queue:
                    self._in_flight.pop(hook["id"], None)
                dropped.extend(queue)
                queue.clear()
        if dropped:
            with self._store.transaction() as tx:
                webhook_deliveries.release_claims(tx, dropped)

    def settle(self, timeout: float | None = None) -> bool:
        """Drop what is queued and wait for attempts under way; False if some still are."""
        self.drop_queued()
        with self._changed:
            return self._changed.wait_for(lambda: not self._in_flight, timeout)

    def shutdown(self, grace_seconds: float | None = None) -> None:
        """Stop the pool after the attempts under way, waiting at most `grace_seconds` for them.

        An attempt cut short is not recorded: its delivery stays pending in the store and is
        attempted again after the next start, so nothing is lost.
        """
        self.settle(grace_seconds)
        self._pool.shutdown(wait=grace_seconds is None, cancel_futures=True)

    def _run_lane(self, receiver: str) -> None:
        while True:
            with self._changed:
                queue = self._queues.get(receiver)
                if not queue:
                    self._lanes[receiver] -= 1
                    if not self._lanes[receiver]:
                        del self._lanes[receiver]
                        self._queues.pop(receiver, None)
                    return
                hook = queue.popleft()
            self._attempt(hook, self._clock.now())

    def _run_advance_lane(
        self, queue: deque[WebhookDelivery], at: datetime, hanging: set[str]
    ) -> None:
        while True:
            try:
                hook = queue.popleft()
            except IndexError:
                return
            self._attempt(hook, at, hanging)

    def _attempt(
        self, hook: WebhookDelivery, at: datetime, hanging: set[str] | None = None
    ) -> None:
        handed_over = False
        try:
            if not self._claim_outlasts_attempt(hook):
                # It waited in memory too long: its claim runs out and any process may take it.
                return
            first = not hook["attempts"]
            plan = self._chaos.before_first_attempt(hook, at) if first else AS_IS
            if plan.postponed:
                return
            body = hook["body"]
            try:
                request, body = build_request(hook, self._template_limits)
            except TemplateProblem as problem:
                # Rendering again would fail again: the delivery fails at once.
                result = AttemptResult(error=f"the template could not be rendered: {problem}")
                delay = None
            else:
                result = self._send(hook, request, hanging, plan.duplicate)
                delay = retry_policy(hook, self._retry).delay_after(
                    len(hook["attempts"]) + 1, self._rng
                )
            attempts = [*hook["attempts"], result.as_attempt(at)]
            if result.ok:
                state, next_at = WEBHOOK_DELIVERED, None
            else:
                state = WEBHOOK_FAILED if delay is None else WEBHOOK_PENDING
                next_at = None if delay is None else at + timedelta(seconds=delay)
            row = {
                "webhook_id": hook["id"],
                "claim": hook["claim_token"],
                "new_attempts": attempts,
                "new_state": state,
                "new_next_attempt_at": next_at,
                "new_body": body,
            }
            handed_over = True
            self._record(_Outcome(hook, row, plan, at))
        except Exception:
            log.exception("webhook %s could not be attempted", hook["id"])
        finally:
            if not handed_over:
                self._done([hook])

    def _record(self, outcome: _Outcome) -> None:
        """Have an attempt stored, and return once it is; its delivery leaves `_in_flight` then.

        The lane that finds no other recording stores what waits, in one transaction, until
        nothing does (a group commit); the other lanes hand theirs over and wait for the commit
        that holds it, so the groups grow with the load instead of a commit per attempt. A lane
        makes its next request only once its last one is stored: a process killed at any moment
        has at most one request per lane that a receiver got and the store does not know of,
        and only those are sent again after a restart.
        """
        with self._unrecorded_lock:
            self._unrecorded.append(outcome)
            leading = not self._recording
            self._recording = True
        if not leading:
            outcome.stored.wait()
            return
        while True:
            with self._unrecorded_lock:
                batch, self._unrecorded = self._unrecorded, []
                if not batch:
                    self._recording = False
                    return
            self._store_outcomes(batch)

    def _store_outcomes(self, batch: list[_Outcome]) -> None:
        try:
            try:
                with self._store.transaction() as tx:
                    webhook_deliveries.record_attempts(tx, [outcome.result for outcome in batch])
            finally:
                # Their lanes go on at once: nothing below is worth a request's wait.
                for outcome in batch:
                    outcome.stored.set()
        except Exception:
            # Their claims run out and they are attempted again, by this process or another.
            log.exception("the attempts at %d webhooks could not be recorded", len(batch))
            self._done([outcome.hook for outcome in batch])
            return
        try:
            for outcome in batch:
                hook, result = outcome.hook, outcome.result
                log.info(
                    "webhook %s to %s: %s (%s)",
                    hook["id"],
                    redact_url(hook["url"]),
                    result["new_attempts"][-1],
                    result["new_state"],
                )
                try:
                    self._chaos.after_first_attempt(outcome.plan, outcome.at)
                except Exception:
                    log.exception("webhooks held for %s could not be released", hook["id"])
        finally:
            self._done([outcome.hook for outcome in batch])

    def _wait_until_stored(self, hooks: list[WebhookDelivery]) -> None:
        with self._changed:
            self._changed.wait_for(lambda: all(h["id"] not in self._in_flight for h in hooks))

    def _done(self, hooks: list[WebhookDelivery]) -> None:
        with self._changed:
            for hook in hooks:
                self._in_flight.pop(hook["id"], None)
            self._changed.notify_all()

    def _claim(
        self, now: datetime, skip_receivers: list[str] | None = None
    ) -> list[WebhookDelivery]:
        """Claim due deliveries; those of a webhook with a longer timeout than the server's get
        a claim long enough for it."""
        with self._store.transaction() as tx:
            hooks = webhook_deliveries.claim_due(
                tx, now, BATCH_SIZE, self._lease_seconds, skip_receivers or ()
            )
        slow = [hook for hook in hooks if not self._claim_outlasts_attempt(hook)]
        if slow:
            real_now = datetime.now(UTC)
            for hook in slow:
                lease = CLAIM_TIMEOUTS * self._timeout(hook) + CLAIM_MARGIN_SECONDS
                hook["claimed_until"] = real_now + timedelta(seconds=lease)
            with self._store.transaction() as tx:
                webhook_deliveries.extend_claims(tx, slow)
        return hooks

    def _claim_outlasts_attempt(self, hook: WebhookDelivery) -> bool:
        claimed_until = hook["claimed_until"]
        if claimed_until is None:
            return False
        left = (claimed_until - datetime.now(UTC)).total_seconds()
        return left > self._timeout(hook) + CLAIM_MARGIN_SECONDS

    def _timeout(self, hook: WebhookDelivery) -> float:
        return hook["timeout_seconds"] or self._sender.timeout_seconds

    def _send(
        self,
        hook: WebhookDelivery,
        request: WebhookRequest,
        hanging: set[str] | None,
        twice: bool = False,
    ) -> AttemptResult:
        """Send the request (`twice`: the same request again right after, as a duplicate
        notification; the first answer counts)."""
        receiver = hook["receiver"]
        if hanging is not None and receiver in hanging:
            return self._sender.still_hanging(request.timeout_seconds)
        signed = self._signer.sign(hook["account_id"], request)
        result = self._sender.send(signed)
        if twice:
            self._sender.send(signed)
        if hanging is not None and result.timed_out:
            hanging.add(receiver)
        return result
