"""The Objectives page under streamlit's AppTest: set an objective (a target that is not a
number and a period backwards save nothing), cascade it to the teams, see every child
tracked — also in another session, from the files; a supervisor sets objectives only for
their own team and sees no other team's.

Expected values: the small generated dataset's teams read from its Parquet file with pandas,
the texts from the UI catalog, the status words from scoring.methods.attainment.STATUSES.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.i18n import t
from scoring.analyses.objectives import objective_id
from scoring.methods.attainment import REACHED, STATUSES
from scoring.registry.kpis import KPIS_BY_ID
from scoring.stores.objectives import ObjectiveStore
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state

APP = str(ROOT / "app.py")
PAGE = "app_pages/objectives.py"
PERIOD = (date(2026, 5, 1), date(2026, 5, 31))
MAY = "2026-05-01 – 2026-05-31"
DEPARTMENT = "Service department"
STATUS_WORDS = {t(f"objectives_status_{s}", "en") for s in STATUSES}


def open_page(monkeypatch, data, lang: str = "en") -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": lang, "preset": "all"})
    at.switch_page(PAGE)
    return at.run()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def tracked(at: AppTest) -> pd.DataFrame:
    rows = next(d.value for d in at.dataframe if "attainment" in d.value.columns)
    return rows[(rows["period"] == MAY) & (rows["kpi"] == "First-contact resolution")]


def fill(at: AppTest, owner_type: str, owner: str, target: str, period=PERIOD) -> AppTest:
    at.selectbox("objectives_owner_type").set_value(owner_type).run()
    if owner_type == "department":
        at.text_input("objectives_owner").set_value(owner)
    else:
        at.selectbox("objectives_owner").set_value(owner)
    at.selectbox("objectives_kpi").set_value("fcr")
    at.date_input("objectives_start").set_value(period[0])
    at.date_input("objectives_end").set_value(period[1])
    at.text_input("objectives_target").set_value(target)
    at.text_input("objectives_note").set_value("from the strategy")
    return at.button("objectives_save").click().run()


def test_set_an_objective_cascade_it_and_see_it_tracked(monkeypatch, small_dataset):
    teams = sorted(pd.read_parquet(small_dataset / "agents.parquet")["team"].unique())
    at = open_page(monkeypatch, small_dataset)
    ok(at)
    store = ObjectiveStore(saved_state())
    at = fill(at, "department", DEPARTMENT, "abc")
    assert t("objectives_not_saved", "en") in at.error[0].value and "abc" in at.error[0].value
    at = fill(at, "department", DEPARTMENT, "0.7", (PERIOD[1], PERIOD[0]))
    assert "runs backwards" in at.error[0].value and store.versions() == []
    at = fill(at, "department", DEPARTMENT, "0.7")
    ok(at)
    assert at.success[0].value == t("objectives_saved", "en", version=1)
    rows = tracked(at)
    assert rows[["owner", "target"]].values.tolist() == [[DEPARTMENT, "70.0%"]]
    assert rows["status"].iloc[0] in STATUS_WORDS

    at.selectbox("objectives_parent").set_value(
        objective_id("department", DEPARTMENT, "fcr", *PERIOD)
    ).run()
    at.radio("objectives_to").set_value("team")
    at = at.radio("objectives_weigh").set_value("headcount").run()
    preview = next(d.value for d in at.dataframe if "kept" in d.value.columns)
    assert preview["owner"].tolist() == [f"Team: {team}" for team in teams]
    assert set(preview["target"]) == {"70.0%"} and not preview["kept"].any()
    assert at.success[0].value.startswith("Together the children's targets come to 70.0%")
    at = at.button("objectives_cascade_save").click().run()
    ok(at)
    assert t("objectives_cascade_saved", "en", count=len(teams), version=2) in [
        s.value for s in at.success
    ]
    rows = tracked(at)
    assert sorted(rows["owner"]) == sorted([DEPARTMENT, *teams])
    assert set(rows["status"]) <= STATUS_WORDS and (rows["actual"] != "—").all()

    again = open_page(monkeypatch, small_dataset)  # another session, from the files
    assert sorted(tracked(again)["owner"]) == sorted([DEPARTMENT, *teams])
    history = next(d.value for d in again.dataframe if "version" in d.value.columns)
    assert (
        history["version"].tolist() == [2, 1] and history["note"].tolist()[1] == "from the strategy"
    )

    # the balanced scorecard of May judges the team on the objective cascaded to it, and on
    # the dataset's own quarterly one, each for the 31 days it covers (overlap-weighted)
    card_at = AppTest.from_file(APP, default_timeout=120)
    card_at.query_params.update({"lang": "en", "preset": "custom", "from": "2026-05-01",
                                 "to": "2026-05-31"})  # fmt: skip
    card_at.switch_page("app_pages/balanced.py")
    card_at.run()
    card_at.radio("balanced_level").set_value("team").run()
    card_at = card_at.selectbox("balanced_team").set_value(teams[0]).run()
    ok(card_at)
    table = pd.read_parquet(small_dataset / "objectives.parquet")
    mine = table[(table["owner_id"] == teams[0]) & (table["kpi"] == "fcr")]
    quarter = mine[(mine["period_start"] <= PERIOD[0]) & (mine["period_end"] >= PERIOD[1])]
    expected = (0.7 * 31 + quarter["target"].sum() * 31) / (31 + 31 * len(quarter))
    card = next(d.value for d in card_at.dataframe if t("balanced_col_source", "en") in d.value)
    fcr = card.set_index(t("kpi", "en")).loc[KPIS_BY_ID["fcr"].label("en")]
    assert fcr[t("balanced_col_source", "en")] == t("balanced_source_objective", "en")
    assert fcr[t("balanced_col_target", "en")] == f"{expected:.1%}"


def test_a_supervisor_sets_objectives_for_their_own_team_only(monkeypatch, small_dataset, tmp_path):
    agents = pd.read_parquet(small_dataset / "agents.parquet")
    team = sorted(agents["team"].unique())[0]
    access = tmp_path / "access.json"
    access.write_text(json.dumps({"users": {"s@x": {"role": "supervisor", "teams": [team]}}}))
    monkeypatch.setenv("SPD_ACCESS_FILE", str(access))
    monkeypatch.setattr(app_access, "session_user", lambda: "s@x")
    at = open_page(monkeypatch, small_dataset)
    ok(at)
    assert at.selectbox("objectives_owner_type").options == ["Team", "Agent"]
    assert at.selectbox("objectives_owner").options == [team]
    at.selectbox("objectives_owner_type").set_value("agent").run()
    own = sorted(agents.loc[agents["team"] == team, "agent_id"])
    assert at.selectbox("objectives_owner").options == own
    shown = next(d.value for d in at.dataframe if "attainment" in d.value.columns)
    others = set(agents["team"]) - {team} | set(agents.loc[agents["team"] != team, "agent_id"])
    assert not set(shown["owner"]) & others
    at = fill(at, "team", team, "0.6")
    assert at.success[0].value == t("objectives_saved", "en", version=1)


def test_the_page_finds_the_planted_objectives_on_and_off_track(monkeypatch):
    truth = json.loads((SAMPLE_DATASET / "truth.json").read_text(encoding="utf-8"))["objectives"]
    at = open_page(monkeypatch, SAMPLE_DATASET)
    ok(at)
    rows = next(d.value for d in at.dataframe if "attainment" in d.value.columns)
    reached = {t(f"objectives_status_{s}", "en") for s in REACHED}

    def status_of(planted: dict) -> str:
        period = f"{planted['period_start']} – {planted['period_end']}"
        kpi = KPIS_BY_ID[planted["kpi"]].label("en")
        mine = rows[(rows["owner"] == planted["owner_id"]) & (rows["kpi"] == kpi)
                    & (rows["period"] == period)]  # fmt: skip
        assert len(mine) == 1, planted
        return mine["status"].iloc[0]

    assert all(status_of(p) in reached for p in truth["on_track"])
    behind = {t(f"objectives_status_{s}", "en") for s in ("at_risk", "missed")}
    assert all(status_of(p) in behind for p in truth["off_track"])
