"""The engine: moves due messages along their lifecycle and delivers due webhooks.

The store is the truth. A message row carries when its next transition is due and a webhook row
when its next attempt is due; periodic APScheduler jobs process whatever is due in batches, and
`advance` runs the same code synchronously while moving the clock, in time order.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from emulator.clock import Clock
from emulator.domain.handsets import HandsetScripts
from emulator.domain.lifecycle import StepDelays, next_transition
from emulator.domain.records import Message, new_delivery_report, new_reply
from emulator.domain.retention import retention_cutoff
from emulator.domain.retry import RetryPolicy
from emulator.domain.statuses import DELIVERED
from emulator.engine.dispatcher import WebhookDispatcher
from emulator.engine.firing import Subscriptions
from emulator.engine.notifications import delivery_report_webhook, reply_webhook
from emulator.engine.signing import CallbackSigner
from emulator.engine.webhooks import WebhookSender
from emulator.store import Store
from emulator.store.messages import Planned

log = logging.getLogger(__name__)

BATCH_SIZE = 500


class Engine:
    """Lifecycle transitions, delivery reports and webhook delivery with retries."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        delays: StepDelays,
        retry: RetryPolicy,
        sender: WebhookSender,
        handsets: HandsetScripts | None = None,
        workers: int = 16,
        tick_seconds: float = 0.2,
        rng: random.Random | None = None,
        signs_for: Callable[[str], bool] = lambda account_id: True,
    ) -> None:
        """`signs_for(account_id)` says whether the account may sign its callbacks (its
        signature_keys feature); it is asked only when the account has an enabled key."""
        self._store = store
        self._clock = clock
        self._delays = delays
        self._handsets = handsets or HandsetScripts([])
        self._tick_seconds = tick_seconds
        signer = CallbackSigner(store, signs_for)
        self._dispatcher = WebhookDispatcher(store, clock, retry, sender, signer, workers, rng)
        # Advances and the periodic job take turns; `_time` guards each short step that reads
        # or moves the clock against a reset, and is never held while waiting on the network.
        self._turn = threading.Lock()
        self._time = threading.Lock()
        self._generation = 0
        self._stopping = False
        self._scheduler: BackgroundScheduler | None = None

    # Messages

    def advance_due_messages(self, now: datetime) -> int:
        """Move every message due by `now` through its due transitions; returns how many moved."""
        moved = 0
        while True:
            with self._store.transaction() as connection:
                due = self._store.due_messages(connection, now, BATCH_SIZE)
                if not due:
                    return moved
                planned = Planned()
                accounts = {message["account_id"] for message in due}
                subscriptions = Subscriptions(self._store.subscribed_webhooks(accounts, connection))
                for message in due:
                    self._plan(message, planned, subscriptions)
                self._store.apply_transitions(connection, planned)
            moved += len(due)

    def _plan(self, message: Message, planned: Planned, subscriptions: Subscriptions) -> None:
        transition = next_transition(message, self._delays)
        planned.changes.append(
            {
                "change_id": message["id"],
                "change_status": transition.status,
                "change_error_code": transition.error_code,
                "change_at": transition.at,
                "change_next_at": transition.next_at,
            }
        )
        log.debug("message %s %s -> %s", message["id"], message["status"], transition.status)
        if message["delivery_report"] and transition.is_reported:
            report = new_delivery_report(
                message, transition.status, transition.error_code, transition.at
            )
            planned.reports.append(report)
            if message["callback_url"]:
                planned.webhooks.append(delivery_report_webhook(message, report))
            planned.webhooks.extend(subscriptions.for_report(message, report))
        if transition.status == DELIVERED:
            self._plan_scripted_reply(message, transition.at, planned, subscriptions)

    def _plan_scripted_reply(
        self,
        message: Message,
        delivered_at: datetime,
        planned: Planned,
        subscriptions: Subscriptions,
    ) -> None:
        """A scripted handset's reply, stored now with the time it will be received."""
        script = self._handsets.script_for(message)
        if script is None:
            return
        reply = new_reply(message, script.reply, delivered_at + script.after)
        planned.replies.append(reply)
        if reply["callback_url"]:
            planned.webhooks.append(reply_webhook(reply))
        planned.webhooks.extend(subscriptions.for_reply(reply, message))

    # Webhooks

    def deliver_due_webhooks(self, now: datetime) -> int:
        """Hand webhooks due at or before `now` to the receivers' lanes of the pool."""
        return self._dispatcher.queue_due(now)

    # Time

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward, processing everything that falls due on the way, in time order,
        each as of its own due time.

        Advances take turns with each other and with the periodic job. A reset or a stop while
        one runs ends it at its next step; neither waits for it.
        """
        with self._turn:
            generation = self._generation
            self._dispatcher.drop_queued()
            target = self._clock.now() + timedelta(seconds=seconds)
            hanging: set[str] = set()
            while True:
                with self._time:
                    if self._generation != generation or self._stopping:
                        return self._clock.now()
                    due = self._store.next_due_time(self._dispatcher.in_flight())
                    if due is None or due > target:
                        break
                    self._clock.advance_to(due)
                self.advance_due_messages(due)
                self._dispatcher.attempt_due_and_wait(due, hanging)
            with self._time:
                if self._generation == generation:
                    self._clock.advance_to(target)
                return self._clock.now()

    def forget_everything(self) -> None:
        """Empty the store and go back to real time, without waiting for any advance or
        webhook attempt under way (their results find nothing left to update)."""
        with self._time:
            self._generation += 1
            self._dispatcher.drop_queued()
            self._store.clear()
            self._clock.reset()

    def run_due(self) -> None:
        """The periodic job: process what is due now; skipped while `advance` is running."""
        if not self._turn.acquire(blocking=False):
            return
        try:
            now = self._clock.now()
            self.advance_due_messages(now)
            self.deliver_due_webhooks(now)
        finally:
            self._turn.release()

    def purge_expired(self) -> None:
        """Delete what is older than the API's 45-day retention."""
        self._store.purge_created_before(retention_cutoff(self._clock.now()))

    # Running

    def start(self) -> None:
        """Run the periodic jobs on a background scheduler."""
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            self.run_due,
            "interval",
            id="run_due",
            seconds=self._tick_seconds,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        scheduler.add_job(self.purge_expired, "interval", id="purge", hours=1, max_instances=1)
        scheduler.start()
        self._scheduler = scheduler

    def wake(self) -> None:
        """Run the periodic job now rather than at its next tick (new work has arrived)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.modify_job("run_due", next_run_time=datetime.now(UTC))

    def stop(self, grace_seconds: float | None = None) -> None:
        """Stop the jobs and wait for attempts in flight (at most `grace_seconds`); pending
        work stays in the store."""
        self._stopping = True
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self._scheduler = None
        self._dispatcher.shutdown(grace_seconds)
