"""The monthly report from the Overview in a real headless Chromium against `streamlit run`
on the sample, in Chinese: the button makes it (the server prints the PDF with its own
Chromium, from Streamlit's script thread), the PDF downloads, and it reads back as the
report of the period the page shows. No exception or error on the way.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Page, expect

from dashboard.ui.i18n import t
from tests.browser_support import assert_no_errors, download, open_page, query_of, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_overview_makes_and_downloads_the_monthly_report(page: Page, server: str):
    lang = "zh"
    link = f"/overview?lang={lang}&preset=custom&from=2026-09-01&to=2026-09-30"
    open_page(page, server, link, page_title(lang))
    make = page.get_by_role("button", name=t("report_make_department", lang))
    make.scroll_into_view_if_needed()
    make.click()
    button = page.get_by_role("button", name=t("report_download_department", lang))
    expect(button).to_be_visible(timeout=90_000)
    assert_no_errors(page)
    screenshot(page, f"overview_report_{lang}")
    pdf = download(page, button)
    assert pdf.suggested_filename == "department-report.pdf"
    reader = pypdf.PdfReader(io.BytesIO(Path(pdf.path()).read_bytes()))
    words = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    assert query_of(page)["from"] == ["2026-09-01"]  # the page kept the period it was given
    assert "总体指标" in words and "2026-09-01 至 2026-09-30" in words


def page_title(lang: str) -> str:
    return f"{t('page_overview', lang)} · {t('department', lang)}"
