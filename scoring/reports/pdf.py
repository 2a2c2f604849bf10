"""A report's HTML printed to PDF by headless Chromium through Playwright (page.pdf).

Debian's Chromium (/usr/bin/chromium; `SPD_CHROMIUM` names another) is driven by the
Playwright package the browser tests already pin: nothing is downloaded at run time, and the
page is loaded from a string with every request refused, so a report cannot fetch anything.
Chromium embeds the subset of each font the page uses: the PDF shows its Chinese wherever
it is opened."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000


class PdfUnavailable(RuntimeError):
    """No PDF can be printed here (no Playwright, no Chromium); the HTML report still can."""


def chromium() -> str:
    return os.environ.get("SPD_CHROMIUM", CHROMIUM)


def to_pdf(html: str) -> bytes:
    """One HTML page as an A4 PDF (backgrounds printed, the page's own @page margins)."""
    return many_to_pdf([html])[0]


def many_to_pdf(pages: list[str]) -> list[bytes]:
    """Several HTML pages as PDFs with one browser start (a scheduled delivery's reports).

    Printed in a thread of its own: Playwright's sync API refuses a thread that runs an
    asyncio loop (a server's), and a fresh thread never does."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, pages).result()


def _print(pages: list[str]) -> list[bytes]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        raise PdfUnavailable(f"Playwright is not installed ({exc})") from None
    executable = chromium()
    if not Path(executable).exists():
        raise PdfUnavailable(f"{executable} not found")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
            try:
                context = browser.new_context(offline=True)
                context.route("**/*", lambda route: route.abort())
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                found = []
                for html in pages:
                    page.set_content(html, wait_until="load")
                    found.append(page.pdf(format="A4", print_background=True,
                                          prefer_css_page_size=True))  # fmt: skip
                return found
            finally:
                browser.close()
    except Error as exc:
        raise PdfUnavailable(f"Chromium could not print the report ({exc})") from None
