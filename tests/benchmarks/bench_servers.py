"""Which HTTP server to serve the emulator with: the candidates side by side, serving the
emulator's own app (engine running in every worker, the default worker count) and a bare Flask
echo, under the same wrk load as bench_load.py. Prints the figures and writes their table into
docs/benchmarks.md; asserts nothing.

    python tests/benchmarks/bench_servers.py [--workers 2] [--duration 10] [--rounds 2]
        [--prism node_modules/.bin/prism] [--print-only]

Candidates, each with `--workers` processes on one port:

- waitress under gunicorn's master, as `mm-emulator serve` runs (also over HTTPS, `--tls`);
- granian (`pip install ".[benchmarks]"`), a Rust HTTP server for WSGI apps, its default threads;
- gunicorn's own threaded worker (`gthread`, 8 threads, as many as waitress is given);
- the bare echo also under gunicorn's default sync workers: the ceiling the speed goal names;
- with `--prism PATH` (the `prism` executable of `npm install @stoplight/prism-cli`), Prism mocking
  the official spec's excerpt (tests/spec/), single sends only: the floor the speed goal names.

Each server is warmed up before it is measured (bench_load's `warm_up`). Each load runs `--rounds`
times, the candidates taking turns in each round, since the machine's speed drifts over minutes; the
table gives the best round of each.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench_load import message, post_script, stop, warm_up, wrk
from docs_tables import add_page_option, caption, write_table
from flask import Flask

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DB_VARIABLE = "BENCH_SERVERS_DB"
OFFICIAL_SPEC = ROOT / "tests" / "spec" / "messagemedia-openapi-excerpt.yaml"


# The apps the servers load, from this module.


def emulator_app() -> Flask:
    """The emulator's app on the store BENCH_SERVERS_DB names, its engine started in this
    process (each worker of a server calls this once)."""
    from emulator.app import create_app
    from emulator.logs import configure_logging
    from emulator.settings import Settings
    from emulator.web.requests import emulator_of

    configure_logging()
    app = create_app(Settings(db=os.environ[DB_VARIABLE], workers=1))
    emulator_of(app).start()
    return app


def echo_app() -> Flask:
    """A bare Flask app answering a POST with its body and 202."""
    from flask import request

    app = Flask("echo")

    @app.post("/v1/messages")
    def echo():
        return request.get_data(), 202, {"Content-Type": "application/json"}

    return app


# The servers.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def granian(app: str, workers: int, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--workers",
        str(workers),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--working-dir",
        str(HERE),
        "--factory",
        f"bench_servers:{app}",
    ]


def gunicorn(app: str, workers: int, port: int, threaded: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(HERE),
        "--log-level",
        "warning",
    ]
    if threaded:
        command += ["--worker-class", "gthread", "--threads", "8"]
    return [*command, f"bench_servers:{app}()"]


def mm_emulator(db: str, workers: int, port: int, tls: bool) -> list[str]:
    command = [sys.executable, "-m", "emulator", "serve", "--port", str(port), "--db", db]
    return command + ["--workers", str(workers)] + (["--tls"] if tls else [])


def waitress_echo(workers: int) -> list[str]:
    """The bare echo under the emulator's own server (bench_load.py's, which picks a free port
    and says which)."""
    return [sys.executable, "-c", f"import bench_load; bench_load.serve_echo({workers})"]


class Running:
    """A server command started and answering; stopped on leaving."""

    def __init__(self, command: list[str], env: dict[str, str], base_url: str | None) -> None:
        self.command, self.env, self.base_url = command, env, base_url

    def __enter__(self) -> Running:
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=HERE,
            # Read only for where it listens: a pipe nobody reads would fill up and block it.
            stdout=subprocess.PIPE if self.base_url is None else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        if self.base_url is None:  # it says where it listens
            line = self.process.stdout.readline() if self.process.stdout else ""
            self.base_url = line.split("listening on ")[1].split()[0]
        self._wait_until_it_answers()
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.process)

    def _wait_until_it_answers(self) -> None:
        context = ssl._create_unverified_context()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(
                    f"{self.base_url}/_emulator/health", timeout=1, context=context
                )
                return
            except urllib.error.HTTPError:
                return  # an echo without the route: it answered all the same
            except OSError:
                time.sleep(0.05)
        raise SystemExit(f"{' '.join(self.command)} did not answer within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--prism", help="the prism executable, to measure Prism too")
    add_page_option(parser)
    args = parser.parse_args()
    workers = args.workers
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    single, batch = post_script([message(0)]), post_script([message(n) for n in range(100)])

    def emulator_under(start: Callable[[str, int], list[str]], tls: bool = False):
        def run() -> Running:
            folder = tempfile.mkdtemp(prefix="bench-servers-")
            db = os.path.join(folder, "emulator.db")
            # Made (and migrated) once, before the workers open it side by side.
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    f"from emulator.store import Store; Store('sqlite:///{db}').close()",
                ],
                env=env,
                check=True,
            )
            port = free_port()
            scheme = "https" if tls else "http"
            return Running(
                start(db, port), {**env, DB_VARIABLE: db}, f"{scheme}://127.0.0.1:{port}"
            )

        return run

    def on_a_free_port(start: Callable[[int], list[str]], says_where: bool = False):
        def run() -> Running:
            port = free_port()
            base_url = None if says_where else f"http://127.0.0.1:{port}"
            return Running(start(port), env, base_url)

        return run

    candidates = {
        "waitress under gunicorn's master (mm-emulator serve)": (
            emulator_under(lambda db, port: mm_emulator(db, workers, port, tls=False)),
            on_a_free_port(lambda _port: waitress_echo(workers), says_where=True),
        ),
        "the same over HTTPS (--tls)": (
            emulator_under(lambda db, port: mm_emulator(db, workers, port, tls=True), tls=True),
            None,
        ),
        "granian": (
            emulator_under(lambda db, port: granian("emulator_app", workers, port)),
            on_a_free_port(lambda port: granian("echo_app", workers, port)),
        ),
        "gunicorn gthread (8 threads)": (
            emulator_under(lambda db, port: gunicorn("emulator_app", workers, port, True)),
            on_a_free_port(lambda port: gunicorn("echo_app", workers, port, True)),
        ),
        "gunicorn sync (the bare echo of the speed goal)": (
            None,
            on_a_free_port(lambda port: gunicorn("echo_app", workers, port, False)),
        ),
    }
    if args.prism:
        prism = [args.prism, "mock", "-h", "127.0.0.1", str(OFFICIAL_SPEC)]
        candidates["Prism mocking the official spec"] = (
            on_a_free_port(lambda port: [*prism, "-p", str(port)]),
            None,
        )
    best: dict[str, dict[str, dict]] = {name: {} for name in candidates}

    def keep(name: str, load: str, figures: dict) -> None:
        kept = best[name].get(load)
        if kept is None or figures["rps"] > kept["rps"]:
            best[name][load] = figures

    for round_number in range(1, args.rounds + 1):
        for name, (emulator, echo) in candidates.items():
            if emulator is not None:
                with emulator() as running:
                    assert running.base_url is not None
                    warm_up([running.base_url])
                    keep(name, "single", wrk(running.base_url, single, args.duration))
                    keep(name, "batch", wrk(running.base_url, batch, args.duration))
            if echo is not None:
                with echo() as running:
                    assert running.base_url is not None
                    warm_up([running.base_url])
                    keep(name, "echo", wrk(running.base_url, single, args.duration))
            print(f"round {round_number}: {name}: {json.dumps(best[name])}", flush=True)

    def figure(name: str, load: str, per: int = 1) -> str:
        found = best[name].get(load)
        if found is None:
            return "-"
        shown = f"{found['rps'] * per:,.0f}/s (p99 {found['p99']:.1f} ms)"
        # An answer other than 2xx is not a send: a server that fails fast must not look fast.
        return shown + (f", {found['errors']:,} errors" if found["errors"] else "")

    rows = [
        [name, figure(name, "single"), figure(name, "batch", 100), figure(name, "echo")]
        for name in candidates
    ]
    header = [
        "Server",
        "Emulator: single sends",
        "Emulator: messages in 100-message sends",
        "Bare Flask echo",
    ]
    for row in rows:
        print(" | ".join(row))
    if not args.print_only:
        details = (
            f"`--workers {workers}`, wrk with 16 connections on 2 threads,"
            f" {args.duration:g} s per load, best of {args.rounds} rounds"
        )
        write_table("bench_servers", caption(details), header, rows, page=args.page)


if __name__ == "__main__":
    main()
