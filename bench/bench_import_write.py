"""Benchmark of the import writer: a first import and a re-import (append) of 1M tickets.

    python bench/bench_import_write.py --tickets 1000000 --repeats 3

The generator writes the source once; each run then reads its tickets, agents and surveys
back through DuckDB and passes them to `write_dataset` (write, validate with `open_dataset`,
switch). Every run is a fresh subprocess, so its peak RSS (ru_maxrss) is that run's alone.
"first" writes version 1 into an empty target; "append" re-imports the same tables into that
target (every id matches: the most merge work, nothing added).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from scoring.data.sql import literal_list  # noqa: E402
from scoring.ingest.write import write_dataset  # noqa: E402
from scoring.synthetic.generate import generate  # noqa: E402

TABLES = ("tickets", "agents", "surveys")


def source_tables(source: Path) -> dict[str, str]:
    """A SELECT per table over the generated files (partition folders are not columns)."""
    selects = {}
    for name in TABLES:
        single = source / f"{name}.parquet"
        files = [single] if single.exists() else sorted((source / name).rglob("*.parquet"))
        selects[name] = (
            f"SELECT * FROM read_parquet({literal_list(str(f) for f in files)}, "
            "hive_partitioning = false, union_by_name = true)"
        )
    return selects


def run_once(source: Path, target: Path, append: bool, threads: int) -> dict:
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    began = time.perf_counter()
    result = write_dataset(con, source_tables(source), target, append=append, user="bench")
    seconds = time.perf_counter() - began
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    tickets = result.counts["tickets"]
    return {"seconds": seconds, "rss_mib": rss, "rows": tickets.rows, "added": tickets.added}


def measure(script: Path, source: Path, target: Path, append: bool, threads: int) -> dict:
    command = [sys.executable, str(script), "--child", str(source), str(target)]
    command += ["--threads", str(threads)] + (["--append"] if append else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_import_write"))
    parser.add_argument("--child", nargs=2, type=Path, metavar=("SOURCE", "TARGET"))
    parser.add_argument("--append", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(*args.child, append=args.append, threads=args.threads)))
        return

    source = args.work / f"source-{args.tickets}"
    if not (source / "truth.json").exists():
        generate(source, tickets=args.tickets, seed=0)
    runs: dict[str, list[dict]] = {"first": [], "append": []}
    for repeat in range(args.repeats):
        target = args.work / f"target-{repeat}"
        shutil.rmtree(target, ignore_errors=True)
        for kind in runs:
            runs[kind].append(
                measure(Path(__file__), source, target, kind == "append", args.threads)
            )
        shutil.rmtree(target, ignore_errors=True)
    print(f"{args.tickets:,} generated tickets, threads={args.threads}, medians of {args.repeats}")
    for kind, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        rss = statistics.median(r["rss_mib"] for r in results)
        rows, added = results[0]["rows"], results[0]["added"]
        print(f"{kind:<7} {seconds:6.1f} s  peak RSS {rss:6.0f} MiB  tickets {rows:,} (+{added:,})")


if __name__ == "__main__":
    main()
