"""Benchmark the capability analysis on generated data.

1. Accuracy: precision and recall of the flagged weak (agent, category) gaps against the
   planted ones in truth.json, per seed and KPI (40k tickets, the generator's defaults),
   and of the blind spots against the planted self-overraters.
2. Speed (medians of --repeats runs, same run so ratios survive a noisy machine): the full
   agent × skill matrix (`capability.skill_matrix`: fine case-mix cells, shrinkage per
   skill, the "specific" references), next to its baseline, the per-agent × category KPI
   table alone (`metrics.kpi_table`); and the training effects of every completed course
   (`capability.training_effects`, fcr), whose cost grows with courses × rows (--agents: the
   generator's agents, 60 by default; courses grow with them).

    python bench/bench_capability.py --seeds 7 11 23 31 42 --tickets 1000000 --repeats 3
    python bench/bench_capability.py --seeds --tickets 1000000 --agents 2000

Datasets are generated into bench/out/ and reused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scoring import median_seconds  # noqa: E402

from scoring.analyses import capability  # noqa: E402
from scoring.data.dataset import open_dataset  # noqa: E402
from scoring.measures.metrics import Filters, kpi_table  # noqa: E402
from scoring.scope import EVERYTHING  # noqa: E402
from scoring.synthetic.generate import generate  # noqa: E402

OUT = ROOT / "bench" / "out"


def dataset(tickets: int, seed: int, agents: int = 60) -> Path:
    path = (
        OUT / f"capability_{tickets}_{seed}"
        if agents == 60
        else OUT / f"capability_{tickets}_{seed}_{agents}"
    )
    if not (path / "truth.json").exists():
        generate(path, tickets=tickets, seed=seed, agents=agents, teams=max(6, agents // 20))
    return path


def accuracy(seeds: list[int], kpis: list[str]) -> None:
    print("| seed | KPI | flagged | planted | precision | recall | blind spots P / R |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for seed in seeds:
        path = dataset(40_000, seed)
        truth = json.loads((path / "truth.json").read_text(encoding="utf-8"))
        planted = {(w["agent_id"], w["category"]) for w in truth["weak_skills"]}
        ds = open_dataset(path)
        spots = capability.blind_spots(ds, Filters(), EVERYTHING)
        blind = set(spots.loc[spots["blind_spot"], "agent_id"])
        over = set(truth["self_overraters"])
        blind_pr = (
            f"{len(blind & over) / max(len(blind), 1):.2f} / {len(blind & over) / len(over):.2f}"
        )
        for kpi in kpis:
            matrix = capability.skill_matrix(ds, Filters(), kpi)
            weak = matrix[(matrix["dimension"] == "category") & matrix["weak"]]
            flagged = set(zip(weak["agent_id"], weak["skill"], strict=True))
            hits = len(flagged & planted)
            print(
                f"| {seed} | {kpi} | {len(flagged)} | {len(planted)} | "
                f"{hits / max(len(flagged), 1):.2f} | {hits / len(planted):.2f} | {blind_pr} |"
            )


def speed(sizes: list[int], repeats: int, agents: int) -> None:
    print(
        "\n| tickets | kpi_table agent × category | skill_matrix (fcr) | ratio "
        "| training_effects (fcr) | courses |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for tickets in sizes:
        ds = open_dataset(dataset(tickets, 7, agents))
        base = median_seconds(
            lambda ds=ds: kpi_table(ds, Filters(), ("agent_id", "category")), repeats
        )
        full = median_seconds(lambda ds=ds: capability.skill_matrix(ds, Filters(), "fcr"), repeats)
        effects = median_seconds(
            lambda ds=ds: capability.training_effects(ds, Filters(), EVERYTHING, "fcr"), repeats
        )
        courses = ds.scalar("SELECT count(*) FROM training")
        print(
            f"| {tickets:,} | {base:.2f} s | {full:.2f} s | {full / base:.2f}× "
            f"| {effects:.2f} s | {courses:,} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[7, 11, 23, 31, 42])
    parser.add_argument("--kpis", nargs="+", default=["fcr", "csat", "handle_minutes"])
    parser.add_argument("--tickets", type=int, nargs="+", default=[200_000])
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    accuracy(args.seeds, args.kpis)
    speed(args.tickets, args.repeats, args.agents)


if __name__ == "__main__":
    main()
