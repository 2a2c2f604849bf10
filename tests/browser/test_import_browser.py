"""The Import page in a real headless Chromium: upload a CSV, keep the suggested mapping but
change one column, preview, import, and open the Scorecard of the new dataset. A server of
its own (its state folder gets a new dataset, which the other browser tests must not see)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.ui.i18n import t
from tests.browser_support import (
    TIMEOUT_MS,
    VIEWPORT,
    assert_no_errors,
    open_page,
    query_of,
    running_streamlit,
    screenshot,
)
from tests.dashboard.test_import_page import export

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def settled(page) -> None:
    """No run in progress, and a moment for the grids to paint (they draw after the run)."""
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    page.wait_for_timeout(1500)


def choose(page, select, option: str) -> None:
    """Pick `option` in a Streamlit select: open its list (a click on a busy machine can land
    while the widget is redrawn, leaving the list shut: click again), then the option (the
    list can also be redrawn under the click, detaching the option: open it again)."""
    box = select.locator("input")
    for _ in range(5):
        _open_list(page, box)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            continue
        if box.input_value() == option:
            return
    expect(box).to_have_value(option)


def _open_list(page, box) -> None:
    for _ in range(10):
        box.click()
        if box.get_attribute("aria-expanded") == "true":
            return
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)


def test_upload_change_a_column_preview_import_and_see_the_scorecard(browser: Browser, tmp_path):
    source = tmp_path / "april.csv"
    source.write_bytes(export(rows=120, bad_date_every=40))
    (tmp_path / "server").mkdir()
    with running_streamlit(tmp_path / "server") as base:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        open_page(page, base, "/import_data?lang=en", t("page_import_data", "en"))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(source)
        main = page.locator('[data-testid="stMain"]')
        expect(main).to_contain_text("120 rows and 9 columns read")
        expect(main).to_contain_text("read as %d-%m-%Y %H:%M")
        settled(page)  # a select opened while the run still streams can be redrawn shut

        main.get_by_text(t("import_group_tickets", "en"), exact=True).click()
        priority = main.locator('[data-testid="stSelectbox"]').filter(
            has=page.get_by_text("priority (low, medium, high, urgent)", exact=True)
        )
        expect(priority.locator("input")).to_have_value("column “Priority”")
        choose(page, priority, t("import_source_none", "en"))

        main.get_by_role("button", name=t("import_preview", "en"), exact=True).click()
        expect(main).to_contain_text(t("import_kpi_preview", "en"))
        expect(main).to_contain_text(t("import_unread_title", "en"))
        assert_no_errors(page)
        settled(page)
        screenshot(page, "import_preview")

        name = main.get_by_role("textbox", name=t("import_name", "en"))
        name.fill("april")
        name.press("Enter")
        main.get_by_role("button", name=t("import_go", "en"), exact=True).click()
        done = t("import_done", "en", name="april", version=1, tickets=120)
        expect(main.get_by_text(done)).to_be_visible()
        main.get_by_text(t("import_open_scorecard", "en")).click()
        expect(page.locator("h1")).to_have_text(t("page_scorecard", "en"))
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
        page.wait_for_url(lambda url: "dataset=imported-april" in url)
        assert query_of(page)["dataset"] == ["imported-april"]
        assert_no_errors(page)
        settled(page)
        screenshot(page, "import_scorecard")

        open_page(page, base, "/import_data", t("page_import_data", "zh"))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(source)
        expect(main).to_contain_text("已读取 120 行、9 列")
        assert_no_errors(page)
        settled(page)
        screenshot(page, "import_zh")
        context.close()
