"""Access by role in a real headless Chromium: a server with an access file that trusts a
sign-in proxy's header, behind a test sign-in proxy (tests/sign_in_proxy.py) that adds it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest
from playwright.sync_api import expect

from bench.load_harness import free_port
from dashboard.ui.i18n import t
from tests.browser_support import (
    _require_chromium,
    assert_no_errors,
    open_page,
    query_of,
    running_streamlit,
    screenshot,
    tab_as,
    team_cells,
    wait_for_rows,
)
from tests.conftest import SAMPLE_DATASET
from tests.sign_in_proxy import sign_in_proxy

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HEADER = "X-Forwarded-Email"
SUPERVISOR = "li.na@example.com"
NORTH = "Team North"


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    folder = tmp_path_factory.mktemp("guarded")
    users = {SUPERVISOR: {"role": "supervisor", "teams": [NORTH]}}
    (folder / "access.json").write_text(json.dumps({"users": users}), encoding="utf-8")
    options = ("--access", str(folder / "access.json"), "--user-header", HEADER)
    with (
        running_streamlit(folder, *options) as streamlit,
        sign_in_proxy(streamlit, HEADER, free_port()) as base,
    ):
        yield base


def test_a_supervisor_sees_only_their_team_and_their_pages(browser, guarded_server):
    page = tab_as(browser, guarded_server, SUPERVISOR)
    try:
        open_page(page, guarded_server, "/scorecard?lang=en&team=Team+South", "Scorecard")
        roster = pd.read_parquet(SAMPLE_DATASET / "agents.parquet")
        wait_for_rows(page, int((roster["team"] == NORTH).sum()))
        assert set(team_cells(page)) == {NORTH}
        assert query_of(page)["team"] == [NORTH]
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text(t("page_diagnostics", "en"))
        assert t("page_whatif", "en") not in nav.inner_text()
        sidebar = page.locator('[data-testid="stSidebar"]')
        # an invisible word joiner before "@" keeps the address from becoming a mailto link
        shown = SUPERVISOR.replace("@", "\u2060@")
        expect(sidebar).to_contain_text(f"{shown} · {t('role_supervisor', 'en')}")
        assert_no_errors(page)
        screenshot(page, "access_supervisor")
    finally:
        page.context.close()


def test_a_session_without_the_proxy_header_sees_no_data(browser, guarded_server):
    page = tab_as(browser, guarded_server, None)
    try:
        page.goto(guarded_server + "/scorecard?lang=en")
        expect(page.get_by_text(t("access_anonymous", "en"))).to_be_visible()
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    finally:
        page.context.close()
