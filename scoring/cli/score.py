"""`python -m scoring score DIR ...`: the agent scorecard on standard output.

The output is a public interface (documented in docs/SCORE_OUTPUT.md): one row per
agent with `agent_id, name, team, tickets, composite, grade, team_rank, dept_rank`,
`payout` when a pool is given, then for each available KPI `<kpi_id>` (raw value) and
`<kpi_id>_shrunk` where shrinkage applies. With `--reliability`, instead one row per KPI: its
weight, split-half reliability, whether it discriminates, and the scheme's grade stability.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd

from scoring.analyses import reliability
from scoring.cli.usage import UsageError
from scoring.data import catalog
from scoring.data.dataset import Dataset, open_dataset
from scoring.engine import schemes
from scoring.engine.policy import DEFAULT_POLICY, Policy
from scoring.engine.scorecard import build_matrix, normalised_weights, score, with_payouts
from scoring.measures.metrics import Filters, distinct_values
from scoring.methods import incentives
from scoring.scope import for_statistics
from scoring.settings import setting
from scoring.stores.targets import TargetSet, TargetStore, in_use

BASE_COLUMNS = ["agent_id", "name", "team", "tickets", "composite", "grade", "team_rank"]


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"bad date '{text}': expected YYYY-MM-DD") from None


def parse_weights(text: str) -> dict[str, float]:
    """'csat=3,fcr=1' → {'csat': 3.0, 'fcr': 1.0}; a part that is not kpi=number refused
    (the scoring policy refuses unknown KPIs and negative weights)."""
    weights = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"bad weight '{part}': expected kpi=number") from None
    return weights


def _check_known(label: str, given: list[str], known: set[str]) -> None:
    unknown = sorted(set(given) - known)
    if unknown:
        raise UsageError(
            f"unknown {label} {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )


def _filters(args: argparse.Namespace, ds) -> Filters:
    for label, given, dimension in (
        ("team", args.team, "team"),
        ("channel", args.channel, "channel"),
        ("category", args.category, "category"),
        ("segment", args.segment, "customer_segment"),
    ):
        _check_known(label, given, set(distinct_values(ds, dimension)))
    start = parse_date(args.date_from) if args.date_from else None
    end = parse_date(args.date_to) if args.date_to else None
    if start and end and end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    return Filters(
        start=start,
        end=end,
        teams=tuple(args.team),
        channels=tuple(args.channel),
        categories=tuple(args.category),
        segments=tuple(args.segment),
    )


def _weights(args: argparse.Namespace) -> dict[str, float]:
    try:
        weights = dict(schemes.load(args.scheme).weights)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    if args.weights:
        weights = parse_weights(args.weights)
    return weights


def dataset_targets(ds: Dataset, folder: str, repeat_days: int) -> TargetSet:
    """The dataset's target set, as the dashboard uses it (`targets.in_use`): its state
    folder is the catalog's, under the state_dir setting."""
    state_dir = setting("state_dir")
    entry = catalog.default_entry(catalog.list_datasets(state_dir, folder), folder)
    store = TargetStore(catalog.state_folder(state_dir, entry))
    return in_use(store, entry.opened_path(), lambda: build_matrix(ds, Filters(), repeat_days))


def _policy(args: argparse.Namespace, targets: TargetSet) -> Policy:
    """The scoring policy of the arguments: the weights, the dataset's targets, and the pool
    and rule if given."""
    pool = DEFAULT_POLICY.pool if args.pool is None else args.pool
    try:
        return Policy(weights=_weights(args), pool=pool, rule=args.rule, targets=targets.targets)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@for_statistics
def scorecard_table(args: argparse.Namespace) -> pd.DataFrame:
    ds = open_dataset(args.dir)
    filters = _filters(args, ds)
    repeat_days = int(setting("repeat_window_days"))
    matrix = build_matrix(ds, filters, repeat_days)
    card = score(matrix, _policy(args, dataset_targets(ds, args.dir, repeat_days)))
    columns = list(BASE_COLUMNS) + ["dept_rank"]
    frame = card.frame
    if args.pool is not None:
        frame, _ = with_payouts(card)
        columns.append("payout")
    for k in matrix.kpis:
        frame[k.id] = matrix.frame[k.id]
        columns.append(k.id)
        if k.shrink:
            frame[f"{k.id}_shrunk"] = matrix.frame[f"{k.id}_shrunk"]
            columns.append(f"{k.id}_shrunk")
    table = frame[columns].copy()
    table["grade"] = table["grade"].fillna("insufficient_data")
    return table


RELIABILITY_COLUMNS = [
    "kpi",
    "weight",
    "r_half",
    "reliability",
    "reliability_low",
    "reliability_high",
    "reliability_agents",
    "reliability_status",
    "discrimination",
    "same_grade",
    "grade_kappa",
]


@for_statistics
def reliability_table(args: argparse.Namespace) -> pd.DataFrame:
    """One row per available KPI: its weight in the policy (share of 1), split-half
    reliability (`scoring.analyses.reliability`), its discrimination flag over the scored
    agents, and the policy's grade stability (the same on every row)."""
    ds = open_dataset(args.dir)
    filters = _filters(args, ds)
    repeat_days = int(setting("repeat_window_days"))
    policy = _policy(args, dataset_targets(ds, args.dir, repeat_days))
    card = score(build_matrix(ds, filters, repeat_days), policy)
    found = reliability.reliability(ds, filters, {"policy": policy}, repeat_days=repeat_days)
    weights = dict(
        zip(
            [k.id for k in card.matrix.kpis],
            normalised_weights(policy, card.matrix.kpis),
            strict=True,
        )
    )
    table = found.kpis.rename(
        columns={
            "low": "reliability_low",
            "high": "reliability_high",
            "agents": "reliability_agents",
            "status": "reliability_status",
        }
    )
    flags = reliability.discrimination(card).set_index("kpi")["flag"]
    table["weight"] = table["kpi"].map(weights)
    table["discrimination"] = table["kpi"].map(flags)
    stability = found.schemes.iloc[0]
    table["same_grade"] = stability["same_grade"]
    table["grade_kappa"] = stability["kappa"]
    return table[RELIABILITY_COLUMNS]


def _run(args: argparse.Namespace) -> int:
    table = reliability_table(args) if args.reliability else scorecard_table(args)
    if args.format == "json":
        sys.stdout.write(table.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        table.to_csv(sys.stdout, index=False)
    return 0


def add_score_parser(subparsers) -> None:
    parser = subparsers.add_parser("score", help="print the agent scorecard")
    parser.add_argument("dir", help="dataset folder")
    parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (inclusive)")
    parser.add_argument("--team", action="append", default=[], help="repeatable")
    parser.add_argument("--channel", action="append", default=[], help="repeatable")
    parser.add_argument("--category", action="append", default=[], help="repeatable")
    parser.add_argument("--segment", action="append", default=[], help="customer segment")
    parser.add_argument("--scheme", default=schemes.DEFAULT_SCHEME, help="weight scheme name")
    parser.add_argument("--weights", help="kpi=weight,... (replaces the scheme's weights)")
    parser.add_argument("--pool", type=float, help="bonus pool to allocate")
    parser.add_argument("--rule", choices=incentives.RULES, default="grade_multiplier")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument(
        "--reliability",
        action="store_true",
        help="one row per KPI: split-half reliability, discrimination, grade stability",
    )
    parser.set_defaults(func=_run)
