"""What the pytest plugin costs: starting the emulator once, and resetting it before each test.

    python tests/benchmarks/bench_reset.py [--resets 500] [--messages 100] [--print-only]

Prints figures and writes their table into docs/benchmarks.md; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import urllib3
from docs_tables import add_page_option, caption, write_table

from emulator.pytest_plugin import start_emulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resets", type=int, default=500)
    parser.add_argument("--messages", type=int, default=100, help="sent before each timed reset")
    add_page_option(parser)
    options = parser.parse_args()

    began = time.perf_counter()
    emulator = start_emulator()
    started = (time.perf_counter() - began) * 1000
    print(f"start: {started:.0f} ms (once per test session)")

    empty = []
    for _ in range(options.resets):
        began = time.perf_counter()
        emulator.reset()
        empty.append((time.perf_counter() - began) * 1000)

    http = urllib3.PoolManager()
    headers = urllib3.make_headers(basic_auth=f"{emulator.api_key}:{emulator.api_secret}")
    headers["Content-Type"] = "application/json"
    message = {"content": "Hi", "destination_number": "+61491570156", "delivery_report": True}
    body = json.dumps({"messages": [message] * options.messages})
    used = []
    for _ in range(options.resets // 10):
        http.request("POST", emulator.base_url + "/v1/messages", body=body, headers=headers)
        emulator.advance(10)
        began = time.perf_counter()
        emulator.reset()
        used.append((time.perf_counter() - began) * 1000)
    emulator.stop()

    rows = [["start-up, once per test session", f"{started:.0f} ms"]]
    for label, times in (
        ("reset of an empty emulator", empty),
        (f"reset after {options.messages} messages and {3 * options.messages} reports", used),
    ):
        figure = (
            f"median {statistics.median(times):.2f} ms,"
            f" 95th percentile {sorted(times)[int(len(times) * 0.95)]:.2f} ms"
        )
        print(f"{label}: {figure}")
        rows.append([label, figure])
    if not options.print_only:
        details = f"{options.resets} resets, {options.resets // 10} of them after messages"
        write_table("bench_reset", caption(details), ["What", "Figure"], rows, options.page)


if __name__ == "__main__":
    main()
