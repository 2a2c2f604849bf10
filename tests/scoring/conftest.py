"""Fixtures the scoring tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.data.dataset import Dataset, open_dataset
from scoring.measures.metrics import attach_cube
from scoring.synthetic.generate import generate

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

# The generator's defaults with five seeds: issue 14's "generated data (five seeds)". Tests
# that use them carry `xdist_group("seeds")`, so the datasets are generated once per run.
SEEDS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="session")
def seed_datasets(tmp_path_factory) -> dict[int, Path]:
    """Seed → the folder of a dataset generated with the generator's defaults."""
    found = {}
    for seed in SEEDS:
        out: Path = tmp_path_factory.mktemp(f"seed{seed}") / "data"
        generate(out, seed=seed)
        found[seed] = out
    return found


@pytest.fixture(scope="module")
def sample_readings(tmp_path_factory) -> tuple[Dataset, Dataset]:
    """(the bundled sample's build read from its tickets, the same build with everything
    `attach_cube` writes beside it): the ticket-level oracle and the pre-aggregated reading."""
    builds = tmp_path_factory.mktemp("sample_builds")
    tickets, attached = open_dataset(SAMPLE, builds=builds), open_dataset(SAMPLE, builds=builds)
    assert attach_cube(attached, 30) is not None
    return tickets, attached
