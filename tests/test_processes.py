"""Several processes on one store (a SQLite file, or a PostgreSQL database): the same clock, each
step and webhook attempt made once, and the claims of a process that dies finished by another."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy import func, select

from emulator.settings import Settings
from emulator.store import Store
from emulator.store.events import STATUS_CHANGED
from emulator.store.tables import delivery_reports, events, messages, webhooks
from tests.receivers import HANG, WebhookReceiver
from tests.support import basic_auth, message
from tests.test_cli import BANNER, mm_emulator_command


@contextmanager
def serving(db: str, *args: str):
    process = start(db, *args)
    try:
        yield base_url_of(process)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def start(db: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*mm_emulator_command(), "serve", "--port", "0", "--db", db, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def base_url_of(process: subprocess.Popen) -> str:
    match = BANNER.search(process.stdout.readline())
    assert match, "the emulator did not start"
    return match.group(1)


def clock_of(base_url: str) -> datetime:
    now = requests.get(f"{base_url}/_emulator/clock", timeout=5).json()["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00"))


def send(base_url: str, *messages: dict) -> list[str]:
    response = requests.post(
        f"{base_url}/v1/messages",
        json={"messages": list(messages)},
        headers=basic_auth(),
        timeout=10,
    )
    assert response.status_code == 202, response.text
    return [sent["message_id"] for sent in response.json()["messages"]]


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_an_advance_or_a_reset_through_one_process_is_what_another_answers(store_db):
    db = store_db
    with serving(db, "--workers", "1") as first, serving(db, "--workers", "1") as second:
        [message_id] = send(first, message(delivery_report=True))
        requests.post(f"{second}/_emulator/clock/advance", json={"seconds": 3600}, timeout=30)
        assert clock_of(first) - datetime.now(UTC) > timedelta(minutes=59)
        status = requests.get(f"{first}/v1/messages/{message_id}", headers=basic_auth(), timeout=5)
        assert status.json()["status"] == "delivered"

        requests.post(f"{first}/_emulator/reset", json={}, timeout=5)
        assert abs(clock_of(second) - datetime.now(UTC)) < timedelta(minutes=1)
        found = requests.get(f"{second}/_emulator/messages", timeout=5).json()["messages"]
        assert found == []


def test_two_engine_processes_make_each_step_report_and_attempt_once(store_db):
    db = store_db
    receiver = WebhookReceiver().start()
    fast = ["--queued-seconds", "0.2", "--enroute-seconds", "0.2", "--submitted-seconds", "0.2"]
    count = 400
    try:
        with serving(db, "--workers", "2", *fast) as base_url:
            for batch in range(count // 50):
                send(
                    base_url,
                    *(
                        message(
                            content=f"batch {batch} message {n}",
                            delivery_report=True,
                            callback_url=receiver.url,
                        )
                        for n in range(50)
                    ),
                )
            # Every attempt recorded as delivered: nothing is left to claim, so none comes again.
            store = Store(Settings(db=db).database_url)
            wait_until(
                lambda: len(receiver.requests) >= 3 * count and delivered(store) == 3 * count
            )
    finally:
        receiver.stop()
    try:
        with store.reading() as connection:
            reports = Counter(connection.execute(select(delivery_reports.c.message_id)).scalars())
            steps = Counter(
                connection.execute(
                    select(events.c.message_id).where(events.c.kind == STATUS_CHANGED)
                ).scalars()
            )
            attempts = connection.execute(select(webhooks.c.attempts)).scalars().all()
            pending = connection.execute(
                select(func.count()).where(webhooks.c.state != "delivered")
            ).scalar()
    finally:
        store.close()
    assert len(reports) == count and set(reports.values()) == {3}
    assert len(steps) == count and set(steps.values()) == {3}
    assert len(attempts) == 3 * count and {len(made) for made in attempts} == {1}
    assert pending == 0
    report_ids = [payload["delivery_report_id"] for payload in receiver.payloads]
    assert len(report_ids) == len(set(report_ids)) == 3 * count


def test_the_claims_of_a_killed_process_are_finished_by_another(store_db):
    db = store_db
    # The three notifications hang until the first process is killed; then 200s.
    receiver = WebhookReceiver(answers=[HANG, HANG, HANG]).start()
    options = ("--workers", "1", "--instant", "--webhook-timeout-seconds", "2")
    first = start(db, *options)
    try:
        first_url = base_url_of(first)
        [message_id] = send(first_url, message(delivery_report=True, callback_url=receiver.url))
        wait_until(lambda: len(receiver.requests) == 3, timeout=10)
        first.kill()
        first.wait(timeout=10)

        with serving(db, *options) as second:
            # Nobody else may take them before the killed process's claims run out.
            def delivered() -> list[dict]:
                hooks = requests.get(
                    f"{second}/_emulator/webhooks", params={"message_id": message_id}, timeout=5
                ).json()["webhooks"]
                return [hook for hook in hooks if hook["state"] == "delivered"]

            wait_until(lambda: len(delivered()) == 3, timeout=30)
            assert [len(hook["attempts"]) for hook in delivered()] == [1, 1, 1]
    finally:
        if first.poll() is None:  # the test failed before it killed the first process
            first.kill()
            first.wait(timeout=10)
        receiver.stop()
    assert len(receiver.requests) == 6


def test_sigterm_stops_a_process_busy_with_a_backlog_at_once_and_loses_nothing(store_db):
    count = 4_000
    # Each step makes a report and a callback (to nowhere), so a batch takes a while.
    fields = {"delivery_report": True, "callback_url": "http://127.0.0.1:9/nowhere"}
    # The engine looks once, at the start, and not again: what is sent piles up.
    with serving(store_db, "--workers", "1", "--tick-seconds", "86400") as base_url:
        for batch in range(count // 100):
            send(base_url, *(message(content=f"{batch} {n}", **fields) for n in range(100)))
    store = Store(Settings(db=store_db).database_url)
    busy = start(store_db, "--workers", "1")
    base_url_of(busy)
    # Into the backlog: four steps of every message are due and the first are made.
    wait_until(lambda: statuses(store)["queued"] < count)
    stopped_at = time.monotonic()
    busy.send_signal(signal.SIGTERM)
    assert busy.wait(timeout=30) == 0
    assert time.monotonic() - stopped_at < 5

    try:
        with serving(store_db, "--workers", "1"):
            wait_until(lambda: statuses(store) == {"delivered": count}, timeout=120)
    finally:
        store.close()


def delivered(store: Store) -> int:
    """How many webhook deliveries the store holds as delivered."""
    with store.reading() as connection:
        return connection.execute(
            select(func.count()).where(webhooks.c.state == "delivered")
        ).scalar()


def statuses(store: Store) -> Counter:
    with store.reading() as connection:
        return Counter(connection.execute(select(messages.c.status)).scalars())
