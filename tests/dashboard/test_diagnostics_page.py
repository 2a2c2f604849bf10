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
from dashboard.ui.markup import md
from dashboard.ui.values import value_label
from scoring.analyses.diagnostics import BOTTLENECK_RULE
from scoring.registry.kpis import KPIS_BY_ID
from scoring.stores import sqlite_files
from scoring.synthetic.generate import generate
from tests.builders import read_generated
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state
from tests.dashboard.test_state_chaos import full_disk
from tests.scoring.test_diagnostics import stage_dataset

APP = str(ROOT / "app.py")
CONNECT = sqlite_files.connect
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


def scorecard_composites(monkeypatch) -> pd.DataFrame:
    """The Scorecard page's agent table (agent_id, team, composite) on the sample."""
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/scorecard.py")
    at.run()
    table = next(d.value for d in at.dataframe if "composite" in d.value.columns)
    return table[["agent_id", "team", "composite"]]


def test_department_level_opens_on_the_composite_of_every_team(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET)
    no_errors(at)
    assert at.title[0].value == TITLE
    assert crumbs(at) == ["📍 " + t("diagnostics_level_department", "zh")]
    assert at.selectbox(key="diagnostics_kpi").value == "composite"
    teams = sorted(read_generated(SAMPLE_DATASET, "agents")["team"].unique())
    spec = chart(at, t("diagnostics_drill_teams", "zh", kpi=t("composite", "zh")))
    assert _values(spec["data"][0]["x"]) == teams
    assert [c[0] for c in spec["data"][0]["customdata"]] == teams
    # each team's bar is the mean composite of its graded agents, as the Scorecard shows them
    table = scorecard_composites(monkeypatch)
    expected = table.dropna(subset=["composite"]).groupby("team")["composite"].mean()
    assert _values(spec["data"][0]["y"]) == pytest.approx(expected[teams].tolist())
    # the trend and breakdowns show the KPI that costs the composite most: the gaps' first
    gaps = next(d.value for d in at.dataframe if "points_to_target" in d.value.columns)
    drag = KPIS_BY_ID[next(k for k in KPIS_BY_ID.values() if k.label("zh") == gaps["kpi"][0]).id]
    assert t("diagnostics_detail_kpi", "zh", kpi=drag.label("zh")) in [c.value for c in at.caption]
    chart(at, t("diagnostics_trend", "zh", kpi=drag.label("zh")))
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
    spec = chart(at, t("diagnostics_drill_agents", "zh", kpi=t("composite", "zh")))
    assert [c[0] for c in spec["data"][0]["customdata"]] == active
    names = members.set_index("agent_id")["name"]
    assert _values(spec["data"][0]["x"]) == [f"{names[a]} ({a})" for a in active]
    per_agent = tickets[tickets["agent_id"].isin(active)]["agent_id"].value_counts()
    assert [int(c[1]) for c in spec["data"][0]["customdata"]] == [per_agent[a] for a in active]
    composite = scorecard_composites(monkeypatch).set_index("agent_id")["composite"]
    assert np.array(_values(spec["data"][0]["y"]), dtype=float) == pytest.approx(
        composite[active].to_numpy(float), nan_ok=True
    )
    assert t("diagnostics_actions_of", "zh", team="Team North") in markdown(at)


