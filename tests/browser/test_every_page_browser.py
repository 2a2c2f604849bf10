"""Every page in a real Chromium: in both languages on the bundled sample, and in Chinese on an
imported real-like helpdesk export (tests/helpdesk_export.py; what the data changes is the
same in either language, and CI's time is short): no exception or error element, every chart
drawn with marks, the page's own title. Each view is saved as a screenshot for a human to
look at in tests/screenshots/pages/ (git-ignored); the sample's go to the folder in
SPD_SCREENSHOT_DIR when set (`make screenshots` writes docs/screenshots/ that way).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.ui.i18n import t
from tests.browser_support import (
    SCREENSHOTS,
    TIMEOUT_MS,
    VIEWPORT,
    assert_no_errors,
    drawn_marks,
    running_streamlit,
    screenshot,
)
from tests.conftest import ROOT
from tests.helpdesk_export import imported_export

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
LANGUAGES = ("zh", "en")
# Each page's address is its file's stem and its title the text `page_<stem>` (app.py).
PAGE_URLS = [(path.stem, f"page_{path.stem}") for path in sorted((ROOT / "app_pages").glob("*.py"))]


PAGE_SHOTS = SCREENSHOTS / "pages"


def settled(page: Page) -> None:
    """The app has finished its runs: not running, and no element left drawn as stale (a
    page that rewrites its address runs twice; between the runs its widgets are grey)."""
    app, wait = page.locator('[data-testid="stApp"]'), TIMEOUT_MS * 4
    for _ in range(2):  # a second run may start right after the first ends
        expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=wait)
        expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=wait)
        page.wait_for_timeout(500)


def visit(page: Page, base: str, url: str, title: str, lang: str) -> None:
    page.goto(f"{base}/{url}?lang={lang}")
    settled(page)
    expect(page.locator("h1").first).to_contain_text(t(title, lang))
    assert_no_errors(page)
    marks = drawn_marks(page)
    assert all(n > 0 for n in marks), (url, lang, marks)


def walk(browser: Browser, base: str, name: str, lang: str, folder: Path = PAGE_SHOTS) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        for url, title in PAGE_URLS:
            visit(page, base, url, title, lang)
            screenshot(page, f"{name}_{url}_{lang}", folder)
    finally:
        context.close()


# One server per dataset, one test per language: a walk of every page stays well within the
# per-test time limit as pages are added.
@pytest.fixture(scope="module")
def sample_server(tmp_path_factory):
    with running_streamlit(tmp_path_factory.mktemp("sample")) as base:
        yield base


@pytest.fixture(scope="module")
def imported_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("imported")
    with running_streamlit(folder, "--data", str(imported_export(folder))) as base:
        yield base


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_on_the_sample(browser: Browser, sample_server, lang):
    folder = Path(os.environ.get("SPD_SCREENSHOT_DIR") or PAGE_SHOTS)
    walk(browser, sample_server, "sample", lang, folder)


def test_every_page_on_an_imported_helpdesk_export(browser: Browser, imported_server):
    walk(browser, imported_server, "imported", "zh")
