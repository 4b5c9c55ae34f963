"""Several instances of the emulator on one PostgreSQL database, one of them killed under load:
every message is delivered, every delivery report made once, every callback received, and
each logged with exactly one successful attempt."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from emulator.store import Store
from emulator.store.events import DELIVERY_REPORT, MESSAGE_ACCEPTED, STATUS_CHANGED
from emulator.store.tables import delivery_reports, events, messages, webhooks
from tests.support import message
from tests.test_crash_and_concurrency import EmulatorProcess

INSTANCES = 3
MESSAGES = 1_200
BATCH = 100
REPORTED = ["enroute", "submitted", "delivered"]
SENDERS = 6
RECEIVERS = 4
# From the first message sent to the last callback recorded: about 12 s on 2 idle cores.
DEADLINE_SECONDS = 420
OPTIONS = (
    "--workers", "1",
    "--instant",
    # A killed instance's claims on webhook attempts run out after 3 timeouts and 2 s.
    "--webhook-timeout-seconds", "2",
    "--webhook-retry-base-seconds", "1",
)  # fmt: skip


@pytest.fixture
def instances(postgresql_url, tmp_path):
    """Start instances on the test's PostgreSQL database; all are killed at the end."""
    started: list[EmulatorProcess] = []

    def _start() -> EmulatorProcess:
        log = tmp_path / f"instance-{len(started)}.log"
        started.append(EmulatorProcess(postgresql_url, log, *OPTIONS))
        return started[-1]

    yield _start
    for instance in started:
        instance.kill()


def test_three_instances_one_killed_halfway_make_each_report_and_callback_once(
    instances, postgresql_url, receivers
):
    # An instance makes at most 4 calls at a time to one receiver: several keep it busy.
    listening = [receivers() for _ in range(RECEIVERS)]
    store = Store(postgresql_url)
    try:
        running = [instances() for _ in range(INSTANCES)]
        started = time.monotonic()
        acknowledged = send_everything(running, [receiver.url for receiver in listening])
        assert len(acknowledged) == MESSAGES
        wait_for(lambda: settled(store), started)
        with store.reading() as connection:
            stored = dict(connection.execute(select(messages.c.id, messages.c.status)).all())
            reports = Counter(
                connection.execute(
                    select(delivery_reports.c.message_id, delivery_reports.c.status)
                ).all()
            )
            hooks = connection.execute(
                select(webhooks.c.payload, webhooks.c.state, webhooks.c.attempts)
            ).all()
            logged = Counter(
                connection.execute(
                    select(events.c.kind).where(
                        events.c.kind.in_([MESSAGE_ACCEPTED, STATUS_CHANGED, DELIVERY_REPORT])
                    )
                ).scalars()
            )
    finally:
        store.close()

    # A batch cut short by the kill may have been stored without its answer: it is delivered
    # all the same. Every acknowledged message is among those stored.
    assert set(acknowledged) <= set(stored)
    assert Counter(stored.values()) == {"delivered": len(stored)}
    expected = Counter({(message_id, status): 1 for message_id in stored for status in REPORTED})
    assert reports == expected
    assert [state for _, state, _ in hooks if state != "delivered"] == []
    notified = Counter((payload["message_id"], payload["status"]) for payload, _, _ in hooks)
    assert notified == expected
    successes = Counter(sum(map(succeeded, attempts)) for _, _, attempts in hooks)
    assert successes == {1: len(hooks)}
    # Received at least once: an attempt cut short by the kill may have reached the receiver.
    received = {(p["message_id"], p["status"]) for r in listening for p in r.payloads}
    assert received == set(expected)
    assert logged == {
        MESSAGE_ACCEPTED: len(stored),
        STATUS_CHANGED: len(stored) * len(REPORTED),
        DELIVERY_REPORT: len(stored) * len(REPORTED),
    }


def succeeded(attempt: dict) -> bool:
    return 200 <= (attempt.get("status_code") or 0) < 300


def send_everything(running: list[EmulatorProcess], callback_urls: list[str]) -> list[str]:
    """Send MESSAGES in batches, round robin over the instances, and SIGKILL the first one once
    half are acknowledged; a batch it did not answer goes to another. Returns the acknowledged
    message IDs."""
    acknowledged: list[str] = []
    lock = threading.Lock()
    victim = running[0]
    killed = threading.Event()
    turns = itertools.count()

    def send_batch(batch: int) -> None:
        session = requests.Session()
        body = {
            "messages": [
                message(
                    content=f"batch {batch} message {n}",
                    destination_number=f"+6149157{batch % 100:02d}{n:02d}",
                    delivery_report=True,
                    callback_url=callback_urls[n % len(callback_urls)],
                )
                for n in range(BATCH)
            ]
        }
        session.auth = victim.session().auth
        while True:
            live = [each for each in running if not (killed.is_set() and each is victim)]
            instance = live[next(turns) % len(live)]
            try:
                response = session.post(f"{instance.base_url}/v1/messages", json=body, timeout=30)
                answer = response.json()
            except (requests.RequestException, ValueError):
                # Cut short by the kill, before the answer or between its header and its body:
                # never acknowledged, so sent again.
                assert instance is victim and killed.is_set()
                continue
            assert response.status_code == 202, response.text
            with lock:
                acknowledged.extend(sent["message_id"] for sent in answer["messages"])
                if len(acknowledged) >= MESSAGES // 2 and not killed.is_set():
                    killed.set()
                    victim.kill()
            return

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(send_batch, range(MESSAGES // BATCH)))
    assert killed.is_set()
    return acknowledged


def settled(store: Store) -> bool:
    """Whether every stored message has reached its final status and every one of its
    callbacks has been delivered."""
    with store.reading() as connection:
        moving = select(func.count()).where(messages.c.next_transition_at.is_not(None))
        stored = select(func.count()).select_from(messages)
        hooks = select(func.count()).where(webhooks.c.state == "delivered")
        counts = [connection.execute(query).scalar() for query in (moving, stored, hooks)]
    return counts[0] == 0 and counts[2] == len(REPORTED) * counts[1]


def wait_for(condition, started: float) -> None:
    while not condition():
        assert time.monotonic() - started < DEADLINE_SECONDS, "not everything was delivered"
        time.sleep(0.05)
