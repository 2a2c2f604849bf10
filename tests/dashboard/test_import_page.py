"""The Import page (AppTest): upload, the suggested mapping, a changed column, preview,
import, the dataset then open everywhere, undo; who may open the page; what each dataset
keeps of its own. The export is written here by hand; expected values are read off it."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.i18n import t
from scoring.data import catalog
from scoring.ingest.write import current_version, read_history
from scoring.scope import EVERYTHING
from scoring.stores.actions import ActionStore
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
PAGE = "app_pages/import_data.py"
HEADER = ["Ticket_ID", "Channel", "Category", "Priority", "Created_Date", "Resolved_Date",
          "Status", "Agent", "Group"]  # fmt: skip
AGENTS = ("A01", "A02", "A03", "A04")


def export(rows: int = 120, bad_date_every: int = 0) -> bytes:
    """A helpdesk export: day-first dates (13-04-2026 tells the order), four agents in two
    groups, every fifth ticket still open."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(rows):
        day = 1 + i % 27
        resolved = "" if i % 5 == 0 else f"{day + 1:02d}-04-2026 10:00"
        if bad_date_every and i % bad_date_every == 1:
            resolved = "soon"
        writer.writerow(
            [f"T-{i}", ("Email", "Phone")[i % 2], ("Billing", "Repair")[i % 3 == 0], "High",
             f"{day:02d}-04-2026 09:00", resolved, "Open" if i % 5 == 0 else "Closed",
             AGENTS[i % 4], ("North", "South")[i % 4 >= 2]]
        )  # fmt: skip
    return out.getvalue().encode()


@pytest.fixture
def state(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("SPD_STATE_DIR", str(folder))
    monkeypatch.delenv("SPD_DATA_DIR", raising=False)
    return folder


def open_import(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()  # st.navigation registers the pages; then a page can be chosen by file
    at.switch_page(PAGE)
    return at.run()


def upload(at: AppTest, data: bytes, name: str = "april helpdesk.csv") -> AppTest:
    at.file_uploader(key="import_files").set_value((name, data, "text/csv"))
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def source(at: AppTest, target: str) -> str:
    return at.selectbox(key=f"import_src_{target}").value


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_upload_suggest_change_preview_import_and_the_scorecard_shows_the_new_data(state):
    at = upload(open_import(), export())
    no_exception(at)
    assert source(at, "tickets.ticket_id") == "c:Ticket_ID"
    assert source(at, "tickets.created_at") == "c:Created_Date"
    assert source(at, "agents.team") == "c:Group"
    assert "120 rows and 9 columns read" in " ".join(c.value for c in at.caption)
    assert "read as `%d-%m-%Y %H:%M`" in " ".join(c.value for c in at.caption)

    at.selectbox(key="import_src_agents.team").set_value("-").run()  # change one column
    no_exception(at)
    assert source(at, "agents.team") == "-"
    at.button(key="import_preview").click().run()
    no_exception(at)
    counts = table_with(at, t("import_rows", "en")).set_index(t("import_table", "en"))
    assert counts.loc["Tickets", t("import_rows", "en")] == 120  # the table in words
    assert counts.loc["Agents", t("import_rows", "en")] == 4
    kpis = table_with(at, t("import_kpi", "en")).set_index(t("import_kpi", "en"))
    # 96 of 120 tickets have a resolution time: resolution rate 80.0 %
    assert kpis.loc["Resolution rate", t("import_kpi_value", "en")] == "80.0%"
    agents = table_with(at, "agent_id")
    assert agents["team"].tolist() == ["Unassigned"] * 4  # the group column was dropped
    assert not (state / "datasets").exists()  # a preview writes nothing

    at.text_input(key="import_name").set_value("April export").run()
    at.button(key="import_go").click().run()
    no_exception(at)
    assert current_version(state / "datasets" / "April-export") == 1
    (entry,) = read_history(state / "datasets" / "April-export")
    assert entry["files"] == ["april helpdesk.csv"]  # as uploaded, not the staged path
    assert at.success[0].value == t(
        "import_done", "en", name="April-export", version=1, tickets=120
    )
    assert at.sidebar.selectbox(key="w_dataset").value == "imported-April-export"

    at.switch_page("app_pages/scorecard.py").run()
    no_exception(at)
    assert at.query_params["dataset"] == "imported-April-export"
    assert set(at.dataframe(key="scorecard_agents").value["agent_id"]) == set(AGENTS)
    assert at.session_state["_context"].ds.report.tables["tickets"].accepted == 120


def test_unread_values_are_shown_and_the_files_teams_are_written(state):
    at = upload(open_import(), export(rows=200, bad_date_every=50))
    at.button(key="import_preview").click().run()
    no_exception(at)
    assert at.warning[0].value == t("import_unread_title", "en")
    unread = table_with(at, t("import_unread_examples", "en"))
    assert unread[t("import_unread_column", "en")].tolist() == ["Resolved_Date"]
    assert unread[t("import_unread_rows", "en")].tolist() == [4]  # rows 1, 51, 101, 151
    assert unread[t("import_unread_examples", "en")].tolist() == ["soon"]

    at.text_input(key="import_name").set_value("may")
    at.button(key="import_go").click().run()
    no_exception(at)
    written = pd.read_parquet(state / "datasets" / "may" / "current" / "agents.parquet")
    assert written.set_index("agent_id")["team"].to_dict() == {
        "A01": "North", "A02": "North", "A03": "South", "A04": "South"
    }  # fmt: skip


def test_an_unreadable_file_is_named_and_nothing_is_written(state):
    at = upload(open_import(), b"\x00\x01\x02 not a table", name="broken.xlsx")
    no_exception(at)
    assert at.error[0].value == t("import_read_error", "en")
    assert "broken.xlsx" in at.text[0].value
    assert not (state / "datasets").exists()


def test_a_second_import_appends_and_undo_goes_back(state):
    at = upload(open_import(), export(rows=60))
    at.button(key="import_preview").click().run()
    at.text_input(key="import_name").set_value("april")
    at.button(key="import_go").click().run()
    at = upload(open_import(), export(rows=100))  # the same 60 tickets and 40 new ones
    at.button(key="import_preview").click().run()
    at.text_input(key="import_name").set_value("april").run()
    at.checkbox(key="import_append").check()
    at.button(key="import_go").click().run()
    no_exception(at)
    target = state / "datasets" / "april"
    assert current_version(target) == 2
    assert read_history(target)[-1]["tables"]["tickets"]["added"] == 40
    history = table_with(at, t("import_history_version", "en"))
    assert history[t("import_history_action", "en")].tolist() == ["append", "import"]
    at.button(key="import_undo").click().run()
    no_exception(at)
    assert current_version(target) == 1
    assert t("import_undone", "en", name="april", version=1) in [s.value for s in at.success]


def test_only_leadership_and_analysts_of_every_team_may_import(state, tmp_path, monkeypatch):
    users = {
        "boss@x": {"role": "leadership"},
        "ana@x": {"role": "analyst"},
        "north-ana@x": {"role": "analyst", "teams": ["Team North"]},
        "sup@x": {"role": "supervisor", "teams": ["Team North"]},
    }
    path = tmp_path / "access.json"
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))
    opens = {}
    for user in users:
        monkeypatch.setattr(app_access, "session_user", lambda user=user: user)
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = "en"
        at.run()
        try:  # a page the navigation did not register for this session cannot be opened
            at.switch_page(PAGE).run()
        except ValueError:
            opens[user] = False
            continue
        no_exception(at)
        opens[user] = at.title[0].value == t("page_import_data", "en")
    assert opens == {"boss@x": True, "ana@x": True, "north-ana@x": False, "sup@x": False}


