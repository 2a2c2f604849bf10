"""Unit tests of scoring/analyses/diagnostics.py.

Hand-made cases have expected values worked out by hand; on generated data the expected
facts are read from truth.json (what the generator planted), never from this module.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring.analyses import diagnostics as d
from scoring.data.dataset import open_dataset
from scoring.engine.policy import Policy
from scoring.engine.scorecard import KpiMatrix, score
from scoring.measures.metrics import Filters
from scoring.registry.kpis import KPIS_BY_ID
from scoring.scope import EVERYTHING, Visible
from scoring.synthetic.generate import generate
from tests.builders import agent, survey, ticket, write_dataset

CSAT, HANDLE = KPIS_BY_ID["csat"], KPIS_BY_ID["handle_minutes"]


# ---------------------------------------------------------------------------------------
# Points a gap costs (hand-made matrix)


def hand_card(method: str = "target") -> object:
    """Three agents of two teams; csat (floor 3.5, target 4.5) and handle time (120 → 40)."""
    frame = pd.DataFrame(
        {
            "agent_id": ["A", "B", "C"],
            "name": ["a", "b", "c"],
            "team": ["T1", "T1", "T2"],
            "tickets": [100, 100, 100],
            "csat": [4.0, 4.3, 4.5],
            "csat__den": [50, 50, 50],
            "handle_minutes": [80.0, 60.0, 40.0],
            "handle_minutes__den": [100, 100, 100],
        }
    )
    matrix = KpiMatrix(frame, (CSAT, HANDLE), {})
    policy = Policy(weights={"csat": 3, "handle_minutes": 1}, use_shrunk=False, method=method)
    return score(matrix, policy)


def test_points_to_target_and_to_peers_for_an_agent_by_hand():
    card = hand_card()
    values, counts = d.agent_values(card, "A")
    peers = d.agent_peer_medians(card, "A")
    assert peers == {"csat": 4.3, "handle_minutes": 60.0}  # B is A's only team-mate
    gaps = d.kpi_gaps(card, d.Scope("agent", "T1", "A"), values, peers, counts).set_index("kpi")
    # csat 4.0 scores 50 (half-way from 3.5 to 4.5); weight 3/4. To target: 50 × 0.75.
    assert gaps.loc["csat", "points_to_target"] == pytest.approx(37.5)
    # to the peer median 4.3 (score 80): 30 × 0.75
    assert gaps.loc["csat", "points_to_peers"] == pytest.approx(22.5)
    # handle 80 min scores 50 (120 → 40); weight 1/4: 12.5; peers 60 min score 75: 6.25
    assert gaps.loc["handle_minutes", "points_to_target"] == pytest.approx(12.5)
    assert gaps.loc["handle_minutes", "points_to_peers"] == pytest.approx(6.25)
    assert gaps.index[0] == "csat"  # the biggest drag first
    assert not gaps.loc["csat", "meets_target"]
    assert gaps.loc["csat", "cases"] == 50


def test_an_agent_at_or_above_target_loses_no_points():
    card = hand_card()
    values, counts = d.agent_values(card, "C")
    gaps = d.kpi_gaps(card, d.Scope("agent", "T2", "C"), values, {}, counts).set_index("kpi")
    assert gaps["points_to_target"].tolist() == [0.0, 0.0]
    assert gaps["meets_target"].all()


def test_team_points_use_the_mean_effective_weight_of_its_agents():
    card = hand_card()
    values = {"csat": 4.15, "handle_minutes": 70.0}  # team T1's own values
    peers = {"csat": 4.5, "handle_minutes": 40.0}  # T2
    gaps = d.kpi_gaps(card, d.Scope("team", "T1"), values, peers).set_index("kpi")
    # csat 4.15 scores 65; 35 points short × 0.75
    assert gaps.loc["csat", "points_to_target"] == pytest.approx(26.25)
    assert gaps.loc["csat", "points_to_peers"] == pytest.approx(26.25)
    # handle 70 min scores 62.5: 37.5 × 0.25
    assert gaps.loc["handle_minutes", "points_to_target"] == pytest.approx(9.375)


def test_group_normalisation_places_the_value_among_the_agents():
    card = hand_card("minmax")
    # min-max over csat 4.0, 4.3, 4.5 with A replaced by the target 4.5: A scores 100
    assert d.score_of_value(card, CSAT, 4.5, replace=0) == pytest.approx(100.0)
    # A now scores 0 (the minimum); its points to target = 100 × 0.75
    values, counts = d.agent_values(card, "A")
    gaps = d.kpi_gaps(card, d.Scope("agent", "T1", "A"), values, {}, counts).set_index("kpi")
    assert gaps.loc["csat", "points_to_target"] == pytest.approx(75.0)


def test_scope_checks_its_arguments():
    with pytest.raises(ValueError, match="needs a team"):
        d.Scope("team")
    with pytest.raises(ValueError, match="unknown level"):
        d.Scope("region")
    base = Filters(teams=("T1", "T2"))
    assert d.Scope("agent", "T1", "A").filters(base).agents == ("A",)
    assert d.Scope("agent", "T1", "A").filters(base).teams == ()
    assert d.Scope("team", "T2").filters(base).teams == ("T2",)


# ---------------------------------------------------------------------------------------
# Stage excess (hand-made durations)


def durations_of(rows: dict[str, list[float]], tickets: int = 40) -> pd.DataFrame:
    """Stage medians per team: {team: [received, processing, resolved]} hours."""
    stages = ["received", "processing", "resolved"]
    return pd.DataFrame(
        [
            {"team": team, "stage": stage, "median_hours": hours, "p90_hours": 1.0,
             "tickets": tickets}
            for team, medians in rows.items()
            for stage, hours in zip(stages, medians, strict=True)
        ]
    )  # fmt: skip


def test_stage_excess_names_the_stage_with_the_largest_ratio_not_the_longest():
    durations = durations_of(
        {"X": [0.5, 12.0, 20.0], "Y": [0.1, 10.0, 20.0], "Z": [0.1, 8.0, 24.0]}
    )
    excess = d.stage_excess(durations, "team", "X").set_index("stage")
    # peers of X: the median of Y's and Z's medians
    assert excess.loc["received", "peer_hours"] == pytest.approx(0.1)
    assert excess.loc["processing", "peer_hours"] == pytest.approx(9.0)
    assert excess.loc["processing", "excess_hours"] == pytest.approx(3.0)
    assert excess.loc["resolved", "ratio"] == pytest.approx(20 / 22)
    # received: 5× and 24 min more; processing: 1.33× and 3 h more; resolved: faster
    assert excess["stands_out"].tolist() == [True, True, False]
    worst = d.bottleneck(excess.reset_index())
    assert worst["stage"] == "received"  # 5× peers, though processing loses more hours
    assert worst["ratio"] == pytest.approx(5.0)


def test_a_stage_barely_slower_than_its_peers_is_no_bottleneck():
    # Z's resolution takes 24 h against the peers' 20 h: 1.2×, below the rule's 1.25×, though
    # 4 hours more per ticket; its other stages are faster. No stage stands out.
    durations = durations_of(
        {"X": [0.1, 12.0, 20.0], "Y": [0.1, 10.0, 20.0], "Z": [0.1, 8.0, 24.0]}
    )
    z = d.stage_excess(durations, "team", "Z").set_index("stage")
    assert z.loc["resolved", "ratio"] == pytest.approx(1.2)
    assert not z["stands_out"].any()
    assert d.bottleneck(z.reset_index()) is None
    # a team level with every team alike: none is named
    alike = durations_of({t: [0.1, 10.0, 20.0] for t in ("X", "Y", "Z")})
    assert d.bottleneck(d.stage_excess(alike, "team", "X")) is None


def test_every_team_s_excess_at_once_by_hand():
    # processing medians X 12, Y 10, Z 8, no team 30 (an agent without a team), W unknown:
    # each team's peers are the other rows' known medians — X: median(10, 8, 30) = 10,
    # Y: median(12, 8, 30) = 12, Z: median(12, 10, 30) = 12, W: median(12, 10, 8, 30) = 11
    durations = durations_of(
        {"X": [0.1, 12.0, 20.0], "Y": [0.1, 10.0, 20.0], "Z": [0.1, 8.0, 20.0]}
    )
    extra = pd.DataFrame(
        {
            "team": [None, "W"],
            "stage": ["processing"] * 2,
            "median_hours": [30.0, np.nan],
            "p90_hours": [1.0, 1.0],
            "tickets": [40, 0],
        }
    )
    durations = pd.concat([durations, extra], ignore_index=True)
    excess = d.excess_by_group(durations, "team")
    processing = excess[excess["stage"] == "processing"].set_index("team", drop=False)
    assert processing.loc["X", "peer_hours"] == pytest.approx(10.0)
    assert processing.loc["Y", "peer_hours"] == pytest.approx(12.0)
    assert processing.loc["Z", "peer_hours"] == pytest.approx(12.0)
    assert processing.loc["W", "peer_hours"] == pytest.approx(11.0)
    assert excess["stage"].tolist()[:4] == ["received"] * 3 + ["processing"]  # stage order
    # one team's rows are its stage_excess
    x = d.stage_excess(durations, "team", "X")
    assert x["stage"].tolist() == ["received", "processing", "resolved"]
    assert x["excess_hours"].tolist() == pytest.approx([0.0, 2.0, 0.0])


@pytest.mark.parametrize(
    ("hours", "peer", "tickets", "named"),
    [
        (0.55, 0.40, 40, False),  # 1.375× but 9 minutes more per ticket
        (0.65, 0.40, 40, True),  # 1.625× and 15 minutes more
        (0.25, 0.10, 40, False),  # 2.5× but only 9 minutes more per ticket either
        (26.0, 22.0, 40, False),  # 4 h more but 1.18×
        (27.5, 22.0, 40, True),  # 1.25× and 5.5 h more
        (27.5, 22.0, 29, False),  # the same on 29 tickets: too few
        (27.5, 22.0, 30, True),  # on 30
        (5.0, 0.0, 40, False),  # peers take no time: no ratio
    ],
)
def test_the_bottleneck_rule_by_hand(hours, peer, tickets, named):
    rule = d.BOTTLENECK_RULE
    assert (rule.min_ratio, rule.min_excess_hours, rule.min_tickets) == (1.25, 0.2, 30)
    row = pd.DataFrame({"hours": [hours], "peer_hours": [peer], "tickets": [tickets]})
    row["excess_hours"] = row["hours"] - row["peer_hours"]
    row["ratio"] = row["hours"] / row["peer_hours"].where(row["peer_hours"] > 0)
    assert d.stands_out(row).tolist() == [named]


def test_the_methods_document_states_the_bottleneck_rule():
    text = (Path(__file__).resolve().parents[2] / "docs/METHODS.md").read_text(encoding="utf-8")
    section = text.split("### Stage bottleneck", 1)[1].split("\n### ", 1)[0]
    rule = d.BOTTLENECK_RULE
    assert f"{rule.min_ratio}×" in section
    assert f"{rule.min_excess_hours * 60:.0f} minutes" in section
    assert f"{rule.min_tickets} tickets" in section


def stage_ticket(ticket_id: str, agent_id: str, start: float, hours: dict[str, float]) -> dict:
    """A ticket created `start` minutes after T0 that spends the given hours in each stage
    (received → accepted → processing → resolved → followed up)."""
    at, stamps = 0.0, {}
    ends = {"received": "accepted_at", "accepted": "work_started_at",
            "processing": "resolved_at", "resolved": "followed_up_at"}  # fmt: skip
    for stage, column in ends.items():
        at += hours[stage] * 60
        stamps[column] = at
    return ticket(ticket_id, agent_id, start, **stamps)


NORMAL = {"received": 0.1, "accepted": 0.5, "processing": 2.0, "resolved": 24.0}


def stage_dataset(root: Path, slow: dict[str, float] | None) -> Path:
    """Three teams of two agents, 40 tickets each team; team T1 spends `slow`'s hours (its
    other stages and the other teams: NORMAL, each stage's hours × 1.0, 1.05 or 1.1 by
    ticket so that medians are exact)."""
    agents, tickets = [], []
    for team in ("T1", "T2", "T3"):
        agents += [agent(f"{team}a", team), agent(f"{team}b", team)]
        for i in range(40):
            hours = {**NORMAL, **(slow if slow and team == "T1" else {})}
            spread = (1.0, 1.05, 1.1)[i % 3] if i < 39 else 1.05
            hours = {s: h * spread for s, h in hours.items()}
            owner = f"{team}{'ab'[i % 2]}"
            tickets.append(stage_ticket(f"{team}-{i}", owner, i * 90, hours))
    return write_dataset(root, agents=agents, tickets=tickets)


@pytest.fixture(scope="module")
def planted_stage(tmp_path_factory) -> Path:
    return stage_dataset(tmp_path_factory.mktemp("slow") / "data", {"processing": 6.0})


@pytest.fixture(scope="module")
def no_slow_stage(tmp_path_factory) -> Path:
    return stage_dataset(tmp_path_factory.mktemp("even") / "data", None)


def test_a_planted_slow_stage_is_named_for_its_team_and_at_the_department(planted_stage):
    ds = open_dataset(planted_stage)
    stages = d.scope_stages(ds, Filters(), d.Scope("team", "T1")).set_index("stage")
    # 40 tickets at 1.0, 1.05, 1.1 × 6 h (13, 14, 13 of them): median 6 × 1.05 = 6.3 h;
    # the peers' medians 2 × 1.05 = 2.1 h each: 3×, 4.2 h more per ticket.
    assert stages.loc["processing", "hours"] == pytest.approx(6.3)
    assert stages.loc["processing", "peer_hours"] == pytest.approx(2.1)
    worst = d.bottleneck(stages.reset_index())
    assert (worst["stage"], worst["ratio"]) == ("processing", pytest.approx(3.0))
    assert worst["excess_hours"] == pytest.approx(4.2)
    assert stages["stands_out"].sum() == 1
    teams = d.team_bottlenecks(ds, Filters(), EVERYTHING)
    assert teams[["team", "stage"]].values.tolist() == [["T1", "processing"]]
    # T2's peers are T1 (6.3 h) and T3 (2.1 h), median 4.2 h: T2's 2.1 h is faster
    assert d.bottleneck(d.scope_stages(ds, Filters(), d.Scope("team", "T2"))) is None


def test_a_team_picked_in_the_sidebar_leaves_a_team_s_stage_excess_as_it_was(planted_stage):
    # a team's peers are every other team, an agent's its team-mates: the sidebar's teams and
    # agents do not enter (the dashboard caches them by `stage_filters`); the department's
    # stages are those of the sidebar's teams
    ds = open_dataset(planted_stage)
    picked = Filters(teams=("T2",), agents=("T2a",))
    for scope in (d.Scope("team", "T1"), d.Scope("agent", "T1", "T1a")):
        assert d.stage_filters(picked, scope) == Filters()
        pd.testing.assert_frame_equal(
            d.scope_stages(ds, picked, scope), d.scope_stages(ds, Filters(), scope)
        )
    assert d.stage_filters(picked, d.Scope()) == Filters(teams=("T2",))
    department, t2 = (d.scope_stages(ds, f, d.Scope()) for f in (Filters(), picked))
    assert department.loc[department["stage"] == "processing", "hours"].item() > (
        t2.loc[t2["stage"] == "processing", "hours"].item()
    )  # T1's slow processing is the department's, not T2's


def test_without_a_slow_stage_no_team_or_stage_is_named(no_slow_stage):
    ds = open_dataset(no_slow_stage)
    assert d.team_bottlenecks(ds, Filters(), EVERYTHING).empty
    for team in ("T1", "T2", "T3"):
        stages = d.scope_stages(ds, Filters(), d.Scope("team", team))
        assert stages["ratio"].to_numpy() == pytest.approx(1.0)  # every median alike
        assert d.bottleneck(stages) is None
    agent_stages = d.scope_stages(ds, Filters(), d.Scope("agent", "T1", "T1a"))
    assert d.bottleneck(agent_stages) is None


# ---------------------------------------------------------------------------------------
# Hand-made dataset: breakdown, tickets, repeats


@pytest.fixture(scope="module")
def hand_dataset(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("diag") / "data"
    day = 24 * 60
    tickets = [
        # customer C1, repair: t1 resolved, t2 opened 5 days later (a repeat), t3 60 days on
        ticket("t1", "A", 0, customer_id="C1", resolved_at=60, first_response_at=10),
        ticket("t2", "B", 6 * day, customer_id="C1", resolved_at=30, first_response_at=50),
        ticket("t3", "B", 70 * day, customer_id="C1", resolved_at=30, first_response_at=5),
        ticket("t4", "A", 1, channel="email", customer_id="C2", first_response_at=20),
        ticket("t5", "A", 2, customer_id="C3", resolved_at=30, first_response_at=90),
    ]
    surveys = [survey("s1", "t1", 5, comment="great"), survey("s2", "t2", 1, comment="again!")]
    surveys.append(survey("s5", "t5", 1, comment="slow"))
    return write_dataset(
        root, agents=[agent("A", "T1"), agent("B", "T2")], tickets=tickets, surveys=surveys
    )


def test_breakdown_masks_cells_below_the_minimum_but_keeps_their_counts(hand_dataset):
    ds = open_dataset(hand_dataset)
    k = KPIS_BY_ID["resolution_rate"]
    cells = d.breakdown(ds, Filters(), k, ("category", "channel"), 2)
    cells = cells.set_index(["category", "channel"])
    # phone repair: t1, t2, t3, t5 all resolved → 100%; email: 1 ticket, below 2
    assert cells.loc[("repair", "phone"), "value"] == pytest.approx(1.0)
    assert cells.loc[("repair", "phone"), "cases"] == 4
    assert not cells.loc[("repair", "email"), "enough"]
    assert np.isnan(cells.loc[("repair", "email"), "value"])
    assert cells.loc[("repair", "email"), "tickets"] == 1
    assert cells.loc[("repair", "email"), "raw_value"] == 0.0


def test_ticket_list_is_worst_first_with_comments_and_counts_every_ticket(hand_dataset):
    ds = open_dataset(hand_dataset)
    rows = d.ticket_list(ds, Filters(), EVERYTHING, {"channel": "phone"})
    # csat 1 first (t5 waited 90 min, t2 50 min), then csat 5, then unsurveyed by response
    assert rows["ticket_id"].tolist() == ["t5", "t2", "t1", "t3"]
    assert rows["comment"].tolist()[:3] == ["slow", "again!", "great"]
    assert rows["first_response_minutes"].tolist() == [90.0, 50.0, 10.0, 5.0]
    only_a = d.ticket_list(ds, Filters(agents=("A",)), EVERYTHING, {"category": "repair"})
    assert sorted(only_a["ticket_id"]) == ["t1", "t4", "t5"]
    with pytest.raises(ValueError, match="cannot select tickets by"):
        d.ticket_list(ds, Filters(), EVERYTHING, {"nonsense": "x"})


def test_repeat_chains_and_who_resolved_before_the_repeat(hand_dataset):
    ds = open_dataset(hand_dataset)
    chains = d.repeat_chains(ds, Filters(), d.Scope("department"), EVERYTHING, repeat_days=30)
    assert chains["ticket_id"].tolist() == ["t1", "t2"]  # t3 came 64 days after t2
    assert chains["agent_id"].tolist() == ["A", "B"]
    assert chains["position"].tolist() == [1, 2]
    assert d.repeat_chains(ds, Filters(), d.Scope("team", "T2"), EVERYTHING, 30)[
        "ticket_id"
    ].tolist() == [
        "t1",
        "t2",
    ]
    sources = d.repeat_sources(ds, Filters(), d.Scope("department"), EVERYTHING, 30).set_index(
        "agent_id"
    )
    # A resolved t1 and t5 (t4 unresolved); t2 followed t1. B resolved t2, t3: no repeat.
    assert sources.loc["A", "resolutions"] == 2
    assert sources.loc["A", "repeats_after"] == 1
    assert sources.loc["A", "share_of_repeats"] == 1.0
    assert sources.loc["A", "repeat_share_of_resolutions"] == 0.5
    assert sources.loc["B", "repeats_after"] == 0


def test_a_chain_crossing_teams_shows_the_other_teams_step_anonymously(hand_dataset):
    ds = open_dataset(hand_dataset)
    t2_only = Visible(teams=("T2",))
    chains = d.repeat_chains(ds, Filters(teams=("T2",)), d.Scope("team", "T2"), t2_only, 30)
    # the chain t1 (A, team T1) → t2 (B, team T2) is found across teams, t1 kept anonymous
    assert chains["position"].tolist() == [1, 2]
    for column, shown in (("ticket_id", "t2"), ("agent_id", "B"), ("team", "T2")):
        assert chains[column].isna().tolist() == [True, False]
        assert chains[column].iloc[1] == shown
    assert chains["visible_step"].tolist() == [False, True]
    assert chains["created_at"].notna().all()  # its timing is kept
    # a team that sees neither step sees no chain at all
    t3 = Visible(teams=("T3",))
    assert d.repeat_chains(ds, Filters(teams=("T3",)), d.Scope("department"), t3, 30).empty


def test_repeat_sources_and_tickets_list_only_visible_agents(hand_dataset):
    ds = open_dataset(hand_dataset)
    t2_only = Visible(teams=("T2",))
    department = d.Scope("department")
    sources = d.repeat_sources(ds, Filters(teams=("T2",)), department, t2_only, 30)
    assert sources["agent_id"].tolist() == ["B"]
    rows = d.ticket_list(ds, Filters(), t2_only, {"channel": "phone"})
    assert sorted(rows["ticket_id"]) == ["t2", "t3"]
    names = d.drill_table(ds, Filters(), "agent_id", t2_only)
    assert names[["agent_id", "team"]].values.tolist() == [["B", "T2"]]


def test_the_drill_table_keeps_the_visible_scope_even_if_the_query_ignored_it(
    hand_dataset, monkeypatch
):
    ds = open_dataset(hand_dataset)
    everyone = d.kpi_table(ds, Filters(), ("team",), 30)
    assert set(everyone["team"]) == {"T1", "T2"}
    monkeypatch.setattr(d, "kpi_table", lambda *args: everyone)  # ignores the filter
    shown = d.drill_table(ds, Filters(teams=("T2",)), "team", Visible(teams=("T2",)))
    assert shown["team"].tolist() == ["T2"]
    with pytest.raises(TypeError, match="Visible"):
        d.drill_table(ds, Filters(), "team", None)


# ---------------------------------------------------------------------------------------
# Generated data: the planted facts are found


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("generated") / "data"
    generate(out, tickets=40_000, seed=7)
    return out, json.loads((out / "truth.json").read_text(encoding="utf-8"))


def test_the_planted_bottleneck_team_and_stage_are_named(generated):
    path, truth = generated
    ds = open_dataset(path)
    planted = truth["bottleneck"]
    worst = d.team_bottlenecks(ds, Filters(), EVERYTHING).iloc[0]
    assert (worst["team"], worst["stage"]) == (planted["team"], planted["stage"])
    assert worst["ratio"] > 2
    team = d.bottleneck(d.scope_stages(ds, Filters(), d.Scope("team", planted["team"])))
    assert team["stage"] == planted["stage"]


def test_each_planted_weak_category_is_the_agents_weakest_fcr_cell(generated):
    path, truth = generated
    ds = open_dataset(path)
    for weak in truth["weak_skills"]:
        scope = d.Scope("agent", agent=weak["agent_id"])
        cells = d.weakest_cell(
            ds, scope.filters(Filters()), Filters(), KPIS_BY_ID["fcr"], "category", 20
        )
        assert cells["category"].iloc[0] == weak["category"], (weak, cells)
        assert cells["gap"].iloc[0] < -0.2
