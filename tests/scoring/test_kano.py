"""Customer expectations (scoring/analyses/kano.py) on hand-made questionnaires and on the
generator's planted categories; the factor registry (scoring/registry/kano.py).

Expected values are worked out by hand from docs/METHODS.md, "Kano questionnaire" and "What
to improve first" (the formulas of Berger et al. 1993, Matzler et al. 1996 and Fong 1996).
"""

from __future__ import annotations

import json
import math

import pytest

from scoring.analyses import kano
from scoring.data.dataset import open_dataset
from scoring.registry.kano import FACTOR_IDS, FACTORS
from scoring.registry.kpis import KPIS_BY_ID
from scoring.synthetic.generate import KANO_FACTORS
from tests.builders import agent, ticket, write_dataset

# An answer pair (functional, dysfunctional) of each category, from the evaluation table.
PAIR = {"A": (1, 2), "O": (1, 5), "M": (2, 5), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}


def answers(factor: str, segment: str | None = None, first: int = 1, **counts: int) -> list:
    """Rows of `factor`: counts[c] answer pairs of category c, by respondents R<first>, …"""
    rows = []
    for category, count in counts.items():
        for _ in range(count):
            functional, dysfunctional = PAIR[category]
            row = {"respondent_id": f"R{first + len(rows)}", "factor": factor,
                   "functional": functional, "dysfunctional": dysfunctional}  # fmt: skip
            rows.append(row | ({"segment": segment} if segment else {}))
    return rows


def open_with(tmp_path, rows: list[dict] | None = None):
    """A dataset of one agent and ticket (a dataset needs tickets) and these answers."""
    tables = {"agents": [agent("A1")], "tickets": [ticket("t1", "A1")]}
    if rows is not None:
        tables["kano_responses"] = rows
    return open_dataset(write_dataset(tmp_path / "data", **tables))


def by_factor(analysis: kano.KanoAnalysis) -> dict[str, dict]:
    return {row["factor"]: row for row in analysis.factors.to_dict("records")}


def test_each_factor_counts_category_strengths_fong_better_worse(tmp_path):
    rows = answers("fees", M=50, O=30, I=20) + answers("staff", A=8, O=7, I=5)
    found = by_factor(kano.analyse(open_with(tmp_path, rows), minimum=30))
    fees, staff = found["fees"], found["staff"]
    # fees: M 50, O 30, I 20 of n = 100 → M; strength 50 − 30 = 20 points; total 30 + 50 = 80;
    # Fong 1.65·√(80·120/200) = 11.43 ≤ 20 → significant; Better 30/100, Worse −80/100
    assert {c: fees[c] for c in "AOMIRQ"} == {"A": 0, "O": 30, "M": 50, "I": 20, "R": 0, "Q": 0}
    assert (fees["n"], fees["category"], fees["significant"]) == (100, "M", True)
    assert fees["strength"] == pytest.approx(20.0)
    assert fees["total_strength"] == pytest.approx(80.0)
    assert (fees["better"], fees["worse"]) == (pytest.approx(0.3), pytest.approx(-0.8))
    # staff: A 40%, O 35%: within 5 points → O by the tie rule; Fong 1.65·√(15·25/40) = 5.05
    # > |8 − 7| → not significant; Better 15/20, Worse −7/20
    assert (staff["category"], staff["significant"]) == ("O", False)
    assert staff["strength"] == pytest.approx(5.0)
    assert (staff["better"], staff["worse"]) == (pytest.approx(0.75), pytest.approx(-0.35))


