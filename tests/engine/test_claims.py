"""Several engine workers on one PostgreSQL database, over the same due work: each status
transition and each webhook attempt is made once, and no worker waits for another's claim.

Each worker is an emulator of its own on the database, as each process of a deployment is, and
runs in a thread of its own the calls the engine's periodic job makes. Their claims overlap by
construction, not by luck: the first worker is stopped at the commit of its claim, its rows
locked, until every other worker has made its claim or waits on a lock, as the database server
reports (pg_stat_activity).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.test import TestResponse

from emulator.app import create_app
from emulator.instance import Emulator
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY
from tests.receivers import WebhookReceiver
from tests.support import basic_auth, message

WORKERS = 3
MESSAGES = 30
# Each step of a message waits this long: moving the clock on by as much makes one step of every
# message due, and not the next one.
STEP_SECONDS = 60.0
LIFECYCLE = ("enroute", "submitted", "delivered")
# A bound on how long a held claim, or the attempts after it, may take before the test fails.
TIMEOUT_SECONDS = 30.0
# How often, while a worker has not returned, the server is asked whether it waits on a lock.
POLL_SECONDS = 0.01


@dataclass(frozen=True)
class Worker:
    """One engine worker: an emulator of its own on the shared database, as a process is."""

    name: str
    app: Flask

    @property
    def emulator(self) -> Emulator:
        emulator: Emulator = self.app.extensions[EXTENSION_KEY]
        return emulator


@dataclass(frozen=True)
class Overlap:
    """What each worker claimed, the first one first, and which of the others were found
    waiting on a lock while the first one held its claim."""

    claimed: list[int]
    waited: list[str]


class ClaimOverlap:
    """Runs one call per worker, each in a thread of its own, so that the other workers claim
    while the first worker's claim is made and not yet committed.

    The first worker is held at the commit of its first transaction that changed rows (its
    claim) until each other worker has returned or waits on a lock. Knows nothing of the
    store's statements: it watches every SQLAlchemy engine, telling the workers apart by thread
    and, on the server, by the application name of their connections.
    """

    def __init__(self, database_url: str) -> None:
        self._monitor = create_engine(
            database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self._leader: int | None = None
        self._changed = False
        self._holding = False
        # Set once the first worker holds its claim, or has returned without making one.
        self._ready = threading.Event()
        self._released = threading.Event()

    def __enter__(self) -> ClaimOverlap:
        event.listen(Engine, "after_cursor_execute", self._after_execute)
        event.listen(Engine, "commit", self._before_commit)
        event.listen(Engine, "rollback", self._after_rollback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        event.remove(Engine, "after_cursor_execute", self._after_execute)
        event.remove(Engine, "commit", self._before_commit)
        event.remove(Engine, "rollback", self._after_rollback)
        self._monitor.dispose()

    def run(self, calls: list[tuple[str, Callable[[], int]]]) -> Overlap:
        """Run the calls (a worker's name and what it runs, which returns how much it claimed),
        the first one leading."""
        (_, lead), *others = calls
        self._leader, self._changed, self._holding = None, False, False
        self._ready.clear()
        self._released.clear()
        with ThreadPoolExecutor(max_workers=len(calls)) as pool:
            try:
                leader = pool.submit(self._lead, lead)
                assert self._ready.wait(TIMEOUT_SECONDS), (
                    "the first worker neither claimed nor returned"
                )
                if not self._holding:
                    leader.result()
                    pytest.fail("the first worker claimed nothing: no work was due")
                followers = {name: pool.submit(call) for name, call in others}
                waited = self._until_claimed(followers)
            finally:
                self._released.set()
            claimed = [leader.result(), *(follower.result() for follower in followers.values())]
        return Overlap(claimed, waited)

    def _lead(self, call: Callable[[], int]) -> int:
        self._leader = threading.get_ident()
        try:
            return call()
        finally:
            self._leader = None
            self._ready.set()

    def _until_claimed(self, followers: dict[str, Future[int]]) -> list[str]:
        """Wait until every follower has returned or waits on a lock; the names of those that
        wait."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            _, pending = wait(followers.values(), timeout=POLL_SECONDS)
            if not pending:
                return []
            waiting = self._waiting_on_locks()
            running = [name for name, follower in followers.items() if not follower.done()]
            if set(running) <= waiting:
                return sorted(running)
            assert time.monotonic() < deadline, f"{running} neither claimed nor waited"

    def _waiting_on_locks(self) -> set[str]:
        """The application names of the connections to this database waiting on a lock."""
        query = text(
            "SELECT application_name FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        with self._monitor.connect() as connection:
            return set(connection.execute(query).scalars())

    def _after_execute(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if threading.get_ident() != self._leader or context is None:
            return
        if (context.isinsert or context.isupdate or context.isdelete) and cursor.rowcount > 0:
            self._changed = True

    def _before_commit(self, conn: Any) -> None:
        if threading.get_ident() != self._leader or not self._changed or self._holding:
            return
        self._holding = True
        self._ready.set()
        if not self._released.wait(TIMEOUT_SECONDS):
            raise TimeoutError("the other workers neither claimed nor waited")

    def _after_rollback(self, conn: Any) -> None:
        if threading.get_ident() == self._leader:
            self._changed = False


def worker_url(database_url: str, name: str) -> str:
    """`database_url` for connections that carry the worker's name, which the server shows."""
    url = make_url(database_url).update_query_dict({"application_name": name})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def workers(postgresql_url: str) -> Iterator[list[Worker]]:
    started = []
    try:
        for number in range(1, WORKERS + 1):
            name = f"claims-worker-{number}"
            settings = Settings(
                db=worker_url(postgresql_url, name),
                queued_seconds=STEP_SECONDS,
                enroute_seconds=STEP_SECONDS,
                submitted_seconds=STEP_SECONDS,
            )
            started.append(Worker(name, create_app(settings)))
        yield started
    finally:
        for worker in started:
            worker.emulator.close()


@pytest.fixture
def claim_overlap(postgresql_url: str) -> Iterator[ClaimOverlap]:
    with ClaimOverlap(postgresql_url) as overlap:
        yield overlap


def test_several_workers_make_each_transition_and_webhook_attempt_once(
    workers: list[Worker],
    claim_overlap: ClaimOverlap,
    receivers: Callable[..., WebhookReceiver],
) -> None:
    receiver = receivers()
    # The first worker serves the API too.
    client = workers[0].app.test_client()
    message_ids = send(client, receiver.url)
    _, cursor = events_after(client, 0)
    clock = workers[0].emulator.clock

    for round_number, status in enumerate(LIFECYCLE):
        # Each round another worker leads.
        order = workers[round_number:] + workers[:round_number]
        now = clock.advance(STEP_SECONDS)

        steps = claim_overlap.run(
            [
                (worker.name, partial(worker.emulator.engine.advance_due_messages, now))
                for worker in order
            ]
        )
        events, cursor = events_after(client, cursor)
        once = {message_id: [status] for message_id in message_ids}
        assert statuses_by_message(events, "status_changed") == once
        assert statuses_by_message(events, "delivery_report") == once
        # The first worker claimed every due message; the others passed over them at once.
        assert steps == Overlap(claimed=[MESSAGES] + [0] * (WORKERS - 1), waited=[])

        attempts = claim_overlap.run(
            [
                (worker.name, partial(worker.emulator.engine.deliver_due_webhooks, now))
                for worker in order
            ]
        )
        wait_until_delivered(client, (round_number + 1) * MESSAGES)
        assert duplicates(receiver.payloads) == []
        assert attempts == Overlap(claimed=[MESSAGES] + [0] * (WORKERS - 1), waited=[])

    # Stopped, an engine has no attempt left under way.
    for worker in workers:
        worker.emulator.engine.stop()
    received = Counter((payload["message_id"], payload["status"]) for payload in receiver.payloads)
    assert received == {
        (message_id, status): 1 for message_id in message_ids for status in LIFECYCLE
    }
    hooks = stored_webhooks(client)
    assert len(hooks) == len(LIFECYCLE) * MESSAGES
    assert {(hook["state"], len(hook["attempts"])) for hook in hooks} == {("delivered", 1)}


def send(client: FlaskClient, callback_url: str) -> list[str]:
    """Send MESSAGES messages asking for delivery reports to `callback_url`; their IDs."""
    body = {
        "messages": [
            message(content=f"message {n}", delivery_report=True, callback_url=callback_url)
            for n in range(MESSAGES)
        ]
    }
    response = client.post("/v1/messages", json=body, headers=basic_auth())
    assert response.status_code == 202, response.text
    return [sent["message_id"] for sent in json_of(response)["messages"]]


def events_after(client: FlaskClient, cursor: int) -> tuple[list[dict[str, Any]], int]:
    """The change log's events after `cursor`, and the cursor after them."""
    found: list[dict[str, Any]] = []
    while True:
        page = json_of(
            client.get("/_emulator/events", query_string={"after": cursor, "limit": 1000})
        )
        if not page["events"]:
            return found, cursor
        found.extend(page["events"])
        cursor = page["next"]


def statuses_by_message(events: list[dict[str, Any]], kind: str) -> dict[str, list[str]]:
    """The statuses the events of `kind` give each message, in order."""
    found: dict[str, list[str]] = defaultdict(list)
    for change in events:
        if change["kind"] == kind:
            found[change["message_id"]].append(change["data"]["status"])
    return dict(found)


def duplicates(payloads: list[dict[str, Any]]) -> list[str]:
    """The delivery reports a receiver was sent more than once."""
    sent = Counter(payload["delivery_report_id"] for payload in payloads)
    return sorted(report_id for report_id, times in sent.items() if times > 1)


def wait_until_delivered(client: FlaskClient, count: int) -> None:
    """Wait until `count` webhook deliveries are stored as delivered: the periodic job's calls
    hand them to a pool and return, and the next claims must not meet their recording."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        if sum(hook["state"] == "delivered" for hook in stored_webhooks(client)) >= count:
            return
        assert time.monotonic() < deadline, f"{count} webhooks were not delivered in time"
        time.sleep(POLL_SECONDS)


def stored_webhooks(client: FlaskClient) -> list[dict[str, Any]]:
    """Every webhook delivery in the store, as the control API shows it."""
    hooks: list[dict[str, Any]] = json_of(
        client.get("/_emulator/webhooks", query_string={"limit": 1000})
    )["webhooks"]
    return hooks


def json_of(response: TestResponse) -> Any:
    body = response.get_json()
    assert body is not None, response.text
    return body
