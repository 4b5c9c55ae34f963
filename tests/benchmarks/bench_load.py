"""The emulator under load, next to a bare Flask echo served the same way. Prints figures and the
ratios, and writes their tables into docs/benchmarks.md; asserts nothing.

    python tests/benchmarks/bench_load.py [--workers 2] [--duration 30] [--seed 100000]
        [--postgresql postgresql://user@host:port [--instances 1,2,3]] [--print-only]

In one run, with wrk (Debian's package `wrk`) as the load, 16 connections on 2 threads:

1. `mm-emulator serve --workers N` on a new store file, as users start it, then warmed up (as every
   server sent a load here is, see `warm_up`): single-message POSTs,
   then 100-message POSTs, each for `--duration` seconds, every message asking for reports.
   Meanwhile the oldest message due for a transition is sampled twice a second: its lag behind
   real time is the engine's lag. Five seconds after each load stops nothing may be due. Just
   before and just after each load, for half the duration each, a bare Flask echo (the body
   back, 202) under the same server (gunicorn's master, waitress in each of `--workers`
   processes) gets the same load: the ceiling. The machine's speed drifts over minutes, so the
   ratio is taken against the mean of the two;
2. a new store seeded through the API with `--seed` messages (a third asking for reports, so
   about as many reports wait unconfirmed): GET /v1/messages/{id} of random messages and GET
   /v1/delivery_reports, with their latency percentiles, then the resident memory of all the
   emulator's processes. Then the bare echo again, answering the same GETs with the bodies the
   emulator gave, as they are: the ceiling of the reads. Start-up is the time from running the
   command to a healthy answer.
3. with `--postgresql URL` (a server where the user may create databases), the loads of 1 again
   for each number of `--instances` on one new PostgreSQL database (`--workers 1` each), the
   connections split evenly among the instances (one wrk each): a round-robin client. For every
   load, the CPU seconds the emulator's processes, PostgreSQL's and wrk spent: where the time
   goes; and, where the server loads pg_stat_statements (`shared_preload_libraries`), the round
   trips each single send cost, the engine's work on it included.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from docs_tables import add_page_option, caption, write_table
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from emulator.settings import Settings
from emulator.store.tables import messages

BANNER = re.compile(r"listening on (http://\S+)")
AUTH = "Basic " + base64.b64encode(b"demo_api_key:demo_api_secret").decode()
CONNECTIONS, THREADS = 16, 2
# A server says where it listens before its worker processes are ready: the first seconds of
# load would measure their start-up, at a tenth of the rate.
WARM_UP_SECONDS = 2
REPORTS = "/v1/delivery_reports"


def message(n: int, report: bool = True) -> dict:
    return {
        "content": f"Load test message {n}",
        "destination_number": "+61491570156",
        "delivery_report": report,
    }


# Serving


def serve_echo(workers: int, answers: Path | None = None) -> None:
    """A bare Flask app answering a POST with its body, under the emulator's own server; with
    `answers` (a JSON file of the bodies the emulator gave), it answers GET /v1/messages/{id}
    and GET /v1/delivery_reports with those bodies as they are."""
    from flask import Flask, request

    from emulator.server import listening_socket
    from emulator.workers import WorkerProcesses

    app = Flask("echo")
    json_type = {"Content-Type": "application/json"}
    bodies = json.loads(answers.read_text()) if answers else {}

    @app.post("/v1/messages")
    def echo():
        return request.get_data(), 202, json_type

    @app.get("/v1/messages/<message_id>")
    def message_answer(message_id):
        return bodies["message"], 200, json_type

    @app.get("/v1/delivery_reports")
    def reports_answer():
        return bodies["reports"], 200, json_type

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


def echo_command(workers: int, answers: Path | None = None) -> list[str]:
    command = [sys.executable, __file__, "--serve-echo", "--workers", str(workers)]
    return command + (["--answers", str(answers)] if answers else [])


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def emulator_command(db: Path | str, workers: int) -> list[str]:
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
    return round_robin([base_url], script, duration, path)


def warm_up(base_urls: list[str]) -> None:
    """Single sends for WARM_UP_SECONDS, so that the load measured next meets servers at work."""
    round_robin(base_urls, post_script([message(0)]), WARM_UP_SECONDS)


def round_robin(base_urls: list[str], script: str, duration: float, path: str = "/v1/messages"):
    """One wrk per server, the connections (and threads) split evenly among them, at once: the
    summed requests per second, the worst of their latency percentiles, and the CPU seconds
    the wrk processes spent."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    count = len(base_urls)
    threads = [THREADS // count + (n < THREADS % count) for n in range(count)]
    connections = [CONNECTIONS // count + (n < CONNECTIONS % count) for n in range(count)]
    before = os.times()
    running = [
        subprocess.Popen(
            [
                "wrk",
                f"-t{max(1, threads[n])}",
                f"-c{connections[n]}",
                f"-d{duration:g}s",
                "--latency",
                "-s",
                file.name,
                base_url + path,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n, base_url in enumerate(base_urls)
    ]
    outputs = [process.communicate()[0] for process in running]
    after = os.times()
    os.unlink(file.name)
    result = {
        "rps": sum(float(re.search(r"Requests/sec:\s+([\d.]+)", o).group(1)) for o in outputs),
        "errors": 0,
        "wrk cpu": (after.children_user + after.children_system)
        - (before.children_user + before.children_system),
    }
    for output in outputs:
        for percentile in ("50", "99"):
            value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output).groups()
            milliseconds = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
            result[f"p{percentile}"] = max(result.get(f"p{percentile}", 0.0), milliseconds)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        result["errors"] += int(errors.group(1)) if errors else 0
    return result


def read_loads(base_url: str, message_paths: list[str]) -> dict[str, dict]:
    """GET of random messages, then of the page of delivery reports, 10 s each."""
    return {
        "get message": wrk(base_url, get_script(message_paths), 10, path="/"),
        "get reports": wrk(base_url, get_script(), 10, path=REPORTS),
    }


def answer(base_url: str, path: str) -> str:
    """The body of a GET as the demo account."""
    request = urllib.request.Request(base_url + path, headers={"Authorization": AUTH})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


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
    """Samples how far behind real time the oldest due transition is, from the store."""

    def __init__(self, db: Path | str) -> None:
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


def read_store(db: Path | str, query):
    """One value read from a SQLite store file or a PostgreSQL database, without the Store (no
    migrations, no pool left behind)."""
    engine = create_engine(Settings(db=str(db)).database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar()
    finally:
        engine.dispose()


def due_lag(db: Path | str) -> float:
    """Seconds between the earliest transition still due and now (0 when none is due)."""
    earliest = read_store(db, select(func.min(messages.c.next_transition_at)))
    if earliest is None:
        return 0.0
    return max(0.0, (datetime.now(UTC) - earliest).total_seconds())


def count_due(db: Path | str) -> int:
    due = messages.c.next_transition_at <= datetime.now(UTC)
    return read_store(db, select(func.count()).where(due))


# Where the time goes


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(each for child in children.split() for each in process_tree(int(child)))]


def tree_cpu_seconds(root: int | None) -> float:
    """User and system CPU seconds spent so far by a process and its descendants, those that
    have exited included (their time is added to the parent that waited for them)."""
    if root is None:
        return 0.0
    total = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime and cstime, in clock ticks.
        total += sum(int(field) for field in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def postmaster_of(db: Path | str) -> int | None:
    """The PID of the PostgreSQL server holding `db`, when it runs on this machine."""
    if make_url(Settings(db=str(db)).database_url).get_backend_name() != "postgresql":
        return None
    query = text("SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
    try:
        checkpointer = read_store(db, query)
        return int(Path(f"/proc/{checkpointer}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, TypeError):
        return None


class CpuMeter:
    """CPU seconds spent during a load by the emulator's processes and by PostgreSQL's."""

    def __init__(self, emulators: list[subprocess.Popen], postmaster: int | None) -> None:
        self._emulators = [process.pid for process in emulators]
        self._postmaster = postmaster

    def __enter__(self) -> CpuMeter:
        self._start = (self._emulator_seconds(), tree_cpu_seconds(self._postmaster))
        return self

    def __exit__(self, *exc) -> None:
        self.emulator = self._emulator_seconds() - self._start[0]
        self.postgresql = tree_cpu_seconds(self._postmaster) - self._start[1]

    def _emulator_seconds(self) -> float:
        return sum(tree_cpu_seconds(pid) for pid in self._emulators)


class StatementMeter:
    """The statements PostgreSQL ran in the store's database, each one round trip from a client
    (BEGIN and COMMIT included), as pg_stat_statements counts them; None on SQLite, or where the
    server was not started with `shared_preload_libraries = pg_stat_statements`."""

    _COUNT = text(
        "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
        " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )

    def __init__(self, db: Path | str) -> None:
        url = Settings(db=str(db)).database_url
        self._db = url if make_url(url).get_backend_name() == "postgresql" else None
        self.count: int | None = None
        self._start = self._read()

    def read(self) -> None:
        """Set `count` to the statements run since the meter was made."""
        end = self._read()
        if self._start is not None and end is not None:
            self.count = end - self._start

    def _read(self) -> int | None:
        if self._db is None:
            return None
        try:
            with create_engine(self._db, poolclass=NullPool).connect() as connection:
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                connection.commit()
                return int(connection.execute(self._COUNT).scalar_one())
        except DBAPIError:
            return None


class PostgreSQLDatabases:
    """New databases on a PostgreSQL server, dropped at the end."""

    def __init__(self, url: str) -> None:
        self._url = make_url(url).set(drivername="postgresql+psycopg")
        self._made: list[str] = []

    def new(self) -> str:
        name = f"mm_bench_{os.getpid()}_{len(self._made)}"
        self._execute(f"CREATE DATABASE {name}")
        self._made.append(name)
        return self._url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        for name in self._made:
            self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _execute(self, statement: str) -> None:
        server = self._url.set(database="postgres")
        engine = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


def resident_megabytes(pid: int) -> float:
    """Resident memory of a process and all its descendants."""
    total = 0
    for each in process_tree(pid):
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


def send_loads(
    db: Path | str,
    commands: list[list[str]],
    scripts: dict,
    duration: float,
    echo_url: str | None = None,
) -> dict:
    """Start the emulators, put each load on them round robin, and measure it. With `echo_url`,
    the bare echo gets the same load for half the duration just before and just after: the
    machine's speed drifts over minutes, and the ratio is taken against the mean of the two."""
    started = [start(command) for command in commands]
    emulators = [process for process, _, _ in started]
    postmaster = postmaster_of(db)
    figures: dict[str, dict] = {}
    try:
        warm_up([url for _, url, _ in started])
        for name, script in scripts.items():
            before = wrk(echo_url, script, duration / 2) if echo_url else None
            statements = StatementMeter(db)
            with LagMonitor(db) as lag, CpuMeter(emulators, postmaster) as cpu:
                figures[name] = round_robin([url for _, url, _ in started], script, duration)
            time.sleep(5)
            # The engine's work on what the load sent counts too: read once it has had time.
            statements.read()
            figures[name].update(
                {
                    "worst lag": lag.worst,
                    "due 5 s after": count_due(db),
                    "statements": statements.count,
                    "emulator cpu": cpu.emulator,
                    "postgresql cpu": cpu.postgresql,
                }
            )
            if before is not None:
                after = wrk(echo_url, script, duration / 2)
                figures[name]["echo"] = [before["rps"], after["rps"]]
    finally:
        for process in emulators:
            stop(process)
    figures["started"] = max(seconds for _, _, seconds in started)
    return figures


def show_loads(figures: dict, echo: dict, duration: float) -> None:
    """The figures of each send load; `echo` holds, for each, the echo's figures just before
    and after the load."""
    for load, per in (("single", 1), ("batch", 100)):
        figure, rps = figures[load], figures[load]["rps"]
        echo_before, echo_after = echo[load]
        echo_rps = (echo_before + echo_after) / 2
        print(
            f"  {load}: emulator {rps:,.0f} req/s ({rps * per:,.0f} messages/s, p99"
            f" {figure['p99']:.1f} ms, {figure['errors']} errors);"
            f" bare echo {echo_before:,.0f} req/s before and {echo_after:,.0f} after;"
            f" ratio to their mean {rps / echo_rps:.2f};"
            f" engine's worst lag {figure['worst lag']:.2f} s;"
            f" due 5 s after the load: {figure['due 5 s after']}"
        )
        cores = (os.cpu_count() or 1) * duration
        postgresql = figure["postgresql cpu"]
        # Per message accepted; the engine's work on them during the load included.
        per_message = 1000 / max(1.0, rps * per * duration)
        print(
            f"    CPU seconds over the {duration:g} s ({cores:g} core-seconds):"
            f" emulator {figure['emulator cpu']:.1f},"
            + (f" PostgreSQL {postgresql:.1f}," if postgresql else "")
            + f" wrk {figure['wrk cpu']:.1f}; per message: emulator"
            f" {figure['emulator cpu'] * per_message:.2f} ms"
            + (f", PostgreSQL {postgresql * per_message:.2f} ms" if postgresql else "")
        )


# The tables


def met(reached: bool) -> str:
    return "yes" if reached else "no"


def echo_mean(echo: dict, load: str) -> float:
    before, after = echo[load]
    return (before + after) / 2


def sqlite_rows(figures: dict, echo: dict, echo_reads: dict, seed: int, memory: float) -> list:
    """The table of the SQLite run: each figure beside the target it is held to."""
    single, batch = figures["sqlite"]["single"], figures["sqlite"]["batch"]
    ratio = single["rps"] / echo_mean(echo, "single")
    rows = [
        [
            "single sends, emulator",
            "at least 0.5 x the echo and 1,842 req/s",
            f"{single['rps']:,.0f} req/s",
            met(ratio >= 0.5 and single["rps"] >= 1842),
        ],
        [
            "single sends, bare echo just before and after",
            "",
            "{:,.0f} / {:,.0f} req/s".format(*echo["single"]),
            "",
        ],
        ["ratio emulator / echo", "at least 0.5", f"{ratio:.2f}", met(ratio >= 0.5)],
        [
            "100-message batches",
            "at least 15,000 messages/s",
            f"{batch['rps'] * 100:,.0f} messages/s",
            met(batch["rps"] * 100 >= 15_000),
        ],
    ]
    for load, name in ((single, "single sends"), (batch, "batches")):
        rows += [
            [
                f"engine's worst lag behind a due time, {name}",
                "at most 2 s",
                f"{load['worst lag']:.2f} s",
                met(load["worst lag"] <= 2),
            ],
            [
                f"messages still due 5 s after {name} stop",
                "0",
                f"{load['due 5 s after']:,}",
                met(load["due 5 s after"] == 0),
            ],
        ]
    for name, what, echoed in (
        ("get message", f"`GET /v1/messages/{{id}}`, {seed:,} stored", "body"),
        ("get reports", f"`GET /v1/delivery_reports`, about {seed:,} unconfirmed", "page"),
    ):
        figure, ceiling = figures[name], echo_reads[name]
        rows += [
            [
                f"{what}, {CONNECTIONS} connections",
                "p99 under 20 ms",
                f"p99 {figure['p99']:.1f} ms ({figure['rps']:,.0f} req/s)",
                met(figure["p99"] < 20),
            ],
            [
                f"the echo answering the same {echoed}",
                "",
                f"p99 {ceiling['p99']:.1f} ms ({ceiling['rps']:,.0f} req/s)",
                "",
            ],
        ]
    started = figures["sqlite"]["started"]
    return rows + [
        ["start-up to healthy", "under 1 s", f"{started * 1000:.0f} ms", met(started < 1)],
        [
            f"resident memory of all processes after {seed:,} messages",
            "under 300 MB",
            f"{memory:.0f} MB",
            met(memory < 300),
        ],
    ]


def postgresql_rows(figures: dict, instance_counts: list[int], duration: float) -> list:
    """The table of the runs on PostgreSQL, beside the SQLite run's figures: throughput, and the
    CPU the emulator and the database server spent per request or message."""
    runs = [figures["sqlite"], *(figures[f"postgresql {count}"] for count in instance_counts)]

    def cpu(load: dict, per: int) -> str:
        done = max(1.0, load["rps"] * per * duration)
        emulator = load["emulator cpu"] * 1000 / done
        server = load["postgresql cpu"] * 1000 / done
        return f"{emulator:.2f} + {server:.2f} ms" if server else f"{emulator:.2f} ms"

    return [
        ["single sends", *(f"{run['single']['rps']:,.0f} req/s" for run in runs)],
        ["CPU per single send: emulator + server", *(cpu(run["single"], 1) for run in runs)],
        ["100-message batches", *(f"{run['batch']['rps'] * 100:,.0f} messages/s" for run in runs)],
        [
            "CPU per message in batches: emulator + server",
            *(cpu(run["batch"], 100) for run in runs),
        ],
        [
            "messages still due 5 s after the batches",
            *(f"{run['batch']['due 5 s after']:,}" for run in runs),
        ],
        [
            "round trips to the server per single send, the engine's included",
            *(round_trips(run["single"], duration) for run in runs),
        ],
    ]


def round_trips(load: dict, duration: float) -> str:
    """Statements PostgreSQL ran per request of a load, or why there is no figure."""
    if load.get("statements") is None:
        return "-"
    return f"{load['statements'] / max(1.0, load['rps'] * duration):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--seed", type=int, default=100_000)
    parser.add_argument("--postgresql", metavar="URL", help="also on PostgreSQL, on this server")
    parser.add_argument("--instances", default="1,2,3", help="instance counts on PostgreSQL")
    parser.add_argument("--serve-echo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--answers", type=Path, help=argparse.SUPPRESS)
    add_page_option(parser)
    options = parser.parse_args()
    if options.serve_echo:
        serve_echo(options.workers, options.answers)
        return

    scripts = {
        "single": post_script([message(0)]),
        "batch": post_script([message(n) for n in range(100)]),
    }
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.db"
        command = emulator_command(db, options.workers)
        echo, echo_url, _ = start(echo_command(options.workers))
        try:
            warm_up([echo_url])
            figures["sqlite"] = send_loads(db, [command], scripts, options.duration, echo_url)
        finally:
            stop(echo)
        echo_figures = {name: figures["sqlite"][name]["echo"] for name in scripts}

        seeded = Path(folder) / "seeded.db"
        emulator, base_url, _ = start(emulator_command(seeded, options.workers))
        ids = seed(base_url, options.seed)
        time.sleep(6)  # every message reaches its final status
        paths = [
            f"/v1/messages/{message_id}" for message_id in random.sample(ids, min(2000, len(ids)))
        ]
        figures.update(read_loads(base_url, paths))
        memory = resident_megabytes(emulator.pid)
        answers = Path(folder) / "answers.json"
        answers.write_text(
            json.dumps(
                {"message": answer(base_url, paths[0]), "reports": answer(base_url, REPORTS)}
            )
        )
        stop(emulator)

        echo, echo_url, _ = start(echo_command(options.workers, answers))
        warm_up([echo_url])
        echo_reads = read_loads(echo_url, paths)
        stop(echo)

    instance_counts = [int(count) for count in options.instances.split(",")]
    server_version = None
    if options.postgresql:
        databases = PostgreSQLDatabases(options.postgresql)
        try:
            for count in instance_counts:
                url = databases.new()
                server_version = read_store(url, text("SHOW server_version"))
                commands = [emulator_command(url, 1) for _ in range(count)]
                figures[f"postgresql {count}"] = send_loads(
                    url, commands, scripts, options.duration
                )
        finally:
            databases.drop_all()

    print(
        f"{options.workers} worker processes, wrk -t{THREADS} -c{CONNECTIONS},"
        f" {options.duration:g} s each, {os.cpu_count()} CPUs"
    )
    print(f"start-up to healthy: {figures['sqlite']['started'] * 1000:.0f} ms")
    print(f"SQLite file, one emulator with {options.workers} worker processes:")
    show_loads(figures["sqlite"], echo_figures, options.duration)
    for name in ("get message", "get reports"):
        figure, ceiling = figures[name], echo_reads[name]
        print(
            f"{name} ({options.seed:,} messages stored): {figure['rps']:,.0f} req/s,"
            f" p50 {figure['p50']:.1f} ms, p99 {figure['p99']:.1f} ms, {figure['errors']} errors;"
            f" bare echo of the same answer {ceiling['rps']:,.0f} req/s, p50"
            f" {ceiling['p50']:.1f} ms, p99 {ceiling['p99']:.1f} ms"
        )
    print(f"resident memory of all processes after {options.seed:,} messages: {memory:.0f} MB")
    if options.postgresql:
        for count in instance_counts:
            figure = figures[f"postgresql {count}"]
            print(
                f"PostgreSQL, {count} instance(s) with 1 worker process each, the connections"
                f" split among them (start-up to healthy {figure['started'] * 1000:.0f} ms):"
            )
            show_loads(figure, echo_figures, options.duration)
    if options.print_only:
        return
    run = (
        f"`--workers {options.workers}`, wrk with {CONNECTIONS} connections on {THREADS} threads,"
        f" {options.duration:g} s per load"
    )
    write_table(
        "bench_load",
        caption(run),
        ["What", "Target", "Figure", "Met"],
        sqlite_rows(figures, echo_figures, echo_reads, options.seed, memory),
        options.page,
    )
    if options.postgresql:
        write_table(
            "bench_load_postgresql",
            caption(
                f"PostgreSQL {server_version} on the same machine, {options.duration:g} s per load"
            ),
            [
                "Load",
                f"SQLite, `--workers {options.workers}`",
                *(
                    f"PostgreSQL, {count} instance{'s' if count > 1 else ''}"
                    for count in instance_counts
                ),
            ],
            postgresql_rows(figures, instance_counts, options.duration),
            options.page,
        )


if __name__ == "__main__":
    main()
