"""The emulator as a real process: killed mid-load it loses no acknowledged message, and
concurrent pollers never see a confirmed report or reply again."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from emulator.pytest_plugin import DEMO_KEY, DEMO_SECRET
from tests.support import message

ROOT = Path(__file__).parent.parent
AUTH = (DEMO_KEY, DEMO_SECRET)
STARTUP_SECONDS = 30
LIFECYCLE = ["enroute", "submitted", "delivered"]
# One process, and a master with worker processes sharing the store.
WORKERS = ["1", "2"]


class EmulatorProcess:
    """`python -m emulator serve` on a SQLite file, in a process group of its own (it may fork
    workers), killed as a whole."""

    def __init__(self, db: Path, log: Path, *args: str) -> None:
        command = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", str(db)]
        with log.open("a") as log_file:
            self.process = subprocess.Popen(
                [*command, *args],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
                start_new_session=True,
            )
        self.log = log
        try:
            self.base_url = self._read_banner()
        except BaseException:
            self.kill()
            raise

    def _read_banner(self) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        line = self.process.stdout.readline() if ready else ""
        if " listening on " not in line:
            raise AssertionError(f"the emulator did not start: {line!r}\n{self.log.read_text()}")
        return line.split(" listening on ", 1)[1].split()[0]

    def session(self) -> requests.Session:
        session = requests.Session()
        session.auth = AUTH
        return session

    def advance(self, seconds: float) -> None:
        response = requests.post(
            f"{self.base_url}/_emulator/clock/advance", json={"seconds": seconds}, timeout=30
        )
        assert response.status_code == 200, response.text

    def kill(self) -> None:
        """SIGKILL the process and any worker it forked: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def start(tmp_path):
    """Start emulators on one SQLite file; any still running at the end is killed."""
    started: list[EmulatorProcess] = []

    def _start(*args: str) -> EmulatorProcess:
        db, log = tmp_path / "emulator.db", tmp_path / "emulator.log"
        started.append(EmulatorProcess(db, log, *args))
        return started[-1]

    yield _start
    for running in started:
        running.kill()


@pytest.mark.parametrize("workers", WORKERS)
def test_sigkill_in_the_middle_of_sending_loses_no_acknowledged_message(start, workers):
    first = start("--workers", workers)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop, killed, enough = threading.Event(), threading.Event(), threading.Event()

    def send_until_stopped(thread: int) -> None:
        session = first.session()
        batch = 0
        while not stop.is_set():
            batch += 1
            messages = [
                message(content=f"thread {thread} batch {batch} #{n}", delivery_report=True)
                for n in range(1 + batch % 5)
            ]
            try:
                response = session.post(
                    f"{first.base_url}/v1/messages", json={"messages": messages}, timeout=10
                )
                assert response.status_code == 202, response.text
                sent = response.json()["messages"]
            except (requests.RequestException, ValueError):
                if killed.is_set():
                    return  # what was in flight, or cut short, was never acknowledged
                raise
            with lock:
                acknowledged.extend(m["message_id"] for m in sent)
                if len(acknowledged) >= 200:
                    enough.set()

    with ThreadPoolExecutor(4) as pool:
        senders = [pool.submit(send_until_stopped, n) for n in range(4)]
        try:
            enough.wait(20)
            killed.set()
            first.kill()  # while the senders are still sending
        finally:
            stop.set()
    for sender in senders:
        sender.result()
    assert len(acknowledged) >= 200

    second = start("--workers", workers)
    session = second.session()
    for message_id in acknowledged:
        response = session.get(f"{second.base_url}/v1/messages/{message_id}", timeout=10)
        assert response.status_code == 200, (message_id, response.text)

    second.advance(10)
    status = _stored_statuses(second.base_url)
    assert Counter(status[message_id] for message_id in acknowledged) == {
        "delivered": len(acknowledged)
    }
    reported: dict[str, Counter] = {message_id: Counter() for message_id in acknowledged}
    for report in _drain(session, second.base_url, "delivery_reports", "delivery_report_ids"):
        if report["message_id"] in reported:
            reported[report["message_id"]][report["status"]] += 1
    # Each status reported once: none lost with the process, none made twice after the restart.
    assert [m for m, statuses in reported.items() if statuses != Counter(LIFECYCLE)] == []