def test_agent_level_from_the_url_counts_tickets_per_category(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"agent": "A026"})
    no_errors(at)
    agents = read_generated(SAMPLE_DATASET, "agents").set_index("agent_id")
    team, name = agents.loc["A026", "team"], agents.loc["A026", "name"]
    assert crumbs(at)[1:] == [
        f"{t('diagnostics_level_team', 'zh')}: {team}  ›",
        f"📍 {t('diagnostics_level_agent', 'zh')}: {md(f'{name} (A026)')}",
    ]
    tickets = quarter(read_generated(SAMPLE_DATASET, "tickets"))
    mine = tickets[tickets["agent_id"] == "A026"]["category"].value_counts()
    spec = chart(at, t("diagnostics_drill_categories", "zh"))
    shown = dict(zip(_values(spec["data"][0]["x"]), _values(spec["data"][0]["y"]), strict=True))
    assert shown == {value_label("category", c, "zh"): int(n) for c, n in mine.items()}
    # the bars drill by the category's id, not its label
    assert {c[0] for c in spec["data"][0]["customdata"]} == set(mine.index)


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
    cell = f"{t('diagnostics_dim_category', 'zh')} = {value_label('category', 'repair', 'zh')}"
    title = t("diagnostics_tickets_title", "zh", count=len(expected), cell=md(cell))
    assert title in [s.value for s in at.subheader]
    listed = next(df for df in at.dataframe if "ticket_id" in df.value.columns).value
    assert sorted(listed["ticket_id"]) == sorted(expected["ticket_id"])
    # names beside ids, values in Chinese, no "None" in a cell
    agents = read_generated(SAMPLE_DATASET, "agents").set_index("agent_id")
    assert set(listed["name"]) == {agents.loc["A026", "name"]}
    assert set(listed["category"]) == {value_label("category", "repair", "zh")}
    assert set(listed["channel"]) == {value_label("channel", c, "zh") for c in expected["channel"]}
    assert listed["comment"].isna().any()  # tickets without a survey comment: shown empty
    assert all(d.proto.HasField("placeholder") and d.proto.placeholder == "" for d in at.dataframe)
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
    name = agents.loc["A026", "name"]
    assert crumbs(at)[-1] == f"📍 {t('diagnostics_level_agent', 'zh')}: {md(f'{name} (A026)')}"
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
    # the form is empty again: a second click saves nothing twice
    assert at.text_area(key="diagnostics_measure").value == ""
    assert at.text_input(key="diagnostics_owner").value == ""
    next(b for b in at.button if b.label == t("diagnostics_action_save", "en")).click().run()
    assert len(_rows(database)) == 1
    assert at.error[0].value == t(
        "diagnostics_action_invalid", "en", problem=t("diagnostics_action_empty_owner", "en")
    )
    listed = next(df for df in at.dataframe if "owner" in df.value.columns).value
    assert listed["owner"].tolist() == ["Li Wei"]
    at.selectbox(key="diagnostics_status_value").set_value("done")
    button(at, "diagnostics_status_update").click().run()
    assert _rows(database)[0][3] == "done"
    listed = next(df for df in at.dataframe if "owner" in df.value.columns).value
    assert listed["status"].tolist() == [t("diagnostics_status_done", "en")]


def test_an_action_the_store_cannot_save_keeps_what_was_typed(monkeypatch):
    at = open_page(monkeypatch, SAMPLE_DATASET, {"lang": "en", "team": "Team North"})
    full_disk(monkeypatch)  # every write fails: the store raises Unavailable
    at.text_area(key="diagnostics_measure").input("Coach repair first-time fixes")
    at.text_input(key="diagnostics_owner").input("Li Wei")
    save = t("diagnostics_action_save", "en")
    next(b for b in at.button if b.label == save).click().run()
    assert not at.exception
    not_saved = t("diagnostics_action_invalid", "en", problem="")
    assert any(e.value.startswith(not_saved) for e in at.error), [e.value for e in at.error]
    assert at.text_area(key="diagnostics_measure").value == "Coach repair first-time fixes"
    assert at.text_input(key="diagnostics_owner").value == "Li Wei"
    monkeypatch.setattr(sqlite_files, "connect", CONNECT)  # the disk is back: one click saves
    next(b for b in at.button if b.label == save).click().run()
    assert _rows(saved_state() / "actions.sqlite") == [
        ("Team North", "Li Wei", "Coach repair first-time fixes", "planned")
    ]
    assert at.text_area(key="diagnostics_measure").value == ""


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
    assert highlighted(stage_chart(at, team)) == label
    at = open_page(monkeypatch, path, {"lang": "en", "preset": "all", "team": team})
    assert f"Bottleneck: **{label}**" in markdown(at)
    assert highlighted(stage_chart(at, team)) == label


