"""Import of a 1M-row helpdesk CSV end to end (`python -m scoring import`): read, suggest the
mapping (date formats checked over every value), build the contract tables, write and
validate a dataset version. Target (issue 13): under 30 s and under 2 GiB peak memory.

Each run is a fresh process (peak RSS from the kernel: the child's own `ru_maxrss`); the
baseline in the same run is DuckDB alone copying the same CSV to Parquet (the floor of any
import: one read, one write). Medians of --repeats runs.

    python bench/bench_import.py [--rows 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

CSV_SQL = """
COPY (
  SELECT 'T-' || i AS Ticket_ID,
    ['Email', 'Phone', 'Chat', 'Web'][1 + i % 4] AS Channel,
    ['Billing', 'Technical', 'Account'][1 + i % 3] AS Category,
    ['High', 'Low', 'Medium'][1 + i % 3] AS Priority,
    strftime(TIMESTAMP '2025-01-01' + INTERVAL (i * 30) SECOND, '%d-%m-%Y %H:%M')
        AS Created_Date,
    CASE WHEN i % 5 = 0 THEN '' ELSE strftime(TIMESTAMP '2025-01-01'
        + INTERVAL (i * 30 + 3600 * (1 + i % 48)) SECOND, '%d-%m-%Y %H:%M') END
        AS Resolved_Date,
    CASE WHEN i % 5 = 0 THEN 'Open' ELSE 'Closed' END AS Status,
    'A' || lpad(CAST(i % 200 AS VARCHAR), 3, '0') AS Agent
  FROM range($rows) t(i)
) TO '{path}' (HEADER)
"""
BASELINE = (
    'import duckdb, sys; duckdb.sql("COPY (SELECT * FROM read_csv(\'" + sys.argv[1] + '
    '"\')) TO \'" + sys.argv[2] + "\' (FORMAT parquet)")'
)


def make_csv(folder: Path, rows: int) -> Path:
    path = folder / "helpdesk.csv"
    duckdb.execute(CSV_SQL.format(path=path), {"rows": rows})
    return path


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one fresh process (its own rusage, from wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{command[:4]} failed ({status})")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_import_"))
    try:
        source = make_csv(folder, args.rows)
        imports, floors = [], []
        for run in range(args.repeats):
            out = folder / f"out{run}"
            imports.append(timed([sys.executable, "-m", "scoring", "import", str(source),
                                  "--out", str(out)]))  # fmt: skip
            parquet = folder / f"floor{run}.parquet"
            floors.append(timed([sys.executable, "-c", BASELINE, str(source), str(parquet)]))
        size = source.stat().st_size / 2**20
        import_s = statistics.median(s for s, _ in imports)
        floor_s = statistics.median(s for s, _ in floors)
        print(f"{args.rows:,} rows, {size:.0f} MiB CSV, medians of {args.repeats}")
        print(f"  import       {import_s:6.1f} s   peak RSS {max(m for _, m in imports):6.0f} MiB")
        print(f"  duckdb copy  {floor_s:6.1f} s   peak RSS {max(m for _, m in floors):6.0f} MiB")
        print(f"  ratio        {import_s / floor_s:6.1f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
