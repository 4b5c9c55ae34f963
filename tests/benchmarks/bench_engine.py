"""Engine throughput: lifecycle transitions and webhook deliveries. Prints figures; asserts nothing.

python tests/benchmarks/bench_engine.py [--messages 10000] [--webhooks 5000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import tempfile
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import func, select

from emulator.app import build_emulator
from emulator.domain.records import new_webhook_delivery
from emulator.instance import Emulator
from emulator.schemas.messages import SendMessagesRequestSchema
from emulator.settings import Settings
from emulator.store.messages import Planned
from emulator.store.tables import webhooks


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


def bench_lifecycle(folder: Path, count: int) -> None:
    emulator = build(folder, "lifecycle")
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
    accepted = time.perf_counter() - began

    began = time.perf_counter()
    emulator.engine.advance(10)
    elapsed = time.perf_counter() - began
    transitions = count * 3
    delivered = len(emulator.store.list_messages(status="delivered"))
    print(f"accepted {count} messages in {accepted:.2f} s ({count / accepted:,.0f} messages/s)")
    print(
        f"lifecycle: {transitions} transitions with as many delivery reports in {elapsed:.2f} s"
        f" = {transitions / elapsed:,.0f} transitions/s ({delivered} delivered)"
    )
    emulator.close()


def seed_webhooks(emulator: Emulator, url: str, count: int) -> None:
    now = emulator.clock.now() - timedelta(seconds=1)
    hooks = [
        new_webhook_delivery("DemoAccount", None, url, "delivery_report", {"n": n}, now)
        for n in range(count)
    ]
    with emulator.store.transaction() as connection:
        emulator.store.apply_transitions(connection, Planned(webhooks=hooks))


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


def bench_webhooks(folder: Path, count: int, receiver_url: str, dead_url: str | None) -> None:
    label = "with a dead receiver in the mix" if dead_url else "to one receiver"
    emulator = build(folder, f"webhooks-{bool(dead_url)}", webhook_timeout_seconds=2)
    if dead_url:
        seed_webhooks(emulator, dead_url, 100)
    seed_webhooks(emulator, receiver_url, count)
    elapsed = drain(emulator, count, receiver_url)
    print(f"webhooks {label}: {count} delivered in {elapsed:.2f} s = {count / elapsed:,.0f}/s")
    emulator.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--webhooks", type=int, default=5_000)
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
        bench_lifecycle(Path(folder), options.messages)
        bench_webhooks(Path(folder), options.webhooks, receiver_url, None)
        bench_webhooks(Path(folder), options.webhooks, receiver_url, dead_url)
    receiver.terminate()
    dead.close()


if __name__ == "__main__":
    main()
