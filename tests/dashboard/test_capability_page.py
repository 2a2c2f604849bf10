"""The Capability page under streamlit's AppTest: it renders and every control changes it.

Expected values come from the Parquet files read here with pandas and from the UI catalog.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from dashboard.ui.values import value_label
from scoring.registry.kpis import KPIS_BY_ID
from tests.builders import read_generated
from tests.conftest import ROOT, SAMPLE_DATASET

APP = str(ROOT / "app.py")
PAGE = "app_pages/capability.py"
TICKETS = read_generated(SAMPLE_DATASET, "tickets")
AGENTS = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
FEEDBACK = pd.read_parquet(SAMPLE_DATASET / "feedback_360.parquet")


def open_app(monkeypatch, tmp_path: Path, data: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    at.switch_page(PAGE)
    return at.run()


def decode(values) -> np.ndarray:
    if isinstance(values, dict) and "bdata" in values:
        flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        shape = values.get("shape")
        if shape:
            flat = flat.reshape([int(s) for s in str(shape).split(",")])
        return flat.astype(float)
    return np.array(values, dtype=object)


def charts(at: AppTest) -> dict[str, dict]:
    """Plotly specs by their title text."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"].get("title", {}).get("text", ""): s for s in specs}


def heatmap(at: AppTest) -> dict:
    found = [s for s in charts(at).values() if s["data"] and s["data"][0]["type"] == "heatmap"]
    assert len(found) == 1
    return found[0]


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The one table of the page that has this column."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, column
    return found[0]


def quarter_tickets() -> pd.DataFrame:
    last = TICKETS["created_at"].max().normalize()
    start = last - pd.Timedelta(days=90)
    chosen = TICKETS[
        (TICKETS["created_at"] >= start) & (TICKETS["created_at"] < last + pd.Timedelta(days=1))
    ]
    return chosen


def fcr_cases(by: str) -> pd.Series:
    """FCR cases (resolved tickets with a contact count) per agent and `by`, last quarter."""
    rows = quarter_tickets()
    rows = rows[rows["resolved_at"].notna() & rows["contacts"].notna()]
    return rows.groupby(["agent_id", by]).size()


def test_renders_on_the_sample(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, SAMPLE_DATASET)
    assert not at.exception and not at.error
    assert at.title[0].value == t("page_capability", "zh")
    fcr = KPIS_BY_ID["fcr"].label("zh")
    subheaders = [s.value for s in at.subheader]
    for key in ("capability_matrix", "capability_needs", "capability_feedback", "capability_plan"):
        assert t(key, "zh") in subheaders
    assert f"{t('capability_case_mix', 'zh')} · {fcr}" in subheaders
    # heatmap: one row per agent with FCR cases, one column per category, grey = few cases
    spec = heatmap(at)
    grey, coloured = spec["data"]
    cases = fcr_cases("category")
    categories = cases.index.get_level_values(1).unique()
    assert sorted(coloured["x"]) == sorted(value_label("category", c, "zh") for c in categories)
    assert len(coloured["y"]) == cases.index.get_level_values(0).nunique()
    few = int(((cases > 0) & (cases < 20)).sum())
    assert int(np.isfinite(decode(grey["z"])).sum()) == few
    # 4 charts: heatmap, case mix, before/after, radar
    assert len(at.get("plotly_chart")) == 4
    # coaching plan owner = the agent's supervisor
    plan = frame(at, "owner")
    owners = AGENTS.set_index("agent_id")["supervisor"]
    assert len(plan) > 0
    assert (plan["owner"] == plan["agent_id"].map(owners)).all()
    assert [b.label for b in at.get("download_button")] == [
        t("capability_download_csv", "zh"),
        t("capability_download_excel", "zh"),
    ]


def test_min_cases_slider_greys_more_cells(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, SAMPLE_DATASET)
    at.slider(key="capability_min_cases").set_value(60).run()
    assert not at.exception
    grey = heatmap(at)["data"][0]
    cases = fcr_cases("category")
    assert int(np.isfinite(decode(grey["z"])).sum()) == int(((cases > 0) & (cases < 60)).sum())