GREY = "#8c959f"  # the colour of a stage that is not the bottleneck


def stage_chart(at: AppTest, scope: str) -> dict:
    return chart(at, t("diagnostics_stage_chart", "en", scope=scope))


def highlighted(spec: dict) -> str | None:
    """The one stage drawn red in a stage chart (None when no bar is)."""
    bar = spec["data"][0]
    red = [x for x, c in zip(_values(bar["x"]), bar["marker"]["color"], strict=True) if c != GREY]
    assert len(red) <= 1, red
    return red[0] if red else None


@pytest.fixture(scope="module")
def stage_worlds(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("stages")
    return {
        "planted": stage_dataset(root / "planted", {"processing": 6.0}),
        "even": stage_dataset(root / "even", None),
    }


def test_a_planted_slow_stage_is_named_and_highlighted_by_hand(monkeypatch, stage_worlds):
    processing = t("diagnostics_stage_processing", "en")
    at = open_page(monkeypatch, stage_worlds["planted"], {"lang": "en", "preset": "all"})
    no_errors(at)
    # 6.3 h against 2.1 h (tests/scoring/test_diagnostics.py works the medians out)
    headline = t(
        "diagnostics_team_bottleneck", "en", team="T1", stage=processing, hours="6.3 h",
        peer="2.1 h", ratio=3.0, excess="4.2 h",
    )  # fmt: skip
    assert headline in markdown(at)
    spec = stage_chart(at, "T1")
    assert highlighted(spec) == processing
    ratios = dict(zip(_values(spec["data"][0]["x"]), _values(spec["data"][0]["y"]), strict=True))
    assert ratios[processing] == pytest.approx(3.0)
    assert max(ratios, key=ratios.get) == processing  # the tallest bar is the named stage
    assert "6.3 h vs 2.1 h" in spec["data"][0]["text"]
    team_level = {"lang": "en", "preset": "all", "team": "T1"}
    at = open_page(monkeypatch, stage_worlds["planted"], team_level)
    assert f"Bottleneck: **{processing}**" in markdown(at)
    assert highlighted(stage_chart(at, "T1")) == processing
    rule = t(
        "diagnostics_bottleneck_rule", "en", ratio=BOTTLENECK_RULE.min_ratio, excess="12 min",
        tickets=BOTTLENECK_RULE.min_tickets,
    )  # fmt: skip
    assert rule in [c.value for c in at.caption]


def test_without_a_slow_stage_none_is_named(monkeypatch, stage_worlds):
    at = open_page(monkeypatch, stage_worlds["even"], {"lang": "zh", "preset": "all"})
    no_errors(at)
    assert t("diagnostics_no_team_bottleneck", "zh") in markdown(at)
    assert "瓶颈：" not in markdown(at) and "最大瓶颈" not in markdown(at)
    department = chart(at, t("diagnostics_stage_hours_chart", "zh"))
    assert len(department["data"]) == 1  # one series, and its title says it is the department
    team_level = {"lang": "zh", "preset": "all", "team": "T2"}
    at = open_page(monkeypatch, stage_worlds["even"], team_level)
    no_errors(at)
    assert t("diagnostics_no_bottleneck", "zh") in markdown(at)
    assert highlighted(chart(at, t("diagnostics_stage_chart", "zh", scope="T2"))) is None


def test_names_the_planted_weak_category_of_an_agent(monkeypatch, generated):
    path, truth = generated
    untrained = {e["agent_id"] for e in truth["training_effects"]}
    weak = next(w for w in truth["weak_skills"] if w["agent_id"] not in untrained)
    at = open_page(monkeypatch, path, {"lang": "en", "preset": "all", "agent": weak["agent_id"]})
    at.selectbox(key="diagnostics_kpi").set_value("fcr").run()
    no_errors(at)
    label = value_label("category", weak["category"], "en")
    assert f"Weakest category vs the department: **{label}**" in markdown(at)


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
