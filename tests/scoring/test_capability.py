"""Unit tests of scoring/capability/ (the package).

Planted facts come from the generator's manifest (truth.json); hand-made datasets have
expected values worked out by hand in the comments.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.analyses import capability
from scoring.data.dataset import open_dataset
from scoring.engine.scorecard import build_matrix
from scoring.measures.metrics import Filters
from scoring.methods import stats
from scoring.scope import EVERYTHING, Visible
from scoring.synthetic.generate import generate
from tests.builders import agent, ticket, write_dataset

# Minimums asserted on the generated data (seed 7). Measured: recall 1.0 and precision 1.0
# on seed 7; over seeds 7, 11, 23, 31, 42 recall 1.0 and precision 0.86–1.0 (fcr).
MIN_RECALL = 0.8
MIN_PRECISION = 0.7


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("capability") / "data"
    manifest = generate(out, tickets=40000, seed=7)
    return out, manifest


@pytest.fixture(scope="module")
def generated_ds(generated):
    return open_dataset(generated[0])


@pytest.fixture(scope="module")
def fcr_matrix(generated_ds):
    return capability.skill_matrix(generated_ds, Filters(), "fcr")


def precision_recall(flagged: set, planted: set) -> tuple[float, float]:
    hits = len(flagged & planted)
    return hits / max(len(flagged), 1), hits / len(planted)


def test_planted_weak_skills_are_the_ones_flagged(generated, fcr_matrix):
    _, truth = generated
    planted = {(w["agent_id"], w["category"]) for w in truth["weak_skills"]}
    weak = fcr_matrix[(fcr_matrix["dimension"] == "category") & fcr_matrix["weak"]]
    flagged = set(zip(weak["agent_id"], weak["skill"], strict=True))
    precision, recall = precision_recall(flagged, planted)
    print(f"weak skills (fcr, seed 7): precision {precision:.2f}, recall {recall:.2f}")
    assert recall >= MIN_RECALL, (flagged, planted)
    assert precision >= MIN_PRECISION, (flagged, planted)


def test_planted_weak_channels_are_found(generated, fcr_matrix):
    _, truth = generated
    planted = {(w["agent_id"], w["channel"]) for w in truth["weak_channels"]}
    weak = fcr_matrix[(fcr_matrix["dimension"] == "channel") & fcr_matrix["weak"]]
    flagged = set(zip(weak["agent_id"], weak["skill"], strict=True))
    precision, recall = precision_recall(flagged, planted)
    assert recall >= 0.75 and precision >= 0.6, (flagged, planted)


def test_csat_also_finds_the_weak_skills(generated, generated_ds):
    _, truth = generated
    planted = {(w["agent_id"], w["category"]) for w in truth["weak_skills"]}
    matrix = capability.skill_matrix(generated_ds, Filters(), "csat")
    weak = matrix[(matrix["dimension"] == "category") & matrix["weak"]]
    precision, recall = precision_recall(
        set(zip(weak["agent_id"], weak["skill"], strict=True)), planted
    )
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION


def test_matrix_cells_match_the_parquet_and_the_shrinkage(generated, fcr_matrix):
    """Raw FCR per agent × category from pandas; shrunk = (x + α)/(n + α + β)."""
    tickets = pd.read_parquet(generated[0] / "tickets")
    resolved = tickets[tickets["resolved_at"].notna() & tickets["contacts"].notna()]
    by = resolved.groupby(["agent_id", "category"])["contacts"]
    x = by.apply(lambda c: int((c == 1).sum()))
    n = by.count()
    cells = fcr_matrix[fcr_matrix["dimension"] == "category"].set_index(["agent_id", "skill"])
    repair = cells.xs("repair", level="skill")
    xr, nr = x.xs("repair", level="category"), n.xs("repair", level="category")
    assert np.allclose(repair["raw"], (xr / nr).reindex(repair.index))
    alpha, beta = stats.fit_beta_prior(xr.to_numpy(), nr.to_numpy())
    expected = (xr + alpha) / (nr + alpha + beta)
    assert np.allclose(repair["shrunk"], expected.reindex(repair.index))
    assert (repair["lo"] <= repair["shrunk"]).all() and (repair["shrunk"] <= repair["hi"]).all()


def test_self_overraters_are_blind_spots(generated, generated_ds):
    _, truth = generated
    spots = capability.blind_spots(generated_ds, Filters(), EVERYTHING)
    flagged = set(spots.loc[spots["blind_spot"], "agent_id"])
    assert set(truth["self_overraters"]) <= flagged
    assert len(flagged - set(truth["self_overraters"])) <= 1


def test_trained_agents_improve_more_than_peers(generated, generated_ds):
    _, truth = generated
    effects = capability.training_effects(generated_ds, Filters(), EVERYTHING, "fcr")
    planted = {(e["agent_id"], e["skill"]) for e in truth["training_effects"]}
    keys = list(zip(effects["agent_id"], effects["skill"], strict=True))
    mine = effects[[k in planted for k in keys]]
    assert len(mine) == len(planted)
    assert (mine["change"] > 0).all() and (mine["did"] > 0).all()
    assert (mine["did_lo"] > 0).sum() >= 2  # interval above 0 for most planted courses
    others = effects[[k not in planted for k in keys]]
    assert mine["did"].mean() > others["did"].mean() + 0.1


# ---------------------------------------------------------------------------------------
# Hand-made datasets


def fcr_tickets(prefix: str, agent_id: str, category: str, total: int, first_contact: int):
    """`total` resolved tickets, the first `first_contact` of them solved at first contact."""
    return [
        ticket(
            f"{prefix}{i}",
            agent_id,
            i,
            category=category,
            resolved_at=i + 30,
            contacts=1 if i < first_contact else 2,
        )
        for i in range(total)
    ]


def _repairs(prefix: str, agent_id: str, day: int, total: int, first_contact: int) -> list:
    """`total` resolved repairs on T0 + `day` days, the first `first_contact` of them solved
    at first contact."""
    return [
        ticket(
            f"{prefix}{i}",
            agent_id,
            day * 1440 + i,
            resolved_at=30,
            contacts=1 if i < first_contact else 2,
        )
        for i in range(total)
    ]


def test_a_training_effect_worked_by_hand(tmp_path):
    """T0 is Monday 2026-03-02; A and C finish a repair course on Wednesday 2026-04-15 (the
    week of 13 April: T0 + 42 days). The 120 days before that week hold T0's week, the 120
    after it hold 4 May's (T0 + 63 days); the completion week itself and 7 September
    (T0 + 189 days, 147 days after) are in neither."""
    tickets = [
        *_repairs("Ab", "A", 0, 4, 1),  # A before: 1/4 at first contact
        *_repairs("Aw", "A", 44, 3, 0),  # the completion week: in neither window
        *_repairs("Aa", "A", 63, 4, 3),  # A after: 3/4
        *_repairs("Al", "A", 189, 2, 0),  # past the window
        *_repairs("Pb", "P", 0, 2, 1),  # the untrained peer P: 1/2 before, 1/2 after
        *_repairs("Pa", "P", 63, 2, 1),
        *_repairs("Cb", "C", 0, 2, 2),  # C is trained: not a peer (and has no case after)
        ticket("Pi", "P", 63 * 1440, category="installation", resolved_at=30, contacts=2),
    ]
    course = {"skill": "repair", "course": "Repair 101", "hours": 4.0}
    done = pd.Timestamp("2026-04-15").date()
    root = write_dataset(
        tmp_path / "data",
        agents=[agent("A"), agent("P"), agent("C")],
        tickets=tickets,
        training=[
            {"agent_id": "A", **course, "completed_on": done},
            {"agent_id": "C", **course, "completed_on": done},
        ],
    )
    effects = capability.training_effects(open_dataset(root), Filters(), EVERYTHING, "fcr")
    assert effects["agent_id"].tolist() == ["A"]  # C: no case after the course
    row = effects.iloc[0]
    assert (row["skill"], row["course"], row["completed_on"]) == ("repair", "Repair 101", done)
    assert (row["before"], row["before_cases"], row["after"], row["after_cases"]) == (
        0.25, 4, 0.75, 4
    )  # fmt: skip
    assert row["change"] == pytest.approx(0.5)
    assert (row["peers_before"], row["peers_after"], row["peers_change"]) == (0.5, 0.5, 0.0)
    assert row["did"] == pytest.approx(0.5)
    # change ± 1.959964 · √(0.75·0.25/4 + 0.25·0.75/4) = 0.5 ± 0.600114
    assert (row["change_lo"], row["change_hi"]) == pytest.approx((-0.100114, 1.100114), abs=1e-6)
    # did ± 1.959964 · √(0.09375 + 0.5·0.5/2 + 0.5·0.5/2) = 0.5 ± 1.149131
    assert (row["did_lo"], row["did_hi"]) == pytest.approx((-0.649131, 1.649131), abs=1e-6)
    # 3/4 vs 1/4, pooled 1/2: z = 0.5 / √(0.25 · (1/4 + 1/4)) = √2, p = 2(1 − Φ(√2)) = 0.157299
    assert row["p_value"] == pytest.approx(0.157299, abs=1e-6)


@pytest.fixture(scope="module")
def few_cases(tmp_path_factory) -> Path:
    """Five peers at 48/60 first-contact repairs; W fails 54 of 60 repairs; F fails all of
    only 5 repairs (too little evidence) and handles 60 consultations like everybody."""
    rows, agents = [], []
    for p in range(5):
        agents.append(agent(f"P{p}", supervisor="Boss"))
        rows += fcr_tickets(f"P{p}r", f"P{p}", "repair", 60, 48)
        rows += fcr_tickets(f"P{p}c", f"P{p}", "consultation", 60, 54)
    agents += [agent("W", supervisor="Boss"), agent("F", supervisor="Boss")]
    rows += fcr_tickets("Wr", "W", "repair", 60, 6) + fcr_tickets("Wc", "W", "consultation", 60, 54)
    rows += fcr_tickets("Fr", "F", "repair", 5, 0) + fcr_tickets("Fc", "F", "consultation", 60, 54)
    training = [
        {"agent_id": "P0", "skill": "repair", "course": "Repair 101", "completed_on": None,
         "hours": 4.0},
    ]  # fmt: skip
    training[0]["completed_on"] = pd.Timestamp("2026-01-05").date()
    return write_dataset(
        tmp_path_factory.mktemp("few") / "data", agents=agents, tickets=rows, training=training
    )


@pytest.mark.parametrize("baseline", capability.BASELINES)
def test_few_tickets_in_a_category_are_not_flagged(few_cases, baseline):
    ds = open_dataset(few_cases)
    matrix = capability.skill_matrix(ds, Filters(), "fcr", baseline=baseline)
    repair = matrix[matrix["skill"] == "repair"].set_index("agent_id")
    # F: 0/5 is worse than anybody, but 5 < 20 cases: greyed, never flagged.
    assert repair.at["F", "cases"] == 5 and not repair.at["F", "enough"]
    assert not repair.at["F", "significant"] and not repair.at["F", "weak"]
    # W: 6/60 against peers' 240/300 (+ F's 0/5 = 240/305) is a flagged need.
    assert repair.at["W", "raw"] == pytest.approx(0.1)
    if baseline == "peers":
        assert repair.at["W", "peer"] == pytest.approx(240 / 305)
    assert repair.at["W", "weak"]
    assert not repair.drop(index=["W"])["weak"].any()
    assert not matrix[matrix["skill"] == "consultation"]["weak"].any()


def test_training_needs_rank_by_impact_with_a_course(few_cases):
    ds = open_dataset(few_cases)
    matrix = capability.skill_matrix(ds, Filters(), "fcr")
    needs = capability.training_needs(matrix, capability.courses(ds), 2.0, EVERYTHING)
    # W is weak at repairs and, as all tickets here are phone tickets, on the phone channel.
    assert set(needs["agent_id"]) == {"W"}
    assert set(zip(needs["dimension"], needs["skill"], strict=True)) == {
        ("category", "repair"),
        ("channel", "phone"),
    }
    assert needs["impact"].is_monotonic_decreasing
    need = needs.set_index("skill").loc["repair"]
    assert need["per_month"] == pytest.approx(30.0)  # 60 repairs over 2 months
    assert need["impact"] == pytest.approx(30.0 * abs(need["gap"]))
    assert need["course"] == "Repair 101"
    assert math.isnan(needs.set_index("skill").loc["phone", "course"] or math.nan)
    # W's needs are W's alone: individual coaching, no group session
    assert capability.team_needs(needs, EVERYTHING).empty
    repair_only = needs[needs["skill"] == "repair"]
    roster = capability.agents(ds, EVERYTHING)
    plan = capability.coaching_plan(
        roster, repair_only, pd.DataFrame(columns=["agent_id", "blind_spot"]),
        lambda row: (row.skill, f"{row.cases:.0f} cases"), EVERYTHING,
    )  # fmt: skip
    assert plan.iloc[0][["agent_id", "owner", "gap", "evidence", "training", "kind"]].tolist() == [
        "W",
        "Boss",
        "repair",
        "60 cases",
        "Repair 101",
        "training_need",
    ]
    spot = pd.DataFrame(
        [{"agent_id": "W", "gap": 1.2, "lo": 0.4, "hi": 2.0, "worst": "empathy",
          "blind_spot": True}]
    )  # fmt: skip
    plan = capability.coaching_plan(
        roster,
        repair_only.iloc[0:0],
        spot,
        lambda row: ("blind spot", f"{row.worst}"),
        EVERYTHING,
    )
    assert plan[["gap", "evidence", "kind"]].values.tolist() == [
        ["blind spot", "empathy", "blind_spot"]
    ]
    assert plan["training"].isna().all()  # the page words the feedback talk


@pytest.fixture(scope="module")
def hard_tickets(tmp_path_factory) -> Path:
    """H takes the hard tickets (repairs), E only easy ones (consultations).

    Peers P1, P2: 45/50 consultations and 25/50 repairs at first contact.
    H: 48/80 repairs and 18/20 consultations → observed 66/100 = 0.66.
    E: 85/100 consultations → observed 0.85. Raw ranking: E above H.
    Expected (other agents' rate in each cell):
      H: repair 50/100 = 0.5 (P1, P2), consultation (45+45+85)/200 = 0.875
         → (80·0.5 + 20·0.875)/100 = 0.575, ratio 0.66/0.575 ≈ 1.148
      E: consultation (45+45+18)/120 = 0.9 → 0.9, ratio 0.85/0.9 ≈ 0.944
    Adjusted ranking: H above E (and above the peers, whose ratio is below 1).
    """
    rows = []
    for p in ("P1", "P2"):
        rows += fcr_tickets(f"{p}c", p, "consultation", 50, 45)
        rows += fcr_tickets(f"{p}r", p, "repair", 50, 25)
    rows += fcr_tickets("Hr", "H", "repair", 80, 48) + fcr_tickets(
        "Hc", "H", "consultation", 20, 18
    )
    rows += fcr_tickets("Ec", "E", "consultation", 100, 85)
    agents = [agent(a) for a in ("P1", "P2", "H", "E")]
    return write_dataset(tmp_path_factory.mktemp("hard") / "data", agents=agents, tickets=rows)


def test_case_mix_does_not_penalise_the_hard_tickets(hard_tickets):
    ds = open_dataset(hard_tickets)
    mix = capability.case_mix(ds, Filters(), "fcr").set_index("agent_id")
    assert mix.at["H", "observed"] == pytest.approx(0.66)
    assert mix.at["E", "observed"] == pytest.approx(0.85)
    assert mix.at["H", "expected"] == pytest.approx(0.575)
    assert mix.at["E", "expected"] == pytest.approx(0.9)
    assert mix.at["H", "ratio"] == pytest.approx(0.66 / 0.575)
    assert mix.at["E", "difference"] == pytest.approx(0.85 - 0.9)
    assert mix.at["E", "raw_rank"] < mix.at["H", "raw_rank"]
    assert mix.at["H", "adjusted_rank"] == 1
    assert mix.at["H", "adjusted_rank"] < mix.at["E", "adjusted_rank"]
    # adjusted = ratio × department rate (70 + 70 + 66 + 85)/400
    assert mix.at["H", "adjusted"] == pytest.approx(0.66 / 0.575 * 291 / 400)


def test_case_mix_matrix_for_the_scorecard(hard_tickets):
    ds = open_dataset(hard_tickets)
    matrix = build_matrix(ds, Filters())
    adjusted = capability.case_mix_matrix(matrix, ds, Filters())
    before = matrix.frame.set_index("agent_id")
    after = adjusted.frame.set_index("agent_id")
    factor = (291 / 400) / 0.575  # department / H's expected
    assert after.at["H", "fcr"] == pytest.approx(before.at["H", "fcr"] * factor)
    assert after.at["H", "fcr_shrunk"] == pytest.approx(before.at["H", "fcr_shrunk"] * factor)
    assert after.at["H", "fcr__den"] == before.at["H", "fcr__den"]  # evidence unchanged
    assert after.at["H", "fcr"] > after.at["E", "fcr"]
    assert before.at["H", "fcr"] < before.at["E", "fcr"]


def test_blind_spot_threshold(tmp_path):
    """A: self 5 vs others 3 on two competencies (gap 2) → blind spot; B: self 3.5 vs 3
    (gap 0.5 < 1 point) → not; C: self 4 vs others 3 and 3.2 → gaps 1.0, 0.8: mean 0.9."""
    ratings = []
    for reviewee, self_scores, other_scores in (
        ("A", (5.0, 5.0), (3.0, 3.0)),
        ("B", (3.5, 3.5), (3.0, 3.0)),
        ("C", (4.0, 4.0), (3.0, 3.2)),
    ):
        for competency, mine, theirs in zip(
            ("teamwork", "technical"), self_scores, other_scores, strict=True
        ):
            ratings.append((reviewee, "self", competency, mine))
            ratings += [(reviewee, role, competency, theirs) for role in ("supervisor", "peer")]
    feedback = [
        {"reviewee_id": r, "reviewer_role": role, "competency": c, "score": s,
         "period": "2026-Q1"}
        for r, role, c, s in ratings
    ]  # fmt: skip
    root = write_dataset(
        tmp_path / "data",
        agents=[agent(a) for a in "ABC"],
        tickets=[ticket("t1", "A")],
        feedback_360=feedback,
    )
    ds = open_dataset(root)
    table = capability.feedback_360(ds, Filters(), EVERYTHING).set_index(["agent_id", "competency"])
    assert table.at[("A", "teamwork"), "self"] == 5.0
    assert table.at[("A", "teamwork"), "others"] == 3.0
    assert table.at[("C", "technical"), "gap"] == pytest.approx(0.8)
    assert math.isnan(table.at[("A", "teamwork"), "customer"])
    spots = capability.blind_spots(ds, Filters(), EVERYTHING).set_index("agent_id")
    assert spots.at["A", "gap"] == pytest.approx(2.0) and spots.at["A", "blind_spot"]
    assert not spots.at["B", "blind_spot"]
    assert spots.at["C", "gap"] == pytest.approx(0.9) and not spots.at["C", "blind_spot"]
    # C's gaps 1.0 and 0.8: sd 0.1414, half-width 1.96 · 0.1414 / √2 = 0.196
    assert spots.at["C", "lo"] == pytest.approx(0.704, abs=1e-3)
    assert spots.at["C", "hi"] == pytest.approx(1.096, abs=1e-3)
    assert (spots.at["C", "worst"], spots.at["C", "worst_gap"]) == ("teamwork", pytest.approx(1.0))
    assert spots.at["A", "competencies"] == 2 and list(spots.index) == ["A", "B", "C"]


def test_no_optional_tables(few_cases):
    ds = open_dataset(few_cases)
    assert capability.feedback_360(ds, Filters(), EVERYTHING).empty
    assert capability.blind_spots(ds, Filters(), EVERYTHING).empty
    assert capability.COMPETENCY not in capability.skill_dimensions(ds)


def test_bad_arguments(few_cases):
    ds = open_dataset(few_cases)
    with pytest.raises(ValueError, match="not a skill KPI"):
        capability.skill_matrix(ds, Filters(), "nps")
    with pytest.raises(ValueError, match="unknown baseline"):
        capability.skill_matrix(ds, Filters(), "fcr", baseline="nobody")
    with pytest.raises(ValueError):
        capability.CapabilityConfig(min_cases=0)


def test_a_group_training_needs_at_least_two_agents_of_a_team():
    def need(agent_id, team, skill, impact):
        row = {"agent_id": agent_id, "name": f"Name {agent_id}", "team": team, "skill": skill}
        return row | {"dimension": "category", "impact": impact, "course": "C"}

    needs = pd.DataFrame(
        [
            need("B", "T1", "repair", 2.0),
            need("A", "T1", "repair", 3.0),
            need("C", "T2", "repair", 4.0),  # alone in T2
            need("D", "T1", "installation", 5.0),  # alone on installation
            need("E", "T2", "complaint", 1.0),
            need("F", "T2", "complaint", 1.5),
            need("G", "T2", "complaint", 0.5),
        ]
    )
    assert capability.MIN_GROUP_SIZE == 2
    groups = capability.team_needs(needs, EVERYTHING)
    assert groups[["team", "skill", "agents", "agent_ids", "impact"]].values.tolist() == [
        ["T2", "complaint", 3, "E, F, G", 3.0],
        ["T1", "repair", 2, "A, B", 5.0],
    ]
    assert groups["members"].tolist() == [
        "Name E (E), Name F (F), Name G (G)",
        "Name A (A), Name B (B)",
    ]
    assert (groups["agents"] >= 2).all()
    # a group whose second member is outside the view is no group
    assert capability.team_needs(needs, Visible(teams=("T1",), agents=("A",))).empty


def _reference_by_root(fine: pd.DataFrame, dimension: str, kind: str, min_cases: int) -> dict:
    """The "specific" reference of each (agent, skill) worked one pair at a time from the
    definition (docs/METHODS.md): δ solves Σ den·σ(logit(peer) + δ) over the agent's other
    cases plus `min_cases` pseudo-cases at the overall value = their observed successes
    (a root by bisection, not Newton); for means R = (O_rest + c) / (E_rest + c)."""
    from scipy.optimize import brentq
    from scipy.special import expit, logit

    overall = fine["num"].sum() / fine["den"].sum()
    refs = {}
    for (agent_id, skill), inside in fine.groupby(["agent_id", dimension]):
        rest = fine[(fine["agent_id"] == agent_id) & (fine[dimension] != skill)]
        if kind == "rate":
            peer_logits = logit(rest["peer_value"].clip(1e-6, 1 - 1e-6))
            observed = rest["num"].sum() + min_cases * overall

            def gap(d, peer_logits=peer_logits, rest=rest, observed=observed):
                expected = (rest["den"] * expit(peer_logits + d)).sum()
                return expected + min_cases * expit(logit(overall) + d) - observed

            delta = brentq(gap, -30, 30, xtol=1e-13)
            inside_logits = logit(inside["peer_value"].clip(1e-6, 1 - 1e-6))
            value = (inside["den"] * expit(inside_logits + delta)).sum()
        else:
            c = min_cases * overall
            ratio = (rest["num"].sum() + c) / ((rest["den"] * rest["peer_value"]).sum() + c)
            value = ratio * (inside["den"] * inside["peer_value"]).sum()
        refs[(agent_id, skill)] = value / inside["den"].sum()
    return refs


@pytest.mark.parametrize("kind", ["rate", "mean"])
def test_specific_references_solve_their_definition(kind):
    """Every (agent, skill) pair's reference, computed for all pairs at once, equals the
    definition's worked one pair at a time: agents with one skill (no other cases), several
    cells per skill, a peer value of 0 and one of 1 (clipped log-odds)."""
    from scoring.analyses.capability.skills import _specific_refs

    rng = np.random.default_rng(3)
    rows = []
    for a in range(12):
        skills = (
            ["billing"]
            if a == 0
            else rng.choice(["billing", "repair", "setup"], 2 + a % 2, replace=False)
        )
        for skill in skills:
            for cell in range(1 + a % 3):
                den = float(rng.integers(1, 40))
                num = (
                    float(rng.binomial(int(den), 0.6))
                    if kind == "rate"
                    else den * rng.uniform(5, 20)
                )
                peer = rng.uniform(0.3, 0.9) if kind == "rate" else rng.uniform(5, 20)
                rows.append((f"A{a}", skill, cell, num, den, peer))
    fine = pd.DataFrame(rows, columns=["agent_id", "category", "cell", "num", "den", "peer_value"])
    if kind == "rate":
        fine.loc[1, "peer_value"], fine.loc[2, "peer_value"] = 0.0, 1.0
    refs = _specific_refs(fine, "category", kind, min_cases=20)
    expected = _reference_by_root(fine, "category", kind, 20)
    assert len(refs) == len(expected)
    for pair, value in expected.items():
        assert refs[pair] == pytest.approx(value, rel=1e-9), pair


def test_a_skills_suggested_courses_are_listed_most_taken_first():
    from scoring.analyses.capability.skills import _suggestions

    catalogue = pd.DataFrame(
        {
            "skill": ["billing", "repair", "repair", None],
            "course": ["Billing basics", "Repair 201", "Repair 101", "Orphan"],
            "completions": [3, 9, 2, 1],
        }
    )  # as `courses` orders it: by skill, most completions first
    assert _suggestions(catalogue) == {
        "billing": "Billing basics",
        "repair": "Repair 201; Repair 101",
    }