def test_kpi_dimension_and_baseline_controls(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, SAMPLE_DATASET)
    at.selectbox(key="capability_dimension").set_value("channel").run()
    spec = heatmap(at)
    channels = quarter_tickets()["channel"].unique()
    assert sorted(spec["data"][1]["x"]) == sorted(value_label("channel", c, "zh") for c in channels)
    assert t("capability_dim_channel", "zh") in spec["layout"]["title"]["text"]
    assert at.query_params["skill"] in ("channel", ["channel"])
    at.selectbox(key="capability_kpi").set_value("csat").run()
    csat = KPIS_BY_ID["csat"].label("zh")
    assert f"{t('capability_case_mix', 'zh')} · {csat}" in [s.value for s in at.subheader]
    assert heatmap(at)["layout"]["title"]["text"].startswith(csat)
    assert at.query_params["kpi"] in ("csat", ["csat"])
    # case mix: observed CSAT per agent equals the surveys' mean from the Parquet files
    surveys = read_generated(SAMPLE_DATASET, "surveys")
    joined = surveys.merge(quarter_tickets()[["ticket_id", "agent_id"]], on="ticket_id")
    means = joined.groupby("agent_id")["csat"].mean()
    mix = frame(at, "adjusted_rank").set_index("agent_id")
    assert np.allclose(mix["observed"], means.reindex(mix.index))
    # baseline "peers": each need's reference is the other agents' pooled value of the skill
    at.selectbox(key="capability_kpi").set_value("fcr").run()
    at.selectbox(key="capability_dimension").set_value("category").run()
    at.radio(key="capability_baseline").set_value("peers").run()
    assert not at.exception
    needs = frame(at, "per_month")
    rows = quarter_tickets()
    rows = rows[rows["resolved_at"].notna() & rows["contacts"].notna()]
    first = (
        (rows["contacts"] == 1).groupby([rows["agent_id"], rows["category"]]).agg(["sum", "count"])
    )
    category_needs = needs[needs["dimension"] == t("capability_dim_category", "zh")]
    assert len(category_needs) > 0
    category_of = {value_label("category", c, "zh"): c for c in rows["category"].unique()}
    for need in category_needs.itertuples():
        skill = first.xs(category_of[need.skill], level="category")
        others = skill.drop(index=need.agent_id)
        expected = others["sum"].sum() / others["count"].sum()
        assert need.reference.endswith("%")  # a rate as a percentage, one decimal
        assert float(need.reference[:-1]) == pytest.approx(100 * expected, abs=0.05)


def test_training_effect_and_360_pickers(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, SAMPLE_DATASET)
    effects = frame(at, "did")
    picker = at.selectbox(key="capability_effect")
    picker.set_value(len(effects) - 1).run()
    last = effects.iloc[-1]
    titles = list(charts(at))
    named = f"{last['name']} ({last['agent_id']}) · {last['skill']}"
    assert any(title.startswith(named) for title in titles), titles
    # 360: the radar's self line is the agent's mean self-rating per competency
    agent_id = sorted(FEEDBACK["reviewee_id"].unique())[3]
    at.selectbox(key="capability_agent").set_value(agent_id).run()
    radar = next(s for s in charts(at).values() if s["data"][0]["type"] == "scatterpolar")
    name = AGENTS.set_index("agent_id").at[agent_id, "name"]
    assert radar["layout"]["title"]["text"] == f"{name} ({agent_id})"
    self_trace = next(d for d in radar["data"] if d["name"] == t("capability_role_self", "zh"))
    mine = FEEDBACK[(FEEDBACK["reviewee_id"] == agent_id) & (FEEDBACK["reviewer_role"] == "self")]
    last_day = TICKETS["created_at"].max().normalize()
    # periods overlapping the last quarter (quarterly ratings: the last two quarters at most)
    expected = mine.groupby("competency")["score"]
    competency_of = {value_label("competency", c, "zh"): c for c in expected.groups}
    theta = [competency_of[label] for label in list(self_trace["theta"])[:-1]]
    r = decode(self_trace["r"]).astype(float)[:-1]
    assert sorted(theta) == sorted(expected.groups)
    for competency, value in zip(theta, r, strict=True):
        scores = mine[mine["competency"] == competency]
        periods = scores["period"].str.slice(0, 4).astype(int) * 4 + scores["period"].str.slice(
            -1
        ).astype(int)
        start = last_day - pd.Timedelta(days=90)
        lo = start.year * 4 + (start.month - 1) // 3 + 1
        hi = last_day.year * 4 + (last_day.month - 1) // 3 + 1
        assert value == pytest.approx(scores[(periods >= lo) & (periods <= hi)]["score"].mean())
    blind = frame(at, "worst")
    truth = json.loads((SAMPLE_DATASET / "truth.json").read_text())
    assert set(truth["self_overraters"]) <= set(blind["agent_id"])


