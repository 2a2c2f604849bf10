"""Benchmark of the import readers: `read_source` + `count(*)` over a generated ticket CSV.

    python bench/bench_import_read.py --rows 1000000 --repeat 3

Writes a ticket-like CSV (Chinese headers, a title line above the header, as Excel exports
have) in a temporary folder, in UTF-8 and in GBK, then times each read in a fresh process so
that each peak resident set size (ru_maxrss) is that run's own; prints medians.
"""

from __future__ import annotations

import argparse
import codecs
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = "工单编号,处理人,渠道,类别,创建时间,解决时间,处理时长,满意度,备注"


def write_csv(path: Path, rows: int) -> None:
    """Rows generated in DuckDB (fast), after a title line; the header is written first."""
    import duckdb

    body = path.with_suffix(".body")
    duckdb.sql(
        f"""COPY (SELECT 'GD-' || lpad(i::VARCHAR, 8, '0'),
                 '坐席' || (i % 60), ['电话', '邮件', '在线'][1 + i % 3],
                 ['咨询', '故障', '维修', '投诉'][1 + i % 4],
                 strftime(TIMESTAMP '2026-01-01' + INTERVAL (i * 37) SECOND, '%Y-%m-%d %H:%M'),
                 strftime(TIMESTAMP '2026-01-01' + INTERVAL (i * 37 + 5400) SECOND,
                          '%Y-%m-%d %H:%M'),
                 round((i % 900) / 7.0, 2), 1 + i % 5, CASE WHEN i % 10 = 0 THEN '客户满意' END
               FROM range({int(rows)}) t(i)) TO '{body}' (HEADER false)"""
    )
    with path.open("wb") as out, body.open("rb") as src:
        out.write(f"售后服务工单导出\n{HEADER}\n".encode())
        while chunk := src.read(1 << 20):
            out.write(chunk)
    body.unlink()


def write_gbk(source: Path, target: Path) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with source.open("rb") as src, target.open("wb") as out:
        while chunk := src.read(1 << 20):
            out.write(decoder.decode(chunk).encode("gbk"))


def once(path: Path) -> dict:
    """One timed read, in this process."""
    import duckdb

    from scoring.ingest.readers import read_source

    con = duckdb.connect()
    start = time.perf_counter()
    source = read_source(con, path)
    opened = time.perf_counter() - start
    rows = con.execute(f'SELECT count(*) FROM "{source.view}"').fetchone()[0]
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    detected = [source.encoding, source.delimiter, source.header_row, source.decimal]
    source.close()
    return {
        "open_s": opened,
        "total_s": total,
        "rows": rows,
        "peak_mib": peak,
        "detected": detected,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--once", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(args.once)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        utf8 = Path(folder) / "tickets_utf8.csv"
        write_csv(utf8, args.rows)
        gbk = Path(folder) / "tickets_gbk.csv"
        write_gbk(utf8, gbk)
        for path in (utf8, gbk):
            runs = [
                json.loads(
                    subprocess.run(
                        [sys.executable, __file__, "--once", str(path)],
                        check=True,
                        capture_output=True,
                        text=True,
                    ).stdout
                )
                for _ in range(args.repeat)
            ]
            size = path.stat().st_size / 2**20
            print(
                f"{path.name}: {runs[0]['rows']:,} rows, {size:.0f} MiB, detected "
                f"{runs[0]['detected']}; median of {args.repeat}: read_source "
                f"{statistics.median(r['open_s'] for r in runs):.2f} s, + count(*) "
                f"{statistics.median(r['total_s'] for r in runs):.2f} s, peak RSS "
                f"{statistics.median(r['peak_mib'] for r in runs):.0f} MiB"
            )


if __name__ == "__main__":
    main()
