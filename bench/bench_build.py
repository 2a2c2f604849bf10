"""The build (issue 23, first step): what validating once and finding each ticket's next
same issue once buys, on generated data with 2,000 agents in 100 teams.

Per size, in the same run (ratios survive a noisy machine; medians of --repeats):
- build: `python -m scoring build` in a fresh process (wall time, peak RSS from wait4), and
  the first open without a build (validation every start, as before);
- reopening the built dataset in-process;
- the per-agent KPI table (`metrics.kpi_table`) for a new filter of each kind, read from the
  files (as before) and from the build, against two baselines over the same built tickets:
  the simplest correct query a user would write (per agent: counts, rates, means, the median
  response and repeats from the built column) and that query over an in-memory table (the
  group-by floor).

    python bench/bench_build.py --tickets 1000000 10000000 --repeats 3
    python bench/bench_build.py --tickets 1000000 10000000 --builds-only --data /tmp/bench-data

Datasets are generated once into --data (default bench/out/) and reused; builds go to
<data>/builds/. --builds-only: the build alone, median of --repeats fresh processes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.measures.metrics import Filters, kpi_table  # noqa: E402
from scoring.synthetic.generate import generate  # noqa: E402

OUT = ROOT / "bench" / "out"

USER_SQL = """
SELECT agent_id, count(*) AS tickets,
    median(date_diff('second', created_at, first_response_at) / 60.0) AS frt_median,
    avg(CAST(resolved_at IS NOT NULL AS INT)) AS resolution_rate,
    avg(CASE WHEN resolved_at IS NOT NULL THEN CAST(contacts = 1 AS INT) END) AS fcr,
    avg(CASE WHEN resolved_at IS NOT NULL AND customer_id IS NOT NULL THEN CAST(coalesce(
        date_diff('second', resolved_at, next_same_issue_at) <= 30 * 86400, false) AS INT)
        END) AS repeat_rate,
    avg(CAST(reopened AS INT)) AS reopen_rate, avg(handle_minutes) AS aht,
    avg(CAST(is_complaint AS INT)) AS complaint_rate, avg(parts_cost) AS parts_cost
