"""The emulator under load, next to a bare Flask echo served the same way. Prints figures and the
ratios; asserts nothing.

    python tests/benchmarks/bench_load.py [--workers 2] [--duration 30] [--seed 100000]

In one run, with wrk (Debian's package `wrk`) as the load, 16 connections on 2 threads:

1. a bare Flask echo (the body back, 202) under the server `mm-emulator serve` uses (gunicorn's
   master, waitress in each of `--workers` processes): single-message POSTs, then 100-message
   POSTs, each for `--duration` seconds: the ceiling;
2. `mm-emulator serve --workers N` on a new store file, as users start it: the same two loads,
   the send sending one report-requesting message per request. Meanwhile the oldest message due
   for a transition is sampled twice a second: its lag behind real time is the engine's lag.
   Five seconds after each load stops nothing may be due;
3. a new store seeded through the API with `--seed` messages (a third asking for reports, so
   about as many reports wait unconfirmed): GET /v1/messages/{id} of random messages and GET
   /v1/delivery_reports, with their latency percentiles, then the resident memory of all the
   emulator's processes. Start-up is the time from running the command to a healthy answer.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

BANNER = re.compile(r"listening on (http://\S+)")
AUTH = "Basic " + base64.b64encode(b"demo_api_key:demo_api_secret").decode()
CONNECTIONS, THREADS = 16, 2


def message(n: int, report: bool = True) -> dict:
    return {
        "content": f"Load test message {n}",
        "destination_number": "+61491570156",
        "delivery_report": report,
    }


# Serving


def serve_echo(workers: int) -> None:
    """A bare Flask app answering a POST with its body, under the emulator's own server."""
    from flask import Flask, request

    from emulator.server import listening_socket
    from emulator.workers import WorkerProcesses

    app = Flask("echo")

    @app.post("/v1/messages")
    def echo():
        return request.get_data(), 202, {"Content-Type": "application/json"}

    class Nothing:
        def close(self, grace_seconds: float | None = None) -> None:
            pass

    listening = listening_socket("127.0.0.1", 0)
    port = listening.getsockname()[1]
    processes = WorkerProcesses(
        app,
        listening.fileno(),
        workers,
        on_ready=lambda: print(f"listening on http://127.0.0.1:{port}", flush=True),
        start_worker=Nothing,
    )
    listening.detach()
    processes.run()


