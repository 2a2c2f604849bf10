"""The Capability page on a built dataset (issue 23): its data path and the page in-process
(AppTest), old code against new in the same run, each measurement in a fresh process.

- data: the page's analyses for the default period (the last 91 days, the population):
  `skill_matrix`, `case_mix` and `training_effects` (fcr, every agent visible), timed alone
  in a fresh process with the dataset opened from its build and cube;
- page: the Capability page's first open (English, leadership), then a team picked in the
  sidebar, another KPI (csat), the period (month), and a rerun with nothing changed;
  the process's peak RSS.

    python bench/bench_capability_page.py --data bench/out/build_10000000 \\
        --state /work/data10m/state --baseline /path/to/a/checkout/of/main --rounds 3

`--baseline` is another checkout (the old code; its own .venv is not needed: both run with
this interpreter); rounds alternate old and new. Prints one table per part, medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_STEPS = ("first open", "team", "KPI", "period", "rerun")
DATA_STEPS = ("skill_matrix", "case_mix", "training_effects")


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def data_child(data: str, state: str) -> dict[str, float]:
    """Seconds of each analysis of the page for the default period, in this process."""
    from scoring.analyses import capability
    from scoring.data import build
    from scoring.data.dataset import open_dataset
    from scoring.measures import metrics
    from scoring.scope import EVERYTHING

    ds = open_dataset(data, builds=build.builds_folder(state))
    metrics.attach_cube(ds, 30)
    last = metrics.data_range(ds)[1]
    quarter = metrics.Filters(start=last - timedelta(days=90), end=last)
    return {
        "skill_matrix": _timed(lambda: capability.skill_matrix(ds, quarter, "fcr")),
        "case_mix": _timed(lambda: capability.case_mix(ds, quarter, "fcr")),
        "training_effects": _timed(
            lambda: capability.training_effects(ds, quarter, EVERYTHING, "fcr")
        ),
    }


def page_child(code: Path, data: str, state: str) -> dict[str, float]:
    """Seconds of each step of the page (PAGE_STEPS) in this process, and its peak RSS."""
    from streamlit.testing.v1 import AppTest

    os.environ["SPD_DATA_DIR"], os.environ["SPD_STATE_DIR"] = data, state
    at = AppTest.from_file(str(code / "app.py"), default_timeout=900)
    at.query_params["lang"] = "en"
    at.switch_page("app_pages/capability.py")

    def step(change=None) -> float:
        seconds = _timed(lambda: (change() if change else None, at.run()))
        assert not at.exception, [e.value for e in at.exception]
        return seconds

    times = {"first open": step()}
    team = at.sidebar.multiselect(key="w_teams")
    times["team"] = step(lambda: team.set_value([team.options[3]]))
    times["KPI"] = step(lambda: at.selectbox(key="capability_kpi").set_value("csat"))
    times["period"] = step(lambda: at.sidebar.selectbox(key="w_preset").set_value("month"))
    times["rerun"] = step()
    times["peak RSS MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def run_child(code: Path, part: str, data: str, state: str) -> dict[str, float]:
    """One measurement in a fresh process running the checkout `code`."""
    args = [sys.executable, str(ROOT / "bench" / Path(__file__).name), "--child", part]
    args += ["--code", str(code), "--data", data, "--state", state]
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=code).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(part: str, steps: tuple[str, ...], runs: dict[str, list[dict[str, float]]]) -> None:
    print(f"\n| {part} (median of {len(next(iter(runs.values())))}) | old | new | old ÷ new |")
    print("|---|---:|---:|---:|")
    for name in (*steps, *(("peak RSS MiB",) if part == "page" else ())):
        old, new = (statistics.median(r[name] for r in runs[side]) for side in ("old", "new"))
        unit = " MiB" if "MiB" in name else " s"
        print(f"| {name} | {old:,.2f}{unit} | {new:,.2f}{unit} | {old / new:.1f}× |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--baseline", type=Path, help="a checkout of the old code")
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", nargs="+", default=["data", "page"])
    parser.add_argument("--child", choices=["data", "page"])
    args = parser.parse_args()
    data, state = str(Path(args.data).resolve()), str(Path(args.state).resolve())
    if args.child:
        sys.path.insert(0, str(args.code))
        if args.child == "data":
            print(json.dumps(data_child(data, state)))
        else:
            print(json.dumps(page_child(args.code, data, state)))
        return
    sides = {"old": args.baseline, "new": args.code}
    for part in args.parts:
        runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for _ in range(args.rounds):
            for side, code in sides.items():
                runs[side].append(run_child(code.resolve(), part, data, state))
                print(f"{part} {side}: {runs[side][-1]} (load {os.getloadavg()[0]:.1f})")
        report(part, PAGE_STEPS if part == "page" else DATA_STEPS, runs)


if __name__ == "__main__":
    main()
