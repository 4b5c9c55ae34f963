"""What each piece of the store's machinery is worth: single sends and 100-message batches with
every piece on, with each piece off in turn, and with all of them off, side by side in one run.
With `--before PATH` (a checkout of an earlier version of the project), that version is served
beside them; a bare Flask echo under the same server is the ceiling. Prints the figures and
writes their table into docs/benchmarks.md; asserts nothing.

    python tests/benchmarks/bench_store.py [--workers 2] [--duration 6] [--rounds 3]
        [--before PATH] [--only CONFIGURATION ...] [--print-only]
        [--postgresql postgresql://user@host:port [--instances 2]]

Each configuration is `mm-emulator serve --workers N` on a new store file under wrk's load (16
connections on 2 threads, as tests/benchmarks/bench_load.py), every message asking for reports.
The machine's speed drifts over minutes, so the configurations take turns, round after round,
and each figure is the median of its rounds. A piece is switched off in the served process only,
by replacing it with what the store would do without it:

- `group commit`: each send has a transaction of its own (`Store.together` opens one);
- `gathered inserts`: each send of a group inserts its rows when it runs, rather than the group
  inserting every send's rows by one statement per table;
- `kept state`: nothing is kept between requests (the generation is None, as on PostgreSQL), so
  every send reads the clock, the features and the fault rules, and decides inside its
  transaction;
- `write lock`: writers of a SQLite file wait on SQLite's busy handler (a poll with growing
  sleeps) rather than on the store's lock;

With `--postgresql URL` (a server where the user may create databases) each configuration runs
`--instances` instances (`--workers 1` each) on a new database of that server instead, the
connections split evenly among them, and the table goes to its own block. There the write lock
and kept state are not used and each send has its own transaction: `--before` is what it is for.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_load import (
    BANNER,
    PostgreSQLDatabases,
    echo_command,
    message,
    post_script,
    round_robin,
    stop,
    tree_cpu_seconds,
    warm_up,
)
from docs_tables import add_page_option, caption, write_table

PIECES = ("group commit", "gathered inserts", "kept state", "write lock")
BATCH = 100
KINDS = ("single", "single cpu", "batch", "batch cpu")


# Switching pieces off, in the served process


def without_group_commit() -> None:
    from emulator.store import Store

    def together(self: Store, work: Callable[[Any], Any]) -> Any:
        with self.transaction() as tx:
            return work(tx)

    Store.together = together  # type: ignore[method-assign]


def without_gathered_inserts() -> None:
    import emulator.services.messages

    def insert_now(tx: Any, insert: Callable[[Any, list[Any]], None], rows: list[Any]) -> None:
        insert(tx, rows)

    emulator.services.messages.gather = insert_now  # type: ignore[assignment]


def without_kept_state() -> None:
    from emulator.store.generation import Generation

    Generation.current = lambda self: None  # type: ignore[method-assign]


def without_write_lock() -> None:
    from emulator.store.base import WriterLock

    @contextmanager
    def hold(self: WriterLock) -> Iterator[None]:
        yield

    WriterLock.hold = hold  # type: ignore[method-assign]


SWITCHES = {
    "group commit": without_group_commit,
    "gathered inserts": without_gathered_inserts,
    "kept state": without_kept_state,
    "write lock": without_write_lock,
}


def serve_without(pieces: list[str], db: str, workers: int) -> None:
    """`mm-emulator serve` on `db` with `pieces` switched off (forked workers inherit it)."""
    import emulator.store  # noqa: F401  (the modules whose names the switches replace)

    for piece in pieces:
        SWITCHES[piece]()
    from emulator.cli import main

    arguments = ["serve", "--port", "0", "--db", db, "--workers", str(workers)]
    main(arguments, prog_name="mm-emulator")


# Measuring


def start(command: list[str], python_path: str | None = None) -> tuple[subprocess.Popen, str]:
    """Run a server command; its process and base URL once it says where it listens."""
    environment = dict(os.environ)
    if python_path is not None:
        environment["PYTHONPATH"] = python_path
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment
    )
    match = BANNER.search(process.stdout.readline())
    assert match, f"the server did not start: {command}"
    return process, match.group(1)


def measure(commands: list[list[str]], duration: float, python_path: str | None = None) -> dict:
    """Messages per second, and the servers' CPU milliseconds per message, under single sends,
    then under 100-message batches, the load split evenly among the servers `commands` start."""
    started = [start(command, python_path) for command in commands]
    base_urls = [base_url for _, base_url in started]
    figures: dict = {"errors": 0}
    try:
        warm_up(base_urls)
        for kind, messages in (("single", 1), ("batch", BATCH)):
            cpu = sum(tree_cpu_seconds(process.pid) for process, _ in started)
            script = post_script([message(n) for n in range(messages)])
            load = round_robin(base_urls, script, duration)
            cpu = sum(tree_cpu_seconds(process.pid) for process, _ in started) - cpu
            figures[kind] = load["rps"] * messages
            figures[f"{kind} cpu"] = cpu * 1000 / (load["rps"] * messages * duration)
            figures["errors"] += load["errors"]
    finally:
        for process, _ in started:
            stop(process)
    return figures


def configurations(
    options: argparse.Namespace, new_store: Callable[[], str]
) -> dict[str, Callable[[], dict]]:
    """Each configuration's name and how to measure it once, on a new store."""

    def emulator(pieces: list[str], python_path: str | None = None) -> Callable[[], dict]:
        def run() -> dict:
            db = new_store()
            workers = "1" if options.postgresql else str(options.workers)
            if python_path is not None:
                command = [sys.executable, "-m", "emulator", "serve", "--port", "0", "--db", db]
            else:
                command = [sys.executable, __file__, "--serve", "--db", db]
                command += [argument for piece in pieces for argument in ("--without", piece)]
            command += ["--workers", workers]
            return measure([command] * options.instances, options.duration, python_path)

        return run

    runs = {"every piece on": emulator([])}
    runs |= {f"without {piece}": emulator([piece]) for piece in PIECES}
    runs["every piece off"] = emulator(list(PIECES))
    if options.before:
        runs["before (--before)"] = emulator([], str(Path(options.before).resolve()))

    runs["bare Flask echo"] = lambda: measure([echo_command(options.workers)], options.duration)
    return runs


