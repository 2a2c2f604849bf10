"""`python -m scoring effect DIR --treated TEAM[,TEAM] --date D [--control TEAM[,TEAM]]
[--kpi ID] [--months N] [--table kpis|attrition|satisfaction] --format csv|json`: did a
change work?

`--table kpis` (default): one row per KPI — kpi, method, relative (the estimate is a
relative change: −0.35 is 35% lower), estimate, lo, hi, p_value, the groups' values before
and after, agents and cases, pretrend_p, the placebo (placebo_date, placebo_estimate,
placebo_lo, placebo_hi, placebo_p), control_teams and caveats (codes); docs/METHODS.md,
"Evaluating a change (效果评估)". `--table attrition`: per team and month of the windows, the
average headcount, leavers and monthly rate; `--table satisfaction`: per team and survey period, the
mean employee satisfaction. A treated value that is no team is taken as an agent id.
`--control ''` evaluates without a control group (before/after tests).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd

from scoring.analyses.effect import design, people
from scoring.cli.usage import UsageError
from scoring.data.dataset import Dataset, open_dataset
from scoring.measures.metrics import Filters, distinct_values
from scoring.scope import EVERYTHING
from scoring.settings import setting


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date: expected a date like 2026-06-01, got {text!r}") from None


def _change(ds: Dataset, args: argparse.Namespace) -> design.Change:
    """The change from the arguments: treated names that are teams are teams, the others
    agent ids; a name that is neither is an error naming it."""
    teams = set(distinct_values(ds, "team"))
    agents = set(ds.query("SELECT agent_id FROM agents")["agent_id"])
    treated = _names(args.treated)
    unknown = [n for n in treated if n not in teams and n not in agents]
    controls = None if args.control is None else _names(args.control)
    unknown += [n for n in controls or () if n not in teams]
    if unknown:
        raise UsageError(f"{args.dir}: no team or agent named {', '.join(unknown)}")
    try:
        return design.Change(
            _date(args.date),
            teams=tuple(n for n in treated if n in teams),
            agents=tuple(n for n in treated if n not in teams),
            months=args.months,
            controls=controls,
        )
    except design.ChangeError as exc:
        raise UsageError(str(exc)) from None


def _table(ds: Dataset, args: argparse.Namespace) -> pd.DataFrame:
    change = _change(ds, args)
    repeat_days = int(setting("repeat_window_days"))
    try:
        result = design.evaluate(ds, Filters(), change, _names(args.kpi or ""), repeat_days)
    except design.ChangeError as exc:
        raise UsageError(f"{args.dir}: {exc}") from None
    for skipped in result.skipped:
        print(f"warning: {skipped} cannot be judged on a change (not a rate, mean or "
              "duration of tickets or surveys)", file=sys.stderr)  # fmt: skip
    if args.table == "attrition":
        return people.attrition(ds, EVERYTHING, result.first_day, result.last_day)
    if args.table == "satisfaction":
        return people.satisfaction(ds, EVERYTHING)
    return result.table()


def _run(args: argparse.Namespace) -> int:
    table = _table(open_dataset(args.dir), args)
    if args.format == "json":
        text = table.to_json(orient="records", force_ascii=False, indent=1, date_format="iso")
        sys.stdout.write(text + "\n")
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def add_effect_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "effect", help="did a change work? each KPI before vs after, against untreated teams"
    )
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--treated", required=True, help="treated teams or agent ids, a,b")
    parser.add_argument("--date", required=True, help="the day the change started, 2026-06-01")
    parser.add_argument(
        "--control",
        help="control teams, a,b (default: the untreated teams whose trends before were most "
        "parallel; '' for none: before/after tests)",
    )
    parser.add_argument("--kpi", help="KPI ids, a,b (default: every KPI a change can be judged by)")
    parser.add_argument(
        "--months", type=int, default=0, help="months before and after (default: up to 6)"
    )
    parser.add_argument("--table", choices=("kpis", "attrition", "satisfaction"), default="kpis")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.set_defaults(func=_run)