def _stored_statuses(base_url: str) -> dict[str, str]:
    """The status of every stored message, read from the control plane page by page."""
    statuses: dict[str, str] = {}
    while True:
        page = requests.get(
            f"{base_url}/_emulator/messages",
            params={"limit": 1000, "offset": len(statuses)},
            timeout=10,
        ).json()["messages"]
        statuses.update((row["message_id"], row["status"]) for row in page)
        if len(page) < 1000:
            return statuses


def _drain(session: requests.Session, base_url: str, kind: str, ids_field: str) -> list[dict]:
    """Every unconfirmed item of `kind`, each confirmed once read."""
    found: list[dict] = []
    while page := session.get(f"{base_url}/v1/{kind}", timeout=10).json()[kind]:
        found.extend(page)
        ids = [item[ids_field.removesuffix("s")] for item in page]
        confirmed = session.post(f"{base_url}/v1/{kind}/confirmed", json={ids_field: ids})
        assert confirmed.status_code == 202, confirmed.text
    return found


@pytest.mark.parametrize("workers", WORKERS)
@pytest.mark.parametrize("kind", ["delivery_reports", "replies"])
def test_concurrent_pollers_never_see_an_item_again_once_its_confirmation_is_acknowledged(
    start, kind, workers
):
    running = start("--workers", workers)
    session = running.session()
    expected = _make_unconfirmed(running, session, kind)
    ids_field = "delivery_report_ids" if kind == "delivery_reports" else "reply_ids"
    id_key = ids_field.removesuffix("s")
    polls: list[tuple[float, list[str]]] = []  # when a GET was sent, and what it returned
    acknowledged_at: dict[str, float] = {}  # when a confirmation of the ID was first answered
    lock = threading.Lock()
    deadline = time.monotonic() + 30

    def poll() -> None:
        poller = running.session()
        while True:
            assert time.monotonic() < deadline, "the pollers are still finding items"
            sent_at = time.monotonic()
            response = poller.get(f"{running.base_url}/v1/{kind}", timeout=10)
            assert response.status_code == 200, response.text
            ids = [item[id_key] for item in response.json()[kind]]
            with lock:
                polls.append((sent_at, ids))
            if not ids:
                return
            response = poller.post(
                f"{running.base_url}/v1/{kind}/confirmed", json={ids_field: ids}, timeout=10
            )
            assert response.status_code == 202, response.text
            answered_at = time.monotonic()
            with lock:
                for item_id in ids:
                    earlier = acknowledged_at.get(item_id, answered_at)
                    acknowledged_at[item_id] = min(earlier, answered_at)

    with ThreadPoolExecutor(8) as pool:
        pollers = [pool.submit(poll) for _ in range(8)]
    for poller in pollers:
        poller.result()

    seen_again = [
        (item_id, sent_at - acknowledged_at[item_id])
        for sent_at, ids in polls
        for item_id in ids
        if item_id in acknowledged_at and sent_at > acknowledged_at[item_id]
    ]
    assert seen_again == []
    returned = {item_id for _, ids in polls for item_id in ids}
    assert len(returned) == expected
    assert set(acknowledged_at) == returned
    assert session.get(f"{running.base_url}/v1/{kind}", timeout=10).json()[kind] == []


def _make_unconfirmed(running: EmulatorProcess, session: requests.Session, kind: str) -> int:
    """Several hundred unconfirmed delivery reports or replies; returns how many."""
    count = 200
    for batch in range(2):
        messages = [
            message(
                content=f"batch {batch} #{n}",
                destination_number=f"+614915702{batch}{n:02d}",
                delivery_report=kind == "delivery_reports",
            )
            for n in range(count // 2)
        ]
        response = session.post(
            f"{running.base_url}/v1/messages", json={"messages": messages}, timeout=10
        )
        assert response.status_code == 202, response.text
    running.advance(10)
    if kind == "delivery_reports":
        return count * len(LIFECYCLE)
    for batch in range(2):
        for n in range(count // 2):
            response = requests.post(
                f"{running.base_url}/_emulator/replies",
                json={"source_number": f"+614915702{batch}{n:02d}", "content": "Yes"},
                timeout=10,
            )
            assert response.status_code == 201, response.text
    return count