def test_each_dataset_keeps_its_own_actions(state):
    at = upload(open_import(), export(rows=60))
    at.button(key="import_preview").click().run()
    at.text_input(key="import_name").set_value("april")
    at.button(key="import_go").click().run()
    entries = catalog.list_datasets(state, catalog.SAMPLE_DATA_DIR)
    sample_folder = catalog.state_folder(state, entries[0])
    ActionStore(sample_folder / "actions.sqlite").add(
        EVERYTHING, "Team North", "csat", "Call-back script", "Zhang", "2026-06-01", "2030-07-01"
    )
    at.switch_page("app_pages/diagnostics.py").run()
    no_exception(at)
    assert at.session_state["_context"].dataset.key == "imported-april"
    assert "Call-back script" not in " ".join(str(d.value) for d in at.dataframe)
    at.sidebar.selectbox(key="w_dataset").set_value("sample").run()
    no_exception(at)
    assert at.session_state["_context"].state_dir == sample_folder


def test_a_link_to_an_unknown_dataset_opens_the_default_and_says_so(state):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "dataset": "imported-../../etc"})
    at.run()
    no_exception(at)
    assert at.sidebar.warning[0].value == t("dataset_unknown", "en")
    assert at.session_state["_context"].dataset.key == "sample"


def test_a_zendesk_rating_column_shows_how_its_words_are_read(state):
    rows = [["1", "2026-04-01 09:00:00", "a@x", "Good"], ["2", "2026-04-02 09:00:00", "b@x", "Bad"],
            ["3", "2026-04-03 09:00:00", "a@x", "Offered"]]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([["Id", "Created at", "Assignee", "Satisfaction Score"], *rows])
    at = upload(open_import(), out.getvalue().encode(), name="zendesk.csv")
    no_exception(at)
    assert source(at, "surveys.csat") == "c:Satisfaction Score"
    notes = " ".join(c.value for c in at.caption)
    assert "Good → 5" in notes and "Bad → 1" in notes and "Offered → (no answer)" in notes
