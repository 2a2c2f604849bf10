"""The diagnostics page under streamlit's AppTest: each drill level and its URL entry, the
breadcrumbs, every control, the improvement-action form, and on generated data the planted
bottleneck and weak category named (read from truth.json).

Expected counts come from the Parquet files read here with pandas; texts from the catalog.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.registry.kpis import KPIS_BY_ID
from scoring.synthetic.generate import generate
from tests.builders import read_generated
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state

APP = str(ROOT / "app.py")
PAGE = "app_pages/diagnostics.py"
TITLE = t("page_diagnostics", "zh")


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("SPD_STATE_DIR", str(folder))
    return folder


def open_page(monkeypatch, data: Path, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    at.switch_page(PAGE)
    return at.run()


def quarter(tickets: pd.DataFrame) -> pd.DataFrame:
    last = tickets["created_at"].max().normalize()
    start, end = last - pd.Timedelta(days=90), last + pd.Timedelta(days=1)
    return tickets[(tickets["created_at"] >= start) & (tickets["created_at"] < end)]


def _values(values) -> list:
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        if "shape" in values:
            array = array.reshape([int(n) for n in str(values["shape"]).split(",")])
        return array.tolist()
    return list(values)


def chart(at: AppTest, starts: str) -> dict:
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        if spec["layout"].get("title", {}).get("text", "").startswith(starts):
            return spec
    titles = [json.loads(e.proto.spec)["layout"].get("title") for e in at.get("plotly_chart")]
    raise AssertionError(f"no chart titled {starts!r}: {titles}")


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def crumbs(at: AppTest) -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith("diagnostics_crumb_")]


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


# ---------------------------------------------------------------------------------------
# Sample data: the levels


def test_department_level_shows_every_team_and_the_biggest_drag(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET)
    no_errors(at)
    assert at.title[0].value == TITLE
    assert crumbs(at) == ["📍 " + t("diagnostics_level_department", "zh")]
    teams = sorted(read_generated(SAMPLE_DATASET, "agents")["team"].unique())
    k = KPIS_BY_ID[at.selectbox(key="diagnostics_kpi").value]
    spec = chart(at, t("diagnostics_drill_teams", "zh", kpi=k.label("zh")))
    assert _values(spec["data"][0]["x"]) == teams
    assert [c[0] for c in spec["data"][0]["customdata"]] == teams
    assert "最大拖累" in markdown(at)
    # the team filter of the sidebar is the team level: nothing chosen at the department
    assert "team" not in at.query_params


def test_team_level_from_the_url_lists_the_teams_agents(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"team": "Team North"})
    no_errors(at)
    assert crumbs(at)[-1] == f"📍 {t('diagnostics_level_team', 'zh')}: Team North"
    agents = read_generated(SAMPLE_DATASET, "agents")
    tickets = quarter(read_generated(SAMPLE_DATASET, "tickets"))
    members = agents[agents["team"] == "Team North"]
    active = sorted(set(members["agent_id"]) & set(tickets["agent_id"]))
    k = KPIS_BY_ID[at.selectbox(key="diagnostics_kpi").value]
    spec = chart(at, t("diagnostics_drill_agents", "zh", kpi=k.label("zh")))
    assert [c[0] for c in spec["data"][0]["customdata"]] == active
    per_agent = tickets[tickets["agent_id"].isin(active)]["agent_id"].value_counts()
    assert [int(c[1]) for c in spec["data"][0]["customdata"]] == [per_agent[a] for a in active]
    assert t("diagnostics_actions_of", "zh", team="Team North") in markdown(at)


def test_agent_level_from_the_url_counts_tickets_per_category(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"agent": "A026"})
    no_errors(at)
    agents = read_generated(SAMPLE_DATASET, "agents").set_index("agent_id")
    team = agents.loc["A026", "team"]
    assert crumbs(at)[1:] == [
        f"{t('diagnostics_level_team', 'zh')}: {team}  ›",
        f"📍 {t('diagnostics_level_agent', 'zh')}: A026",
    ]
    tickets = quarter(read_generated(SAMPLE_DATASET, "tickets"))
    mine = tickets[tickets["agent_id"] == "A026"]["category"].value_counts()
    spec = chart(at, t("diagnostics_drill_categories", "zh"))
    shown = dict(zip(_values(spec["data"][0]["x"]), _values(spec["data"][0]["y"]), strict=True))
    assert shown == {c: int(n) for c, n in mine.items()}


def test_breadcrumbs_go_back_up(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"agent": "A026", "team": "Team South"})
    button(at, "diagnostics_crumb_team").click().run()
    no_errors(at)
    assert at.query_params.get("team") == "Team South" and "agent" not in at.query_params
    assert crumbs(at)[-1].startswith("📍 " + t("diagnostics_level_team", "zh"))
    button(at, "diagnostics_crumb_department").click().run()
    no_errors(at)
    assert "team" not in at.query_params and "agent" not in at.query_params
    assert len(crumbs(at)) == 1


def test_ticket_level_from_the_url_lists_every_ticket_of_the_cell_worst_first(monkeypatch):
    # drill=category:repair is what a click on the agent's "repair" bar writes (the browser
    # test clicks the real chart); the link opens the same level.
    at = open_page(monkeypatch, SAMPLE_DATASET, {"agent": "A026", "drill": "category:repair"})
    no_errors(at)
    tickets = quarter(read_generated(SAMPLE_DATASET, "tickets"))
    expected = tickets[(tickets["agent_id"] == "A026") & (tickets["category"] == "repair")]
    title = t("diagnostics_tickets_title", "zh", count=len(expected), cell="category = repair")
    assert title in [s.value for s in at.subheader]
    listed = next(df for df in at.dataframe if "ticket_id" in df.value.columns).value
    assert sorted(listed["ticket_id"]) == sorted(expected["ticket_id"])
    csat = listed["csat"].dropna().tolist()
    assert csat == sorted(csat)  # worst first
    surveys = read_generated(SAMPLE_DATASET, "surveys").set_index("ticket_id")
    first = listed.iloc[0]
    assert surveys.loc[first["ticket_id"], "csat"] == min(csat)
    assert at.query_params.get("drill") == "category:repair"
    assert crumbs(at)[-1] == "📍 " + t("diagnostics_level_tickets", "zh")
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("diagnostics_download_tickets", "zh") in labels
    button(at, "diagnostics_crumb_agent").click().run()
    assert "drill" not in at.query_params
    assert crumbs(at)[-1] == f"📍 {t('diagnostics_level_agent', 'zh')}: A026"
    assert not [s.value for s in at.subheader if s.value.startswith(str(len(expected)))]


def test_a_drill_key_without_an_agent_is_dropped(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"team": "Team North", "drill": "category:x"})
    no_errors(at)
    assert "drill" not in at.query_params
    assert crumbs(at)[-1] == f"📍 {t('diagnostics_level_team', 'zh')}: Team North"


def test_an_unknown_agent_in_the_url_falls_back_to_the_department(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"agent": "NOBODY"})
    assert not at.exception
    assert at.warning[0].value == t("diagnostics_unknown_agent", "zh", agent="NOBODY")
    assert len(crumbs(at)) == 1
    assert "agent" not in at.query_params  # the address no longer names the unknown agent
    at.run()
    assert not at.warning and "agent" not in at.query_params


# ---------------------------------------------------------------------------------------
# Controls


def test_kpi_breakdown_and_min_cell_controls_change_the_charts(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"lang": "en", "team": "Team North"})
    at.selectbox(key="diagnostics_kpi").set_value("fcr").run()
    no_errors(at)
    fcr = KPIS_BY_ID["fcr"]
    chart(at, t("diagnostics_drill_agents", "en", kpi=fcr.label("en")))
    trend = chart(at, t("diagnostics_trend", "en", kpi=fcr.label("en")))
    assert len(_values(trend["data"][0]["x"])) == 12  # every month of the sample
    at.selectbox(key="diagnostics_breakdown_pair").set_value("weekday|hour").run()
    heat_title = t(
        "diagnostics_heatmap", "en", kpi=fcr.label("en"), rows="weekday", columns="hour", min=20
    )
    heat = chart(at, heat_title)
    assert _values(heat["data"][1]["x"]) == [str(h) for h in range(24)]
    coloured = np.array(_values(heat["data"][1]["z"]), dtype=float)
    assert np.isfinite(coloured).any()
    at.number_input(key="diagnostics_min_cell").set_value(1000).run()
    heat = chart(at, heat_title.replace("20", "1000"))
    assert np.isnan(np.array(_values(heat["data"][1]["z"]), dtype=float)).all()  # all greyed out
    assert np.isfinite(np.array(_values(heat["data"][0]["z"]), dtype=float)).any()


def test_actions_form_refuses_bad_input_saves_good_input_and_updates_status(monkeypatch, state_dir):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"lang": "en", "team": "Team North"})
    at.text_area(key="diagnostics_measure").input("Coach repair first-time fixes")
    at.text_input(key="diagnostics_owner").input("   ")
    next(b for b in at.button if b.label == t("diagnostics_action_save", "en")).click().run()
    assert at.error[0].value == t(
        "diagnostics_action_invalid", "en", problem=t("diagnostics_action_empty_owner", "en")
    )
    database = saved_state() / "actions.sqlite"
    assert not database.exists() or _rows(database) == []
    at.text_input(key="diagnostics_owner").input("Li Wei")
    next(b for b in at.button if b.label == t("diagnostics_action_save", "en")).click().run()
    no_errors(at)
    assert _rows(database) == [("Team North", "Li Wei", "Coach repair first-time fixes", "planned")]
    assert at.success[0].value == t("diagnostics_action_saved", "en", id=1, team="Team North")
    listed = next(df for df in at.dataframe if "owner" in df.value.columns).value
    assert listed["owner"].tolist() == ["Li Wei"]
    at.selectbox(key="diagnostics_status_value").set_value("done")
    button(at, "diagnostics_status_update").click().run()
    assert _rows(database)[0][3] == "done"
    listed = next(df for df in at.dataframe if "owner" in df.value.columns).value
    assert listed["status"].tolist() == [t("diagnostics_status_done", "en")]


def _rows(database: Path) -> list[tuple]:
    con = sqlite3.connect(database)
    try:
        return con.execute("SELECT team, owner, measure, status FROM actions").fetchall()
    finally:
        con.close()


def test_an_action_appears_as_a_marker_on_the_trend(monkeypatch, state_dir):
    from scoring.scope import EVERYTHING
    from scoring.stores.actions import ActionStore

    ActionStore(state_dir / "actions.sqlite").add(
        EVERYTHING, "Team North", "csat", "Call-back script", "Zhang", "2026-06-01", "2026-07-01"
    )
    at = open_page(monkeypatch, SAMPLE_DATASET, {"lang": "en", "team": "Team North"})
    at.selectbox(key="diagnostics_kpi").set_value("csat").run()
    trend = chart(at, t("diagnostics_trend", "en", kpi=KPIS_BY_ID["csat"].label("en")))
    notes = [a["text"] for a in trend["layout"].get("annotations", [])]
    assert "#1 Call-back script" in notes
    assert any(s.get("type") == "line" and s["x0"] == s["x1"] for s in trend["layout"]["shapes"])


# ---------------------------------------------------------------------------------------
# Other datasets


def test_renders_without_the_optional_tables(monkeypatch, core_only_dataset):
    at = open_page(monkeypatch, core_only_dataset, {"team": "Team North"})
    no_errors(at)
    assert at.title[0].value == TITLE


def test_names_the_problems_of_an_invalid_dataset(monkeypatch, invalid_dataset):
    at = open_page(monkeypatch, invalid_dataset)
    assert not at.exception
    assert at.error[0].value == t("dataset_error_title", "zh")
    assert at.text[0].value == str(invalid_dataset)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("generated") / "data"
    generate(out, tickets=40_000, seed=7)
    return out, json.loads((out / "truth.json").read_text(encoding="utf-8"))


def test_names_the_planted_bottleneck_team_and_stage(monkeypatch, generated):
    path, truth = generated
    team, stage = truth["bottleneck"]["team"], truth["bottleneck"]["stage"]
    label = t(f"diagnostics_stage_{stage}", "en")
    at = open_page(monkeypatch, path, {"lang": "en", "preset": "all"})
    no_errors(at)
    assert f"Largest bottleneck: **{team}** in **{label}**" in markdown(at)
    at = open_page(monkeypatch, path, {"lang": "en", "preset": "all", "team": team})
    assert f"Bottleneck: **{label}**" in markdown(at)


def test_names_the_planted_weak_category_of_an_agent(monkeypatch, generated):
    path, truth = generated
    untrained = {e["agent_id"] for e in truth["training_effects"]}
    weak = next(w for w in truth["weak_skills"] if w["agent_id"] not in untrained)
    at = open_page(monkeypatch, path, {"lang": "en", "preset": "all", "agent": weak["agent_id"]})
    at.selectbox(key="diagnostics_kpi").set_value("fcr").run()
    no_errors(at)
    assert f"Weakest category vs the department: **{weak['category']}**" in markdown(at)


def test_an_agent_with_too_few_cases_for_some_kpis_opens_without_an_error(
    monkeypatch, small_dataset
):
    """A KPI without a single case in the period left a missing count that broke the page."""
    tickets = pd.read_parquet(small_dataset / "tickets")
    fewest = quarter(tickets)["agent_id"].value_counts().idxmin()
    at = open_page(monkeypatch, small_dataset, {"lang": "en", "agent": fewest})
    assert not at.exception
    assert at.query_params["agent"] == fewest
    gaps = next(d.value for d in at.dataframe if "points_to_target" in d.value.columns)
    assert len(gaps) > 0


def test_a_repeat_chain_shows_another_teams_steps_without_who_handled_them(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"lang": "en", "team": "Team North"})
    chains = next(d.value for d in at.dataframe if "position" in d.value.columns)
    other = chains["ticket_id"] == t("diagnostics_other_step", "en")
    assert other.any() and (~other).any()  # the sample's chains cross teams
    assert set(chains.loc[other, "agent_id"]) == {""} and set(chains.loc[other, "team"]) == {""}
    assert set(chains.loc[~other, "team"]) == {"Team North"}
    assert t("diagnostics_chains_help", "en") in [c.value for c in at.caption]
