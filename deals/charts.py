"""Charts drawn on the server as inline SVG: no JavaScript library, nothing fetched from elsewhere.

Each function takes plain numbers and labels and returns safe SVG markup with a ``<title>`` for screen
readers; pages show the same figures as a table next to the chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 64, 12, 12, 36
PLOT_W, PLOT_H = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
LABEL_Y = HEIGHT - PAD_BOTTOM + 16


def _r(*values: float) -> tuple[float, ...]:
    return tuple(round(v, 1) for v in values)


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^n at or above ``value`` (an axis that ends on a round number)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * 10**exponent >= value:
            return float(step * 10**exponent)
    return float(10 ** (exponent + 1))


def _axis(top: float, fmt: Callable[[Decimal], str]) -> SafeString:
    ticks = []
    for i in range(5):
        value = top * i / 4
        y = PAD_TOP + PLOT_H - PLOT_H * i / 4
        y = round(y, 1)
        ticks.append((PAD_LEFT, y, WIDTH - PAD_RIGHT, y, PAD_LEFT - 6, round(y + 4, 1), fmt(Decimal(str(value)))))
    return format_html_join(
        "",
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        ticks,
    )


def _frame(title: str, top: float, fmt: Callable[[Decimal], str], body: SafeString) -> SafeString:
    """The chart's SVG element: its title, the value axis up to ``top``, then ``body``."""
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        _axis(top, fmt),
        body,
    )


def _label_every(count: int, most: int) -> int:
    """Label every n-th item so that at most ``most`` labels share the axis."""
    return max(1, math.ceil(count / most))


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    tooltip: str


def bar_chart(bars: Sequence[Bar], *, title: str, fmt: Callable[[Decimal], str]) -> SafeString:
    """Vertical bars, one per label (e.g. capital raised per quarter)."""
    if not bars:
        return mark_safe("")
    top = _nice_max(float(max(bar.value for bar in bars)))
    slot = PLOT_W / len(bars)
    every = _label_every(len(bars), 10)
    rects = []
    for i, bar in enumerate(bars):
        h = PLOT_H * float(bar.value) / top
        x = PAD_LEFT + i * slot + slot * 0.15
        label = bar.label if i % every == 0 else ""
        rects.append(
            (
                *_r(x, PAD_TOP + PLOT_H - h, slot * 0.7, h),
                bar.tooltip,
                *_r(x + slot * 0.35),
                LABEL_Y,
                label,
            )
        )
    body = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>'
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        rects,
    )
    return _frame(title, top, fmt, body)


@dataclass(frozen=True)
class BandPoint:
    label: str
    low: Decimal
    value: Decimal | None
    high: Decimal
    tooltip: str


def band_chart(points: Sequence[BandPoint], *, title: str, fmt: Callable[[Decimal], str]) -> SafeString:
    """A line through the central values over a shaded band from low to high (e.g. valuation over time)."""
    if not points:
        return mark_safe("")
    top = _nice_max(float(max(p.high for p in points)))
    step = PLOT_W / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return PAD_LEFT + (i * step if len(points) > 1 else PLOT_W / 2)

    def y(v: Decimal) -> float:
        return PAD_TOP + PLOT_H - PLOT_H * float(v) / top

    upper = [f"{x(i):.1f},{y(p.high):.1f}" for i, p in enumerate(points)]
    lower = [f"{x(i):.1f},{y(p.low):.1f}" for i, p in reversed(list(enumerate(points)))]
    central = [f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points) if p.value is not None]
    every = _label_every(len(points), 8)
    marks = format_html_join(
        "",
        '<line class="range" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>'
        '<circle class="point" cx="{0}" cy="{3}" r="4"><title>{4}</title></circle>'
        '<text class="tick" x="{0}" y="{5}" text-anchor="middle">{6}</text>',
        (
            (
                *_r(x(i), y(p.low), y(p.high), y(p.value if p.value is not None else (p.low + p.high) / 2)),
                p.tooltip,
                LABEL_Y,
                p.label if i % every == 0 else "",
            )
            for i, p in enumerate(points)
        ),
    )
    line = format_html('<polyline class="line" points="{}"/>', " ".join(central)) if len(central) > 1 else ""
    body = format_html('<polygon class="band" points="{}"/>{}{}', " ".join(upper + lower), line, marks)
    return _frame(title, top, fmt, body)