def test_training_needs_show_names_percentages_and_no_group_of_one(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, SAMPLE_DATASET)
    needs = frame(at, "per_month")
    names = AGENTS.set_index("agent_id")["name"]
    assert len(needs) > 0
    assert needs["name"].tolist() == needs["agent_id"].map(names).tolist()
    fcr = needs[needs["dimension"] != t("capability_dim_competency", "zh")]
    assert fcr["value"].str.fullmatch(r"\d{1,3}\.\d%").all()  # 0.236 reads 23.6%
    assert fcr["gap"].str.endswith("个百分点").all()
    known = {value_label("category", c, "zh") for c in TICKETS["category"].unique()}
    known |= {value_label("channel", c, "zh") for c in TICKETS["channel"].unique()}
    known |= {value_label("product", c, "zh") for c in TICKETS["product"].dropna().unique()}
    assert set(fcr["skill"]) <= known
    # the sample's needs are each one agent's: no group session is offered, and it says why
    per_team = needs.groupby(["team", "dimension", "skill"]).size()
    assert per_team.max() == 1
    assert not [d for d in at.dataframe if "members" in d.value.columns]
    assert t("capability_no_group_needs", "zh", size=2) in [i.value for i in at.info]


def test_group_training_lists_only_groups_of_two_or_more_by_name(
    monkeypatch, tmp_path, small_dataset
):
    at = open_app(monkeypatch, tmp_path, small_dataset)
    needs, groups = frame(at, "per_month"), frame(at, "members")
    assert len(groups) > 0 and (groups["agents"] >= 2).all()
    names = pd.read_parquet(small_dataset / "agents.parquet").set_index("agent_id")["name"]
    for group in groups.itertuples():
        shared = needs[(needs["team"] == group.team) & (needs["skill"] == group.skill)]
        shared = shared[shared["dimension"] == group.dimension].sort_values("agent_id")
        assert group.agents == len(shared)
        assert group.members == ", ".join(f"{names[a]} ({a})" for a in shared["agent_id"])


def test_english(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path, SAMPLE_DATASET, {"lang": "en"})
    assert not at.exception
    assert at.title[0].value == t("page_capability", "en")
    assert t("capability_plan", "en") in [s.value for s in at.subheader]


def test_without_optional_tables(monkeypatch, tmp_path, core_only_dataset):
    at = open_app(monkeypatch, tmp_path, core_only_dataset)
    assert not at.exception and not at.error
    assert t("capability_no_feedback", "zh") in [i.value for i in at.info]
    assert t("capability_no_effects", "zh") in [i.value for i in at.info]
    assert "competency" not in at.selectbox(key="capability_dimension").options


def test_invalid_dataset(monkeypatch, tmp_path, invalid_dataset):
    at = open_app(monkeypatch, tmp_path, invalid_dataset)
    assert not at.exception
    assert len(at.error) == 1
    assert t("dataset_error_title", "zh") in at.error[0].value


def test_case_mix_scorecard_for_the_scorecard_page():
    """The wrapper the Scorecard page can offer as an option: same agents, adjusted FCR."""
    from dashboard.app import cache as data
    from scoring.measures.metrics import Filters
    from scoring.scope import Visible
    from scoring.stores.targets import REGISTRY_SET

    path = str(SAMPLE_DATASET)
    plain = data.scorecard_for(path, Filters(), 30, None, targets=REGISTRY_SET)
    north_only = Filters(teams=("Team North",))
    adjusted = data.scorecard_for(path, north_only, 30, None, case_mix=True, targets=REGISTRY_SET)
    assert set(adjusted.frame["team"]) == {"Team North"}
    north = plain.visible_to(Visible(teams=("Team North",)))
    assert list(adjusted.frame["agent_id"]) == list(north.frame["agent_id"])
    before = north.matrix.frame.set_index("agent_id")["fcr"]
    after = adjusted.matrix.frame.set_index("agent_id")["fcr"]
    assert (before != after).any()
    assert (adjusted.matrix.frame["fcr__den"] == north.matrix.frame["fcr__den"]).all()


def test_scorecard_case_mix_toggle_rescores(monkeypatch, tmp_path):
    """The Scorecard's case-mix option changes FCR-driven scores but not who is listed."""
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/scorecard.py")
    at.run()
    plain = at.dataframe[0].value.set_index("agent_id")["composite"]
    at.toggle(key="scorecard_case_mix").set_value(True).run()
    assert not at.exception
    adjusted = at.dataframe[0].value.set_index("agent_id")["composite"]
    assert set(adjusted.index) == set(plain.index)
    changed = (adjusted.reindex(plain.index) - plain).abs() > 1e-9
    assert changed.sum() >= len(plain) // 2
