"""The pre-aggregated KPI tables (issue 23, item 2): a new filter's KPI table from the cells
against the same table from the built tickets, on generated data (2,000 agents, 100 teams).

Per size, in the same run (medians of --repeats; the i-th run takes the i-th team, month, …
so that no run repeats a cached one):
- writing the cube in-process (after the build, which bench_build.py measures);
- the per-agent KPI table (`metrics.kpi_table`) for each filter kind, from the cube and from
  the built tickets, against bench_build.py's baselines over the same built tickets: the
  simplest correct per-agent query a user would write, and that query over in-memory tables
  (the group-by floor).

    python bench/bench_cube.py --tickets 1000000 10000000 --repeats 3 [--data DIR]

Datasets are generated once into bench/out/ (or read from --data/build_<tickets>); builds go
to bench/out/cube_builds/ (made anew) or are reused from --builds (a cube written beside).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import (  # noqa: E402
    OUT,
    baselines,
    dataset_for,
    filter_kinds,
    median_seconds,
    month,
    user_query,
)

from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.measures.metrics import Filters, attach_cube, kpi_table  # noqa: E402

BUILDS = OUT / "cube_builds"


def more_filter_kinds(ds) -> dict:
    """bench_build's kinds and: a segment, dates that cut months, two dimensions at once."""
    kinds = filter_kinds(ds)
    segments = ["enterprise", "individual", "enterprise"]
    cut = "created_at >= ? AND created_at < ?"

    def cut_dates(i: int) -> tuple[date, date]:
        first, after = month(i)
        return first + timedelta(days=9), after + timedelta(days=40)

    kinds["segment"] = lambda i: (
        Filters(segments=(segments[i],)),
        "customer_segment = ?",
        [segments[i]],
    )
    kinds["dates cutting months"] = lambda i: (
        Filters(start=cut_dates(i)[0], end=cut_dates(i)[1] - timedelta(days=1)),
        cut,
        [*cut_dates(i)],
    )
    channels, categories = ["phone", "email", "chat"], ["repair", "complaint", "installation"]
    kinds["channel + category"] = lambda i: (
        Filters(channels=(channels[i],), categories=(categories[i],)),
        "channel = ? AND category = ?",
        [channels[i], categories[i]],
    )
    kinds["everything"] = lambda i: (Filters(), "true", [])
    return kinds


def measure_filter(make, built, cubed, sorted_, on_disk, in_memory, repeats: int) -> dict:
    return {
        "tickets": median_seconds(lambda i: kpi_table(built, make(i)[0]), repeats),
        "cube": median_seconds(lambda i: kpi_table(cubed, make(i)[0]), repeats),
        "sorted": median_seconds(lambda i: kpi_table(sorted_, make(i)[0]), repeats),
        "user": median_seconds(lambda i: user_query(on_disk, *make(i)[1:]), repeats),
        "floor": median_seconds(lambda i: user_query(in_memory, *make(i)[1:]), repeats),
    }


def measure_size(path: Path, repeats: int, builds: Path | None) -> None:
    if builds is None:
        builds = BUILDS
        shutil.rmtree(builds, ignore_errors=True)
    built = open_dataset(path, builds=builds)
    start = time.perf_counter()
    cube = attach_cube(open_dataset(path, builds=builds), 30)
    written = time.perf_counter() - start
    cubed = open_dataset(path, builds=builds)
    attach_cube(cubed, 30)
    cubed.ranked = None  # quantiles from the tickets, as before the sorted values
    sorted_ = open_dataset(path, builds=builds)
    start = time.perf_counter()
    attach_cube(sorted_, 30)
    reopened = time.perf_counter() - start
    rows = [cubed.scalar(f"SELECT count(*) FROM {cube.cells(k)}") for k in cube.key_sets]
    tickets = built.report.tables["tickets"].accepted
    on_disk, in_memory = baselines(built.build_folder)
    print(f"\n{tickets:,} tickets: attached in {written:.1f} s (writing what was missing);")
    print(f"cells per key set {rows}; attached again in {reopened:.2f} s")
    print(
        "| filter | built tickets | cube, quantiles from tickets | cube + sorted values "
        "| user query | in-memory floor | sorted ÷ floor |"
    )
    print("|---|---|---|---|---|---|---|")
    results = []
    for kind, make in more_filter_kinds(built).items():
        s = measure_filter(make, built, cubed, sorted_, on_disk, in_memory, repeats)
        results.append((s["sorted"], s["cube"], s["floor"]))
        print(
            f"| {kind} | {s['tickets']:.3f} s | {s['cube']:.3f} s | {s['sorted']:.3f} s | "
            f"{s['user']:.3f} s | {s['floor']:.3f} s | {s['sorted'] / s['floor']:.2f}× |",
            flush=True,
        )
    for n, name in enumerate(("cube + sorted values", "cube", "in-memory floor")):
        column = sorted(r[n] for r in results)
        print(f"median over the filter kinds ({name}): {column[len(column) // 2]:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, help="folder holding build_<tickets> datasets")
    parser.add_argument("--builds", type=Path, help="an existing folder of builds to reuse")
    args = parser.parse_args()
    for size in args.tickets:
        path = args.data / f"build_{size}" if args.data else dataset_for(size, OUT)
        measure_size(path, args.repeats, args.builds)


if __name__ == "__main__":
    main()
