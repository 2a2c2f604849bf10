"""The Balanced scorecard page under streamlit's AppTest: the department in both languages,
a team with its objectives, the owners a supervisor and an agent may pick, and a perspective
without data.

Expected values come from the sample's Parquet files read here with pandas (the objectives,
the agents, the last day with tickets), the registry's perspectives and the UI catalog.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.i18n import t
from dashboard.ui.labels import kpi_value
from scoring.registry.kpis import KPIS_BY_ID, PERSPECTIVES
from tests.builders import read_generated
from tests.conftest import ROOT, SAMPLE_DATASET

APP = str(ROOT / "app.py")
PAGE = "app_pages/balanced.py"
AGENTS = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
OBJECTIVES = pd.read_parquet(SAMPLE_DATASET / "objectives.parquet")
LAST_DAY = read_generated(SAMPLE_DATASET, "tickets")["created_at"].max().date()
TEAM = "Team North"
TOP_DOWN = ("financial", "customer", "process", "learning")


def open_page(monkeypatch, lang="en", data=SAMPLE_DATASET, params=None, user=None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    if user:
        monkeypatch.setattr(app_access, "session_user", lambda: user)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang, **(params or {})})
    at.switch_page(PAGE)
    at.run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def kpi_rows(at: AppTest, lang: str) -> pd.DataFrame:
    (table,) = [d.value for d in at.dataframe if t("balanced_col_source", lang) in d.value]
    return table


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_department_in_four_perspectives(monkeypatch, lang):
    at = open_page(monkeypatch, lang)
    assert [m.label for m in at.metric] == [PERSPECTIVES[p][lang] for p in TOP_DOWN]
    assert all(float(m.value) >= 0 for m in at.metric)  # the sample measures each one
    rows = kpi_rows(at, lang).set_index(t("kpi", lang))
    # the department's own objective (the sample's csat for the last quarter) is its target
    (held,) = OBJECTIVES[OBJECTIVES["owner_type"] == "department"].itertuples()
    k = KPIS_BY_ID[held.kpi]
    sources = rows[t("balanced_col_source", lang)]
    assert sources[k.label(lang)] == t("balanced_source_objective", lang)
    assert rows.loc[k.label(lang), t("balanced_col_target", lang)] == kpi_value(
        k, held.target, lang
    )
    assert set(sources.drop(index=k.label(lang))) == {t("balanced_source_kpi_target", lang)}
    rows = rows.reset_index()
    trend, strategy = charts(at)
    assert [line["name"] for line in trend["data"]] == [PERSPECTIVES[p][lang] for p in TOP_DOWN[:3]]
    nodes = strategy["data"][0]
    assert sorted(nodes["text"]) == sorted(rows[t("kpi", lang)])
    notes = strategy["layout"]["annotations"]
    assert [a["text"] for a in notes[:4]] == [PERSPECTIVES[p][lang] for p in reversed(TOP_DOWN)]
    assert sorted(a["text"] for a in notes if a.get("yshift")) == sorted(nodes["text"])
    assert any(a.get("showarrow") for a in notes)
    missing = t("balanced_trend_missing", lang, perspectives=PERSPECTIVES["learning"][lang])
    assert missing in [c.value for c in at.caption]


def test_a_team_is_judged_on_its_objectives(monkeypatch):
    at = open_page(monkeypatch, params={"preset": "month"})
    at.radio(key="balanced_level").set_value("team").run()
    at.selectbox(key="balanced_team").set_value(TEAM).run()
    ok(at)
    start = LAST_DAY - timedelta(days=29)
    held = OBJECTIVES[
        (OBJECTIVES["owner_type"] == "team") & (OBJECTIVES["owner_id"] == TEAM)
        & (OBJECTIVES["period_start"] <= start) & (OBJECTIVES["period_end"] >= LAST_DAY)
    ]  # fmt: skip
    # the sample's csat, fcr and first-response objectives, and the resolution rate planted
    # off track
    assert len(held) == 4
    rows = kpi_rows(at, "en").set_index(t("kpi", "en"))
    for objective in held.itertuples():
        k = KPIS_BY_ID[objective.kpi]
        row = rows.loc[k.label("en")]
        assert row[t("balanced_col_source", "en")] == t("balanced_source_objective", "en")
        assert row[t("balanced_col_target", "en")] == kpi_value(k, objective.target, "en")
    others = rows.drop(index=[KPIS_BY_ID[k].label("en") for k in held["kpi"]])
    assert set(others[t("balanced_col_source", "en")]) == {t("balanced_source_kpi_target", "en")}
    assert t("balanced_objectives_note", "en") in [c.value for c in at.caption]


@pytest.fixture
def access_file(tmp_path, monkeypatch):
    users = {
        "sup@example.com": {"role": "supervisor", "teams": [TEAM]},
        "agent@example.com": {"role": "agent", "agent_id": "A003"},
    }
    path = tmp_path / "access.json"
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))


def test_a_supervisor_picks_only_their_team_and_its_agents(monkeypatch, access_file):
    at = open_page(monkeypatch, user="sup@example.com")
    level = at.radio(key="balanced_level")
    assert level.options == [t("balanced_level_team", "en"), t("balanced_level_agent", "en")]
    assert at.selectbox(key="balanced_team").options == [TEAM]
    level.set_value("agent").run()
    ok(at)
    team_agents = AGENTS.loc[AGENTS["team"] == TEAM, "agent_id"]
    shown = at.selectbox(key="balanced_agent").options
    assert len(shown) == len(team_agents)
    assert all(any(f"({a})" in option for option in shown) for a in team_agents)


def test_an_agent_sees_only_their_own_scorecard(monkeypatch, access_file):
    at = open_page(monkeypatch, "zh", user="agent@example.com")
    assert at.radio(key="balanced_level").options == [t("balanced_level_agent", "zh")]
    (option,) = at.selectbox(key="balanced_agent").options
    assert option.endswith("(A003)")
    assert len(at.metric) == 4


def test_a_perspective_without_a_kpi_says_so(monkeypatch, core_only_dataset):
    at = open_page(monkeypatch, "zh", data=core_only_dataset)
    learning = PERSPECTIVES["learning"]["zh"]
    assert t("balanced_none_shown", "zh", perspective=learning) in [i.value for i in at.info]
    by_label = {m.label: m.value for m in at.metric}
    assert by_label[learning] == t("balanced_no_score", "zh")
