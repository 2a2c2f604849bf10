"""The access log in a real headless Chromium against `streamlit run`: one supervisor's
session opens two pages with filters and downloads a CSV; the log, read with AccessLog from
the server's state folder, then holds exactly those views and that download, and the
leadership access-log page shows them. The expected queries are the browser's own URLs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from bench.load_harness import free_port
from dashboard.ui.i18n import t
from scoring.data import catalog
from scoring.stores.access_log import FILE_NAME, AccessLog
from tests.browser_support import (
    TIMEOUT_MS,
    _require_chromium,
    assert_no_errors,
    download,
    idle,
    open_page,
    query_of,
    running_streamlit,
    screenshot,
    tab_as,
    wait_for_rows,
)
from tests.conftest import SAMPLE_DATASET
from tests.sign_in_proxy import sign_in_proxy

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HEADER = "X-Forwarded-Email"
BOSS, SUPERVISOR = "boss@example.com", "li.na@example.com"
NORTH = "Team North"
# The entries table's columns in the grid: 0 time, 1 user, 2 role, 3 page, 4 query, 5 file
USER, ROLE, PAGE, FILE = 1, 2, 3, 5


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _require_chromium()
    folder = tmp_path_factory.mktemp("logged")
    users = {BOSS: {"role": "leadership"}, SUPERVISOR: {"role": "supervisor", "teams": [NORTH]}}
    (folder / "access.json").write_text(json.dumps({"users": users}), encoding="utf-8")
    options = ("--access", str(folder / "access.json"), "--user-header", HEADER)
    with (
        running_streamlit(folder, *options) as streamlit,
        sign_in_proxy(streamlit, HEADER, free_port()) as base,
    ):
        sample = catalog.list_datasets(folder, SAMPLE_DATASET)[0]  # the server's dataset
        yield base, catalog.state_folder(folder, sample) / FILE_NAME


def entries_when(path: Path, count: int) -> pd.DataFrame:
    """The log once it holds `count` entries (the server writes them as it runs)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        found = AccessLog(path).entries()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def grid_column(page: Page, column: int) -> list[str]:
    return (
        page.locator('[data-testid="stDataFrame"]')
        .first.locator(f'[data-testid^="glide-cell-{column}-"]')
        .all_inner_texts()
    )


def browse_as_supervisor(page: Page, base: str) -> tuple[dict, dict]:
    """Scorecard with filters from a link, its CSV, then Diagnostics through the sidebar
    (the same session); returns each page's query as the address bar had it."""
    open_page(page, base, "/scorecard?lang=en&preset=year&channel=phone", "Scorecard")
    page.wait_for_url(lambda url: "team=" in url)  # the app adds the supervisor's team
    roster = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
    wait_for_rows(page, int((roster["team"] == NORTH).sum()))
    idle(page)
    scorecard_query = query_of(page)
    button = page.locator('[data-testid="stDownloadButton"] button').filter(
        has_text=t("download_csv", "en")
    )
    assert download(page, button).suggested_filename == "scorecard.csv"
    idle(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text(t("page_diagnostics", "en"), exact=True).click()
    page.wait_for_url(lambda url: "/diagnostics" in url)
    expect(page.locator("h1")).to_have_text(t("page_diagnostics", "en"))
    idle(page)
    assert_no_errors(page)
    return scorecard_query, query_of(page)


def test_a_sessions_views_and_download_are_in_the_log_and_on_its_page(browser, logged_server):
    base, log_path = logged_server
    supervisor = tab_as(browser, base, SUPERVISOR)
    try:
        scorecard_query, diagnostics_query = browse_as_supervisor(supervisor, base)
    finally:
        supervisor.context.close()
    assert scorecard_query["preset"] == ["year"] and scorecard_query["team"] == [NORTH]
    assert diagnostics_query["channel"] == ["phone"]  # the filters went along

    log = entries_when(log_path, 3)
    assert log[["user", "role", "page"]].values.tolist() == [
        [SUPERVISOR, "supervisor", "diagnostics"],
        [SUPERVISOR, "supervisor", "scorecard"],
        [SUPERVISOR, "supervisor", "scorecard"],
    ]
    assert [pd.isna(f) or f for f in log["file"]] == [True, "scorecard.csv", True]
    queries = [parse_qs(q) for q in log["query"]]
    assert queries == [diagnostics_query, scorecard_query, scorecard_query]

    boss = tab_as(browser, base, BOSS)
    try:
        open_page(boss, base, "/access_log?lang=en", t("page_access_log", "en"))
        expect(boss.locator('[data-testid="stDataFrame"]')).to_have_count(1)
        expect(boss.locator('[data-testid^="glide-cell-2-"]')).to_have_count(4)
        assert grid_column(boss, USER) == [BOSS] + [SUPERVISOR] * 3
        assert (
            grid_column(boss, ROLE)
            == [t("role_leadership", "en")] + [t("role_supervisor", "en")] * 3
        )
        pages = ["page_access_log", "page_diagnostics", "page_scorecard", "page_scorecard"]
        assert grid_column(boss, PAGE) == [t(p, "en") for p in pages]
        assert grid_column(boss, FILE) == ["", "", "scorecard.csv", ""]
        assert_no_errors(boss)
        screenshot(boss, "access_log_en")
        open_page(boss, base, "/access_log?lang=zh", t("page_access_log", "zh"))
        expect(boss.locator('[data-testid^="glide-cell-2-"]')).to_have_count(5)
        assert grid_column(boss, PAGE)[:2] == [t("page_access_log", "zh")] * 2
        assert_no_errors(boss)
        screenshot(boss, "access_log_zh")
    finally:
        boss.context.close()
