"""Scoring: normalisation → weights → composite → ranks → grades → payouts, and shrinkage.

KpiMatrix objects are built directly from small per-agent tables (no SQL), so every
composite below is worked out by hand from the registry's floors, targets and stretches:

    target-based score (higher is better) = clip(100·(x − floor)/(target − floor), 0, 100)
        + clip(20·(x − target)/(stretch − target), 0, 20)      (stretch cap 120)
    mirrored for lower-is-better KPIs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import (
    NOTE_NO_DATA,
    NOTE_TOO_FEW_CASES,
    KpiMatrix,
    build_matrix,
    explain,
    grade_counts,
    grades_of,
    normalised_weights,
    rank,
    score,
    team_summary,
    with_payouts,
)
from scoring.measures.metrics import Unavailable
from scoring.methods import grading, incentives, normalise, shrinkage
from scoring.registry.kpis import KPIS_BY_ID, kpi
from tests.builders import agent, survey, ticket, write_dataset

# Settings used below: floor, target, stretch are the tests' own (HAND_TARGETS, given to each
# policy, so the worked numbers do not move when the registry's defaults are recalibrated);
# directions, minimum samples and shrinkage are the registry's:
#   csat                   3.5, 4.5, 4.9   higher is better, min sample 5, shrink "mean"
#   first_response_median  240, 30, 10     lower is better, min sample 20, no shrinkage
#   resolution_rate        0.8, 0.95, 0.99 higher is better, min sample 20, shrink "beta"
THREE = ("csat", "first_response_median", "resolution_rate")
HAND_TARGETS = {
    "csat": (3.5, 4.5, 4.9),
    "first_response_median": (240, 30, 10),
    "resolution_rate": (0.8, 0.95, 0.99),
}


def test_registry_settings_used_by_hand_are_as_assumed():
    assert [kpi(k).min_sample for k in THREE] == [5, 20, 20]
    assert [kpi(k).higher_is_better for k in THREE] == [True, False, True]
    assert [kpi(k).shrink for k in THREE] == ["mean", None, "beta"]


def make_matrix(
    rows: list[dict], kpi_ids=THREE, unavailable: dict[str, Unavailable] | None = None
) -> KpiMatrix:
    """A matrix from per-agent dicts: agent_id, team, tickets and, per KPI, its value `<id>`,
    optionally `<id>_shrunk`, `<id>__num`, `<id>__den` (default: shrunk = raw, den = 100)."""
    kpis = tuple(kpi(k) for k in kpi_ids)
    records = []
    for r in rows:
        record = {
            "agent_id": r["agent_id"],
            "name": r.get("name", f"Agent {r['agent_id']}"),
            "team": r.get("team", "T1"),
            "tickets": r.get("tickets", 100),
        }
        for k in kpis:
            value = r.get(k.id, math.nan)
            record[k.id] = value
            record[f"{k.id}__den"] = r.get(f"{k.id}__den", 0 if math.isnan(value) else 100)
            record[f"{k.id}__num"] = r.get(f"{k.id}__num", math.nan)
            if k.shrink:
                record[f"{k.id}_shrunk"] = r.get(f"{k.id}_shrunk", value)
        records.append(record)
    return KpiMatrix(pd.DataFrame.from_records(records), kpis, unavailable or {})


def by_agent(card, column: str) -> dict:
    return dict(zip(card.frame["agent_id"], card.frame[column], strict=True))


def reweighted(card) -> dict:
    return dict(zip(card.frame["agent_id"], card.reweighted, strict=True))


# ---------------------------------------------------------------------------------------
# The 3-agent worked example. Shrunk values differ from the raw ones on purpose.
#
#        csat raw/shrunk  first response  resolution raw/shrunk
# X      4.1 / 4.0        135             0.92 / 0.90
# Y      4.8 / 4.7        20              0.74 / 0.75
# Z      2.9 / 3.0        300             1.00 / 0.99
#
# Using shrunk values (the default):
#   X: csat (4.0−3.5)/1 = 50; response (240−135)/(240−30) = 105/210 = 50;
#      resolution (0.90−0.80)/0.15 = 66.667
#   Y: csat 100 + 20·(4.7−4.5)/(4.9−4.5) = 110; response 100 + 20·(30−20)/(30−10) = 110;
#      resolution 0.75 < floor → 0
#   Z: csat 0 (below floor); response 0 (beyond 240); resolution 100 + 20·(0.04/0.04) = 120
# weights csat 2, response 1, resolution 1 → 0.5, 0.25, 0.25:
#   X = 25 + 12.5 + 16.667 = 54.1667; Y = 55 + 27.5 + 0 = 82.5; Z = 0 + 0 + 30 = 30
# Using raw values:
#   X: csat 60, response 50, resolution (0.92−0.8)/0.15 = 80 → 30 + 12.5 + 20 = 62.5
#   Y: csat 100 + 20·0.3/0.4 = 115, response 110, resolution 0 → 57.5 + 27.5 = 85
#   Z: csat 0, response 0, resolution 1.00 → 100 + 20 (capped at the stretch) = 120 → 30
XYZ = [
    dict(agent_id="X", team="T1", csat=4.1, csat_shrunk=4.0, csat__num=410,
         first_response_median=135.0, resolution_rate=0.92, resolution_rate_shrunk=0.90,
         resolution_rate__num=92),
    dict(agent_id="Y", team="T1", csat=4.8, csat_shrunk=4.7, csat__num=480,
         first_response_median=20.0, resolution_rate=0.74, resolution_rate_shrunk=0.75,
         resolution_rate__num=74),
    dict(agent_id="Z", team="T2", csat=2.9, csat_shrunk=3.0, csat__num=290,
         first_response_median=300.0, resolution_rate=1.0, resolution_rate_shrunk=0.99,
         resolution_rate__num=100),
]  # fmt: skip
WEIGHTS = {"csat": 2, "first_response_median": 1, "resolution_rate": 1}


def test_target_normalisation_and_composite_by_hand():
    card = score(make_matrix(XYZ), Policy(weights=WEIGHTS, targets=HAND_TARGETS))
    expected_normalised = [[50, 50, 200 / 3], [110, 110, 0], [0, 0, 120]]
    assert card.normalised == pytest.approx(np.array(expected_normalised))
    # shown with one decimal: X 54.1667 → 54.2; the unrounded value is kept as measured
    assert by_agent(card, "composite") == pytest.approx({"X": 54.2, "Y": 82.5, "Z": 30})
    assert card.measured_composite == pytest.approx([54.1666667, 82.5, 30])
    assert by_agent(card, "coverage") == pytest.approx({"X": 1, "Y": 1, "Z": 1})


def test_raw_values_when_shrinkage_is_off():
    card = score(make_matrix(XYZ), Policy(weights=WEIGHTS, targets=HAND_TARGETS, use_shrunk=False))
    assert by_agent(card, "composite") == pytest.approx({"X": 62.5, "Y": 85, "Z": 30})


def test_weights_are_normalised():
    # 20/10/10 and 0.5/0.25/0.25 are the same weights as 2/1/1; weights of KPIs the
    # matrix lacks (fcr) are ignored
    matrix = make_matrix(XYZ)
    base = by_agent(score(matrix, Policy(weights=WEIGHTS)), "composite")
    for weights in (
        {"csat": 20, "first_response_median": 10, "resolution_rate": 10},
        {"csat": 0.5, "first_response_median": 0.25, "resolution_rate": 0.25, "fcr": 7},
    ):
        assert by_agent(score(matrix, Policy(weights=weights)), "composite") == (
            pytest.approx(base)
        )
    assert normalised_weights(Policy(weights=WEIGHTS), matrix.kpis) == pytest.approx(
        [0.5, 0.25, 0.25]
    )


def test_custom_targets_replace_the_registry_ones():
    # resolution only, target settings floor 0, target 1, no stretch: score = 100·x (shrunk)
    policy = Policy(weights={"resolution_rate": 1}, targets={"resolution_rate": (0.0, 1.0, None)})
    card = score(make_matrix(XYZ), policy)
    assert by_agent(card, "composite") == pytest.approx({"X": 90, "Y": 75, "Z": 99})


def test_group_relative_methods_on_the_worked_example():
    # resolution only (shrunk 0.90, 0.75, 0.99):
    # minmax: (x − 0.75)/0.24 → 62.5, 0, 100
    # percentile: (below + ½)/3 → 50, 16.67, 83.33, shown with one decimal 16.7, 83.3
    matrix = make_matrix(XYZ)
    for method, expected in (
        ("minmax", {"X": 62.5, "Y": 0, "Z": 100}),
        ("percentile", {"X": 50, "Y": 16.7, "Z": 83.3}),
    ):
        card = score(matrix, Policy(weights={"resolution_rate": 1}, method=method))
        assert by_agent(card, "composite") == pytest.approx(expected), method


# ---------------------------------------------------------------------------------------
# Re-weighting over what can be measured.


def test_unmeasurable_kpi_reweights_over_the_rest():
    # W has no surveys; V has 3 surveys (< 5 minimum): csat left out for both, the other two
    # weights 0.25 + 0.25 become 0.5 + 0.5.
    # W: response 135 → 50, resolution 0.90 → 66.667 → 58.333 (shown 58.3); V: 110 and 0 → 55
    rows = XYZ + [
        dict(agent_id="W", first_response_median=135.0, resolution_rate=0.90),
        dict(agent_id="V", csat=5.0, csat__den=3, first_response_median=20.0,
             resolution_rate=0.75),
    ]  # fmt: skip
    card = score(make_matrix(rows), Policy(weights=WEIGHTS, targets=HAND_TARGETS))
    composite = by_agent(card, "composite")
    assert composite["W"] == pytest.approx(58.3)
    assert composite["V"] == pytest.approx(55)
    assert reweighted(card) == {"X": "", "Y": "", "Z": "", "W": "csat", "V": "csat"}
    assert by_agent(card, "coverage")["W"] == pytest.approx(0.5)
    w = card.frame.index[card.frame["agent_id"] == "W"][0]
    assert card.effective_weights[w] == pytest.approx([0, 0.5, 0.5])
    v = explain(card, "V").set_index("kpi").loc["csat"]
    assert (v["note"], v["denominator"], v["min_sample"]) == (NOTE_TOO_FEW_CASES, 3, 5)
    assert v["reweighted"]
    assert explain(card, "W").set_index("kpi").loc["csat", "note"] == NOTE_NO_DATA


def test_zero_weight_kpi_missing_is_not_reported_as_reweighted():
    rows = [dict(agent_id="W", first_response_median=135.0, resolution_rate=0.90)]
    policy = Policy(weights={"first_response_median": 1, "resolution_rate": 1})
    assert reweighted(score(make_matrix(rows), policy)) == {"W": ""}


def test_low_coverage_is_insufficient_data():
    # only resolution (weight 0.25) measurable: coverage 0.25 < 0.5 → no composite shown, no
    # grade, no rank; the composite over what is measurable is kept (0.90 → 66.667)
    rows = [dict(agent_id="W", resolution_rate=0.90), *XYZ]
    card = score(make_matrix(rows), Policy(weights=WEIGHTS, targets=HAND_TARGETS))
    w = card.frame.set_index("agent_id").loc["W"]
    assert w["coverage"] == pytest.approx(0.25)
    assert pd.isna(w["composite"])
    assert card.measured_composite[0] == pytest.approx(200 / 3)
    assert bool(w["insufficient_data"])
    assert pd.isna(w["grade"]) and pd.isna(w["dept_rank"])


# ---------------------------------------------------------------------------------------
# Ranks, grades, minimum tickets.

# resolution only, score = 100·x: a 95, b 95, c 50, d 40, e 50; teams T1 a b d, T2 c e
RANK_ROWS = [
    dict(agent_id="a", team="T1", resolution_rate=0.95),
    dict(agent_id="b", team="T1", resolution_rate=0.95),
    dict(agent_id="c", team="T2", resolution_rate=0.5),
    dict(agent_id="d", team="T1", resolution_rate=0.4),
    dict(agent_id="e", team="T2", resolution_rate=0.5),
]
LINEAR = dict(weights={"resolution_rate": 1}, targets={"resolution_rate": (0.0, 1.0, None)})


def test_ties_share_the_best_rank_in_team_and_department():
    card = score(make_matrix(RANK_ROWS), Policy(**LINEAR))
    assert by_agent(card, "dept_rank") == {"a": 1, "b": 1, "c": 3, "d": 5, "e": 3}
    assert by_agent(card, "team_rank") == {"a": 1, "b": 1, "c": 1, "d": 3, "e": 1}


def test_absolute_grades_default_and_custom_thresholds():
    # 95 ≥ 90 excellent; 50 and 40 < 60 unsatisfactory
    card = score(make_matrix(RANK_ROWS), Policy(**LINEAR))
    assert by_agent(card, "grade") == {
        "a": "excellent",
        "b": "excellent",
        "c": "unsatisfactory",
        "d": "unsatisfactory",
        "e": "unsatisfactory",
    }
    # thresholds 96 / 50 / 40: 95 good, 50 good, 40 satisfactory
    card = score(make_matrix(RANK_ROWS), Policy(**LINEAR, thresholds=(96, 50, 40)))
    assert by_agent(card, "grade") == {
        "a": "good",
        "b": "good",
        "c": "good",
        "d": "satisfactory",
        "e": "good",
    }


def test_forced_grades_through_the_policy():
    # ten agents 10, 20, ..., 100; quotas 20/30/30/20 → caps 2, 5, 8:
    # 100, 90 excellent; 80, 70, 60 good; 50, 40, 30 satisfactory; 20, 10 unsatisfactory
    rows = [dict(agent_id=f"g{i:02d}", resolution_rate=i / 10) for i in range(1, 11)]
    policy = Policy(**LINEAR, grading="forced", quotas=(0.2, 0.3, 0.3, 0.2))
    grades = by_agent(score(make_matrix(rows), policy), "grade")
    expected = ["unsatisfactory"] * 2 + ["satisfactory"] * 3 + ["good"] * 3 + ["excellent"] * 2
    assert [grades[f"g{i:02d}"] for i in range(1, 11)] == expected


def test_min_tickets_means_insufficient_data():
    rows = [dict(r) for r in RANK_ROWS]
    rows[0]["tickets"] = 19  # a: 19 < 20 tickets
    card = score(make_matrix(rows), Policy(**LINEAR))
    a = card.frame.set_index("agent_id").loc["a"]
    assert bool(a["insufficient_data"])
    assert pd.isna(a["grade"]) and pd.isna(a["dept_rank"]) and pd.isna(a["team_rank"])
    assert pd.isna(a["composite"]) and card.measured_composite[0] == pytest.approx(95)
    # b is now alone at the top
    assert by_agent(card, "dept_rank")["b"] == 1 and by_agent(card, "dept_rank")["c"] == 2
    # lowering the minimum brings a back
    card = score(make_matrix(rows), Policy(**LINEAR, min_tickets=19))
    assert not card.frame["insufficient_data"].any()


def test_policy_refuses_bad_settings():
    with pytest.raises(ValueError, match="unknown KPI"):
        Policy(weights={"nope": 1})
    with pytest.raises(ValueError, match="non-negative"):
        Policy(weights={"csat": -1})
    with pytest.raises(ValueError, match="normalisation"):
        Policy(method="rank")
    with pytest.raises(ValueError, match="grading"):
        Policy(grading="curve")


# ---------------------------------------------------------------------------------------
# explain, payouts, team summary, grade counts.


CONTACTS = (("tickets", "contacts"),)


def test_explain_rows_by_hand():
    matrix = make_matrix(XYZ, unavailable={"fcr": Unavailable("missing_columns", CONTACTS)})
    card = score(matrix, Policy(weights=WEIGHTS, targets=HAND_TARGETS))
    rows = explain(card, "X").set_index("kpi")
    csat = rows.loc["csat"]
    assert (csat["numerator"], csat["denominator"]) == (410, 100)
    assert (csat["raw"], csat["shrunk"]) == (4.1, 4.0)
    assert csat["normalised"] == pytest.approx(50)
    assert csat["weight"] == pytest.approx(0.5)
    assert csat["points"] == pytest.approx(25)
    response = rows.loc["first_response_median"]
    assert pd.isna(response["shrunk"])  # no shrinkage for a response time
    assert (response["normalised"], response["weight"], response["points"]) == pytest.approx(
        (50, 0.25, 12.5)
    )
    resolution = rows.loc["resolution_rate"]
    assert resolution["points"] == pytest.approx(200 / 3 * 0.25)
    assert rows.loc[list(THREE), "points"].sum() == pytest.approx(54.1666667)
    assert rows.loc["fcr", "note"] == "missing_columns"
    assert rows.loc["fcr", "missing"] == CONTACTS
    assert rows.loc[list(THREE), "note"].tolist() == ["", "", ""]
    assert rows.loc["csat", ["floor", "target", "stretch"]].tolist() == [3.5, 4.5, 4.9]
    assert rows.loc["csat", "scored"] == 4.0  # the shrunk value is the one scored
    with pytest.raises(KeyError):
        explain(card, "nobody")


def test_explain_points_sum_to_the_composite_with_reweighting():
    rows = XYZ + [dict(agent_id="W", first_response_median=135.0, resolution_rate=0.90)]
    card = score(make_matrix(rows), Policy(weights=WEIGHTS, targets=HAND_TARGETS))
    for agent_id, composite in zip(card.frame["agent_id"], card.measured_composite, strict=True):
        assert explain(card, agent_id)["points"].sum() == pytest.approx(composite)
    w = explain(card, "W").set_index("kpi")
    assert w.loc["csat", "points"] == 0
    assert w.loc["resolution_rate", "effective_weight"] == pytest.approx(0.5)


def test_payouts_by_grade_never_exceed_the_pool():
    # grades: Y 82.5 good (×1.2), X 54.2 and Z 30 unsatisfactory (×0); base = 900/3 = 300
    # → Y 360, others 0
    card = score(make_matrix(XYZ), Policy(weights=WEIGHTS, targets=HAND_TARGETS, pool=900))
    frame, allocation = with_payouts(card)
    assert dict(zip(frame["agent_id"], frame["payout"], strict=True)) == {
        "X": 0,
        "Y": 360,
        "Z": 0,
    }
    assert allocation.total <= 900


def test_payouts_skip_insufficient_data():
    rows = [dict(r) for r in RANK_ROWS]
    rows[0]["tickets"] = 1
    card = score(make_matrix(rows), Policy(**LINEAR, pool=1000, rule="proportional"))
    frame, allocation = with_payouts(card)
    payout = dict(zip(frame["agent_id"], frame["payout"], strict=True))
    assert payout["a"] == 0
    # b 95, c 50, d 40, e 50 → total 235; b gets 1000·95/235 = 404.255… → 404.25
    assert payout["b"] == pytest.approx(404.25)
    assert frame["payout"].sum() <= 1000


def test_team_summary_and_grade_counts():
    # T1: a 95, b 95, d 40 → mean 76.667; T2: c 50, e 50 → 50; T1 ranks first
    card = score(make_matrix(RANK_ROWS), Policy(**LINEAR))
    summary = team_summary(card).set_index("team")
    assert summary.loc["T1", "composite"] == pytest.approx(230 / 3)
    assert summary.loc["T2", "composite"] == pytest.approx(50)
    assert (summary.loc["T1", "rank"], summary.loc["T2", "rank"]) == (1, 2)
    assert (summary.loc["T1", "agents"], summary.loc["T1", "graded"]) == (3, 3)
    counts = dict(grade_counts(card).itertuples(index=False))
    assert counts == {
        "excellent": 2,
        "good": 0,
        "satisfactory": 0,
        "unsatisfactory": 3,
        "insufficient_data": 0,
    }


# ---------------------------------------------------------------------------------------
# Properties over random matrices (no SQL).

# csat higher is better (1–5), resolution higher (0–1), handle time lower (5–200 min)
PROP_KPIS = ("csat", "resolution_rate", "handle_minutes")
value_of = {
    "csat": st.floats(1, 5),
    "resolution_rate": st.floats(0, 1),
    "handle_minutes": st.floats(5, 200),
}


@st.composite
def matrices(draw, min_agents=2, max_agents=8):
    n = draw(st.integers(min_agents, max_agents))
    rows = []
    for i in range(n):
        row = {"agent_id": f"a{i}", "team": draw(st.sampled_from(["T1", "T2"]))}
        for k in PROP_KPIS:
            row[k] = draw(value_of[k] | st.just(math.nan)) if i else draw(value_of[k])
        rows.append(row)
    return rows


# No subnormal weights: 5e-324 × 0.5 underflows to 0, which would turn a weighted KPI into an
# unweighted one (weights are percentages with one decimal in the app).
weights_strategy = st.fixed_dictionaries(
    {k: st.floats(0, 10, allow_subnormal=False) for k in PROP_KPIS}
).filter(lambda w: sum(w.values()) > 0)


def _composite_of(rows, policy, agent=0):
    return score(make_matrix(rows, PROP_KPIS), policy).frame["composite"].to_numpy()[agent]


@settings(max_examples=60, deadline=None)
@given(
    matrices(),
    weights_strategy,
    st.sampled_from(normalise.METHODS),
    st.sampled_from(["csat", "resolution_rate"]),
    st.floats(0, 2),
)
def test_raising_a_higher_is_better_kpi_never_lowers_the_composite(
    rows, weights, method, kpi_id, delta
):
    # Holds for every method: an agent's own normalised score is non-decreasing in its own
    # value (target: a clipped linear map; minmax: 0 below the others' min, linear between,
    # 100 above; percentile: counts below grow; z-score: a·d/√(b + c·d²) grows in d), and
    # the agent's effective weights do not depend on the value.
    policy = Policy(weights=weights, method=method)
    before = _composite_of(rows, policy)
    raised = [dict(r) for r in rows]
    raised[0][kpi_id] += delta
    after = _composite_of(raised, policy)
    assert after >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(matrices(), weights_strategy, st.sampled_from(normalise.METHODS), st.floats(0, 150))
def test_lowering_a_lower_is_better_kpi_never_lowers_the_composite(rows, weights, method, delta):
    policy = Policy(weights=weights, method=method)
    before = _composite_of(rows, policy)
    lowered = [dict(r) for r in rows]
    lowered[0]["handle_minutes"] = max(lowered[0]["handle_minutes"] - delta, 0.0)
    assert _composite_of(lowered, policy) >= before - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    matrices(),
    weights_strategy,
    st.sampled_from(normalise.METHODS),
    st.floats(1e-3, 1e3),
)
def test_scaling_all_weights_changes_nothing(rows, weights, method, c):
    matrix = make_matrix(rows, PROP_KPIS)
    base = score(matrix, Policy(weights=weights, method=method))
    scaled_weights = {k: c * w for k, w in weights.items()}
    scaled = score(matrix, Policy(weights=scaled_weights, method=method))
    np.testing.assert_allclose(
        scaled.frame["composite"].to_numpy(float),
        base.frame["composite"].to_numpy(float),
        atol=1e-9,
    )
    assert scaled.reweighted == base.reweighted


@settings(max_examples=60, deadline=None)
@given(
    matrices(max_agents=10),
    weights_strategy,
    st.floats(0, 1e7),
    st.sampled_from(incentives.RULES),
    st.sampled_from(["absolute", "forced"]),
)
def test_payouts_never_exceed_the_pool(rows, weights, pool, rule, grading_):
    policy = Policy(weights=weights, grading=grading_, min_tickets=0, pool=pool, rule=rule)
    frame, allocation = with_payouts(score(make_matrix(rows, PROP_KPIS), policy))
    assert math.fsum(frame["payout"]) <= pool
    assert (frame["payout"] >= 0).all()
    assert (frame.loc[frame["insufficient_data"], "payout"] == 0).all()


quota_strategy = (
    st.lists(st.integers(0, 20), min_size=3, max_size=3)
    .filter(lambda q: sum(q) <= 20)
    .map(lambda q: (*[x / 20 for x in q], (20 - sum(q)) / 20))
)


@settings(max_examples=60, deadline=None)
@given(matrices(max_agents=12), weights_strategy, quota_strategy)
def test_forced_distribution_quotas_hold(rows, weights, quotas):
    policy = Policy(weights=weights, grading="forced", quotas=quotas, min_tickets=0)
    frame = score(make_matrix(rows, PROP_KPIS), policy).frame
    graded = frame[frame["grade"].notna()]
    n = len(graded)
    counts = graded["grade"].value_counts()
    cumulative = 0
    for i, grade in enumerate(grading.GRADES[:-1]):
        cumulative += counts.get(grade, 0)
        assert cumulative <= math.floor(sum(quotas[: i + 1]) * n + 1e-9), grade
    # equal composites always get the same grade
    for _, group in graded.groupby("composite"):
        assert group["grade"].nunique() == 1
    # the better grade never goes to the lower composite
    order = {g: i for i, g in enumerate(grading.GRADES)}
    ranked = graded.sort_values("composite", ascending=False)
    assert list(ranked["grade"].map(order)) == sorted(ranked["grade"].map(order))


# ---------------------------------------------------------------------------------------
# Shrinkage: small samples are pulled towards the group.


def _rate_frame(successes: list[int], trials: list[int], kpi_id="fcr") -> pd.DataFrame:
    x, n = np.array(successes, float), np.array(trials, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, x / n, np.nan)
    return pd.DataFrame({f"{kpi_id}__num": x, f"{kpi_id}__den": n, kpi_id: rate})


def test_two_of_two_is_shrunk_below_190_of_200():
    # group rate (78+80+82+79+81+160+2+190)/(5·100+200+2+200) = 752/902 ≈ 0.83
    successes = [78, 80, 82, 79, 81, 160, 2, 190]
    trials = [100, 100, 100, 100, 100, 200, 2, 200]
    frame = _rate_frame(successes, trials)
    out = shrinkage.shrink(frame, kpi("fcr"))
    shrunk = out["fcr_shrunk"].to_numpy()
    lucky, steady = shrunk[6], shrunk[7]
    assert frame["fcr"][6] > frame["fcr"][7]  # raw: 1.00 beats 0.95
    assert lucky < steady  # shrunk: the steady agent ranks first
    # the posterior mean (x + α)/(n + α + β) with the fitted prior
    alpha, beta = out.attrs["prior"]["alpha"], out.attrs["prior"]["beta"]
    expected = (np.array(successes) + alpha) / (np.array(trials) + alpha + beta)
    assert shrunk == pytest.approx(expected)
    assert alpha / (alpha + beta) == pytest.approx(752 / 902)


def test_shrunk_rate_lies_between_raw_and_prior_mean():
    frame = _rate_frame([78, 80, 82, 160, 2, 190, 0, 5], [100, 100, 100, 200, 2, 200, 3, 5])
    out = shrinkage.shrink(frame, kpi("fcr"))
    prior = out.attrs["prior"]
    prior_mean = prior["alpha"] / (prior["alpha"] + prior["beta"])
    raw = frame["fcr"].to_numpy()
    shrunk = out["fcr_shrunk"].to_numpy()
    assert np.all(shrunk >= np.minimum(raw, prior_mean) - 1e-12)
    assert np.all(shrunk <= np.maximum(raw, prior_mean) + 1e-12)
    # and strictly inside for a small sample away from the prior
    assert min(raw[4], prior_mean) < shrunk[4] < max(raw[4], prior_mean)
    assert (out["fcr_lo"] <= out["fcr_shrunk"]).all() and (out["fcr_shrunk"] <= out["fcr_hi"]).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.integers(1, 300).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
        min_size=2,
        max_size=12,
    )
)
def test_shrunk_rate_between_raw_and_prior_property(pairs):
    frame = _rate_frame([x for x, _ in pairs], [n for _, n in pairs])
    out = shrinkage.shrink(frame, kpi("fcr"))
    prior = out.attrs["prior"]
    prior_mean = prior["alpha"] / (prior["alpha"] + prior["beta"])
    raw = frame["fcr"].to_numpy()
    shrunk = out["fcr_shrunk"].to_numpy()
    assert np.all(shrunk >= np.minimum(raw, prior_mean) - 1e-12)
    assert np.all(shrunk <= np.maximum(raw, prior_mean) + 1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n - 1), st.just(n))),
        min_size=2,
        max_size=8,
    ),
    st.data(),
)
def test_one_more_success_never_lowers_the_shrunk_rate(pairs, data):
    # fairness: the prior is refitted to the group, yet an agent's own extra success must
    # not lower the agent's estimate
    i = data.draw(st.integers(0, len(pairs) - 1))
    successes, trials = [x for x, _ in pairs], [n for _, n in pairs]
    before = shrinkage.shrink(_rate_frame(successes, trials), kpi("fcr"))["fcr_shrunk"][i]
    successes[i] += 1
    after = shrinkage.shrink(_rate_frame(successes, trials), kpi("fcr"))["fcr_shrunk"][i]
    assert after >= before - 1e-12


def test_mean_rating_shrinkage_pulls_a_single_five_below_a_steady_4_6():
    # csat: one agent with a single 5, one with 100 ratings averaging 4.6, others ~4
    # (sum, sum of squares, count) per agent; ratings within an agent spread by ±1
    counts = np.array([1, 100, 50, 50, 50])
    means = np.array([5.0, 4.6, 4.0, 3.9, 4.1])
    total = means * counts
    sq = total * means + np.where(counts > 1, counts * 1.0, 0)  # variance 1 within agents
    frame = pd.DataFrame(
        {"csat__num": total, "csat__den": counts, "csat__sq": sq, "csat": total / counts}
    )
    out = shrinkage.shrink(frame, kpi("csat"))
    shrunk = out["csat_shrunk"].to_numpy()
    assert shrunk[0] < shrunk[1]
    prior_mean = out.attrs["prior"]["mean"]
    assert prior_mean == pytest.approx(total.sum() / counts.sum())
    raw = frame["csat"].to_numpy()
    assert np.all(shrunk >= np.minimum(raw, prior_mean) - 1e-12)
    assert np.all(shrunk <= np.maximum(raw, prior_mean) + 1e-12)


def test_no_data_gives_no_shrunk_value():
    frame = _rate_frame([8, 0], [10, 0])
    frame.loc[1, "fcr"] = math.nan
    out = shrinkage.shrink(frame, kpi("fcr"))
    assert pd.isna(out["fcr_shrunk"][1]) and pd.isna(out["fcr_lo"][1])
    assert KPIS_BY_ID["fcr"].shrink == "beta"


def test_build_matrix_shrinks_and_scores_end_to_end(tmp_path):
    # a small SQL round trip: shrunk columns and priors are filled in for shrinkable KPIs
    tickets, surveys = [], []
    for a, (resolved, rating) in {"A1": (20, 5), "A2": (15, 3), "A3": (10, 4)}.items():
        for i in range(25):
            tid = f"{a}-{i}"
            done = i < resolved
            tickets.append(ticket(tid, a, i, resolved_at=30 if done else None))
            surveys.append(survey(f"s{tid}", tid, rating))
    root = write_dataset(
        tmp_path,
        agents=[agent("A1"), agent("A2"), agent("A3")],
        tickets=tickets,
        surveys=surveys,
    )
    matrix = build_matrix(open_dataset(root))
    frame = matrix.frame.set_index("agent_id")
    # resolution 20/25, 15/25, 10/25 → 0.8, 0.6, 0.4; csat 5, 3, 4
    assert frame["resolution_rate"].tolist() == pytest.approx([0.8, 0.6, 0.4])
    assert frame["csat"].tolist() == pytest.approx([5, 3, 4])
    assert set(matrix.priors) >= {"resolution_rate", "csat"}
    for k in ("resolution_rate", "csat"):
        assert (frame[f"{k}_lo"] <= frame[f"{k}_shrunk"]).all()
        assert (frame[f"{k}_shrunk"] <= frame[f"{k}_hi"]).all()
    card = score(matrix, Policy(weights={"resolution_rate": 1, "csat": 1}))
    assert by_agent(card, "dept_rank")["A1"] == 1


def test_matrix_rows_are_ordered_by_agent_id(tmp_path):
    # Ties in the what-if rank table keep this order, so it is part of the contract.
    ids = ["Z9", "A1", "m3", "B2", "张三"]
    root = write_dataset(
        tmp_path,
        agents=[agent(a, team="T2" if i % 2 else "T1") for i, a in enumerate(ids)],
        tickets=[ticket(f"t{i}", a, i) for i, a in enumerate(reversed(ids))],
    )
    matrix = build_matrix(open_dataset(root))
    assert matrix.frame["agent_id"].tolist() == sorted(ids)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.none(), st.sampled_from([50.0, 60.0, 60.0, 75.5, 90.0]), st.floats(0, 100)
            ),
            st.one_of(st.none(), st.sampled_from(["T1", "T2", "T3"])),
        ),
        max_size=40,
    )
)
def test_ranks_match_pandas_min_method_within_groups(rows):
    values = np.array([math.nan if v is None else v for v, _ in rows], dtype=float)
    teams = np.array([t for _, t in rows], dtype=object)
    series = pd.Series(values)
    expected_department = series.rank(ascending=False, method="min")
    expected_team = series.groupby(teams).rank(ascending=False, method="min")
    assert rank(values).astype(float).tolist() == pytest.approx(
        expected_department.tolist(), nan_ok=True
    )
    assert rank(values, teams).astype(float).tolist() == pytest.approx(
        expected_team.reindex(series.index).tolist(), nan_ok=True
    )
    codes = pd.factorize(teams)[0].astype(float)  # teams as numbers, as KpiMatrix.team_codes
    codes[codes < 0] = math.nan
    assert rank(values, codes).astype(float).tolist() == pytest.approx(
        expected_team.reindex(series.index).tolist(), nan_ok=True
    )


def test_shrinkage_without_intervals_shrinks_alike():
    # the intervals are left out, the shrunk values and the fitted prior are the same
    table = pd.DataFrame(
        {
            "resolution_rate__num": [18.0, 45.0, 0.0],
            "resolution_rate__den": [20.0, 50.0, 0.0],
            "csat__num": [40.0, 9.0, 0.0],
            "csat__sq": [170.0, 41.0, 0.0],
            "csat__den": [10.0, 2.0, 0.0],
        }
    )
    for k in (kpi("resolution_rate"), kpi("csat")):
        full, lean = shrinkage.shrink(table, k), shrinkage.shrink(table, k, intervals=False)
        assert list(lean.columns) == [f"{k.id}_shrunk"]
        pd.testing.assert_series_equal(full[f"{k.id}_shrunk"], lean[f"{k.id}_shrunk"])
        assert full.attrs["prior"] == lean.attrs["prior"]
        assert np.isnan(lean[f"{k.id}_shrunk"].iloc[2])  # no data: no value


@pytest.mark.parametrize(
    "policy",
    [
        Policy(),
        Policy(grading="forced"),
        Policy(must_be=("resolution_rate",)),  # a must-be KPI gates the grade
        Policy(min_tickets=90),  # some agents not graded
    ],
)
def test_grades_of_gives_the_scorecards_grades(policy):
    # grade stability's lean scoring: the grade column of the full scorecard, nothing else
    rows = [
        {"agent_id": f"A{i}", "tickets": 80 + 5 * i, "csat": 3.4 + 0.15 * i,
         "first_response_median": 250 - 20 * i, "resolution_rate": 0.7 + 0.03 * i}
        for i in range(10)
    ]  # fmt: skip
    matrix = make_matrix(rows)
    column = score(matrix, policy).frame["grade"]  # the frame holds "not graded" as NaN
    expected = [None if pd.isna(g) else g for g in column]
    got = grades_of(matrix, policy)
    assert len(set(expected) - {None}) > 1  # the agents are graded apart
    assert list(got) == expected
