"""Benchmark the What-if lab: server time from a slider change to updated results.

For 2,000 agents, an AppTest rerun of the What-if page after a weight slider moves, without
and with the Monte Carlo robustness check (1,000 Dirichlet draws), next to the engine alone
(scoring.engine.whatif: evaluate + compare, and monte_carlo), and a rerun of the bare Data page
as a same-run baseline (the machine's speed varies by ±30% from one hour to the next).

The 2,000 agents: `bench_scoring.synthetic_matrix(2000)` (realistic KPI values, no SQL),
injected at the data boundary by replacing `dashboard.whatif.data.department_matrix` (the
page's one loader of the KPI matrix) — generating ~2 million tickets for 2,000 real agents
would only measure the SQL, which is cached in the app anyway. The shell (sidebar) runs on
the bundled sample. AppTest reruns the whole script (it cannot rerun only the fragment), so
these times are an upper bound of the fragment rerun in the browser.

    python bench/bench_whatif.py --repeats 15
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import open_page, rerun_seconds  # noqa: E402
from bench_scoring import median_seconds, synthetic_matrix  # noqa: E402

from dashboard.whatif import data as whatif_data  # noqa: E402
from scoring.engine import schemes, whatif  # noqa: E402
from scoring.engine.policy import Policy  # noqa: E402

AGENTS = 2000
WARM_UP = 5


def engine(repeats: int) -> tuple[float, float]:
    matrix = synthetic_matrix(AGENTS)
    ids = [k.id for k in matrix.kpis]
    base = Policy(whatif.to_percentages(schemes.load("balanced").weights, ids))
    matrices = whatif.Matrices(matrix)
    base_frame = whatif.evaluate(matrices, base, explain=False)
    values = iter(range(1, 1000))

    def change():
        new = Policy(whatif.rebalance(base.weights, "csat", float(next(values) % 90)))
        whatif.compare(base_frame, whatif.evaluate(matrices, new, explain=False), base, new)

    no_mc = median_seconds(change, repeats * 3)
    mc = median_seconds(lambda: whatif.monte_carlo(matrix, base), repeats)
    return no_mc, mc


def app(repeats: int, monte_carlo: bool) -> float:
    matrix = synthetic_matrix(AGENTS)
    whatif_data.department_matrix = lambda *args, **kwargs: matrix  # the injected boundary
    at = open_page("whatif")
    assert len(next(d.value for d in at.dataframe if "new_rank" in d.value.columns)) == AGENTS
    if monte_carlo:
        at.toggle(key="whatif_mc").set_value(True).run()
    values = iter(range(1, 1000))

    def change():
        at.slider(key="whatif_w_main_csat").set_value(float(5 + next(values) % 80)).run()

    for _ in range(WARM_UP):  # the first reruns fill caches and run slower
        change()
    result = median_seconds(change, repeats)
    assert not at.exception, [e.value for e in at.exception]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("SPD_STATE_DIR", tempfile.mkdtemp(prefix="bench_whatif_"))
    os.environ["SPD_DATA_DIR"] = str(ROOT / "data" / "sample")
    engine_no_mc, engine_mc = engine(args.repeats)
    rerun_no_mc = app(args.repeats, monte_carlo=False)
    rerun_mc = app(args.repeats, monte_carlo=True)
    bare = rerun_seconds("data", args.repeats)  # the same-run baseline
    print(f"# {time.strftime('%Y-%m-%d')} · {AGENTS:,} agents · median of {args.repeats}")
    print("| | engine only | AppTest rerun after a slider change | target |")
    print("|---|---:|---:|---:|")
    print(f"| without Monte Carlo | {engine_no_mc * 1000:.1f} ms | {rerun_no_mc * 1000:.0f} ms "
          "| < 50 ms |")  # fmt: skip
    print(f"| with Monte Carlo (1,000 draws) | {engine_mc * 1000:.1f} ms "
          f"| {rerun_mc * 1000:.0f} ms | < 500 ms |")  # fmt: skip
    print(f"Same-run baseline: a Data-page rerun (shell only) takes {bare * 1000:.0f} ms; the lab "
          f"rerun is {rerun_no_mc / bare:.1f}× that.")  # fmt: skip
    print(f"Monte Carlo adds {(rerun_mc - rerun_no_mc) * 1000:.0f} ms to the rerun "
          f"({rerun_mc / rerun_no_mc:.2f}×).")  # fmt: skip


if __name__ == "__main__":
    main()
