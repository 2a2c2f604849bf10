"""Appraisal periods (考核周期): a month, a quarter or a year, named by its id.

An id names its own kind, so a record closed as a month stays a month when the dataset's
kind is changed later: ``2026-03`` (month), ``2026-Q1`` (quarter), ``2026`` (year) — the
forms the dataset's objectives already use for their rating periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("month", "quarter", "year")
DEFAULT_KIND = "month"
_FORMS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    id: str
    kind: str


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def parse(period_id: str) -> Period:
    """The period an id names; ValueError for anything else (ids enter file paths)."""
    text = str(period_id).strip()
    for kind, form in _FORMS.items():
        found = form.match(text)
        if not found:
            continue
        year = int(found.group(1))
        if kind == "month":
            start = date(year, int(found.group(2)), 1)
            end = _next_month(start) - timedelta(days=1)
        elif kind == "quarter":
            start = date(year, 3 * (int(found.group(2)) - 1) + 1, 1)
            end = _next_month(_next_month(_next_month(start))) - timedelta(days=1)
        else:
            start, end = date(year, 1, 1), date(year, 12, 31)
        return Period(start, end, text, kind)
    raise ValueError(f"not a period id (2026-03, 2026-Q1 or 2026): {period_id!r}")


def of_day(kind: str, day: date) -> Period:
    """The period of this kind that holds the day."""
    if kind == "month":
        return parse(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "year":
        return parse(f"{day.year}")
    raise ValueError(f"unknown period kind {kind!r} (known: {KINDS})")


def between(kind: str, first: date | None, last: date | None) -> list[Period]:
    """Every period of the kind from the one holding `first` to the one holding `last`,
    newest first (none without data)."""
    if first is None or last is None:
        return []
    found, day = [], first
    while day <= last:
        period = of_day(kind, day)
        found.append(period)
        day = period.end + timedelta(days=1)
    return found[::-1]


def running(period: Period, last_data_day: date | None) -> bool:
    """Whether the data has not yet reached the period's last day (a draft is provisional
    all the more)."""
    return last_data_day is None or last_data_day < period.end
