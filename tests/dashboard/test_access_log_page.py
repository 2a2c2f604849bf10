"""The access log in the running app (AppTest): page views and downloads are recorded once,
with the session's user, role, page and query; only leadership opens the log page; its
export holds the entries with formulas neutralised. The log is read back with AccessLog
from the state folder; expected queries are written out by hand."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import audit
from dashboard.ui.i18n import t
from dashboard.ui.markup import md
from scoring.access import ROLES_BY_ID
from scoring.stores.access_log import FILE_NAME, AccessLog
from tests.conftest import saved_state
from tests.dashboard.test_access_page import open_as

NORTH, EAST = "Team North", "Team East"
BOSS, SUPERVISOR = "boss@example.com", "li.na@example.com"


@pytest.fixture
def state(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("SPD_STATE_DIR", str(folder))
    path = tmp_path / "access.json"
    users = {BOSS: {"role": "leadership"}, SUPERVISOR: {"role": "supervisor", "teams": [NORTH]}}
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))
    return folder


def entries(state: Path) -> pd.DataFrame:
    """The log of the dataset the test opened (a log seeded in `state` itself before the
    first run is one an older version wrote: the app moves it there)."""
    return AccessLog(saved_state() / FILE_NAME).entries()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_a_page_view_is_recorded_once_per_view_with_its_query(monkeypatch, small_dataset, state):
    at = open_as(monkeypatch, small_dataset, BOSS, "scorecard", {"team": NORTH})
    no_exception(at)
    first = entries(state)
    assert first[["user", "role", "page"]].values.tolist() == [[BOSS, "leadership", "scorecard"]]
    assert parse_qs(first["query"].iloc[0]) == {"lang": ["en"], "team": [NORTH]}
    assert pd.isna(first["file"].iloc[0])
    at.run()  # the same view again
    no_exception(at)
    assert len(entries(state)) == 1
    at.sidebar.multiselect(key="w_teams").set_value([NORTH, EAST]).run()
    no_exception(at)
    after = entries(state)
    assert len(after) == 2
    assert parse_qs(after["query"].iloc[0]) == {"lang": ["en"], "team": [NORTH, EAST]}
    at.switch_page("app_pages/data.py").run()
    at.switch_page("app_pages/scorecard.py").run()  # coming back is a new view
    assert entries(state)["page"].tolist() == ["scorecard", "data", "scorecard", "scorecard"]


@pytest.mark.parametrize(
    ("key", "file_name"),
    [("download_csv", "scorecard.csv"), ("download_excel", "scorecard.xlsx")],
)
def test_a_download_click_is_recorded_with_its_page_and_query(
    monkeypatch, small_dataset, state, key, file_name
):
    at = open_as(monkeypatch, small_dataset, SUPERVISOR, "scorecard")
    assert len(entries(state)) == 1 and entries(state)["file"].isna().all()
    at.download_button(key=key).click().run()
    no_exception(at)
    log = entries(state)
    assert len(log) == 2  # the click; the rerun it caused is the same view
    newest = log.iloc[0]
    assert (newest["user"], newest["role"], newest["page"]) == (
        SUPERVISOR,
        "supervisor",
        "scorecard",
    )
    assert newest["file"] == file_name
    assert parse_qs(newest["query"]) == {"lang": ["en"], "team": [NORTH]}


def test_a_supervisor_cannot_open_the_access_log(monkeypatch, small_dataset, state):
    assert "access_log" in ROLES_BY_ID["leadership"].pages
    assert "access_log" not in ROLES_BY_ID["supervisor"].pages
    AccessLog(state / FILE_NAME).record(BOSS, "leadership", "whatif", "lang=en")
    at = open_as(monkeypatch, small_dataset, SUPERVISOR, "access_log")
    no_exception(at)
    assert [e.value for e in at.title] == [f"{t('page_overview', 'en')} · {NORTH}"]
    assert BOSS not in str([d.value for d in at.dataframe])
    assert entries(state)["page"].tolist() == ["overview", "whatif"]


def spy_on_downloads(monkeypatch) -> dict[str, bytes]:
    """The bytes each download button would deliver, by file name (AppTest has no server)."""
    delivered: dict[str, bytes] = {}
    original = audit.st.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        delivered[file_name] = data() if callable(data) else data
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(audit.st, "download_button", spy)
    return delivered


def test_the_scorecard_files_are_made_with_the_page_not_on_the_click(
    monkeypatch, small_dataset, state
):
    # a file made only on the click (a callable) sometimes gave nothing on the first click
    handed = {}
    original = audit.st.download_button

    def spy(label, data, file_name=None, *args, **kwargs):
        handed[file_name] = data
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(audit.st, "download_button", spy)
    at = open_as(monkeypatch, small_dataset, SUPERVISOR, "scorecard")
    no_exception(at)
    assert isinstance(handed["scorecard.csv"], bytes)
    assert isinstance(handed["scorecard.xlsx"], bytes)
    sheets = pd.read_excel(io.BytesIO(handed["scorecard.xlsx"]), sheet_name=None)
    assert list(sheets) == ["agents", "teams"]
    agents_csv = pd.read_csv(io.BytesIO(handed["scorecard.csv"]), encoding="utf-8-sig")
    assert len(sheets["agents"]) == len(agents_csv) > 0


def test_leadership_sees_the_entries_and_exports_them_neutralised(
    monkeypatch, small_dataset, state
):
    log = AccessLog(state / FILE_NAME)
    log.record(SUPERVISOR, "supervisor", "diagnostics", "lang=zh&drill=category%3ARepair")
    log.record("@mallory", "agent", "scorecard", "lang=en", '=HYPERLINK("x")-导出.csv')
    delivered = spy_on_downloads(monkeypatch)
    at = open_as(monkeypatch, small_dataset, BOSS, "access_log")
    no_exception(at)
    assert [e.value for e in at.title] == [t("page_access_log", "en")]
    shown = at.dataframe[0].value
    user, page, file = (
        t(k, "en") for k in ("access_log_user", "access_log_page", "access_log_file")
    )
    assert shown[user].tolist() == [BOSS, "@mallory", SUPERVISOR]  # its own view first
    assert shown[page].tolist() == [
        t(f"page_{p}", "en") for p in ("access_log", "scorecard", "diagnostics")
    ]
    assert shown[t("access_log_query", "en")].tolist()[1:] == [
        "lang=en",
        "lang=zh&drill=category%3ARepair",
    ]
    exported = pd.read_csv(
        io.BytesIO(delivered["access_log.csv"]), encoding="utf-8-sig", keep_default_na=False
    )
    assert exported[user].tolist() == [BOSS, "'@mallory", SUPERVISOR]
    assert exported[file].tolist() == ["", '\'=HYPERLINK("x")-导出.csv', ""]
    assert exported[t("access_log_role", "en")].tolist() == [
        t(f"role_{r}", "en") for r in ("leadership", "agent", "supervisor")
    ]
    at.selectbox(key="access_log_user").set_value(SUPERVISOR).run()
    assert at.dataframe[0].value[user].tolist() == [SUPERVISOR]
    at.selectbox(key="access_log_user").select_index(0)
    at.selectbox(key="access_log_page").set_value("scorecard").run()
    assert at.dataframe[0].value[user].tolist() == ["@mallory"]


def test_the_page_says_so_when_the_log_file_was_damaged(monkeypatch, small_dataset, state):
    state.mkdir(parents=True)
    (state / FILE_NAME).write_bytes(b"not a database at all" * 50)
    at = open_as(monkeypatch, small_dataset, BOSS, "access_log")
    no_exception(at)
    (moved,) = saved_state().glob(f"{FILE_NAME}.damaged-*")
    assert [w.value for w in at.warning] == [
        t(
            "state_repaired",
            "en",
            what=t("state_what_access_log", "en"),
            reason=md("file is not a database"),
            moved_to=md(moved),
            count=0,
            path=md(saved_state() / FILE_NAME),
        )
    ]
    assert entries(state)["page"].tolist() == ["access_log"]


def _button_with_a_callback() -> None:
    from types import SimpleNamespace

    import streamlit as st

    from dashboard.app import audit
    from scoring.access import Grant

    def called(word: str, times: int = 0) -> None:
        st.session_state["called"] = word * times

    from pathlib import Path

    from scoring.settings import setting

    ctx = SimpleNamespace(grant=Grant("a@x", "trainer"), state_dir=Path(setting("state_dir")))
    audit.page_view(ctx, "capability")
    audit.download_button(
        "get", b"x", "x.csv", key="get", on_click=called, args=("ab",), kwargs={"times": 2}
    )


def test_a_callers_on_click_still_runs_after_the_click_is_recorded(state):
    at = AppTest.from_function(_button_with_a_callback, default_timeout=60).run()
    no_exception(at)
    at.download_button(key="get").click().run()
    no_exception(at)
    assert at.session_state["called"] == "abab"
    log = AccessLog(state / FILE_NAME).entries()  # the folder the function gave page_view
    assert log[["user", "role", "page"]].values.tolist() == [["a@x", "trainer", "capability"]] * 2
    assert log["file"].fillna("(view)").tolist() == ["x.csv", "(view)"]