FROM tickets t JOIN agents a USING (agent_id)
WHERE {condition}
GROUP BY agent_id
"""


def dataset_for(tickets: int, out: Path) -> Path:
    path = out / f"build_{tickets}"
    if not (path / "truth.json").exists():
        print(f"generating {tickets:,} tickets into {path} …", flush=True)
        generate(path, tickets=tickets, agents=2000, teams=100, seed=11)
    return path


def median_seconds(run, repeats: int) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build_in_a_process(path: Path, builds: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `python -m scoring build` from scratch."""
    shutil.rmtree(builds, ignore_errors=True)
    command = [sys.executable, "-m", "scoring", "build", str(path), "--builds", str(builds)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"build failed ({status})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def month(i: int) -> tuple[date, date]:
    """The i-th month of 2026 (from February): its first day and the next month's."""
    first = date(2026, 2 + i, 1)
    return first, (first + timedelta(days=32)).replace(day=1)


def filter_kinds(ds) -> dict:
    """Filter kind → i → (the façade's filter, the user query's condition, its parameters);
    the i-th repeat takes the i-th team, month, … so that no run repeats a cached one."""
    teams = ds.query("SELECT DISTINCT team FROM agents ORDER BY 1")["team"].tolist()
    channels = ["phone", "email", "chat", "web", "onsite"]
    categories = ["repair", "complaint", "installation", "consultation", "troubleshooting"]
    dates = "created_at >= ? AND created_at < ?"
    return {
        "team": lambda i: (Filters(teams=(teams[i],)), "a.team = ?", [teams[i]]),
        "month": lambda i: (
            Filters(start=month(i)[0], end=month(i)[1] - timedelta(days=1)),
            dates,
            [*month(i)],
        ),
        "channel": lambda i: (Filters(channels=(channels[i],)), "channel = ?", [channels[i]]),
        "category": lambda i: (
            Filters(categories=(categories[i],)),
            "category = ?",
            [categories[i]],
        ),
        "team + month": lambda i: (
            Filters(teams=(teams[i],), start=month(i)[0], end=month(i)[1] - timedelta(days=1)),
            f"a.team = ? AND {dates}",
            [teams[i], *month(i)],
        ),
    }


def baselines(folder: Path) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
    """Connections for the user query: over the built files, and over in-memory tables."""
    on_disk, in_memory = duckdb.connect(), duckdb.connect()
    for table in ("tickets", "agents"):
        files = f"read_parquet('{folder / f'{table}.parquet'}')"
        on_disk.execute(f"CREATE VIEW {table} AS SELECT * FROM {files}")
        in_memory.execute(f"CREATE TABLE {table} AS SELECT * FROM {files}")
    return on_disk, in_memory


def user_query(con: duckdb.DuckDBPyConnection, condition: str, params: list) -> list:
    return con.execute(USER_SQL.format(condition=condition), params).fetchall()


def measure_filter(make, files, built, on_disk, in_memory, repeats: int) -> dict[str, float]:
    return {
        "files": median_seconds(lambda i: kpi_table(files, make(i)[0]), repeats),
        "built": median_seconds(lambda i: kpi_table(built, make(i)[0]), repeats),
        "user": median_seconds(lambda i: user_query(on_disk, *make(i)[1:]), repeats),
        "floor": median_seconds(lambda i: user_query(in_memory, *make(i)[1:]), repeats),
    }


def measure_builds(size: int, repeats: int, out: Path) -> None:
    """The build alone: median wall time and peak RSS of `repeats` fresh processes."""
    path = dataset_for(size, out)
    runs = [build_in_a_process(path, out / "builds") for _ in range(repeats)]
    seconds, mib = zip(*runs, strict=True)
    print(
        f"{size:,} tickets: build {statistics.median(seconds):.1f} s "
        f"(runs {', '.join(f'{s:.1f}' for s in seconds)}), peak RSS "
        f"{statistics.median(mib):,.0f} MiB (runs {', '.join(f'{m:,.0f}' for m in mib)}), "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        flush=True,
    )


def measure_size(size: int, repeats: int, out: Path) -> None:
    path, builds = dataset_for(size, out), out / "builds"
    build_s, build_mib = build_in_a_process(path, builds)
    first_open = median_seconds(lambda i: open_dataset(path), 1)
    reopen = median_seconds(lambda i: open_dataset(path, builds=builds), repeats)
    files, built = open_dataset(path), open_dataset(path, builds=builds)
    (folder,) = [p for p in builds.iterdir() if not p.name.startswith(".")]
    on_disk, in_memory = baselines(folder)
    print(
        f"\n{size:,} tickets: build {build_s:.1f} s, peak {build_mib:,.0f} MiB; first open "
        f"without a build {first_open:.1f} s; reopen built {reopen * 1000:.0f} ms"
    )
    print("| filter | files | built | user query | in-memory floor | built ÷ floor |")
    print("|---|---|---|---|---|---|")
    for kind, make in filter_kinds(built).items():
        s = measure_filter(make, files, built, on_disk, in_memory, repeats)
        print(
            f"| {kind} | {s['files']:.3f} s | {s['built']:.3f} s | {s['user']:.3f} s | "
            f"{s['floor']:.3f} s | {s['built'] / s['floor']:.0f}× |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", type=Path, default=OUT, help="where datasets are kept")
    parser.add_argument("--builds-only", action="store_true", help="time the build alone")
    args = parser.parse_args()
    for size in args.tickets:
        if args.builds_only:
            measure_builds(size, args.repeats, args.data)
        else:
            measure_size(size, args.repeats, args.data)


if __name__ == "__main__":
    main()