def test_improve_first_by_category_then_sensitivity_with_reason_codes(tmp_path):
    rows = (
        answers("inspection", A=7, I=3)  # A: Better 0.7, Worse 0
        + answers("parts", M=6, I=4)  # M: Better 0, Worse −0.6, sensitivity 0.6
        + answers("response", M=8, O=2)  # M: Better 0.2, Worse −1.0, sensitivity √1.04 = 1.02
        + answers("fees", O=6, I=4)  # O: Better 0.6, Worse −0.6, sensitivity 0.85
        + answers("gifts", I=6, A=4)  # I
        + answers("calls", R=6, I=4)  # R
    )
    table = kano.analyse(open_with(tmp_path, rows), minimum=1).factors
    assert table["factor"].tolist() == ["response", "parts", "fees", "inspection", "gifts", "calls"]
    assert table["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert table["sensitivity"].iloc[0] == pytest.approx(math.sqrt(0.2**2 + 1.0**2))
    assert table["improve"].tolist() == [True, True, True, True, False, False]
    assert table["reason"].tolist() == [
        "must_be_missing_dissatisfies",
        "must_be_missing_dissatisfies",
        "one_dimensional_more_is_better",
        "attractive_delights",
        "indifferent_low_priority",
        "reverse_unwanted_by_some",
    ]


def test_respondents_are_counted_once_and_checked_against_the_minimum(tmp_path):
    # the same 10 respondents answer two factors: 10 respondents, 20 answer pairs
    rows = answers("parts", M=10) + answers("fees", O=10)
    ds = open_with(tmp_path, rows)
    assert kano.analyse(ds, minimum=10).respondents == 10
    assert kano.analyse(ds, minimum=10).enough
    assert not kano.analyse(ds, minimum=11).enough


def test_a_segment_is_analysed_on_its_own_respondents(tmp_path):
    rows = answers("parts", "enterprise", M=6, I=2) + answers("parts", "individual", 50, A=5)
    ds = open_with(tmp_path, rows)
    assert kano.segments(ds) == ["enterprise", "individual"]
    enterprise = kano.analyse(ds, minimum=30, segment="enterprise")
    assert (enterprise.respondents, enterprise.segment) == (8, "enterprise")
    assert by_factor(enterprise)["parts"]["category"] == "M"
    split = kano.by_segment(ds, minimum=30)
    assert by_factor(split["individual"])["parts"]["category"] == "A"
    assert by_factor(kano.analyse(ds, minimum=30))["parts"]["n"] == 13
    with pytest.raises(kano.KanoError, match="unknown segment 'retail'.*enterprise, individual"):
        kano.analyse(ds, minimum=30, segment="retail")


def test_without_a_segment_column_there_is_no_split(tmp_path):
    ds = open_with(tmp_path, answers("parts", M=3))
    assert kano.segments(ds) == [] and kano.by_segment(ds, minimum=1) == {}
    with pytest.raises(kano.KanoError, match="no segment column"):
        kano.analyse(ds, minimum=1, segment="enterprise")


def test_a_dataset_without_the_questionnaire_says_so(tmp_path):
    ds = open_with(tmp_path)
    with pytest.raises(kano.KanoError, match="no kano_responses table"):
        kano.analyse(ds, minimum=1)


@pytest.mark.xdist_group("seeds")
def test_the_generators_planted_categories_are_found_for_everyone_and_each_segment(
    seed_datasets,
):
    for folder in seed_datasets.values():
        planted = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["kano"]
        ds = open_dataset(folder)
        everyone = kano.analyse(ds, minimum=30)
        assert {f: row["category"] for f, row in by_factor(everyone).items()} == planted
        assert all(everyone.factors["significant"]) and everyone.respondents == 200
        for segment, analysis in kano.by_segment(ds, minimum=30).items():
            found = {f: row["category"] for f, row in by_factor(analysis).items()}
            assert found == planted, segment


def test_every_factor_is_declared_once_with_kpis_of_the_registry():
    assert len(set(FACTOR_IDS)) == len(FACTORS) == 9
    assert set(KANO_FACTORS) == set(FACTOR_IDS)  # the generator plants the declared factors
    for factor in FACTORS:
        assert factor.kpis, factor.id
        unknown = [k for k in factor.kpis if k not in KPIS_BY_ID]
        assert unknown == [], factor.id
        assert factor.functional_zh != factor.dysfunctional_zh
        assert factor.functional_en != factor.dysfunctional_en
