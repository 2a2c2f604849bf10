"""Issue 15: weights can be typed, KPIs the data does not measure get a sentence instead of
a slider, and the lab's state is in the URL — a link shares it, a hostile link is refused.

The four-agent dataset and its hand-worked results are those of test_whatif_page.py
(A 40 min / ¥300, B 60 / 190, C 80 / 80, D 100 / 135; no surveys, so no agent can be
measured on CSAT); the URL checks run on the bundled sample.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dashboard.app.state import lab_link, lab_query, link_notices
from dashboard.ui.i18n import t
from scoring.engine.policy import Policy
from scoring.registry.kpis import KPIS_BY_ID, kpi
from scoring.stores.scenarios import Scenario, ScenarioStore
from tests.conftest import ROOT, SAMPLE_DATASET
from tests.dashboard.test_whatif_page import HANDLE, PARTS, by_agent, four, metric, ranks

__all__ = ["four"]  # the module fixture, shared

APP = str(ROOT / "app.py")
PAGE = "app_pages/whatif.py"


def open_lab(monkeypatch, data, state, params: dict) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setenv("SPD_STATE_DIR", str(state))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(PAGE)
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def weights(at: AppTest) -> dict[str, float]:
    return dict(at.session_state["whatif_weights_main"])


def query(at: AppTest) -> dict[str, list[str]]:
    return {k: [v] if isinstance(v, str) else list(v) for k, v in at.query_params.items()}


# ---------------------------------------------------------------------------------------
# Typing a weight


def test_typing_a_weight_moves_its_slider_and_changes_the_results(monkeypatch, four, tmp_path):
    store = ScenarioStore(tmp_path)
    store.save(Scenario(name="handle only", policy=Policy({HANDLE: 100.0}, pool=1000.0)))
    store.mark_official("handle only")
    at = open_lab(monkeypatch, four, tmp_path, {"lang": "en"})
    no_exception(at)
    assert at.number_input(key=f"whatif_n_main_{HANDLE}").value == 100.0
    at.number_input(key=f"whatif_n_main_{PARTS}").set_value(50.0).run()
    no_exception(at)
    assert weights(at) == {HANDLE: 50.0, PARTS: 50.0}
    assert at.slider(key=f"whatif_w_main_{PARTS}").value == 50.0  # one value, two controls
    assert at.slider(key=f"whatif_w_main_{HANDLE}").value == 50.0
    assert at.number_input(key=f"whatif_n_main_{HANDLE}").value == 50.0
    # new scores A 50, B 62.5, C 75, D 50 → C 1, B 2, A and D 3 (by id)
    table = ranks(at)
    assert table["agent_id"].tolist() == ["C", "B", "A", "D"]
    assert by_agent(table, "new_payout") == {"A": 0, "B": 250, "C": 300, "D": 0}
    assert metric(at, "whatif_payout_total") == "550.00"
    # the slider then moves the number input
    at.slider(key=f"whatif_w_main_{PARTS}").set_value(25.0).run()
    assert at.number_input(key=f"whatif_n_main_{PARTS}").value == 25.0
    assert at.number_input(key=f"whatif_n_main_{HANDLE}").value == 75.0


def test_a_kpi_no_agent_is_measured_on_is_a_sentence_not_a_slider(monkeypatch, four, tmp_path):
    at = open_lab(monkeypatch, four, tmp_path, {"lang": "zh"})
    no_exception(at)
    keys = {s.key for s in at.slider} | {n.key for n in at.number_input}
    assert not any(key.endswith(("_csat", "_csat_satisfied")) for key in keys)
    assert {f"whatif_w_main_{HANDLE}", f"whatif_n_main_{PARTS}"} <= keys
    assert set(weights(at)) == {HANDLE, PARTS}
    names = f"{kpi('csat').label('zh')}、{kpi('csat_satisfied').label('zh')}"
    assert t("whatif_unmeasured", "zh", kpis=names) in [c.value for c in at.caption]


# ---------------------------------------------------------------------------------------
# The URL


def test_a_link_reopens_the_same_weights_grading_pool_and_rule(monkeypatch, tmp_path):
    at = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path, {"lang": "en"})
    at.number_input(key="whatif_n_main_csat").set_value(21.8).run()
    at.number_input(key="whatif_pool").set_value(50_000.0)
    at.selectbox(key="whatif_rule").set_value("threshold_linear")
    at.selectbox(key="whatif_method").set_value("percentile").run()
    at.radio(key="whatif_grading").set_value("forced").run()
    at.number_input(key="whatif_quota_excellent").set_value(20.0)
    at.number_input(key="whatif_quota_good").set_value(30.0).run()
    no_exception(at)
    chosen, table = weights(at), ranks(at)
    link = query(at)
    assert "csat:21.8" in link["weight"]
    assert link["pool"] == ["50000"] and link["rule"] == ["threshold_linear"]
    assert link["grading"] == ["forced"] and link["quotas"] == ["20,30,40,10"]
    assert link["method"] == ["percentile"] and link["lang"] == ["en"]
    assert "bands" not in link  # the grading in use only

    fresh = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path / "other", link)
    no_exception(fresh)
    assert weights(fresh) == chosen
    assert fresh.number_input(key="whatif_n_main_csat").value == 21.8
    assert fresh.slider(key="whatif_w_main_csat").value == 21.8
    assert fresh.number_input(key="whatif_pool").value == 50_000.0
    assert fresh.selectbox(key="whatif_rule").value == "threshold_linear"
    assert fresh.selectbox(key="whatif_method").value == "percentile"
    assert fresh.radio(key="whatif_grading").value == "forced"
    assert fresh.number_input(key="whatif_quota_excellent").value == 20.0
    pd.testing.assert_frame_equal(ranks(fresh), table)
    assert query(fresh) == link


def test_hostile_lab_values_are_refused_and_the_baseline_kept(monkeypatch, tmp_path):
    baseline = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path, {"lang": "en"})
    hostile = {
        "lang": "en",
        "weight": ["ghost:50", "csat:1e400", "fcr:nan", "sla_response:-5", "workload:101",
                   "**x**:1", "csat", ":", "x" * 300],
        "pool": "inf",
        "bands": "60,75,90",
        "quotas": "50,50,50,50",
        "rule": "<script>alert(1)</script>",
        "grading": "lottery",
        "method": "=1+1",
        "scoring": "segments" * 40,
    }  # fmt: skip
    at = open_lab(monkeypatch, SAMPLE_DATASET, tmp_path, hostile)
    no_exception(at)
    assert weights(at) == weights(baseline)
    assert at.number_input(key="whatif_pool").value == 100_000.0
    assert at.selectbox(key="whatif_rule").value == "grade_multiplier"
    assert at.radio(key="whatif_grading").value == "absolute"
    assert at.number_input(key="whatif_threshold_excellent").value == 90.0
    pd.testing.assert_frame_equal(ranks(at), ranks(baseline))
    shown = [w.value for w in at.warning]
    for key in ("weight", "pool", "bands", "quotas", "rule", "grading", "method"):
        assert t("link_lab_refused", "en", name=key) in shown, key
    assert query(at) == query(baseline)  # the address holds what the lab uses


def test_out_of_range_numbers_are_refused_one_by_one():
    # each control's own bounds: weights 0–100, bands 0–120 and falling, pool 0–1e10
    link = lab_link(
        {
            "weight": ["csat:100", "fcr:100.1", "nps:0", "csat:5"],
            "bands": ["121,75,60"],
            "pool": ["1e10"],
        }
    )
    assert link == {"weights": {"main": {"csat": 100.0, "nps": 0.0}}, "pool": 1e10}
    assert lab_link({"pool": ["10000000001"], "bands": ["120,75,60"]}) == {
        "bands": (120.0, 75.0, 60.0)
    }
    notices = link_notices({"pool": ["-1"], "rule": ["proportional"]})
    assert [n.values["name"] for n in notices] == ["pool"]
    # the share of the score from objectives: a percentage
    assert lab_link({"objectives": ["35"]}) == {"objectives": 35.0}
    for refused in ("100.5", "-5", "nan", "half"):
        assert lab_link({"objectives": [refused]}) == {}, refused


_texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["csat:21.8", "fcr:1e308", "nps:-0", "inf", "nan", "1e400", "90,75,60",
                     "15,35,40,10", "-1,-2,-3", "segments", "forced", "zscore"]),
)  # fmt: skip


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "weight",
                "weight_enterprise",
                "pool",
                "objectives",
                "bands",
                "quotas",
                "rule",
                "grading",
                "method",
                "scoring",
                "other",
            ]
        ),
        st.lists(_texts, min_size=1, max_size=5),
    )  # fmt: skip
)
def test_whatever_a_link_holds_the_lab_gets_values_within_bounds(params):
    link = lab_link(params)
    for weights_ in link.get("weights", {}).values():
        assert set(weights_) <= set(KPIS_BY_ID)
        assert all(math.isfinite(w) and 0 <= w <= 100 for w in weights_.values())
    if "pool" in link:
        assert math.isfinite(link["pool"]) and 0 <= link["pool"] <= 1e10
    if "objectives" in link:
        assert 0 <= link["objectives"] <= 100
    if "bands" in link:
        assert link["bands"][0] > link["bands"][1] > link["bands"][2] >= 0
        assert link["bands"][0] <= 120
    if "quotas" in link:
        assert abs(sum(link["quotas"]) - 100) < 1e-6 and min(link["quotas"]) >= 0
    # what the lab writes reads back as itself
    assert lab_link({k: v if isinstance(v, list) else [v] for k, v in lab_query(link).items()}) == (
        link
    )


def test_the_kano_roles_travel_in_the_link_known_kpis_only_never_in_both():
    link = lab_link({"must_be": ["fcr", "fcr", "no_such_kpi"], "bonus": ["csat", "fcr"]})
    assert link["must_be"] == ("fcr",)  # a repeat and an unknown id dropped
    assert link["bonus"] == ("csat",)  # fcr is a must-be gate already
    assert lab_query(link)["must_be"] == ["fcr"] and lab_query(link)["bonus"] == ["csat"]
    assert "must_be" not in lab_link({"must_be": ["no_such_kpi"]})
