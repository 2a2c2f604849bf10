"""Which objective targets each agent is scored against (scoring/analyses/objective_scoring.py),
worked out by hand.

Scoring period 2026-01-01 … 2026-06-30: Q1 overlaps 90 days (31 + 28 + 31), Q2 91 (30 + 31 + 30).
- Team T1's csat: 4.0 in Q1, 4.5 in Q2 → (4.0·90 + 4.5·91) / 181 = 769.5 / 181 for A2;
- A1's own csat 3.0 in Q1 beats the team's;
- the department's fcr 0.8 (weight 2) over the year → every agent, where no nearer owner has
  one: T2's fcr 0.7 for A3;
- A2's own workload objective (weight missing → 1);
- an objective of 2025-Q4 does not overlap and counts for nothing.
"""

from datetime import date

import pandas as pd
import pytest

from scoring.analyses.objective_scoring import agent_objectives, overlap_days, owner_targets

ROSTER = pd.DataFrame({"agent_id": ["A1", "A2", "A3"], "team": ["T1", "T1", "T2"]})
OBJECTIVES = pd.DataFrame(
    [
        ("team", "T1", "csat", "2026-01-01", "2026-03-31", 4.0, 1.0),
        ("team", "T1", "csat", "2026-04-01", "2026-06-30", 4.5, 1.0),
        ("agent", "A1", "csat", "2026-01-01", "2026-03-31", 3.0, 1.0),
        ("department", "Service", "fcr", "2026-01-01", "2026-12-31", 0.8, 2.0),
        ("team", "T2", "fcr", "2026-04-01", "2026-06-30", 0.7, 1.0),
        ("agent", "A2", "workload", "2026-01-01", "2026-06-30", 9.0, None),
        ("team", "T2", "csat", "2025-10-01", "2025-12-31", 4.9, 1.0),
    ],
    columns=["owner_type", "owner_id", "kpi", "period_start", "period_end", "target", "weight"],
)
START, END = date(2026, 1, 1), date(2026, 6, 30)


def test_overlap_counts_inclusive_days():
    assert overlap_days(OBJECTIVES, START, END).tolist() == [90, 91, 90, 181, 91, 181, 0]


def test_each_agent_takes_the_nearest_owners_target_weighted_by_overlap():
    found = agent_objectives(OBJECTIVES, ROSTER, START, END)
    rows = {(r.agent_id, r.kpi): (r.target, r.weight) for r in found.itertuples()}
    assert rows == {
        ("A1", "csat"): (3.0, 1.0),
        ("A1", "fcr"): (0.8, 2.0),
        ("A2", "csat"): (pytest.approx(769.5 / 181), 1.0),
        ("A2", "fcr"): (0.8, 2.0),
        ("A2", "workload"): (9.0, 1.0),
        ("A3", "fcr"): (0.7, 1.0),
    }


def test_a_period_no_objective_overlaps_gives_nobody_a_target():
    assert agent_objectives(OBJECTIVES, ROSTER, date(2027, 1, 1), date(2027, 3, 31)).empty


def test_a_team_or_the_department_is_judged_on_its_own_else_the_unit_above():
    """The balanced scorecard's owners, by the same rules: T1's csat and the department's fcr;
    T2's own fcr (its 2025 csat does not overlap); the department's fcr alone."""
    assert owner_targets(OBJECTIVES, "T1", None, START, END) == {
        "csat": pytest.approx(769.5 / 181),
        "fcr": 0.8,
    }
    assert owner_targets(OBJECTIVES, "T2", None, START, END) == {"fcr": 0.7}
    assert owner_targets(OBJECTIVES, None, None, START, END) == {"fcr": 0.8}
    assert owner_targets(OBJECTIVES, "T1", "A1", START, END) == {"csat": 3.0, "fcr": 0.8}
