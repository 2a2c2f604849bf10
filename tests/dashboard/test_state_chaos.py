"""Saved state under damage and an unusable disk, in the running app (AppTest): the What-if
lab's scenarios panel, the Diagnostics improvement actions and the access log.

For each: a damaged file when the page opens (zero-length, garbage, cut in the middle of its
pages after real saves), damage while the page is open (then the user acts again), a state
folder that cannot be used and a full disk. Each checks the message on the page (the
catalog's words), that the rest of the page is drawn (no exception element; the page's main
table or chart is there) and that nothing saved before is lost (read back with the store).
Expected counts for a cut file: SQLite's page statistics of the intact file, as in
tests/scoring/test_store_chaos.py.
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import CATALOG, LANGUAGES, t
from dashboard.ui.markup import md
from scoring.engine.policy import Policy
from scoring.scope import EVERYTHING
from scoring.stores import access_log, actions, scenarios, sqlite_files
from tests.conftest import ROOT, SAMPLE_DATASET, saved_state
from tests.scoring.test_store_chaos import ROWS, cut_in_half, rows_on_whole_pages

APP = str(ROOT / "app.py")
CONNECT = sqlite_files.connect
LONG = 600  # characters of free text per saved record: several pages for 30 of them


@dataclass(frozen=True)
class Page:
    """One page with a store: where it is, how the test seeds and reads the store, and how
    the user saves something on it."""

    store: str  # the store's name in the catalog ("state_what_<store>")
    file: str
    table: str
    page: str
    params: dict


PAGES = {
    "scenarios": Page("scenarios", scenarios.STORE_FILE, "scenarios", "whatif", {}),
    "actions": Page("actions", actions.FILE_NAME, "actions", "diagnostics", {"team": "Team North"}),
    "access_log": Page("access_log", access_log.FILE_NAME, "access_log", "access_log", {}),
}


def open_store(page: Page):
    folder = saved_state()
    if page.store == "scenarios":
        return scenarios.ScenarioStore(folder)
    if page.store == "actions":
        return actions.ActionStore(folder / page.file)
    return access_log.AccessLog(folder / page.file)


def seed(page: Page, rows: int = ROWS) -> None:
    """`rows` records written through the store, each with a long text."""
    saved_state().mkdir(parents=True, exist_ok=True)
    store = open_store(page)
    for i in range(rows):
        if page.store == "scenarios":
            policy = Policy({"csat": 1.0})
            store.save(scenarios.Scenario(f"s{i:03d}", policy, author="a" * LONG))
        elif page.store == "actions":
            store.add(EVERYTHING, "Team North", "fcr", f"{i:03d} " + "m" * LONG, "owner",
                      "2026-01-01", "2026-02-01")  # fmt: skip
        else:
            store.record(f"u{i:03d}@example.com", "leadership", "overview", "q=" + "x" * LONG)


def stored(page: Page) -> list[str]:
    """The seeded records the store holds now (by their number)."""
    store = open_store(page)
    if page.store == "scenarios":
        return [s.name[1:] for s in store.list() if s.name.startswith("s")]
    if page.store == "actions":
        return [a.measure[:3] for a in store.list(EVERYTHING) if a.owner == "owner"]
    return sorted(u[1:4] for u in store.entries()["user"] if u.startswith("u"))


def first(rows: int) -> list[str]:
    return [f"{i:03d}" for i in range(rows)]


@pytest.fixture(autouse=True)
def state(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("SPD_STATE_DIR", str(folder))
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    monkeypatch.delenv("SPD_ACCESS_FILE", raising=False)  # open access: leadership
    return folder


def open_page(page: Page, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"lang": lang, **page.params})
    at.switch_page(f"app_pages/{page.page}.py")
    return at.run()


def page_is_drawn(at: AppTest, page: Page, lang: str = "en") -> None:
    """No exception, and the page's own content beside the store is there."""
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == t(f"page_{page.page}", lang)
    if page.page == "whatif":
        assert any("new_rank" in d.value.columns for d in at.dataframe)  # the lab's results
    elif page.page == "diagnostics":
        assert len(at.get("plotly_chart")) >= 2  # the drill chart and the trend


def messages(at: AppTest) -> list[str]:
    return [m.value for m in (*at.warning, *at.error)]


def repaired(page: Page, lang: str, reason: str, count: int) -> str:
    (moved,) = saved_state().glob(f"{page.file}.damaged-*")
    return t(
        "state_repaired",
        lang,
        what=t(f"state_what_{page.store}", lang),
        reason=md(reason),
        moved_to=md(moved),
        count=count,
        path=md(saved_state() / page.file),
    )


def problem(page: Page, lang: str, code: str) -> str:
    what, folder = t(f"state_what_{page.store}", lang), md(saved_state())
    return t(f"state_{code}", lang, what=what, folder=folder, detail="")


def user_saves(at: AppTest, page: Page, lang: str = "en") -> AppTest:
    """The user saves something on the page: a scenario, an action, or (access log) a new
    view of the page, which is recorded."""
    if page.page == "whatif":
        at.text_input(key="whatif_name").input("new one")
        return at.button(key="whatif_save").click().run()
    if page.page == "diagnostics":
        at.text_area(key="diagnostics_measure").input("Coach first-time fixes")
        at.text_input(key="diagnostics_owner").input("Li Wei")
        save = t("diagnostics_action_save", lang)
        return next(b for b in at.button if b.label == save).click().run()
    return at.sidebar.multiselect(key="w_teams").set_value(["Team North"]).run()  # new query


