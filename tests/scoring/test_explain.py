""" "How the score is made": scoring's codes and numbers (`explain`, `standing`) and the table
the Scorecard words them into (dashboard/scorecard/breakdown.py), on a hand-made dataset.

The dataset (no `contacts` column, so first-contact resolution cannot be computed):

    agent  tickets  resolved  surveys (csat)
    A      25       20        3 × 5          resolution 0.80; csat: 3 surveys, 5 needed
    B      20       20        5 × 4          resolution 1.00; csat 4.0
    C      20       20        5 × 5          resolution 1.00; csat 5.0
    D      10        5        none           10 tickets, 20 needed: not graded

Policy: weights resolution 1, csat 1, fcr 1 (fcr is not in the data: resolution and csat
carry half each); raw values scored (no shrinkage, so every number is worked by hand);
targets resolution 0.5 / 0.9 / 1.0, csat 3.5 / 4.5 / 4.9; grades ≥ 90 / 75 / 60.

    A: resolution (0.8 − 0.5)/(0.9 − 0.5) = 75; csat left out, its weight spread:
       weight used 100% → 75.0 (good)
    B: resolution 100 + 20·(1.0 − 0.9)/(1.0 − 0.9) = 120, csat (4.0 − 3.5)/1.0 = 50:
       0.5·120 + 0.5·50 = 60 + 25 = 85.0 (good)
    C: resolution 120, csat 5.0 ≥ 4.9 → 120: points 120, the score 120.0 (excellent; not
       clipped at 100, so C stays apart from an agent just at every target)
    D: 5 of 10 tickets resolved, 20 needed; no survey: nothing counts, not graded
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.scorecard.breakdown import breakdown
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import (
    NOTE_NO_DATA,
    NOTE_TOO_FEW_CASES,
    KpiMatrix,
    build_matrix,
    explain,
    score,
    standing,
)
from scoring.registry.kpis import kpi
from tests.builders import agent, survey, ticket, write_dataset

POLICY = Policy(
    weights={"resolution_rate": 1, "csat": 1, "fcr": 1},
    targets={"resolution_rate": (0.5, 0.9, 1.0), "csat": (3.5, 4.5, 4.9)},
    use_shrunk=False,
)
PLAN = {  # agent: tickets, resolved, survey ratings
    "A": (25, 20, [5, 5, 5]),
    "B": (20, 20, [4] * 5),
    "C": (20, 20, [5] * 5),
    "D": (10, 5, []),
}


@pytest.fixture(scope="module")
def card(tmp_path_factory):
    tickets, surveys = [], []
    for a, (count, resolved, ratings) in PLAN.items():
        for i in range(count):
            tid = f"{a}-{i}"
            tickets.append(ticket(tid, a, i, resolved_at=30 if i < resolved else None))
        surveys += [survey(f"s{a}{i}", f"{a}-{i}", r) for i, r in enumerate(ratings)]
    root = write_dataset(
        tmp_path_factory.mktemp("explain"),
        agents=[agent(a) for a in PLAN],
        tickets=tickets,
        surveys=surveys,
    )
    return score(build_matrix(open_dataset(root)), POLICY)


def rows(card, agent_id: str, lang: str) -> pd.DataFrame:
    """The breakdown by its first column (the KPI's name, or the total line's)."""
    table = breakdown(card, agent_id, lang)
    return table.set_index(table.columns[0])


# ---------------------------------------------------------------------------------------
# What scoring returns: codes and numbers


def test_explain_gives_codes_and_numbers(card):
    a = explain(card, "A").set_index("kpi")
    assert a.loc["resolution_rate", ["numerator", "denominator"]].tolist() == [20, 25]
    assert a.loc["resolution_rate", "normalised"] == pytest.approx(75)
    assert a.loc["resolution_rate", "effective_weight"] == pytest.approx(1.0)
    assert a.loc["resolution_rate", ["floor", "target", "stretch"]].tolist() == [0.5, 0.9, 1.0]
    csat = a.loc["csat"]
    assert (csat["note"], csat["denominator"], csat["min_sample"]) == (NOTE_TOO_FEW_CASES, 3, 5)
    assert csat["reweighted"]
    fcr = a.loc["fcr"]
    assert fcr["note"] == "missing_columns" and fcr["missing"] == (("tickets", "contacts"),)
    assert explain(card, "D").set_index("kpi").loc["csat", "note"] == NOTE_NO_DATA


def test_standing_says_why_an_agent_is_not_graded(card):
    d = standing(card, "D")
    assert (d.few_tickets, d.low_coverage, d.tickets, d.coverage) == (True, True, 10, 0.0)
    assert math.isnan(d.composite) and d.grade is None
    c = standing(card, "C")
    assert (c.measured, c.composite, c.grade) == (pytest.approx(120), 120.0, "excellent")


# ---------------------------------------------------------------------------------------
# The table a supervisor reads


def test_a_rate_is_a_percentage_with_its_cases_and_targets(card):
    en = rows(card, "A", "en").loc["Resolution rate"]
    assert en["Value scored"] == "80.0%"
    assert en["Based on"] == "20 of 25 tickets"
    assert en["Floor / target / stretch"] == "50.0% / 90.0% / 100.0%"
    assert (en["Score (0–120)"], en["Scheme weight"], en["Weight used"], en["Points"]) == (
        "75.0", "50.0%", "100.0%", "75.0",
    )  # fmt: skip
    zh = rows(card, "A", "zh").loc["问题解决率"]
    assert (zh["计分值"], zh["依据"], zh["贡献分"]) == ("80.0%", "25 张工单中 20 张", "75.0")


def test_too_few_cases_is_a_sentence_with_its_numbers(card):
    en = rows(card, "A", "en").loc["Customer satisfaction"]
    assert en["Note"] == "Only 3 of the 5 cases needed — its weight is spread over the other KPIs."
    assert (en["Value scored"], en["Based on"], en["Points"]) == (
        "5.00 /5",
        "mean of 3 surveys",
        "",
    )
    zh = rows(card, "A", "zh").loc["客户满意度"]
    assert zh["说明"] == "仅 3 个样本，至少需要 5 个——其权重按比例分摊到其他指标。"


def test_a_kpi_the_data_cannot_compute_names_the_column(card):
    en = rows(card, "A", "en").loc["First-contact resolution"]
    assert en["Note"] == (
        "Cannot be computed: the data has no tickets.contacts — its weight is spread over the "
        "other KPIs."
    )
    zh = rows(card, "A", "zh").loc["一次解决率"]
    assert zh["说明"] == "无法计算：数据中没有工单表的 contacts 列——其权重按比例分摊到其他指标。"


@pytest.mark.parametrize("agent_id, points, total", [("A", ["75.0"], "75.0"),
                                                     ("B", ["25.0", "60.0"], "85.0")])  # fmt: skip
def test_the_points_add_up_to_the_shown_score(card, agent_id, points, total):
    table = rows(card, agent_id, "en")
    kpi_points = table["Points"].drop("Total: the agent's score")
    assert [p for p in kpi_points if p] == points
    assert table.loc["Total: the agent's score", "Points"] == total
    shown = card.frame.set_index("agent_id").loc[agent_id, "composite"]
    assert f"{shown:.1f}" == total
    assert table.loc["Total: the agent's score", "Note"] == "Grade: 🔵 Good"
    assert rows(card, agent_id, "zh").loc["合计：综合得分", "说明"] == "等级：🔵 良好"


def test_a_score_beyond_every_target_passes_100(card):
    total = rows(card, "C", "en").loc["Total: the agent's score"]
    assert total["Points"] == "120.0"
    assert total["Note"] == "Grade: 🟢 Excellent"


def test_an_agent_not_graded_is_told_why_in_both_languages(card):
    en = rows(card, "D", "en").loc["Total: the agent's score"]
    assert en["Points"] == ""
    assert en["Note"] == (
        "Not graded: only 10 of the 20 tickets needed; the KPIs that count carry 0.0% of the "
        "weight, 50.0% needed."
    )
    zh = rows(card, "D", "zh").loc["合计：综合得分"]
    assert (
        zh["说明"]
        == "未评级：仅 10 张工单，至少需要 20 张；计入的指标仅占权重的 0.0%，至少需要 50.0%。"
    )
    assert rows(card, "D", "en").loc["Customer satisfaction", "Note"] == (
        "No data in the period — its weight is spread over the other KPIs."
    )


def test_no_cell_says_none_or_nan(card):
    for agent_id in PLAN:
        for lang in ("zh", "en"):
            cells = breakdown(card, agent_id, lang).to_numpy().ravel()
            assert all(isinstance(c, str) for c in cells)
            assert not {c for c in cells if c.lower() in ("none", "nan", "<na>")}


THREE = ("csat", "first_response_median", "resolution_rate")
value = st.one_of(st.none(), st.floats(0, 1, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(value, value, value, st.integers(0, 60)), min_size=1, max_size=6))
def test_any_matrix_gives_text_cells_and_the_shown_total(agents):
    # csat on 1–5, response in minutes, resolution a share; None: no data; n: the cases
    records = []
    for i, (c, r, s, n) in enumerate(agents):
        record = {"agent_id": f"X{i}", "name": f"X{i}", "team": "T1", "tickets": n}
        for k, x in zip(THREE, (c, r, s), strict=True):
            v = math.nan if x is None else {"csat": 1 + 4 * x, "first_response_median": 300 * x,
                                             "resolution_rate": x}[k]  # fmt: skip
            record |= {k: v, f"{k}__den": 0 if x is None else n, f"{k}__num": v * n}
            if kpi(k).shrink:
                record[f"{k}_shrunk"] = v
        records.append(record)
    kpis = tuple(kpi(k) for k in THREE)
    card = score(KpiMatrix(pd.DataFrame.from_records(records), kpis, {}))
    for agent_id, composite in zip(card.frame["agent_id"], card.frame["composite"], strict=True):
        table = breakdown(card, agent_id, "en")
        cells = table.to_numpy().ravel()
        assert all(isinstance(c, str) and c.lower() not in ("nan", "none") for c in cells)
        total = table.iloc[-1]
        if not math.isnan(composite):
            assert total["Points"] == f"{composite:.1f}"


def test_every_code_and_kind_of_case_has_its_words():
    from dashboard.ui.i18n import CATALOG
    from scoring.engine.scorecard import NOTE_UNWEIGHTED
    from scoring.measures.metrics import UNAVAILABLE_CODES
    from scoring.registry.kpis import KPIS

    notes = (NOTE_TOO_FEW_CASES, NOTE_NO_DATA, NOTE_UNWEIGHTED, *UNAVAILABLE_CODES)
    assert {f"scorecard_note_{code}" for code in notes} <= CATALOG.keys()
    assert {f"unavailable_{code}" for code in UNAVAILABLE_CODES} <= CATALOG.keys()
    cases = {f"scorecard_cases_{k.kind}_{k.grain}" for k in KPIS}
    cases |= {f"scorecard_cases_count_{k.grain}" for k in KPIS if k.kind == "rate"}
    assert cases <= CATALOG.keys()
