"""The registry's default targets tell agents apart on the sample and on generated data.

Issue 14's first "done when": on data/sample and on five generated datasets (the generator's
defaults, seeds 1–5) no KPI weighted by default has more than 80% of its measured agents at
the cap or at the floor, and the default scoring's grades span at least three bands.

Whether an agent sits at the floor or the cap is read from its value against the declared
floor and stretch (the target when there is no stretch), in the KPI's direction — not from
the normalised scores, so the check does not lean on the normalisation it is about.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from scoring.data.dataset import open_dataset
from scoring.engine import scorecard
from scoring.methods.calibration import MOST_AT_THE_ENDS
from scoring.registry.kpis import KPI, KPIS, kpi
from tests.conftest import SAMPLE_DATASET
from tests.scoring.conftest import SEEDS

pytestmark = pytest.mark.xdist_group("seeds")  # the generated datasets are made once a worker
WEIGHTED = [k for k in KPIS if k.weight > 0]


@pytest.fixture(scope="module")
def datasets(seed_datasets) -> dict[str, scorecard.KpiMatrix]:
    found = {"sample": scorecard.build_matrix(open_dataset(SAMPLE_DATASET))}
    for seed, path in seed_datasets.items():
        found[f"seed {seed}"] = scorecard.build_matrix(open_dataset(path))
    return found


def shares_at_the_ends(matrix: scorecard.KpiMatrix, k: KPI) -> tuple[float, float]:
    """(share at or beyond the floor, share at or beyond the cap) of the measured agents."""
    values = matrix.values(k, use_shrunk=True)[matrix.measurable(k)]
    sign = 1.0 if k.higher_is_better else -1.0
    best = k.stretch if k.stretch is not None else k.target
    return (
        float(np.mean(sign * values <= sign * k.floor)),
        float(np.mean(sign * values >= sign * best)),
    )


def test_the_check_sees_a_dead_kpi():
    """The old first-response targets (floor 240, stretch 10 minutes) against values of 4–10
    minutes: every agent at the cap."""
    old = replace(kpi("first_response_median"), floor=240, target=30, stretch=10)
    frame = {
        "agent_id": ["A", "B", "C"],
        "first_response_median": [4.0, 7.5, 10.0],
        "first_response_median__den": [50, 50, 50],
    }
    matrix = scorecard.KpiMatrix(pd.DataFrame(frame), (old,), {})
    assert shares_at_the_ends(matrix, old) == (0.0, 1.0)


@pytest.mark.parametrize("name", ["sample", *(f"seed {s}" for s in SEEDS)])
def test_no_weighted_kpi_has_most_agents_at_the_cap_or_the_floor(datasets, name):
    matrix = datasets[name]
    dead = {}
    for k in WEIGHTED:
        if k in matrix.kpis and matrix.measurable(k).any():
            floor, cap = shares_at_the_ends(matrix, k)
            if max(floor, cap) > MOST_AT_THE_ENDS:
                dead[k.id] = (round(floor, 2), round(cap, 2))
    assert dead == {}


@pytest.mark.parametrize("name", ["sample", *(f"seed {s}" for s in SEEDS)])
def test_default_grades_span_at_least_three_bands(datasets, name):
    card = scorecard.score(datasets[name])
    bands = set(card.frame["grade"].dropna())
    assert len(bands) >= 3, bands
