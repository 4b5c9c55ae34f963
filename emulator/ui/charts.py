"""The Reports page's charts as plain geometry for the template's inline SVG: bars sized in
percent of the chart's width, so the text in them keeps its size at any screen width."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

# The day chart's height in pixels, and where its plot starts and ends within it.
DAY_CHART_HEIGHT = 210
PLOT_TOP, PLOT_BOTTOM = 28, 176
# The left part of the day chart, in percent, holds the count axis's labels.
AXIS_GUTTER = 9.0
# At most this many day labels under the day chart; with more days, every n-th day is named.
MOST_DAY_LABELS = 7
# Above this many days, the counts on top of the bars would collide: the table has them.
MOST_COUNTED_DAYS = 14


@dataclass(frozen=True)
class StatusBar:
    """A status's messages, and its bar's width in percent of the largest."""

    status: str
    sent: int
    received: int
    width: float

    @property
    def total(self) -> int:
        return self.sent + self.received


@dataclass(frozen=True)
class DayColumn:
    """A day's messages as a stacked column: sent below, received above."""

    day: date
    label: str
    axis_label: str | None
    sent: int
    received: int
    x: float
    width: float
    sent_y: float
    sent_height: float
    received_y: float
    received_height: float

    @property
    def total(self) -> int:
        return self.sent + self.received

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class DayChart:
    columns: list[DayColumn]
    ticks: list[Tick]
    counted: bool
    gutter: float = AXIS_GUTTER
    height: int = DAY_CHART_HEIGHT
    bottom: int = PLOT_BOTTOM


def status_bars(summaries: list[dict[str, Any]]) -> list[StatusBar]:
    """One bar per status group of an insights answer, in its order."""
    largest = max((s["total_sent"] + s["total_received"] for s in summaries), default=0)
    return [
        StatusBar(
            status=s["group"],
            sent=s["total_sent"],
            received=s["total_received"],
            width=_share(s["total_sent"] + s["total_received"], largest),
        )
        for s in summaries
    ]


def day_chart(summaries: list[dict[str, Any]], days: list[date]) -> DayChart:
    """A column for every day of the window (none for a day the insights answer leaves out),
    and the count axis's ticks."""
    by_day = {s["group"]: s for s in summaries}
    counts = [
        (by_day[d.isoformat()]["total_sent"], by_day[d.isoformat()]["total_received"])
        if d.isoformat() in by_day
        else (0, 0)
        for d in days
    ]
    top = nice_ceiling(max((sent + received for sent, received in counts), default=0))
    slot = (100 - AXIS_GUTTER) / max(len(days), 1)
    stride = math.ceil(len(days) / MOST_DAY_LABELS)
    columns = []
    named_month = None
    for index, (day, (sent, received)) in enumerate(zip(days, counts, strict=True)):
        sent_height = _height(sent, top)
        received_height = _height(received, top)
        axis_label = None
        if (len(days) - 1 - index) % stride == 0:
            # A month is named at its first label only: narrow columns keep their labels apart.
            axis_label = str(day.day) if day.month == named_month else f"{day.day} {day:%b}"
            named_month = day.month
        columns.append(
            DayColumn(
                day=day,
                label=f"{day.day} {day:%b}",
                axis_label=axis_label,
                sent=sent,
                received=received,
                x=round(AXIS_GUTTER + slot * index + slot * 0.15, 3),
                width=round(slot * 0.7, 3),
                sent_y=PLOT_BOTTOM - sent_height,
                sent_height=sent_height,
                received_y=PLOT_BOTTOM - sent_height - received_height,
                received_height=received_height,
            )
        )
    ticks = [Tick(value, PLOT_BOTTOM - _height(value, top)) for value in _tick_values(top)]
    return DayChart(columns, ticks, counted=len(days) <= MOST_COUNTED_DAYS)


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … at or above `value` (1 for nothing)."""
    if value <= 1:
        return 1
    magnitude: int = 10 ** (len(str(value)) - 1)
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def _tick_values(top: int) -> list[int]:
    return [0, top // 2, top] if top % 2 == 0 else [0, top]


def _share(value: int, largest: int) -> float:
    """`value` in percent of `largest`; a bar with anything in it stays visible."""
    if value <= 0 or largest <= 0:
        return 0.0
    return round(max(100 * value / largest, 0.8), 3)


def _height(value: int, top: int) -> float:
    return round((PLOT_BOTTOM - PLOT_TOP) * value / top, 2)
