"""The What-if lab under streamlit's AppTest: it renders, and every control changes it.

The exact numbers come from the hand-made four-agent dataset of tests/test_whatif.py (worked
out by hand there, repeated in the comments here); the sample dataset checks the controls.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from dashboard.ui.markup import md
from scoring.engine.policy import Policy
from scoring.registry.kpis import kpi
from scoring.stores.scenarios import Scenario, ScenarioStore
from tests.builders import agent, ticket, write_dataset
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state

APP = str(ROOT / "app.py")
PAGE = "app_pages/whatif.py"
HANDLE, PARTS = "handle_minutes", "parts_cost"
PLAN = {"A": ("T1", 40, 300), "B": ("T1", 60, 190), "C": ("T2", 80, 80), "D": ("T2", 100, 135)}


def four_tables() -> dict[str, list[dict]]:
    tickets = [
        ticket(f"{a}-{i}", a, i, handle_minutes=float(h), parts_cost=float(p))
        for a, (_, h, p) in PLAN.items()
        for i in range(20)
    ]
    return {"agents": [agent(a, team) for a, (team, _, _) in PLAN.items()], "tickets": tickets}


@pytest.fixture(scope="module")
def four(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("four"), **four_tables())


def open_lab(monkeypatch, data: Path, state: Path, lang: str = "en") -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setenv("SPD_STATE_DIR", str(state))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.switch_page(PAGE)
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def ranks(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "new_rank" in d.value.columns)


def metric(at: AppTest, key: str, lang: str = "en") -> str:
    return next(m.value for m in at.metric if m.label == t(key, lang))


def weights(at: AppTest, weight_set: str = "main") -> dict[str, float]:
    return dict(at.session_state[f"whatif_weights_{weight_set}"])


def by_agent(table: pd.DataFrame, column: str) -> dict:
    return dict(zip(table["agent_id"], table[column], strict=True))


# ---------------------------------------------------------------------------------------


def test_hand_made_weight_change_against_the_official_baseline(monkeypatch, four, tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(Scenario(name="handle only", policy=Policy({HANDLE: 100.0}, pool=1000.0)))
    store.mark_official("handle only")
    at = open_lab(monkeypatch, four, tmp_path)
    no_exception(at)
    assert at.title[0].value == t("page_whatif", "en")
    assert t("whatif_baseline_official", "en", name="handle only") in [c.value for c in at.caption]
    # the lab starts at the baseline: nothing moves
    assert weights(at)[HANDLE] == 100.0 and weights(at)[PARTS] == 0.0
    assert metric(at, "whatif_tau") == "1.000"
    assert metric(at, "whatif_grade_changes") == "0"
    # baseline payouts: base 1,000/4 = 250; A excellent 375, B good 300 → 675
    assert metric(at, "whatif_payout_total") == "675.00"

    at.slider(key=f"whatif_w_main_{PARTS}").set_value(50.0).run()
    no_exception(at)
    assert weights(at)[HANDLE] == 50.0 and weights(at)[PARTS] == 50.0
    table = ranks(at)
    # new scores A 50, B 62.5, C 75, D 50 → ranks C 1, B 2, A and D 3
    assert table["agent_id"].tolist() == ["C", "B", "A", "D"]  # A and D tie at 3: by id
    assert by_agent(table, "new_rank") == {"A": 3, "B": 2, "C": 1, "D": 3}
    # changes as signed texts, no change a plain 0 (never "+0")
    assert by_agent(table, "movement") == {"A": "-2", "B": "0", "C": "+2", "D": "+1"}
    assert by_agent(table, "new_grade") == {
        "A": "Unsatisfactory",
        "B": "Satisfactory",
        "C": "Good",
        "D": "Unsatisfactory",
    }
    assert by_agent(table, "new_payout") == {"A": 0, "B": 250, "C": 300, "D": 0}
    assert by_agent(table, "payout_change") == {
        "A": "-375.00",
        "B": "-50.00",
        "C": "+300.00",
        "D": "0",
    }
    assert by_agent(table, "crossed") == {
        "A": t("whatif_crossed_down", "en"),
        "B": t("whatif_crossed_down", "en"),
        "C": t("whatif_crossed_up", "en"),
        "D": "",
    }
    assert metric(at, "whatif_payout_total") == "550.00"
    assert metric(at, "whatif_grade_changes") == "3"
    assert metric(at, "whatif_crossings") == "3"
    assert metric(at, "whatif_tau") == "-0.183"  # −1/√30
    teams = next(d.value for d in at.dataframe if "base_payout" in d.value.columns
                 and "team" in d.value.columns and "agent_id" not in d.value.columns)  # fmt: skip
    assert teams.set_index("team")["new_rank"].to_dict() == {"T1": 2, "T2": 1}

    # click the cell Unsatisfactory → Good of the transition matrix: agent C
    at.session_state["whatif_transitions"] = {"selection": {"cells": [[3, "Good"]]}}
    at.run()
    no_exception(at)
    listed = next(d.value for d in at.dataframe if list(d.value.columns)[:2] == ["agent_id", "name"]
                  and "new_rank" not in d.value.columns)  # fmt: skip
    assert listed["agent_id"].tolist() == ["C"]
    assert t("whatif_cell_agents", "en", base="Unsatisfactory", new="Good", count=1) in [
        m.value for m in at.markdown
    ]

    # the pool doubles: every payout doubles (base 2,000/4 = 500): B 500, C 600 → 1,100
    at.number_input(key="whatif_pool").set_value(2000.0).run()
    assert by_agent(ranks(at), "new_payout") == {"A": 0, "B": 500, "C": 600, "D": 0}
    assert metric(at, "whatif_payout_total") == "1,100.00"

    # reset to the baseline: back to handle only, pool 1,000
    at.button(key="whatif_reset").click().run()
    assert weights(at)[HANDLE] == 100.0 and at.session_state["whatif_pool"] == 1000.0
    assert metric(at, "whatif_payout_total") == "675.00"


def test_rule_grading_and_robustness(monkeypatch, four, tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(Scenario(name="half", policy=Policy({HANDLE: 50.0, PARTS: 50.0}, pool=1000.0)))
    store.mark_official("half")
    at = open_lab(monkeypatch, four, tmp_path)
    # threshold + linear: B 140.62 + C 218.75 = 359.37 (tests/test_whatif.py)
    at.selectbox(key="whatif_rule").set_value("threshold_linear").run()
    no_exception(at)
    assert by_agent(ranks(at), "new_payout") == {"A": 0, "B": 140.62, "C": 218.75, "D": 0}
    assert metric(at, "whatif_payout_total") == "359.37"
    # bands 80 / 70 / 50: A and D at 50 become satisfactory, C (75) good, B (62.5) satisfactory
    at.selectbox(key="whatif_rule").set_value("grade_multiplier")
    at.number_input(key="whatif_threshold_excellent").set_value(80.0)
    at.number_input(key="whatif_threshold_good").set_value(70.0)
    at.number_input(key="whatif_threshold_satisfactory").set_value(50.0).run()
    assert set(by_agent(ranks(at), "new_grade").items()) == {
        ("A", "Satisfactory"),
        ("B", "Satisfactory"),
        ("C", "Good"),
        ("D", "Satisfactory"),
    }
    # bands that do not fall: a warning and the default bands
    at.number_input(key="whatif_threshold_good").set_value(95.0).run()
    assert [w.value for w in at.warning] == [t("whatif_bad_thresholds", "en")]
    assert by_agent(ranks(at), "new_grade")["A"] == "Unsatisfactory"
    # forced distribution 25/25/25/25: C excellent, B good, A and D (tied) unsatisfactory
    at.radio(key="whatif_grading").set_value("forced").run()
    for grade in ("excellent", "good", "satisfactory", "unsatisfactory"):
        at.number_input(key=f"whatif_quota_{grade}").set_value(25.0)
    at.run()
    assert by_agent(ranks(at), "new_grade") == {
        "A": "Unsatisfactory",
        "B": "Good",
        "C": "Excellent",
        "D": "Unsatisfactory",
    }
    at.number_input(key="whatif_quota_good").set_value(30.0).run()
    assert t("whatif_bad_quotas", "en", total=105) in [w.value for w in at.warning]
    # robustness: C sits on the good/satisfactory band at 50/50 weights → the one coin toss
    at.radio(key="whatif_grading").set_value("absolute").run()
    assert at.session_state["whatif_threshold_good"] == 95.0  # kept while hidden
    at.number_input(key="whatif_threshold_good").set_value(75.0).run()
    at.number_input(key="whatif_threshold_excellent").set_value(90.0)
    at.number_input(key="whatif_threshold_satisfactory").set_value(60.0)
    at.toggle(key="whatif_mc").set_value(True).run()
    no_exception(at)
    table = ranks(at)
    assert by_agent(table, "coin_toss") == {"A": False, "B": False, "C": True, "D": False}
    probability = by_agent(table, "likely_probability")
    assert probability["C"] < 0.8 <= min(probability[a] for a in "ABD")
    grade_names = {t(f"grade_{g}", "en") for g in ("excellent", "good", "satisfactory",
                                                    "unsatisfactory")}  # fmt: skip
    assert set(by_agent(table, "likely_grade").values()) <= grade_names
    states = ("excellent", "good", "satisfactory", "unsatisfactory", "insufficient_data")
    grade_probabilities = table[[f"p_{s}" for s in states]]
    assert grade_probabilities.sum(axis=1).round(9).eq(1).all()  # each agent: some state
    assert grade_probabilities.max(axis=1).tolist() == table["likely_probability"].tolist()
    assert metric(at, "whatif_coin_tosses") == "1"
    # team payouts and rank intervals; nobody moved rank (grading changed, not weights), so
    # the movers chart is a sentence
    assert len(at.get("plotly_chart")) == 2
    assert t("whatif_no_movers", "en") in [i.value for i in at.info]


def test_sample_sliders_locks_presets_and_segments(monkeypatch, tmp_path):
    at = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path, lang="zh")
    no_exception(at)
    assert at.title[0].value == t("page_whatif", "zh")
    assert t("whatif_baseline_default", "zh") in [c.value for c in at.caption]
    # the empty preset and lock controls say so in Chinese, not Streamlit's "Choose an option"
    assert at.selectbox(key="whatif_preset_main").proto.placeholder == "选择一个预设方案…"
    assert at.multiselect(key="whatif_locked_main").proto.placeholder == "未锁定"
    start = weights(at)
    assert round(sum(start.values()) * 10) == 1000
    before = ranks(at)
    assert before["movement"].isin(["0", ""]).all()

    at.multiselect(key="whatif_locked_main").set_value(["fcr"]).run()
    at.slider(key="whatif_w_main_csat").set_value(60.0).run()
    no_exception(at)
    after = weights(at)
    assert after["csat"] == 60.0 and after["fcr"] == start["fcr"]  # locked: unchanged
    assert round(sum(after.values()) * 10) == 1000
    for k in start:  # the unlocked others all shrank (or stayed at 0)
        if k not in ("csat", "fcr"):
            assert after[k] <= start[k]
    moved = ranks(at)
    assert (~moved["movement"].isin(["0", ""])).any()
    assert float(metric(at, "whatif_tau", "zh")) < 1

    at.selectbox(key="whatif_preset_main").set_value("efficiency").run()
    efficiency = weights(at)
    assert efficiency["workload"] == 25.0 and efficiency["csat"] == 5.0

    at.radio(key="whatif_mode").set_value("segments").run()
    no_exception(at)
    assert weights(at, "enterprise")["sla_response"] == 25.0  # the SLA-first preset
    assert weights(at, "individual")["csat"] == 30.0  # the customer-experience preset
    at.slider(key="whatif_w_enterprise_sla_response").set_value(80.0).run()
    no_exception(at)
    assert weights(at, "enterprise")["sla_response"] == 80.0
    assert round(sum(weights(at, "enterprise").values()) * 10) == 1000
    at.toggle(key="whatif_mc").set_value(True).run()
    assert t("whatif_robustness_segments", "zh") in [i.value for i in at.info]


def test_scenarios_save_load_compare_delete(monkeypatch, tmp_path):
    at = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path)
    at.button(key="whatif_save").click().run()
    assert [s.value for s in at.success] == [t("whatif_name_needed", "en")]

    at.slider(key="whatif_w_main_csat").set_value(50.0).run()
    at.text_input(key="whatif_name").set_value("CSAT half")
    at.text_input(key="whatif_author").set_value("Li")
    at.number_input(key="whatif_pool").set_value(50_000.0)
    at.button(key="whatif_save").click().run()
    no_exception(at)
    saved = ScenarioStore(saved_state()).load("CSAT half")
    policy = saved.policy
    assert policy.weights["csat"] == 50.0 and saved.author == "Li" and policy.pool == 50_000.0
    assert policy.weights == weights(at)

    at.button(key="whatif_reset").click().run()
    assert weights(at)["csat"] != 50.0
    at.text_input(key="whatif_name").set_value("default")
    at.button(key="whatif_save").click().run()
    assert ScenarioStore(saved_state()).names() == ["CSAT half", "default"]

    at.selectbox(key="whatif_pick").set_value("CSAT half")
    at.button(key="whatif_load").click().run()
    assert weights(at)["csat"] == 50.0 and at.session_state["whatif_pool"] == 50_000.0
    assert t("whatif_loaded", "en", name="CSAT half") in [s.value for s in at.success]

    at.selectbox(key="whatif_cmp_a").set_value("CSAT half")
    at.selectbox(key="whatif_cmp_b").set_value("default").run()
    table = next(d.value for d in at.dataframe if "differs" in d.value.columns)
    rows = table.set_index("setting")  # settings and their ids in words
    csat = t("whatif_setting_weight", "en", kpi=kpi("csat").label("en"))
    assert rows.loc[csat, "a"] == "50.0" and bool(rows.loc[csat, "differs"])
    assert rows.loc[t("whatif_rule", "en"), "a"] == t("whatif_rule_grade_multiplier", "en")
    assert rows.loc[t("whatif_pool", "en"), "a"] == "50,000.00"
    assert not table[["a", "b"]].isin(["nan", "None"]).any().any()

    at.button(key="whatif_mark_official").click().run()
    assert ScenarioStore(saved_state()).official().name == "CSAT half"
    caption = t("whatif_baseline_official", "en", name="CSAT half")
    assert caption in [c.value for c in at.caption]
    assert metric(at, "whatif_tau") == "1.000"  # the loaded scenario is the baseline now
    assert at.get("download_button")[0].label == t("whatif_export", "en")

    at.selectbox(key="whatif_pick").set_value("default")
    at.button(key="whatif_delete").click().run()
    no_exception(at)
    assert ScenarioStore(saved_state()).names() == ["CSAT half"]


def test_a_damaged_store_shows_a_message(monkeypatch, tmp_path):
    (tmp_path / "scenarios.sqlite").write_bytes(b"garbage" * 100)
    at = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path)
    no_exception(at)
    (warning,) = [w.value for w in at.warning]
    assert md(saved_state() / "scenarios.sqlite") in warning and "damaged" in warning


@pytest.mark.parametrize("dataset", ["core_only_dataset", "invalid_dataset"])
def test_other_datasets_render(monkeypatch, tmp_path, request, dataset):
    at = open_lab(monkeypatch, request.getfixturevalue(dataset), tmp_path)
    no_exception(at)
    if dataset == "invalid_dataset":
        assert t("dataset_error_title", "en") in at.error[0].value
        return
    assert at.title[0].value == t("page_whatif", "en")
    assert "training_hours" not in weights(at)  # an optional table's KPI: no slider
    assert not any(s.key.endswith("training_hours") for s in at.slider)
    at.slider(key="whatif_w_main_csat").set_value(70.0).run()
    no_exception(at)
    assert weights(at)["csat"] == 70.0


def test_controls_survive_another_page_and_the_other_mode(monkeypatch, tmp_path):
    # Streamlit drops the state of widgets a run does not draw; the lab restores it.
    at = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path)
    at.slider(key="whatif_w_main_csat").set_value(40.0).run()
    at.number_input(key="whatif_pool").set_value(50_000.0).run()
    at.radio(key="whatif_grading").set_value("forced").run()
    at.number_input(key="whatif_quota_excellent").set_value(20.0)
    at.number_input(key="whatif_quota_good").set_value(30.0).run()
    chosen = weights(at)
    table = ranks(at)

    at.switch_page("app_pages/overview.py").run()
    assert "whatif_w_main_csat" not in at.session_state  # dropped while away
    at.switch_page(PAGE).run()
    no_exception(at)
    assert weights(at) == chosen
    assert at.slider(key="whatif_w_main_csat").value == 40.0
    assert at.number_input(key="whatif_pool").value == 50_000.0
    assert at.radio(key="whatif_grading").value == "forced"
    assert at.number_input(key="whatif_quota_excellent").value == 20.0
    assert at.number_input(key="whatif_quota_good").value == 30.0
    pd.testing.assert_frame_equal(ranks(at), table)

    at.radio(key="whatif_mode").set_value("segments").run()
    assert "whatif_w_main_csat" not in [s.key for s in at.slider]
    at.radio(key="whatif_mode").set_value("single").run()
    assert at.slider(key="whatif_w_main_csat").value == 40.0
    pd.testing.assert_frame_equal(ranks(at), table)


def test_the_movers_chart_is_a_sentence_until_someone_moves(monkeypatch, small_dataset, tmp_path):
    at = open_lab(monkeypatch, small_dataset, tmp_path)
    assert t("whatif_no_movers", "en") in [i.value for i in at.info]
    charts = len(at.get("plotly_chart"))
    at.slider(key=f"whatif_w_main_{PARTS}").set_value(50.0).run()
    assert t("whatif_no_movers", "en") not in [i.value for i in at.info]
    assert len(at.get("plotly_chart")) == charts + 1  # the slope chart instead


def test_grading_on_objectives_against_the_kpi_composite(monkeypatch, four, tmp_path):
    """Handle time only (lower is better; floor 120, target 40): A 40 → 100, B 60 → 75,
    C 80 → 50, D 100 → 25. Objectives on handle time: T1's target 60 (A 60/40 = 1.5, capped
    at 1.2 → 120; B 60/60 → 100) and C's own 40 (40/80 → 50); D none. Graded on objectives
    alone: A 120, B 100 (Good → Excellent), C 50, D keeps 25; pool 1,000: A and B 375 each."""
    period = {"period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30)}
    objectives = [
        {"owner_type": "team", "owner_id": "T1", "kpi": HANDLE, "target": 60.0, **period},
        {"owner_type": "agent", "owner_id": "C", "kpi": HANDLE, "target": 40.0, **period},
    ]
    data = write_dataset(tmp_path / "data", objectives=objectives, **four_tables())
    store = ScenarioStore(tmp_path / "state")
    store.save(Scenario(name="handle only", policy=Policy({HANDLE: 100.0}, pool=1000.0)))
    store.mark_official("handle only")
    at = open_lab(monkeypatch, data, tmp_path / "state")
    no_exception(at)
    assert metric(at, "whatif_payout_total") == "675.00"
    shown = [c.value for c in at.caption]
    assert t("whatif_objectives_some", "en", count=3, total=4) in shown

    at.slider(key="whatif_objectives").set_value(100.0).run()
    no_exception(at)
    table = ranks(at)
    assert by_agent(table, "new_grade") == {
        "A": "Excellent",
        "B": "Excellent",
        "C": "Unsatisfactory",
        "D": "Unsatisfactory",
    }
    assert by_agent(table, "new_payout") == {"A": 375, "B": 375, "C": 0, "D": 0}
    objective = by_agent(table, "objective_score")
    assert {a: objective[a] for a in "ABC"} == {"A": 120.0, "B": 100.0, "C": 50.0}
    assert pd.isna(objective["D"])
    assert "objective_score" not in ranks(open_lab(monkeypatch, four, tmp_path / "plain"))
    assert metric(at, "whatif_grade_changes") == "1"
    assert metric(at, "whatif_payout_total") == "750.00"
    assert at.query_params["objectives"] == "100"  # the link carries the share
