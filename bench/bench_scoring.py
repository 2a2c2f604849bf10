"""Benchmark the scoring engine on generated data.

For each size it prints, in the same run (so the ratios survive a noisy machine):
- opening + validating the dataset;
- per-agent KPIs for a 90% date filter through the façade (`metrics.kpi_table`), next to
  the same aggregation written directly in DuckDB SQL over the Parquet files, and in
  pandas (read the columns, filter, group);
- re-scoring 2,000 agents after a weight change (the what-if hot path).

    python bench/bench_scoring.py --tickets 1000000 10000000 --repeats 5

Datasets are generated once into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.engine.policy import Policy  # noqa: E402
from scoring.engine.scorecard import KpiMatrix, score  # noqa: E402
from scoring.measures.metrics import Filters, data_range, kpi_table  # noqa: E402
from scoring.registry.kpis import KPIS  # noqa: E402
from scoring.synthetic.generate import generate  # noqa: E402

OUT = ROOT / "bench" / "out"

DIRECT_SQL = """
WITH t AS (
    SELECT * FROM read_parquet($tickets)
    WHERE created_at >= $start AND created_at < $end_excl
),
nx AS (SELECT customer_id, category, created_at FROM read_parquet($tickets)),
r AS (
    SELECT t.*, date_diff('second', t.created_at, t.first_response_at) / 60.0 AS frt,
        CASE WHEN t.resolved_at IS NULL OR t.customer_id IS NULL THEN NULL
             WHEN date_diff('second', t.resolved_at, $as_of) < $window THEN NULL
             ELSE coalesce(date_diff('second', t.resolved_at, nx.created_at) <= $window, false)
        END AS repeat
    FROM t ASOF LEFT JOIN nx ON t.customer_id = nx.customer_id AND t.category = nx.category
        AND t.resolved_at < nx.created_at
),
s AS (
    SELECT r.agent_id, avg(csat) AS csat, avg(CAST(csat >= 4 AS INT)) AS satisfied,
        avg(attitude) AS attitude, avg(quality) AS quality, avg(speed) AS speed
    FROM read_parquet($surveys) v JOIN t r USING (ticket_id) GROUP BY r.agent_id
)
SELECT agent_id, count(*) AS tickets,
    median(frt) AS frt_median, quantile_cont(frt, 0.9) AS frt_p90,
    avg(CASE WHEN sla_response_minutes IS NOT NULL
        THEN CAST(date_diff('second', created_at, first_response_at)
            <= sla_response_minutes * 60 AS INT) END) AS sla_response,
    avg(CASE WHEN sla_resolve_hours IS NOT NULL AND resolved_at IS NOT NULL
        THEN CAST(date_diff('second', created_at, resolved_at)
            <= sla_resolve_hours * 3600 AS INT) END) AS sla_resolution,
    avg(CAST(resolved_at IS NOT NULL AS INT)) AS resolution_rate,
    avg(CASE WHEN resolved_at IS NOT NULL THEN CAST(contacts = 1 AS INT) END) AS fcr,
    avg(CAST(repeat AS INT)) AS repeat_rate, avg(CAST(reopened AS INT)) AS reopen_rate,
    avg(handle_minutes) AS aht, avg(CAST(is_complaint AS INT)) AS complaint_rate,
    avg(CAST(escalated AS INT)) AS escalation_rate, avg(parts_cost) AS parts_cost,
    count(resolved_at) AS workload, any_value(s.csat) AS csat
