"""The benchmarks' tables in the manual: each script writes its figures into docs/benchmarks.md,
between its own marker comments, in place of the table it wrote before, so that no figure there
is typed by hand.

A block looks like this; the caption names the day and the machine that measured it:

    <!-- bench_reset:start -->
    *Measured 2026-11-25 on 2 cores and 24 GB of memory, 500 resets.*

    | What | Figure |
    | --- | --- |
    | ... | ... |
    <!-- bench_reset:end -->
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def add_page_option(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark takes for where its table goes."""
    parser.add_argument(
        "--page",
        type=Path,
        default=PAGE,
        help="the Markdown page whose table this script replaces (default: docs/benchmarks.md)",
    )
    parser.add_argument(
        "--print-only",
        action="store_true",
        help="print the figures and leave the page as it is (for trial runs)",
    )


def machine() -> str:
    """This machine as a caption names it: its cores and its memory."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores and {memory:.0f} GB of memory"


def caption(details: str = "") -> str:
    """Today's date (UTC) and this machine, then what the run was, if anything."""
    today = datetime.now(UTC).date().isoformat()
    return f"Measured {today} on {machine()}" + (f", {details}" if details else "") + "."


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table; a `|` in a cell is escaped so that it stays in its column."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *(line(row) for row in rows)])


def write_table(
    name: str,
    caption_text: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    page: Path = PAGE,
) -> None:
    """Put the table between `<!-- NAME:start -->` and `<!-- NAME:end -->` on the page, in place
    of what was there. The markers must be there already: a page without them is an error
    rather than a table added where nobody placed it."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = page.read_text(encoding="utf-8")
    block = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not block.search(text):
        raise SystemExit(f"{page}: no {start} ... {end} markers to write the table between")
    table = f"{start}\n*{caption_text}*\n\n{markdown_table(header, rows)}\n{end}"
    page.write_text(block.sub(lambda _: table, text, count=1), encoding="utf-8")
    print(f"wrote the table {name} into {page}")