def cut_after_saves(page: Page) -> int:
    """Cut the seeded store in half; how many records its whole pages hold."""
    path = saved_state() / page.file
    intact = path.with_name("intact.sqlite")
    intact.write_bytes(path.read_bytes())
    expected = rows_on_whole_pages(intact, page.table, cut_in_half(path))
    intact.unlink()
    assert 0 < expected < ROWS
    return expected


# ---------------------------------------------------------------------------------------


def test_every_saved_state_message_is_in_both_languages():
    keys = [k for k in CATALOG if k.startswith("state_") or k.endswith("_not_recorded")]
    assert len(keys) >= 11
    for key in keys:
        assert all(CATALOG[key].get(lang) for lang in LANGUAGES), key


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("damage", ["zero_length", "garbage", "cut"])
def test_a_damaged_file_is_repaired_and_named_on_the_page(name, damage):
    page = PAGES[name]
    seed(page)
    path = saved_state() / page.file
    lang = "zh" if damage == "garbage" else "en"
    if damage == "zero_length":
        path.write_bytes(b"")
        expected, reason = 0, "the file is empty (0 bytes)"
    elif damage == "garbage":
        path.write_bytes(random.Random(4).randbytes(path.stat().st_size))
        expected, reason = 0, "file is not a database"
    else:
        expected, reason = cut_after_saves(page), "database disk image is malformed"
    at = open_page(page, lang)
    page_is_drawn(at, page, lang)
    assert repaired(page, lang, reason, expected) in messages(at)
    assert stored(page) == first(expected)  # all the readable ones, in the new store
    if page.page == "whatif" and expected:
        names = at.selectbox(key="whatif_pick").options
        assert [n for n in names if n.startswith("s")] == [f"s{i:03d}" for i in range(expected)]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_damage_while_the_page_is_open_is_repaired_when_the_user_acts(name):
    page = PAGES[name]
    seed(page)
    at = open_page(page)
    page_is_drawn(at, page)
    expected = cut_after_saves(page)
    at = user_saves(at, page)
    page_is_drawn(at, page)
    assert repaired(page, "en", "database disk image is malformed", expected) in messages(at)
    assert stored(page) == first(expected)
    if page.page == "whatif":
        assert "new one" in scenarios.ScenarioStore(saved_state()).names()  # saved after all
    elif page.page == "diagnostics":
        assert [a.measure for a in open_store(page).list(EVERYTHING)][-1:] == [
            "Coach first-time fixes"
        ]


def unreachable(monkeypatch) -> None:
    """The state folder cannot be used: every store connection raises PermissionError, as
    opening a file in a folder the server may not write does (tests run as root, where
    chmod does not stop anything, so the error is injected where the store opens)."""

    def refused(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(sqlite_files, "connect", refused)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_state_folder_that_cannot_be_used_is_named_and_loses_nothing(name, monkeypatch):
    page = PAGES[name]
    seed(page, rows=3)
    unreachable(monkeypatch)
    at = open_page(page, "zh")
    page_is_drawn(at, page, "zh")
    said = messages(at)
    view = t("access_log_view_not_recorded", "zh")
    assert f"{view} {problem(PAGES['access_log'], 'zh', 'read_only')}" in said  # and why
    assert problem(page, "zh", "read_only") in said  # where the saved records would be
    at = user_saves(at, page, "zh")
    page_is_drawn(at, page, "zh")
    assert any(problem(page, "zh", "read_only") in m for m in messages(at))
    monkeypatch.setattr(sqlite_files, "connect", CONNECT)  # the disk is back (env kept)
    assert stored(page) == first(3)
    assert list(saved_state().glob("*.damaged-*")) == []


class _FullDisk(sqlite3.Connection):
    """A connection whose every write meets a full disk: SQLite's SQLITE_FULL error, as
    SQLite raises it when the file cannot grow, injected at each write statement."""

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorname = "SQLITE_FULL"
            raise error
        return super().execute(sql, *args)


def full_disk(monkeypatch) -> None:
    def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
        connection = sqlite3.connect(
            path, timeout=busy_timeout_s, isolation_level=None, factory=_FullDisk
        )
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        return connection

    monkeypatch.setattr(sqlite_files, "connect", connect)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_full_disk_is_named_and_loses_nothing(name, monkeypatch):
    page = PAGES[name]
    seed(page, rows=3)
    at = open_page(page)
    page_is_drawn(at, page)
    full_disk(monkeypatch)
    at = user_saves(at, page)
    page_is_drawn(at, page)
    full = problem(page, "en", "disk_full")
    if page.page == "access_log":
        view = t("access_log_view_not_recorded", "en")
        assert f"{view} {full}" in messages(at)
    else:
        assert any(full in m for m in messages(at)), messages(at)
    monkeypatch.setattr(sqlite_files, "connect", CONNECT)  # the disk is back (env kept)
    assert stored(page) == first(3)
    assert list(saved_state().glob("*.damaged-*")) == []


def test_a_scenario_gone_since_the_page_was_drawn_is_named_not_a_traceback():
    page = PAGES["scenarios"]
    seed(page, rows=2)
    at = open_page(page)
    assert at.selectbox(key="whatif_pick").value == "s000"
    scenarios.ScenarioStore(saved_state()).delete("s000")  # another session deletes it
    at = at.button(key="whatif_load").click().run()
    page_is_drawn(at, page)
    assert t("whatif_scenario_gone", "en", name="s000") in messages(at)
    assert stored(page) == ["001"]
