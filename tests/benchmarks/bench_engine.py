"""Engine throughput: lifecycle steps, in CPU per step (by clock advance, one due time after
another, and as a backlog in full batches), and webhook deliveries. Prints figures and writes
their table into docs/benchmarks.md; asserts nothing.

python tests/benchmarks/bench_engine.py [--messages 10000] [--webhooks 5000] [--print-only]
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from docs_tables import add_page_option, caption, write_table
from sqlalchemy import func, select

from emulator.app import build_emulator
from emulator.domain.records import new_webhook_delivery
from emulator.instance import Emulator
from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.settings import Settings
from emulator.store import messages as stored_messages
from emulator.store.messages import Planned
from emulator.store.tables import webhooks
from emulator.workers import SWITCH_INTERVAL_SECONDS


def serve_receiver(port_queue) -> None:
    """A keep-alive HTTP receiver in its own process, answering 200 to every POST."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def build(folder: Path, name: str, **settings) -> Emulator:
    return build_emulator(Settings(db=str(folder / f"{name}.db"), **settings))


def accept(emulator: Emulator, count: int) -> float:
    """Send `count` report-requesting messages, 100 per request; seconds taken."""
    request = {
        "messages": [
            {
                "content": f"Message {i}",
                "destination_number": "+61491570156",
                "delivery_report": True,
            }
            for i in range(100)
        ]
    }
    batch = SendMessagesRequestSchema().load(request)["messages"]
    began = time.perf_counter()
    for _ in range(count // 100):
        emulator.messages.send("DemoAccount", batch)
    return time.perf_counter() - began


def print_steps(label: str, steps: int, cpu: float, wall: float) -> float:
    """Steps with their reports: CPU of the stepping thread or process (SQLite runs in it),
    which the machine's other load does not change, then wall time. Returns the microseconds
    of CPU per step."""
    per_step = cpu / steps * 1e6
    print(
        f"{label}: {steps} steps with as many delivery reports,"
        f" {per_step:.1f} us of CPU per step = {steps / cpu:,.0f} steps/s per core"
        f" ({wall:.2f} s wall)"
    )
    return per_step


def bench_lifecycle(folder: Path, count: int) -> tuple[float, float]:
    """Accepted messages driven from queued to delivered by a clock advance, each due time in
    turn, as tests drive them. Returns the messages accepted per second and the microseconds
    of CPU per step."""
    emulator = build(folder, "lifecycle")
    accepted = accept(emulator, count)
    print(f"accepted {count} messages in {accepted:.2f} s ({count / accepted:,.0f} messages/s)")
    began, cpu = time.perf_counter(), time.process_time()
    emulator.engine.advance(10)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - began
    with emulator.store.reading() as tx:
        delivered = len(stored_messages.newest(tx, status="delivered"))
    label = f"lifecycle by clock advance ({delivered} delivered)"
    per_step = print_steps(label, count * 3, cpu, wall)
    emulator.close()
    return count / accepted, per_step


class BusyThread:
    """A thread running Python all the time, as a server's request threads do under load. The
    store's writer gives up the GIL at every database call and waits to get it back behind
    it, at the servers' switch interval, holding the write lock: that shows as wall time."""

    def __enter__(self) -> BusyThread:
        self._previous = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        self._running = True
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._running = False
        self._thread.join()
        sys.setswitchinterval(self._previous)

    def _spin(self) -> None:
        while self._running:
            pass


def bench_backlog(folder: Path, count: int, busy: bool = False) -> dict[str, float]:
    """Accepted messages all due at once and driven to delivered as the periodic job drives a
    backlog under load: full batches, whatever their due times; with `busy`, beside a thread
    that wants the GIL all the time. Returns the seconds accepting took, the steps, their
    wall seconds and the microseconds of CPU per step."""
    beside = " beside a busy thread" if busy else ""
    emulator = build(folder, f"backlog{busy}")
    with BusyThread() if busy else nullcontext():
        accepted = accept(emulator, count)
        later = emulator.clock.now() + timedelta(seconds=10)
        began, cpu = time.perf_counter(), time.thread_time()
        steps = emulator.engine.advance_due_messages(later)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - began
    print(f"accepted {count} messages{beside} in {accepted:.2f} s")
    per_step = print_steps(f"lifecycle of a backlog{beside}", steps, cpu, wall)
    emulator.close()
    return {"accepted": accepted, "steps": steps, "wall": wall, "per step": per_step}


def seed_webhooks(emulator: Emulator, url: str, count: int) -> None:
    now = emulator.clock.now() - timedelta(seconds=1)
    hooks = [
        new_webhook_delivery("DemoAccount", None, url, "delivery_report", {"n": n}, now)
        for n in range(count)
    ]
    with emulator.store.transaction() as connection:
        stored_messages.apply_transitions(connection, Planned(webhooks=hooks))


def delivered_to(emulator: Emulator, url: str) -> int:
    query = select(func.count()).where(webhooks.c.url == url, webhooks.c.state == "delivered")
    with emulator.store.transaction() as connection:
        return connection.execute(query).scalar()


def drain(emulator: Emulator, expected_delivered: int, url: str) -> float:
    """Let the engine's scheduler run until the receiver has everything; seconds taken."""
    began = time.perf_counter()
    emulator.start()
    while delivered_to(emulator, url) < expected_delivered:
        time.sleep(0.05)
    return time.perf_counter() - began


def bench_webhooks(folder: Path, count: int, receiver_url: str, dead_url: str | None) -> float:
    """Deliveries to a receiver, with or without a dead one in the mix; returns them per second."""
    label = "with a dead receiver in the mix" if dead_url else "to one receiver"
    emulator = build(folder, f"webhooks-{bool(dead_url)}", webhook_timeout_seconds=2)
    if dead_url:
        seed_webhooks(emulator, dead_url, 100)
    seed_webhooks(emulator, receiver_url, count)
    elapsed = drain(emulator, count, receiver_url)
    print(f"webhooks {label}: {count} delivered in {elapsed:.2f} s = {count / elapsed:,.0f}/s")
    emulator.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--webhooks", type=int, default=5_000)
    add_page_option(parser)
    options = parser.parse_args()

    ports = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=serve_receiver, args=(ports,), daemon=True)
    receiver.start()
    receiver_url = f"http://127.0.0.1:{ports.get(timeout=10)}/hook"
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(1000)  # accepts connections into the backlog and never answers
    dead_url = f"http://127.0.0.1:{dead.getsockname()[1]}/hook"

    with tempfile.TemporaryDirectory() as folder:
        accepted_per_second, advance_per_step = bench_lifecycle(Path(folder), options.messages)
        backlog = bench_backlog(Path(folder), options.messages)
        busy = bench_backlog(Path(folder), options.messages, busy=True)
        alone = bench_webhooks(Path(folder), options.webhooks, receiver_url, None)
        mixed = bench_webhooks(Path(folder), options.webhooks, receiver_url, dead_url)
    receiver.terminate()
    dead.close()
    if options.print_only:
        return
    count = options.messages
    rows = [
        [
            f"{count:,} messages accepted (100 per request, through the service with its checks)",
            f"{accepted_per_second:,.0f} messages/s",
        ],
        [
            f"a backlog of {count:,} report-requesting messages driven from queued to delivered"
            " in full batches, as the periodic job does under load"
            f" ({backlog['steps']:,} steps, as many reports)",
            f"{backlog['per step']:.1f} us of CPU per step:"
            f" {1e6 / backlog['per step']:,.0f} steps/s per core",
        ],
        [
            "the same lifecycle driven by clock advances (about 100 messages per due time)",
            f"{advance_per_step:.1f} us of CPU per step",
        ],
        [
            f"the {count:,} accepted beside a thread running Python all the time,"
            " at the servers' switch interval",
            f"{busy['accepted']:.2f} s",
        ],
        [
            "the backlog driven beside that thread",
            f"{busy['wall']:.2f} s ({busy['per step']:.1f} us of CPU per step)",
        ],
        [
            f"{options.webhooks:,} webhooks to one local receiver (in its own process)",
            f"{alone:,.0f}/s",
        ],
        [
            "the same with a receiver that never answers getting 100 more in the mix",
            f"{mixed:,.0f}/s",
        ],
    ]
    write_table("bench_engine", caption(), ["What", "Figure"], rows, options.page)


if __name__ == "__main__":
    main()
