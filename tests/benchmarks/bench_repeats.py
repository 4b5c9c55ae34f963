"""Webhooks sent again after the emulator is killed: SIGKILLs while it delivers, restarts on the
same store, and how many requests a receiver got twice, against how many were in flight.

    python tests/benchmarks/bench_repeats.py [--messages 3000] [--kills 10]
        [--processes 1,2] [--webhook-workers 16] [--postgresql] [--print-only]

Each run sends the messages (instant mode, a delivery report to a receiver on loopback for each),
kills the emulator's process group with SIGKILL each time the receiver has had another share of
the requests, starts it again on the same store, and waits until no delivery is pending. A
request is a repeat when the receiver got the same body before. A kill can leave at most one
request per webhook worker of each process that the receiver got and the store had not
recorded: the bound is kills x processes x webhook workers. `--postgresql` runs the same on a
throwaway PostgreSQL server too (this machine's, as the tests start one).

Prints figures and writes their table into docs/benchmarks.md; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import urllib3
from docs_tables import add_page_option, caption, write_table
from sqlalchemy import create_engine, func
from sqlalchemy import select as sql_select

from emulator.pytest_plugin import DEMO_KEY, DEMO_SECRET
from emulator.settings import Settings
from emulator.store.tables import webhooks

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60
# How often the end of a run looks whether deliveries are still pending.
LOOK_SECONDS = 0.2


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A connection the killed emulator left half-way is no news."""


class CountingReceiver:
    """A receiver on loopback that answers 200 at once and counts each body it gets."""

    def __init__(self) -> None:
        self.bodies: Counter[bytes] = Counter()
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with receiver.changed:
                    receiver.bodies[body] += 1
                    receiver.changed.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    @property
    def received(self) -> int:
        with self.changed:
            return sum(self.bodies.values())

    def wait_for(self, requests: int) -> None:
        with self.changed:
            self.changed.wait_for(lambda: sum(self.bodies.values()) >= requests)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class EmulatorProcess:
    """`python -m emulator serve` in a process group of its own, killed as a whole."""

    def __init__(self, db: str, log: Path, processes: int, webhook_workers: int) -> None:
        command = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", db]
        command += ["--instant", "--workers", str(processes)]
        command += ["--webhook-workers", str(webhook_workers), "--webhook-timeout-seconds", "2"]
        with log.open("a") as log_file:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
                start_new_session=True,
            )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        line = self.process.stdout.readline() if ready else ""
        if " listening on " not in line:
            self.kill()
            raise SystemExit(f"the emulator did not start: {line!r}\n{log.read_text()}")
        self.base_url = line.split(" listening on ", 1)[1].split()[0]

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def send_messages(base_url: str, count: int, callback_url: str) -> None:
    """Send `count` messages, 100 a request, each reporting to `callback_url`."""
    http = urllib3.PoolManager()
    headers = urllib3.make_headers(basic_auth=f"{DEMO_KEY}:{DEMO_SECRET}")
    headers["Content-Type"] = "application/json"
    message = {
        "content": "Hi",
        "destination_number": "+61491570156",
        "delivery_report": True,
        "callback_url": callback_url,
    }
    for start in range(0, count, 100):
        body = json.dumps({"messages": [message] * min(100, count - start)})
        response = http.request("POST", base_url + "/v1/messages", body=body, headers=headers)
        if response.status != 202:
            raise SystemExit(f"sending failed: {response.status} {response.data[:200]!r}")


def pending(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            query = sql_select(func.count()).where(webhooks.c.state == "pending")
            return int(connection.execute(query).scalar() or 0)
    finally:
        engine.dispose()


def run(db: str, processes: int, webhook_workers: int, messages: int, kills: int) -> dict[str, int]:
    """One run on the store `db`: its kills, messages, requests received, repeats and bound."""
    receiver = CountingReceiver()
    log = Path(tempfile.mkdtemp(prefix="mm-bench-repeats-")) / "emulator.log"
    running = EmulatorProcess(db, log, processes, webhook_workers)
    try:
        send_messages(running.base_url, messages, receiver.url)
        # Spread the kills over the first webhook of each message: one each time the receiver
        # has had another share.
        share = max(1, messages // (kills + 1))
        for kill in range(1, kills + 1):
            receiver.wait_for(kill * share)
            running.kill()
            running = EmulatorProcess(db, log, processes, webhook_workers)
        db_url = Settings(db=db).database_url
        # The deliveries a killed process held wait for its claims to run out, in real time.
        while pending(db_url):
            time.sleep(LOOK_SECONDS)
    finally:
        running.kill()
        receiver.stop()
    with receiver.changed:
        received = sum(receiver.bodies.values())
        repeats = sum(count - 1 for count in receiver.bodies.values())
    return {
        "kills": kills,
        "messages": messages,
        "received": received,
        "repeats": repeats,
        "bound": kills * processes * webhook_workers,
    }


@contextmanager
def postgresql_databases() -> Iterator[object]:
    """A throwaway PostgreSQL server, as the tests start one; yields its PostgreSQLServer."""
    sys.path.insert(0, str(ROOT))
    from tests.postgresql import PostgreSQLServer, ThrowawayCluster, postgresql_bin_dir

    bin_dir = postgresql_bin_dir()
    if bin_dir is None:
        raise SystemExit("--postgresql: this machine has no PostgreSQL server programs")
    cluster = ThrowawayCluster(bin_dir)
    server = PostgreSQLServer(cluster.start())
    try:
        yield server
    finally:
        server.close()
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--processes", default="1,2", help="emulator processes, comma-separated")
    parser.add_argument("--webhook-workers", type=int, default=16)
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL as well as SQLite")
    add_page_option(parser)
    options = parser.parse_args()
    counts = [int(part) for part in options.processes.split(",")]

    rows = []

    def measure(store: str, db: str, processes: int) -> None:
        began = time.perf_counter()
        figures = run(db, processes, options.webhook_workers, options.messages, options.kills)
        seconds = time.perf_counter() - began
        print(store, processes, figures, f"{seconds:.0f} s", flush=True)
        rows.append(
            [
                store,
                str(processes),
                str(figures["kills"]),
                f"{figures['messages']:,}",
                f"{figures['received']:,}",
                str(figures["repeats"]),
                str(figures["bound"]),
            ]
        )

    for processes in counts:
        folder = Path(tempfile.mkdtemp(prefix="mm-bench-repeats-"))
        measure("SQLite", str(folder / "emulator.db"), processes)
    if options.postgresql:
        with postgresql_databases() as server:
            for processes in counts:
                measure("PostgreSQL", server.database(), processes)  # type: ignore[attr-defined]

    header = ["Store", "Processes", "Kills", "Messages", "Requests", "Repeats", "Bound"]
    if options.print_only:
        return
    write_table(
        "bench_repeats",
        caption(f"{options.webhook_workers} webhook workers a process"),
        header,
        rows,
        options.page,
    )


if __name__ == "__main__":
    main()
