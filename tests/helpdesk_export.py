"""A real-like helpdesk export: what a department would bring, not what the generator makes.

English categories and priorities, three teams named by the department, e-mail addresses as
customers, satisfaction asked after 40% of tickets, one ticket in ten still open. Written as
a CSV and imported with `python -m scoring import` (the header names are the export's own).
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from scoring.cli.main import main
from scoring.ingest.write import current_path

HEADER = ["Ticket ID", "Customer Email", "Channel", "Category", "Priority", "Created",
          "First Response", "Resolved", "Status", "Agent", "Team", "Satisfaction"]  # fmt: skip
AGENTS = [f"AG{i:02d}" for i in range(1, 13)]
TEAMS = ("Tier 1", "Tier 2", "Billing desk")
START = datetime(2026, 1, 5, 8)
STAMP = "%Y-%m-%d %H:%M"


def _row(i: int, rng: np.random.Generator) -> list[str]:
    n = int(rng.integers(len(AGENTS)))
    created = START + timedelta(minutes=int(rng.integers(0, 60 * 24 * 150)))
    first = created + timedelta(minutes=float(rng.gamma(2, 20 + 5 * n)))
    resolved = first + timedelta(hours=float(rng.gamma(2, 6)))
    done = rng.random() < 0.9
    rating = round(float(rng.normal(4.1 - 0.08 * n, 0.9)))
    asked = rng.random() < 0.4
    return [
        f"TK-{i:05d}",
        f"c{rng.integers(400)}@example.com",
        str(rng.choice(["Email", "Chat", "Phone"])),
        str(rng.choice(["Billing", "Technical", "Account", "Refund"])),
        str(rng.choice(["Low", "Medium", "High", "Urgent"])),
        created.strftime(STAMP),
        first.strftime(STAMP),
        resolved.strftime(STAMP) if done else "",
        "Closed" if done else "Open",
        AGENTS[n],
        TEAMS[n % len(TEAMS)],
        str(min(5, max(1, rating))) if asked else "",
    ]


def write_export(path: Path, rows: int = 1500, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(_row(i, rng) for i in range(rows))
    return path


def imported_export(folder: Path) -> Path:
    """The export imported into `folder`/dataset; the path of its current version."""
    source = write_export(folder / "helpdesk_export.csv")
    assert main(["import", str(source), "--out", str(folder / "dataset")]) == 0
    return current_path(folder / "dataset")
