"""Webhook delivery on a bounded pool: retries with backoff, and fairness between receivers."""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter, defaultdict, deque
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import datetime, timedelta

from emulator.clock import Clock
from emulator.domain.records import WebhookDelivery
from emulator.domain.retry import RetryPolicy
from emulator.domain.statuses import WEBHOOK_DELIVERED, WEBHOOK_FAILED, WEBHOOK_PENDING
from emulator.engine.webhooks import WebhookSender
from emulator.store import Store

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# A receiver that hangs holds at most this many workers, leaving the rest of the pool to others.
LANES_PER_RECEIVER = 4
# Due webhooks of a receiver waiting in memory; beyond this they wait in the store.
QUEUE_LIMIT_PER_RECEIVER = 200


class WebhookDispatcher:
    """Attempts due webhooks and records each attempt, its result and the next attempt time."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        retry: RetryPolicy,
        sender: WebhookSender,
        workers: int = 16,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._retry = retry
        self._sender = sender
        self._rng = rng or random.Random()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mm-webhook")
        self._changed = threading.Condition()
        self._in_flight: dict[str, str] = {}  # webhook id -> receiver, queued or being attempted
        self._queues: dict[str, deque[WebhookDelivery]] = defaultdict(deque)
        self._lanes: Counter[str] = Counter()
        self._unrecorded: list[dict] = []
        self._unrecorded_lock = threading.Lock()
        self._recording = threading.Lock()

    def attempt_due_and_wait(self, now: datetime) -> int:
        """Attempt every webhook due at or before `now`, stamped `now`, and wait for all of them."""
        attempted = 0
        while True:
            due = self._store.due_webhooks(now, BATCH_SIZE)
            wait([self._pool.submit(self._attempt, hook, now) for hook in due])
            attempted += len(due)
            if len(due) < BATCH_SIZE:
                return attempted

    def queue_due(self, now: datetime) -> int:
        """Hand due webhooks to per-receiver lanes and return at once; returns how many."""
        with self._changed:
            backed_up = [r for r, q in self._queues.items() if len(q) >= QUEUE_LIMIT_PER_RECEIVER]
            due = self._store.due_webhooks(now, BATCH_SIZE, list(self._in_flight), backed_up)
            for hook in due:
                receiver = hook["receiver"]
                self._in_flight[hook["id"]] = receiver
                self._queues[receiver].append(hook)
                if self._lanes[receiver] < LANES_PER_RECEIVER:
                    self._lanes[receiver] += 1
                    self._pool.submit(self._run_lane, receiver)
        return len(due)

    def settle(self) -> None:
        """Drop what is queued (it stays pending in the store) and wait for attempts under way."""
        with self._changed:
            for queue in self._queues.values():
                for hook in queue:
                    self._in_flight.pop(hook["id"], None)
                queue.clear()
            self._changed.wait_for(lambda: not self._in_flight)

    def shutdown(self) -> None:
        """Finish the attempts under way and stop the pool; nothing pending is lost."""
        self.settle()
        self._pool.shutdown(wait=True)

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

    def _attempt(self, hook: WebhookDelivery, at: datetime) -> None:
        try:
            result = self._sender.post(hook["url"], hook["payload"])
            attempts = [*hook["attempts"], result.as_attempt(at)]
            if result.ok:
                state, next_at = WEBHOOK_DELIVERED, None
            else:
                delay = self._retry.delay_after(len(attempts), self._rng)
                state = WEBHOOK_FAILED if delay is None else WEBHOOK_PENDING
                next_at = None if delay is None else at + timedelta(seconds=delay)
            self._record(
                {
                    "webhook_id": hook["id"],
                    "new_attempts": attempts,
                    "new_state": state,
                    "new_next_attempt_at": next_at,
                }
            )
            log.info("webhook %s to %s: %s (%s)", hook["id"], hook["url"], attempts[-1], state)
        except Exception:
            log.exception("webhook %s could not be attempted", hook["id"])
        finally:
            with self._changed:
                self._in_flight.pop(hook["id"], None)
                self._changed.notify_all()

    def _record(self, result: dict) -> None:
        """Store an attempt's result; returns once it is committed.

        Results that arrive while another thread is writing wait and go in the next transaction
        together (a group commit), so many lanes do not each pay for their own commit.
        """
        with self._unrecorded_lock:
            self._unrecorded.append(result)
        with self._recording:
            with self._unrecorded_lock:
                batch, self._unrecorded = self._unrecorded, []
            if batch:
                self._store.record_webhook_attempts(batch)
