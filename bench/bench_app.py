"""Server time of a filter change on the Scorecard page (AppTest rerun), on generated data.

Each change selects a different team, so every rerun misses the per-filter cache and
recomputes the KPI matrix, as a supervisor's first click on a team does. Next to it, in
the same run: the same filter computed by `scorecard.build_matrix` alone (the SQL part),
and a rerun with nothing changed (the cached path).

    python bench/bench_app.py --tickets 1000000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scoring import dataset_for  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.engine.scorecard import build_matrix  # noqa: E402
from scoring.measures.metrics import Filters, distinct_values  # noqa: E402


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    args = parser.parse_args()
    path = dataset_for(args.tickets)
    os.environ["SPD_DATA_DIR"] = str(path)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.switch_page("app_pages/scorecard.py")
    first = timed(app.run)
    assert not app.exception, app.exception
    teams = distinct_values(open_dataset(path), "team")
    changes, cached = [], []
    for team in teams:
        app.sidebar.multiselect(key="w_teams").set_value([team])
        changes.append(timed(app.run))
        assert not app.exception, app.exception
        cached.append(timed(app.run))
    ds = open_dataset(path)
    sql_only = [timed(lambda t=t: build_matrix(ds, Filters(teams=(t,)))) for t in teams]
    print(f"# {time.strftime('%Y-%m-%d')} · {platform.machine()} · {args.tickets:,} tickets")
    print(f"first load of the Scorecard (open + validate + score): {first:.2f} s")
    print(
        f"filter change (new team, {len(changes)} changes): "
        f"median {statistics.median(changes):.3f} s"
        f" · KPI matrix alone: {statistics.median(sql_only):.3f} s"
        f" · rerun with nothing changed: {statistics.median(cached):.3f} s"
    )


if __name__ == "__main__":
    main()
