"""The What-if lab's normalisation and targets (AppTest): each method scores as the OECD/JRC
formulas say, edited targets score as the target-based formula says, and both are saved
with the scenario; a preset brings its scheme's method.

Four agents handle 20 tickets each in 40, 60, 80 and 100 minutes; the baseline scores handle
time alone. Expected scores are worked by hand in the comments (handle time: lower is
better).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.engine import schemes
from scoring.engine.policy import Policy
from scoring.stores.scenarios import Scenario, ScenarioStore
from tests.builders import agent, ticket, write_dataset
from tests.conftest import ROOT, saved_state

APP = str(ROOT / "app.py")
HANDLE = "handle_minutes"
MINUTES = {"A": 40, "B": 60, "C": 80, "D": 100}
HAND_TARGETS = {HANDLE: (120.0, 40.0, 25.0)}  # the baseline's own, not the registry's


@pytest.fixture(scope="module")
def four(tmp_path_factory) -> Path:
    tickets = [
        ticket(f"{a}-{i}", a, i, handle_minutes=float(m))
        for a, m in MINUTES.items()
        for i in range(20)
    ]
    agents = [agent(a, "T1" if a in "AB" else "T2") for a in MINUTES]
    return write_dataset(tmp_path_factory.mktemp("four"), agents=agents, tickets=tickets)


@pytest.fixture
def lab(monkeypatch, four, tmp_path) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(four))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    store = ScenarioStore(saved_state())
    store.save(Scenario("handle only", Policy({HANDLE: 100.0}, targets=HAND_TARGETS)))
    store.mark_official("handle only")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.switch_page("app_pages/whatif.py")
    return at.run()


def new_scores(at: AppTest) -> dict[str, float]:
    table = next(d.value for d in at.dataframe if "new_composite" in d.value.columns)
    return dict(zip(table["agent_id"], table["new_composite"], strict=True))


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_the_lab_starts_with_the_baselines_method_and_targets(lab):
    no_exception(lab)
    assert lab.selectbox(key="whatif_method").value == "target"
    assert t("whatif_method_means_target", "en") in [c.value for c in lab.caption]
    # floor 120, target 40: A 100, B (120−60)/80 = 75, C 50, D 25
    assert new_scores(lab) == {"A": 100.0, "B": 75.0, "C": 50.0, "D": 25.0}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # (worse + ½·equal, itself included) / 4: A 3.5/4, B 2.5/4, C 1.5/4, D 0.5/4
        ("percentile", {"A": 87.5, "B": 62.5, "C": 37.5, "D": 12.5}),
        # (max − x) / (max − min) = (100 − x) / 60
        ("minmax", {"A": 100.0, "B": 100 * 40 / 60, "C": 100 * 20 / 60, "D": 0.0}),
        # mean 70, population sd √500; T = 50 + 10·(70 − x)/√500
        ("zscore", {a: 50 + 10 * (70 - m) / math.sqrt(500) for a, m in MINUTES.items()}),
    ],
)
def test_each_method_scores_as_its_formula_says(lab, method, expected):
    lab.selectbox(key="whatif_method").set_value(method).run()
    no_exception(lab)
    assert new_scores(lab) == pytest.approx(expected, abs=0.05)  # the lab shows one decimal
    assert t(f"whatif_method_means_{method}", "en") in [c.value for c in lab.caption]


def test_edited_targets_score_and_are_saved_with_the_scenario(lab):
    lab.selectbox(key="whatif_target_kpi").set_value(HANDLE).run()
    lab.number_input(key=f"whatif_target_floor_{HANDLE}").set_value(100.0).run()
    lab.number_input(key=f"whatif_target_target_{HANDLE}").set_value(60.0).run()
    lab.number_input(key=f"whatif_target_stretch_{HANDLE}").set_value(None).run()
    no_exception(lab)
    # floor 100, target 60, no stretch: A and B at or beyond the target 100, C 50, D 0
    assert new_scores(lab) == {"A": 100.0, "B": 100.0, "C": 50.0, "D": 0.0}
    lab.selectbox(key="whatif_method").set_value("percentile").run()
    lab.text_input(key="whatif_name").set_value("tighter").run()
    lab.button(key="whatif_save").click().run()
    saved = ScenarioStore(saved_state()).load("tighter").policy
    assert saved.targets[HANDLE] == (100.0, 60.0, None)
    assert saved.method == "percentile"


def test_targets_that_run_the_wrong_way_are_not_taken(lab):
    lab.selectbox(key="whatif_target_kpi").set_value(HANDLE).run()
    lab.number_input(key=f"whatif_target_floor_{HANDLE}").set_value(30.0).run()  # < target 40
    no_exception(lab)
    label = t("whatif_bad_targets", "en", kpis="Average handle time")
    assert label in [w.value for w in lab.warning]
    assert new_scores(lab) == {"A": 100.0, "B": 75.0, "C": 50.0, "D": 25.0}  # as before


def test_a_preset_brings_its_schemes_method(lab, tmp_path):
    ranked = schemes.Scheme("ranked", "Ranked", "排名", "", {HANDLE: 1.0}, method="minmax")
    schemes.save(ranked, tmp_path)
    lab.run()
    lab.selectbox(key="whatif_preset_main").set_value("ranked").run()
    no_exception(lab)
    assert lab.selectbox(key="whatif_method").value == "minmax"
    assert new_scores(lab)["D"] == 0.0 and new_scores(lab)["A"] == 100.0
