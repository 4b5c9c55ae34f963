"""What the limits cost and save: hostile batches and templates, measured in one process.

    python tests/benchmarks/bench_limits.py [--print-only]

For each case: the processor time of the request or render (the median of a few runs), and the
most memory it allocated at once (tracemalloc's peak, in a run of its own, since tracing slows
it). Prints figures and writes their table into docs/limits.md; asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from docs_tables import PAGE, add_page_option, caption, write_table

from emulator.app import create_app
from emulator.domain.velocity import TemplateProblem, render
from emulator.pytest_plugin import DEMO_KEY, DEMO_SECRET
from emulator.settings import Settings
from emulator.web.requests import EXTENSION_KEY

RUNS = 5
AUTH = "Basic " + base64.b64encode(f"{DEMO_KEY}:{DEMO_SECRET}".encode()).decode()
CONTENT = "x" * 5000
VARIABLES = {"mtId": "id", "mtContent": CONTENT, "metadata": {"order": "42"}}
ORDINARY = (
    '{"id":"$mtId","text":"$esc.json($mtContent)"'
    '#foreach($k in $metadata.keySet()),"$k":"$esc.json($metadata.get($k))"#end}'
)
TEMPLATES = {
    "an ordinary template (5,000-character content)": ORDINARY,
    "69 characters doubling a string in #foreach": (
        '#set($s="xx")#foreach($i in [1..40])#set($s="$s$s")#end$s'
    ),
    "nested #foreach writing the content": (
        "#foreach($a in [1..1000])#foreach($b in [1..1000])$mtContent#end#end"
    ),
    "a #foreach of 100 million writing nothing": "#foreach($a in [1..100000000])#end",
    "a string multiplied by 2,000,000,000": '#set($s = "x" * 2000000000)$s',
}


def measure(work: Callable[[], object]) -> tuple[float, float]:
    """Median processor seconds of `work` over RUNS runs, and its peak of allocated MB."""
    times = []
    for _ in range(RUNS):
        began = time.thread_time()
        work()
        times.append(time.thread_time() - began)
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statistics.median(times), peak / 1024**2


def rendering(template: str) -> Callable[[], str]:
    """A render of `template`, saying how it ended: `rendered` or why it was stopped."""

    def work() -> str:
        try:
            render(template, VARIABLES)
        except TemplateProblem as problem:
            return str(problem)
        return "rendered"

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_page_option(parser)
    parser.set_defaults(page=PAGE.parent / "limits.md")
    options = parser.parse_args()
    rows = []

    def row(case: str, outcome: str, seconds: float, megabytes: float) -> None:
        print(f"{case}: {outcome}, {seconds * 1000:.1f} ms, {megabytes:.1f} MB", flush=True)
        rows.append([case, outcome, f"{seconds * 1000:,.1f} ms", f"{megabytes:,.1f} MB"])

    folder = Path(tempfile.mkdtemp(prefix="mm-bench-limits-"))
    app = create_app(Settings(db=str(folder / "emulator.db")))
    client = app.test_client()
    headers = {"Authorization": AUTH, "Content-Type": "application/json"}
    largest = {
        "content": CONTENT,
        "destination_number": "+61491570156",
        "metadata": {f"key{n}": "v" * 256 for n in range(10)},
        "delivery_report": True,
        "callback_url": "https://example.com/callback",
    }
    batches = {
        "POST /v1/messages: 100 messages of 5,000 characters with 10 metadata pairs": (
            "/v1/messages",
            json.dumps({"messages": [largest] * 100}),
        ),
        "POST /v1/messages: 5 MB of `{}` in `messages`": (
            "/v1/messages",
            '{"messages":[' + ",".join(["{}"] * 1_700_000) + "]}",
        ),
        "POST /v1/messages: 5 MB of numbers in an unknown field": (
            "/v1/messages",
            '{"x":[' + ",".join(["0"] * 2_400_000) + '],"messages":[]}',
        ),
        "POST /v1/replies/confirmed: 5 MB of IDs": (
            "/v1/replies/confirmed",
            '{"reply_ids":[' + ",".join(['"a"'] * 1_200_000) + "]}",
        ),
    }
    try:
        for case, (path, body) in batches.items():
            statuses: list[int] = []

            def post(path: str = path, body: str = body, statuses: list[int] = statuses) -> object:
                response = client.post(path, data=body, headers=headers)
                statuses.append(response.status_code)
                return response

            seconds, megabytes = measure(post)
            row(case, str(statuses[0]), seconds, megabytes)
    finally:
        app.extensions[EXTENSION_KEY].close()

    for case, template in TEMPLATES.items():
        work = rendering(template)
        outcome = work()
        seconds, megabytes = measure(work)
        row(f"template: {case}", outcome, seconds, megabytes)

    if options.print_only:
        return
    write_table(
        "bench_limits",
        caption("the default limits"),
        ["Case", "Outcome", "Processor time", "Peak allocated"],
        rows,
        options.page,
    )


if __name__ == "__main__":
    main()
