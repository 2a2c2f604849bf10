"""Issue 14's second "done when": a real export imported without targets is scored on
targets calibrated from its own data, and the agents with enough data are told apart.

The export (tests/helpdesk_export.py) is a helpdesk's, not the generator's: 1,500 tickets of
12 agents over five months, ratings on 40% of tickets, response times that grow with the
agent's number. On the registry's after-sales targets such data scored whole departments
alike (issue 14: 8 agents all 53.3, six tied at rank 1).
"""

from __future__ import annotations

import numpy as np
import pytest

from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import build_matrix, score
from scoring.registry.kpis import KPIS_BY_ID
from scoring.stores import targets
from tests.helpdesk_export import imported_export


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("helpdesk")
    path = imported_export(folder)
    matrix = build_matrix(open_dataset(path))
    chosen = targets.in_use(targets.TargetStore(folder / "state"), path, lambda: matrix)
    return matrix, chosen


def test_an_import_without_targets_is_scored_on_its_own_calibration(imported):
    matrix, chosen = imported
    assert chosen.origin == "calibrated" and chosen.version == 0  # suggested, not saved
    # the first response median of the export: its 50th percentile of agents is the target,
    # unlike the registry's after-sales 6 minutes
    frt = KPIS_BY_ID["first_response_median"]
    floor, target, stretch = chosen.targets[frt.id]
    values = matrix.values(frt, use_shrunk=True)[matrix.measurable(frt)]
    assert target == pytest.approx(np.median(values))
    assert floor > target > stretch  # lower is better: the floor is the slow end
    assert target != frt.target


def test_the_agents_with_enough_data_are_told_apart(imported):
    matrix, chosen = imported
    card = score(matrix, Policy(targets=chosen.targets))
    graded = card.frame[~card.frame["insufficient_data"]]
    assert len(graded) == 12
    assert graded["composite"].nunique() == len(graded)  # no two agents tie
    assert graded["grade"].nunique() >= 3
    assert graded["composite"].max() - graded["composite"].min() > 20