def start(command: list[str]) -> tuple[subprocess.Popen, str, float]:
    """Run a server command; its process, base URL, and seconds until it answered healthy."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    match = BANNER.search(process.stdout.readline())
    assert match, "the server did not start"
    base_url = match.group(1)
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/_emulator/health", timeout=1):
                return process, base_url, time.perf_counter() - began
        except urllib.error.HTTPError:  # the echo has no health route: it answered all the same
            return process, base_url, time.perf_counter() - began
        except OSError:
            time.sleep(0.005)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def emulator_command(db: Path, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "emulator",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        "--workers",
        str(workers),
    ]


# Load


def wrk(base_url: str, script: str, duration: float, path: str = "/v1/messages") -> dict:
    """Run wrk with a Lua script; requests per second and latency percentiles (ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration:g}s",
        "--latency",
        "-s",
        file.name,
        base_url + path,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(file.name)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output).groups()
        result[f"p{percentile}"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["errors"] = int(errors.group(1)) if errors else 0
    return result


def post_script(messages: list[dict]) -> str:
    body = json.dumps({"messages": messages})
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = {lua_string(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "{AUTH}"\n'
    )


def get_script(paths: list[str] | None = None) -> str:
    script = f'wrk.headers["Authorization"] = "{AUTH}"\n'
    if paths:
        listed = ",".join(lua_string(path) for path in paths)
        script += (
            f"paths = {{{listed}}}\n"
            "request = function()\n"
            "  return wrk.format(nil, paths[math.random(#paths)])\n"
            "end\n"
        )
    return script


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


class LagMonitor:
    """Samples how far behind real time the oldest due transition is, from the store file."""

    def __init__(self, db: Path) -> None:
        self._db = db
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LagMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.worst = max(self.worst, due_lag(self._db))


def due_lag(db: Path) -> float:
    """Seconds between the earliest transition still due and now (0 when none is due)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        earliest = connection.execute("SELECT min(next_transition_at) FROM messages").fetchone()[0]
    finally:
        connection.close()
    if earliest is None:
        return 0.0
    due = datetime.fromisoformat(earliest).replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - due).total_seconds())


def count_due(db: Path) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        query = "SELECT count(*) FROM messages WHERE next_transition_at <= ?"
        return connection.execute(query, (now,)).fetchone()[0]
    finally:
        connection.close()


def resident_megabytes(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    children = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True
    ).stdout.split()
    total = 0
    for each in [str(pid), *children]:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def seed(base_url: str, count: int) -> list[str]:
    """Send `count` messages in batches of 100, a third asking for reports; their IDs."""
    ids = []
    for start_at in range(0, count, 100):
        batch = [message(n, report=n % 3 == 0) for n in range(start_at, min(count, start_at + 100))]
        request = urllib.request.Request(
            base_url + "/v1/messages",
            data=json.dumps({"messages": batch}).encode(),
            headers={"Content-Type": "application/json", "Authorization": AUTH},
        )
        with urllib.request.urlopen(request) as response:
            ids.extend(sent["message_id"] for sent in json.loads(response.read())["messages"])
    return ids


# The run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--seed", type=int, default=100_000)
    parser.add_argument("--serve-echo", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve_echo:
        serve_echo(options.workers)
        return

    single = post_script([message(0)])
    batch = post_script([message(n) for n in range(100)])
    figures: dict[str, dict] = {}

    echo, echo_url, _ = start(
        [sys.executable, __file__, "--serve-echo", "--workers", str(options.workers)]
    )
    figures["echo single"] = wrk(echo_url, single, options.duration)
    figures["echo batch"] = wrk(echo_url, batch, options.duration)
    stop(echo)

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.db"
        emulator, base_url, started = start(emulator_command(db, options.workers))
        for name, script in (("single", single), ("batch", batch)):
            with LagMonitor(db) as lag:
                figures[name] = wrk(base_url, script, options.duration)
            time.sleep(5)
            figures[name]["worst lag"] = lag.worst
            figures[name]["due 5 s after"] = count_due(db)
        stop(emulator)

        seeded = Path(folder) / "seeded.db"
        emulator, base_url, started = start(emulator_command(seeded, options.workers))
        ids = seed(base_url, options.seed)
        time.sleep(6)  # every message reaches its final status
        paths = [f"/v1/messages/{message_id}" for message_id in random.sample(ids, 2000)]
        figures["get message"] = wrk(base_url, get_script(paths), 10, path="/")
        figures["get reports"] = wrk(base_url, get_script(), 10, path="/v1/delivery_reports")
        memory = resident_megabytes(emulator.pid)
        stop(emulator)

    print(
        f"{options.workers} worker processes, wrk -t{THREADS} -c{CONNECTIONS},"
        f" {options.duration:g} s each"
    )
    print(f"start-up to healthy: {started * 1000:.0f} ms")
    for load, per in (("single", 1), ("batch", 100)):
        echo_rps, rps = figures[f"echo {load}"]["rps"], figures[load]["rps"]
        print(
            f"{load}: emulator {rps:,.0f} req/s ({rps * per:,.0f} messages/s, p99"
            f" {figures[load]['p99']:.1f} ms, {figures[load]['errors']} errors);"
            f" bare echo {echo_rps:,.0f} req/s; ratio {rps / echo_rps:.2f};"
            f" engine's worst lag {figures[load]['worst lag']:.2f} s;"
            f" due 5 s after the load: {figures[load]['due 5 s after']}"
        )
    for name in ("get message", "get reports"):
        figure = figures[name]
        print(
            f"{name} ({options.seed:,} messages stored): {figure['rps']:,.0f} req/s,"
            f" p50 {figure['p50']:.1f} ms, p99 {figure['p99']:.1f} ms, {figure['errors']} errors"
        )
    print(f"resident memory of all processes after {options.seed:,} messages: {memory:.0f} MB")


if __name__ == "__main__":
    main()