FROM r LEFT JOIN s USING (agent_id) GROUP BY agent_id
"""


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def dataset_for(tickets: int) -> Path:
    path = OUT / f"gen_{tickets}"
    if not (path / "truth.json").exists():
        print(f"generating {tickets:,} tickets into {path} …", flush=True)
        agents = max(60, tickets // 5000)
        generate(path, tickets=tickets, agents=agents, teams=max(6, agents // 10), seed=11)
    return path


def files(path: Path, table: str) -> list[str]:
    return [str(f) for f in sorted((path / table).rglob("*.parquet"))]


def ninety_percent_filter(ds) -> Filters:
    first, last = data_range(ds)
    return Filters(start=first + (last - first) * 0.1, end=last)


def direct_duckdb(path: Path, filters: Filters, as_of) -> pd.DataFrame:
    con = duckdb.connect()
    params = {
        "tickets": files(path, "tickets"),
        "surveys": files(path, "surveys"),
        "start": pd.Timestamp(filters.start).to_pydatetime(),
        "end_excl": pd.Timestamp(filters.end + timedelta(days=1)).to_pydatetime(),
        "as_of": as_of,
        "window": 30 * 86400,
    }
    return con.execute(DIRECT_SQL, params).df()


def pandas_version(path: Path, filters: Filters) -> pd.DataFrame:
    columns = [
        "ticket_id", "agent_id", "created_at", "first_response_at", "resolved_at",
        "contacts", "reopened", "handle_minutes", "is_complaint", "escalated", "parts_cost",
    ]  # fmt: skip
    t = pd.read_parquet(path / "tickets", columns=columns)
    start = pd.Timestamp(filters.start)
    end = pd.Timestamp(filters.end + timedelta(days=1))
    t = t[(t["created_at"] >= start) & (t["created_at"] < end)]
    t = t.assign(
        frt=(t["first_response_at"] - t["created_at"]).dt.total_seconds() / 60,
        resolved=t["resolved_at"].notna(),
        fcr=(t["contacts"] == 1).where(t["resolved_at"].notna()),
    )
    s = pd.read_parquet(path / "surveys", columns=["ticket_id", "csat"]).merge(
        t[["ticket_id", "agent_id"]], on="ticket_id"
    )
    grouped = t.groupby("agent_id")
    result = grouped.agg(
        tickets=("ticket_id", "size"),
        frt_median=("frt", "median"),
        resolution_rate=("resolved", "mean"),
        fcr=("fcr", "mean"),
        reopen_rate=("reopened", "mean"),
        aht=("handle_minutes", "mean"),
        complaint_rate=("is_complaint", "mean"),
        parts_cost=("parts_cost", "mean"),
    )
    result["frt_p90"] = grouped["frt"].quantile(0.9)
    result["csat"] = s.groupby("agent_id")["csat"].mean()
    return result


def synthetic_matrix(agents: int, seed: int = 0) -> KpiMatrix:
    """A per-agent KPI matrix with realistic values, without SQL (for re-scoring)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "agent_id": [f"A{i:05d}" for i in range(agents)],
            "name": [f"Agent {i}" for i in range(agents)],
            "team": [f"T{i % 40}" for i in range(agents)],
            "tickets": rng.integers(50, 600, agents),
        }
    )
    kpis = tuple(k for k in KPIS if k.grain in ("ticket", "survey"))
    for k in kpis:
        low, high = sorted((k.floor, k.stretch if k.stretch is not None else k.target))
        frame[k.id] = rng.uniform(low, high, agents)
        frame[f"{k.id}__den"] = rng.integers(20, 400, agents)
        if k.shrink:
            frame[f"{k.id}_shrunk"] = frame[k.id]
    return KpiMatrix(frame, kpis, {})


def bench_rescoring(repeats: int) -> tuple[float, float]:
    matrix = synthetic_matrix(2000)
    first = Policy()
    score(matrix, first)  # warm the normalisation cache, as the what-if lab does
    weights = [dict(first.weights, csat=w) for w in np.linspace(5, 40, repeats * 10)]
    policies = iter([Policy(weights=w) for w in weights])
    warm = median_seconds(lambda: score(matrix, next(policies)), repeats * 10)
    cold = median_seconds(lambda: score(synthetic_matrix(2000), first), repeats)
    return warm, cold


def bench_size(tickets: int, repeats: int) -> dict:
    path = dataset_for(tickets)
    open_time = median_seconds(lambda: open_dataset(path), max(1, repeats // 2))
    ds = open_dataset(path)
    filters = ninety_percent_filter(ds)
    facade = median_seconds(lambda: kpi_table(ds, filters, ("agent_id",)), repeats)
    direct = median_seconds(lambda: direct_duckdb(path, filters, ds.as_of), repeats)
    in_pandas = median_seconds(lambda: pandas_version(path, filters), max(1, repeats // 2))
    return {
        "tickets": tickets,
        "open_validate_s": open_time,
        "facade_s": facade,
        "direct_duckdb_s": direct,
        "pandas_s": in_pandas,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.machine()} · {platform.processor()}")
    print(f"# duckdb {duckdb.__version__}, pandas {pd.__version__}, median of {args.repeats}")
    print("| tickets | open+validate s | façade s | direct DuckDB s | ratio | pandas s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for tickets in args.tickets:
        r = bench_size(tickets, args.repeats)
        print(
            f"| {tickets:,} | {r['open_validate_s']:.2f} | {r['facade_s']:.2f} | "
            f"{r['direct_duckdb_s']:.2f} | {r['facade_s'] / r['direct_duckdb_s']:.2f}× | "
            f"{r['pandas_s']:.2f} | {r['pandas_s'] / r['direct_duckdb_s']:.2f}× |",
            flush=True,
        )
    warm, cold = bench_rescoring(args.repeats)
    print(
        f"\nre-score 2,000 agents after a weight change: {warm * 1000:.2f} ms "
        f"(first scoring incl. normalisation: {cold * 1000:.2f} ms)"
    )


if __name__ == "__main__":
    main()
