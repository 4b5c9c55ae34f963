"""The engine: moves due messages along their lifecycle and delivers due webhooks.

The store is the truth. A message row carries when its next transition is due and a webhook row
when its next attempt is due; periodic APScheduler jobs process whatever is due in batches, and
`advance` runs the same code synchronously while moving the clock, in time order.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import cast

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from emulator.clock import Clock
from emulator.domain.handsets import HandsetScripts
from emulator.domain.ids import new_id
from emulator.domain.keywords import Keywords
from emulator.domain.lifecycle import StepDelays
from emulator.domain.records import Message, new_reply
from emulator.domain.retention import retention_cutoff
from emulator.domain.retry import RetryPolicy
from emulator.domain.statuses import DELIVERED, QUEUED
from emulator.domain.velocity import DEFAULT_LIMITS, RenderLimits
from emulator.engine.delivery_http import WebhookSender
from emulator.engine.dispatcher import WebhookDispatcher
from emulator.engine.firing import Subscriptions
from emulator.engine.notifications import delivery_report_webhook, reply_webhook
from emulator.engine.signing import CallbackSigner
from emulator.store import (
    Store,
    account_webhooks,
    blacklist,
    housekeeping,
    sender_addresses,
    webhook_deliveries,
)
from emulator.store import clock as stored_clock
from emulator.store import messages as stored_messages
from emulator.store.messages import Planned
from emulator.store.transitions import Step, step_due_messages

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
# An advance holds the engine of every process this long (real time) past its latest step.
ADVANCE_LEASE_SECONDS = 120.0
# How often an advance waiting for another one to finish looks again.
TAKE_TURNS_SECONDS = 0.01


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
        keywords: Keywords | None = None,
        workers: int = 16,
        tick_seconds: float = 0.2,
        rng: random.Random | None = None,
        signs_for: Callable[[str], bool] = lambda account_id: True,
        template_limits: RenderLimits = DEFAULT_LIMITS,
    ) -> None:
        """`signs_for(account_id)` says whether the account may sign its callbacks (its
        signature_keys feature); it is asked only when the account has an enabled key."""
        self._store = store
        self._clock = clock
        self._delays = delays
        self._handsets = handsets or HandsetScripts([])
        self._keywords = keywords or Keywords()
        self._tick_seconds = tick_seconds
        self._sender_timeout = sender.timeout_seconds
        signer = CallbackSigner(store, signs_for)
        self._dispatcher = WebhookDispatcher(
            store, clock, retry, sender, signer, workers, rng, template_limits
        )
        # Advances and the periodic job take turns; `_time` guards each short step that reads
        # or moves the clock against a reset, and is never held while waiting on the network.
        self._turn = threading.Lock()
        self._time = threading.Lock()
        self._stopping = False
        self._scheduler: BackgroundScheduler | None = None

    # Messages

    def advance_due_messages(self, now: datetime) -> int:
        """Move every message due by `now` through its due transitions; returns how many moved.

        Each batch is one transaction: a few statements move the whole batch one step and write
        its reports (emulator.store.transitions); Python then builds only the webhooks and
        scripted replies of the messages that need them. A process that dies mid-batch leaves
        nothing half done, and two processes never move the same message. A stop ends it
        between batches: what is left stays due for the next start or another process.
        """
        moved = 0
        while not self._stopping:
            with self._store.transaction() as connection:
                step = step_due_messages(connection, now, BATCH_SIZE, self._delays)
                if step.moved:
                    self._plan_notifications(connection, step)
            moved += len(step.moved)
            # A short batch took all that was due; only a message it made due again is left
            # (another process's, skipped while it holds them, are that process's to move).
            if len(step.moved) < BATCH_SIZE and not step.due_again(now):
                return moved
        return moved

    def _plan_notifications(self, connection: Connection, step: Step) -> None:
        """Webhooks and scripted replies for the messages of `step` that cause any."""
        accounts = {row["account_id"] for row in step.moved}
        subscriptions = Subscriptions(account_webhooks.subscribed(connection, accounts))
        subscribed = subscriptions.accounts
        notified = [
            row["id"]
            for row in step.moved
            if (
                row["delivery_report"]
                and row["status"] != QUEUED
                and (row["callback_url"] or row["account_id"] in subscribed)
            )
            or (row["status"] == DELIVERED and self._handsets.script_for(cast(Message, row)))
        ]
        if not notified:
            return
        planned = Planned()
        for message, report in stored_messages.with_new_reports(connection, notified):
            if report is not None:
                if message["callback_url"]:
                    planned.webhooks.append(delivery_report_webhook(message, report))
                planned.webhooks.extend(subscriptions.for_report(message, report))
            if message["status"] == DELIVERED:
                self._plan_scripted_reply(message, message["updated_at"], planned, subscriptions)
        stored_messages.apply_transitions(connection, planned)
        changes = [self._keywords.blacklist_change(reply) for reply in planned.replies]
        blacklist.change(connection, [change for change in changes if change is not None])

    def _plan_scripted_reply(
        self,
        message: Message,
        delivered_at: datetime,
        planned: Planned,
        subscriptions: Subscriptions,
    ) -> None:
        """A scripted handset's reply, stored now with the time it will be received (an opt-out
        or opt-in keyword changes the blacklist from then on)."""
        script = self._handsets.script_for(message)
        if script is None:
            return
        reply = new_reply(message, script.reply, delivered_at + script.after)
        planned.replies.append(reply)
        if reply["callback_url"]:
            planned.webhooks.append(reply_webhook(reply))
        opts_out = self._keywords.opts_out(reply["content"])
        planned.webhooks.extend(subscriptions.for_reply(reply, message, opts_out))

    # Webhooks

    def deliver_due_webhooks(self, now: datetime) -> int:
        """Hand webhooks due at or before `now` to the receivers' lanes of the pool."""
        return self._dispatcher.queue_due(now)

    def announce_due_reviews(self, now: datetime) -> int:
        """Tell the change log of the alpha tag reviews that ended by `now` (their status is
        decided on the clock when read; the log follows it here). Most ticks have none: they
        only read."""
        with self._store.reading() as tx:
            due = sender_addresses.next_review_time(tx)
        if due is None or due > now:
            return 0
        with self._store.transaction() as tx:
            return sender_addresses.announce_reviews(tx, now)

    # Time

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward, processing everything that falls due on the way, in time order,
        each as of its own due time.

        Advances take turns with each other and hold off the periodic job, in this process and
        in every other process on the store (a lease in the clock's row, renewed at each step).
        A reset or a stop while one runs ends it at its next step; neither waits for it.
        """
        with self._turn:
            generation = self._clock.generation()
            lease = new_id()
            while not self._take_advance_lease(lease):
                if self._stopping or self._clock.generation() != generation:
                    return self._clock.now()
                time.sleep(TAKE_TURNS_SECONDS)
            try:
                return self._advance(seconds, generation, lease)
            finally:
                with self._store.transaction() as tx:
                    stored_clock.release_advance_lease(tx, lease)

    def _take_advance_lease(self, lease: str) -> bool:
        with self._store.transaction() as tx:
            return stored_clock.take_advance_lease(tx, lease, ADVANCE_LEASE_SECONDS)

    def _advance(self, seconds: float, generation: int, lease: str) -> datetime:
        # Attempts the periodic job started here finish first (a receiver that hangs costs one
        # timeout), so the advance sees their results.
        self._dispatcher.settle(self._sender_timeout)
        target = self._clock.now() + timedelta(seconds=seconds)
        hanging: set[str] = set()
        while True:
            # One transaction: a reset in any process either comes before it (and this advance
            # ends) or after it.
            with self._time, self._store.transaction() as tx:
                if self._clock.generation() != generation or self._stopping:
                    return self._clock.now()
                stored_clock.take_advance_lease(tx, lease, ADVANCE_LEASE_SECONDS)
                due = self._next_due_time()
                if due is None or due > target:
                    break
                self._clock.advance_to(due)
            self.advance_due_messages(due)
            self.announce_due_reviews(due)
            self._dispatcher.attempt_due_and_wait(due, hanging)
        with self._time, self._store.transaction():
            if self._clock.generation() == generation:
                self._clock.advance_to(target)
            return self._clock.now()

    def _next_due_time(self) -> datetime | None:
        """The earliest message transition or webhook attempt no other process has claimed."""
        with self._store.reading() as tx:
            candidates = (
                stored_messages.next_transition_time(tx),
                webhook_deliveries.next_attempt_time(tx),
                sender_addresses.next_review_time(tx),
            )
        due = [moment for moment in candidates if moment is not None]
        return min(due) if due else None

    def forget_everything(self) -> None:
        """Empty the store and go back to real time in a new generation, without waiting for
        any advance or webhook attempt under way, here or in another process (their results
        find nothing left to update)."""
        self._dispatcher.drop_queued()
        with self._time, self._store.transaction(alone=True) as tx:
            housekeeping.clear(tx)
            self._clock.reset()

    def run_due(self) -> None:
        """The periodic job: process what is due now; skipped while an advance is running in
        this process or another."""
        if not self._turn.acquire(blocking=False):
            return
        try:
            with self._store.reading() as tx:
                advance_elsewhere = stored_clock.advance_under_way(tx)
            if advance_elsewhere:
                # The advance attempts what this process queued, each as of its due time.
                self._dispatcher.drop_queued()
                return
            now = self._clock.now()
            self.advance_due_messages(now)
            self.announce_due_reviews(now)
            self.deliver_due_webhooks(now)
        except DBAPIError as error:
            # A store that is down is logged once, not at every tick; the next tick tries again.
            if not self._store.outage.explains(error):
                raise
        else:
            self._store.outage.answered()
        finally:
            self._turn.release()

    def purge_expired(self) -> None:
        """Delete what is older than the API's 45-day retention."""
        with self._store.transaction() as tx:
            housekeeping.purge_created_before(tx, retention_cutoff(self._clock.now()))

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
