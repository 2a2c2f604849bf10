"""The reports' charts as plain inline SVG: a monthly line with its target, horizontal bars.

Drawn by hand rather than by Plotly's static export, which needs Kaleido and a browser build
of its own: these are a few lines and labels, the same on every machine, and a report stays
one self-contained file that prints as it shows. Every text is escaped (team names and other
values come from the data)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

LINE = "#1f5fa8"
TARGET = "#c0392b"
BAR = "#4a7fc1"
GRID = "#d9dde3"
INK = "#333"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def line_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    target: float | None,
    fmt: Callable[[float], str],
    width: int = 330,
    height: int = 170,
    bounds: tuple[float, float] | None = None,
) -> str:
    """A monthly line (NaN: a gap), the target as a dashed line, the last value and the
    range of the axis written out; `bounds` keeps the axis within a value range."""
    left, right, top, bottom = 66, 12, 26, 30
    finite = [v for v in values if v is not None and math.isfinite(v)]
    span = [*finite, *([target] if target is not None and math.isfinite(target) else [])]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="4" y="15" font-size="12" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]
    if not finite:
        parts.append("</svg>")
        return "".join(parts)
    low, high = min(span), max(span)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    if bounds is not None:  # a rate's axis stays within 0 and 100 %
        low, high = max(low, bounds[0]), min(high, bounds[1])
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / max(len(labels), 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    for v in (low, high):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_number(y(v))}" y2="{_number(y(v))}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{_number(y(v) + 4)}" font-size="9" text-anchor="end" '
            f'fill="{INK}">{escape(fmt(v))}</text>'
        )
    if target is not None and math.isfinite(target):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_number(y(target))}" '
            f'y2="{_number(y(target))}" stroke="{TARGET}" stroke-dasharray="4 3"/>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(values):
        if v is None or not math.isfinite(v):
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_number(x(i))},{_number(y(v))}")
        parts.append(f'<circle cx="{_number(x(i))}" cy="{_number(y(v))}" r="2.5" fill="{LINE}"/>')
    if segment:
        segments.append(segment)
    for points in segments:
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        )
    last = max(i for i, v in enumerate(values) if v is not None and math.isfinite(v))
    parts.append(
        f'<text x="{_number(x(last))}" y="{_number(y(values[last]) - 6)}" font-size="9" '
        f'text-anchor="middle" fill="{LINE}">{escape(fmt(values[last]))}</text>'
    )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{_number(x(i))}" y="{height - bottom + 14}" font-size="9" '
            f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    fmt: Callable[[float], str],
    width: int = 330,
) -> str:
    """Horizontal bars from 0, one a row, each with its value written beside it."""
    row, left, top = 20, 110, 26
    height = top + row * len(labels) + 8
    finite = [v for v in values if math.isfinite(v)]
    most = max(finite, default=0) or 1.0
    plot_w = width - left - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="4" y="15" font-size="12" font-weight="bold" fill="{INK}">{escape(title)}</text>',
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        length = plot_w * max(v, 0) / most if math.isfinite(v) else 0
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="10" text-anchor="end" '
            f'fill="{INK}">{escape(label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{_number(length)}" height="{row - 6}" '
            f'fill="{BAR}"/>'
            f'<text x="{_number(left + length + 4)}" y="{y + 13}" font-size="10" '
            f'fill="{INK}">{escape(fmt(v)) if math.isfinite(v) else ""}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