@contextmanager
def new_stores(options: argparse.Namespace) -> Iterator[Callable[[], str]]:
    """Where each measurement's new store is: a file in a folder removed at the end, or a
    database on the `--postgresql` server, dropped at the end."""
    if options.postgresql:
        databases = PostgreSQLDatabases(options.postgresql)
        try:
            yield databases.new
        finally:
            databases.drop_all()
        return
    made = iter(range(1_000_000))
    with tempfile.TemporaryDirectory() as folder:
        yield lambda: str(Path(folder) / f"store-{next(made)}.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=6, help="seconds of each load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", help="a checkout of an earlier version to serve beside")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="measure only this configuration (as the table names it; repeatable), with every "
        "piece on and the echo",
    )
    parser.add_argument("--postgresql", metavar="URL", help="measure on PostgreSQL, on this server")
    parser.add_argument(
        "--instances", type=int, default=1, help="instances on PostgreSQL (--workers 1 each)"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--without", action="append", default=[], help=argparse.SUPPRESS)
    add_page_option(parser)
    options = parser.parse_args()
    if options.serve:
        serve_without(options.without, options.db, options.workers)
        return

    with new_stores(options) as new_store:
        runs = configurations(options, new_store)
        if options.only:
            kept = {"every piece on", "bare Flask echo", *options.only}
            runs = {name: run for name, run in runs.items() if name in kept}
        figures: dict[str, list[dict]] = {name: [] for name in runs}
        names = list(runs)
        for round_number in range(options.rounds):
            # Each round starts one configuration later: none is always first after a pause.
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                figures[name].append(runs[name]())
                last = figures[name][-1]
                print(
                    f"round {round_number + 1} {name}: {last['single']:,.0f} single sends/s "
                    f"({last['single cpu']:.2f} ms CPU each), {last['batch']:,.0f} msgs/s in "
                    f"batches ({last['batch cpu']:.3f} ms CPU each), {last['errors']} errors",
                    flush=True,
                )
    table(figures, options)


def table(figures: dict[str, list[dict]], options: argparse.Namespace) -> None:
    """Print each configuration's medians against every piece on, and write the table."""
    median = {
        name: {kind: statistics.median(run[kind] for run in runs) for kind in KINDS}
        for name, runs in figures.items()
    }
    on = median["every piece on"]
    echo = median["bare Flask echo"]
    rows = []
    for name, figure in median.items():
        rows.append(
            [
                name,
                f"{figure['single']:,.0f}",
                f"{figure['single'] / on['single']:.2f}",
                f"{figure['single'] / echo['single']:.2f}",
                f"{figure['single cpu']:.2f}",
                f"{figure['batch']:,.0f}",
                f"{figure['batch'] / on['batch']:.2f}",
                f"{figure['batch cpu'] * 1000:.0f}",
            ]
        )
        print(" | ".join(rows[-1]))
    header = [
        "Served",
        "Single sends/s",
        "x every piece on",
        "x bare echo",
        "CPU ms per send",
        "Msgs/s in 100-message batches",
        "x every piece on",
        "CPU us per message",
    ]
    served = f"--workers {options.workers}"
    block = "bench_store"
    if options.postgresql:
        served = f"PostgreSQL on the same machine, {options.instances} instances of --workers 1"
        block = "bench_store_postgresql"
    details = f"{served}, {options.rounds} rounds of {options.duration:g} s loads, medians"
    if not options.print_only:
        write_table(block, caption(details), header, rows, options.page)


if __name__ == "__main__":
    main()
