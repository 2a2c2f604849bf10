"""Did it work? (scoring.analyses.effect): a small hand-made change worked by hand, and the
sample's planted policy change (data/sample/truth.json `policy_change`) recovered."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest

from scoring.analyses.effect import design
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import Filters
from tests import builders
from tests.conftest import SAMPLE_DATASET

DAY = 24 * 60  # minutes
CHANGE_DAY = date(2026, 3, 16)  # builders.T0 is Monday 2026-03-02: day 14
# First response minutes before (day 7, month −1) and after (day 21, month 0) the change:
# the treated team's halve (10 → 5, 20 → 10), the control team's stay.
RESPONSES = {"a1": (10, 5), "a2": (20, 10), "c1": (10, 10), "c2": (20, 20)}
CONTACTS = {"a1": (1, 1), "a2": (2, 1), "c1": (1, 1), "c2": (1, 2)}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> open_dataset:
    tickets = []
    for agent, (before, after) in RESPONSES.items():
        for side, day, minutes in (("b", 7, before), ("a", 21, after)):
            contacts = CONTACTS[agent][side == "a"]
            start = day * DAY
            tickets.append(
                builders.ticket(
                    f"{agent}{side}",
                    agent,
                    start,
                    first_response_at=minutes,
                    resolved_at=60,
                    contacts=contacts,
                )  # fmt: skip
            )
    agents = [builders.agent(a, "East" if a.startswith("a") else "West") for a in RESPONSES]
    root = builders.write_dataset(tmp_path_factory.mktemp("effect"), agents=agents, tickets=tickets)
    return open_dataset(root)


def test_log_duration_did_by_hand(small):
    # Logs: treated before (ln 10 + ln 20)/2, after (ln 5 + ln 10)/2; control unchanged:
    # δ = ln ½, so the relative effect is e^δ − 1 = −50%; geometric means √200 and √50.
    change = design.Change(CHANGE_DAY, teams=("East",), months=1)
    result = design.evaluate(small, Filters(), change, ("first_response_median",))
    (effect,) = result.effects
    assert (result.first_day, result.last_day) == (date(2026, 2, 16), date(2026, 4, 15))
    assert effect.method == design.DID and effect.relative
    assert effect.control_teams == ("West",)
    assert effect.estimate == pytest.approx(-0.5)
    assert effect.treated_before == pytest.approx(math.sqrt(200))
    assert effect.treated_after == pytest.approx(math.sqrt(50))
    assert effect.control_before == pytest.approx(effect.control_after)
    assert (effect.treated_agents, effect.control_agents) == (2, 2)
    trends = effect.trends.set_index(["group", "k"])["value"]
    assert trends["treated", -1] == pytest.approx(math.sqrt(200))  # shown as minutes
    assert trends["control", 0] == pytest.approx(math.sqrt(200))
    # One month each side leaves no room for a placebo; two agents a side are thin.
    assert {design.NO_PLACEBO, design.THIN_SAMPLE} <= set(effect.caveats)


def test_rate_without_control_is_the_two_proportion_z_test(small):
    # First-contact resolution of East: before 1 of 2 (a2 needed 2 contacts), after 2 of 2.
    # Pooled 3/4, SE = √(¾·¼·(½ + ½)) = 0.433013, z = 0.5/0.433013 = 1.154701, p = 0.248213.
    change = design.Change(CHANGE_DAY, teams=("East",), months=1, controls=())
    (effect,) = design.evaluate(small, Filters(), change, ("fcr",)).effects
    assert effect.method == design.Z_TEST
    assert effect.estimate == pytest.approx(0.5)
    assert effect.p_value == pytest.approx(0.248213, abs=1e-6)
    assert math.isnan(effect.control_before) and effect.control_teams == ()


def test_bad_changes_are_refused_with_the_field_named(small):
    with pytest.raises(design.ChangeError, match="treated"):
        design.Change(CHANGE_DAY)
    with pytest.raises(design.ChangeError, match="unknown KPI nope"):
        design.evaluate(small, Filters(), design.Change(CHANGE_DAY, teams=("East",)), ("nope",))
    with pytest.raises(design.ChangeError, match="--date"):
        design.evaluate(small, Filters(), design.Change(date(2030, 1, 1), teams=("East",)))


@pytest.fixture(scope="module")
def sample():
    return open_dataset(SAMPLE_DATASET)


@pytest.fixture(scope="module")
def planted() -> dict:
    return json.loads((SAMPLE_DATASET / "truth.json").read_text())["policy_change"]


def test_planted_policy_change_is_recovered(sample, planted):
    change = design.Change(date.fromisoformat(planted["date"]), teams=(planted["team"],))
    (effect,) = design.evaluate(sample, Filters(), change, ("first_response_median",)).effects
    assert effect.method == design.DID and len(effect.control_teams) == design.AUTO_CONTROLS
    assert planted["team"] not in effect.control_teams
    assert effect.lo <= planted["effect"] <= effect.hi  # −40%
    assert effect.hi < 0 and effect.p_value < 0.001
    # The placebo three months earlier shows nothing; the trends before were parallel.
    assert effect.placebo_date == date(2026, 3, 1)
    assert effect.placebo_p > 0.05 and effect.placebo_lo < 0 < effect.placebo_hi
    assert effect.pretrend_p > 0.05
    assert effect.caveats == ()
    # The event study: every month after the change is lower, none before is.
    events = effect.events.set_index("k")
    assert (events.loc[0:, "hi"] < 0).all()
    assert (events.loc[:-2, "lo"] < 0).all() and (events.loc[:-2, "hi"] > 0).all()


def test_planted_control_team_and_placebo_date_show_nothing(sample, planted):
    day = date.fromisoformat(planted["date"])
    untouched = tuple(
        t for t in json.loads((SAMPLE_DATASET / "truth.json").read_text())["teams"]
        if t not in (planted["team"], planted["control_team"])
    )  # fmt: skip
    control = design.Change(day, teams=(planted["control_team"],), controls=untouched)
    (effect,) = design.evaluate(sample, Filters(), control, ("first_response_median",)).effects
    assert effect.p_value > 0.05 and effect.lo < 0 < effect.hi
    placebo = design.Change(date(2026, 3, 1), teams=(planted["team"],), months=3)
    (early,) = design.evaluate(sample, Filters(), placebo, ("first_response_median",)).effects
    assert early.p_value > 0.05 and early.lo < 0 < early.hi
