"""The KPI table grouped other than by agent (the pages' trends, breakdowns and totals):
quantiles from the values sorted by value alone against the same build's quantiles from the
tickets, in the same run (median of `--repeats`, the i-th run after one unmeasured).

    python bench/bench_grouped.py --data bench/out/build_10000000 --builds DIR --repeats 3

The baseline is the same `kpi_table` on the same build with the values sorted by value
withheld (every other part, the cells included, as in production).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scoring import median_seconds  # noqa: E402

from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.measures import metrics  # noqa: E402
from scoring.measures.query import Filters  # noqa: E402

GROUPINGS = ((), ("team",), ("month",), ("category",), ("category", "channel"))


def periods(ds) -> dict[str, Filters]:
    last = ds.as_of.date()
    team = ds.query("SELECT min(team) AS t FROM agents")["t"][0]
    quarter = Filters(start=last - timedelta(days=90), end=last)
    return {
        "quarter": quarter,
        "quarter, one team": quarter.replace(teams=(team,)),
        "year": Filters(start=last - timedelta(days=364), end=last),
        "all data": Filters(),
    }


def seconds(ds, filters: Filters, by: tuple[str, ...], repeats: int) -> float:
    metrics.kpi_table(ds, filters, by, 30)  # unmeasured: the arrays' pages read once
    return median_seconds(lambda: metrics.kpi_table(ds, filters, by, 30), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--builds", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ds = open_dataset(args.data, builds=args.builds)
    metrics.attach_cube(ds, 30)
    with_grouped = ds.ranked
    without = dataclasses.replace(with_grouped, by_value={})  # quantiles from the tickets
    print("| grouping | period | sorted by value | from the tickets | ratio |")
    print("|---|---|---:|---:|---:|")
    for by in GROUPINGS:
        for name, filters in periods(ds).items():
            ds.ranked = with_grouped
            fast = seconds(ds, filters, by, args.repeats)
            ds.ranked = without
            slow = seconds(ds, filters, by, args.repeats)
            label = ", ".join(by) or "(whole filter)"
            print(f"| {label} | {name} | {fast:.3f} s | {slow:.3f} s | {slow / fast:.1f}× |")


if __name__ == "__main__":
    main()
