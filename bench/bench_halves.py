"""The What-if lab's split-half reliability at scale (issue 23): the halves of a population
(`metrics.kpi_halves`, 20 splits) from the pre-aggregated halves (scoring/measures/halves.py)
against the same table from the built tickets, and the rest of what the lab computes from
them on its first open (`reliability.half_matrices`, `kpi_reliability`, the grade stability
of every weight scheme) — in the same run, medians of --repeats.

    python bench/bench_halves.py --data bench/out/build_10000000 --builds <state>/builds

The build and its halves are read from --builds (written first if they are not there: the
time is printed). Population filters: the lab's default quarter, the last month, the whole
year, dates cutting months, one customer segment.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scoring import median_seconds  # noqa: E402

from scoring.analyses import reliability  # noqa: E402
from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.engine import schemes  # noqa: E402
from scoring.engine.policy import Policy  # noqa: E402
from scoring.measures import metrics  # noqa: E402
from scoring.measures.metrics import Filters  # noqa: E402
from scoring.measures.query import Query  # noqa: E402


def populations(last) -> dict[str, Filters]:
    return {
        "quarter (default)": Filters(start=last - timedelta(days=90), end=last),
        "month": Filters(start=last - timedelta(days=29), end=last),
        "year": Filters(start=last - timedelta(days=364), end=last),
        "dates cutting months": Filters(
            start=last - timedelta(days=75), end=last - timedelta(days=10)
        ),
        "segment, quarter": Filters(
            start=last - timedelta(days=90), end=last, segments=("enterprise",)
        ),
    }


def lab_first_open(ds, population: Filters, policies: dict) -> dict[str, tuple[float, float]]:
    """The lab's reliability work for one population, step by step (as dashboard/app/cache.py
    runs it): (wall, process CPU) seconds per step."""
    steps = {}

    def timed(name, run):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        steps[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return result

    halves = timed(
        "kpi_halves", lambda: metrics.kpi_halves(ds, population, reliability.DEFAULT_SPLITS)
    )
    agents = Query(ds, population).roster().run(ds)
    kpis = metrics.available_kpis(ds)
    pairs = timed("half_matrices", lambda: reliability.half_matrices(halves, agents, kpis))
    timed("kpi_reliability", lambda: reliability.kpi_reliability(halves, kpis))
    name = f"grade_stability ({len(policies)} schemes)"
    timed(name, lambda: reliability.grade_stability(pairs, policies))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--builds", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (medians)")
    parser.add_argument(
        "--ticket-repeats", type=int, default=1, help="runs from the tickets (10–40 s each)"
    )
    parser.add_argument(
        "--steps-only", action="store_true", help="only the lab's steps (any version's code)"
    )
    args = parser.parse_args()
    tickets = open_dataset(args.data, builds=args.builds)
    halved = open_dataset(args.data, builds=args.builds)
    start = time.perf_counter()
    metrics.attach_cube(halved, 30)
    print(f"attach (writes what is missing): {time.perf_counter() - start:.1f} s", flush=True)
    _, last = metrics.data_range(halved)
    policies = {
        s.name: Policy(weights=s.weights, method=s.method)
        for s in schemes.list_schemes(Path("/nonexistent"))
    }
    quarter = populations(last)["quarter (default)"]
    for n in range(args.repeats):
        print(f"\nThe lab's first open, step by step, quarter (run {n + 1}): wall / CPU")
        for step, (wall, cpu) in lab_first_open(halved, quarter, policies).items():
            print(f"  {step}: {wall:.3f} s / {cpu:.3f} s", flush=True)
    if args.steps_only:
        return
    print("\n| population | tickets | halves | tickets ÷ halves |")
    print("|---|---:|---:|---:|")
    for name, population in populations(last).items():
        slow = median_seconds(
            lambda p=population: metrics.kpi_halves(tickets, p), args.ticket_repeats
        )
        fast = median_seconds(lambda p=population: metrics.kpi_halves(halved, p), args.repeats)
        print(f"| {name} | {slow:.3f} s | {fast:.3f} s | {slow / fast:.1f}× |", flush=True)


if __name__ == "__main__":
    main()
