"""Browser-test support shared by every page's browser tests.

One `streamlit run` server on the bundled sample and one headless Chromium per xdist worker
(browser tests share the xdist group "browser", so one worker runs them all). Chromium
missing: skipped, unless SPD_REQUIRE_BROWSER=1 (CI), then a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Download, Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.load_harness import free_port, healthy
from tests.sign_in_proxy import COOKIE

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATASET = ROOT / "data" / "sample"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "tests" / "screenshots"
VIEWPORT = {"width": 1400, "height": 2400}
TIMEOUT_MS = 30_000
# Assertions wait as long as actions: CI runs the suite on two busy cores.
expect.set_options(timeout=TIMEOUT_MS)
SCREENSHOT_MAX_HEIGHT = 8000


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} not found: browser tests need Debian's chromium"
    if os.environ.get("SPD_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (SPD_REQUIRE_BROWSER=1: they must run here)")
    pytest.skip(message)


@contextlib.contextmanager
def running_streamlit(folder: Path, *app_options: str) -> Iterator[str]:
    """`streamlit run app.py` on the sample (saved state in `folder`), on a free port; yields
    its address once healthy and stops it afterwards. `app_options` go after `--`."""
    port = free_port()
    log = folder / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.headless", "true",
        "--", "--data", str(SAMPLE_DATASET),
        "--state", str(folder),  # scenarios and actions saved by tests stay out of state/
        *app_options,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPD_")}  # options rule
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=env
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not healthy(base):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    with running_streamlit(tmp_path_factory.mktemp("streamlit")) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    _require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


# ---------------------------------------------------------------------------------------
# Reading the page


def tab_as(browser: Browser, base: str, user: str | None) -> Page:
    """A new tab signed in as `user` at the sign-in proxy (tests/sign_in_proxy.py; None: not
    signed in), downloads accepted."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    if user:
        context.add_cookies([{"name": COOKIE, "value": user, "url": base}])
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def idle(page: Page) -> None:
    """Wait until the app's script has finished running."""
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning")


def query_of_url(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def query_of(page: Page) -> dict[str, list[str]]:
    return query_of_url(page.url)


def open_page(page: Page, server: str, path: str, heading: str) -> None:
    page.goto(server + path)
    expect(page.locator("h1")).to_have_text(heading)


# Per Plotly chart, its marks drawn with a visible size: bars, lines and dots, heatmap images,
# polar (radar) traces.
MARKS = """(root) => [...document.querySelectorAll(root + ' .js-plotly-plot')].map(plot =>
    [...plot.querySelectorAll('.bars path, .scatterlayer .trace path, .heatmaplayer image,'
        + ' .polarlayer .trace path')]
        .filter(mark => { const box = mark.getBBox(); return box.width + box.height > 0; })
        .length)"""


def drawn_marks(page: Page, charts: int | None = None, within: str = "") -> list[int]:
    """Per Plotly chart (inside the elements matching the CSS selector `within`, when
    given), the marks drawn with a visible size (see `MARKS`).

    Waits until no run is in progress and `charts` charts are there (any number when None),
    each with at least one mark (or times out and returns what there is, for the caller's
    assertion to report): during a rerun the previous run's chart may still be on the page.
    """
    idle = page.locator('[data-testid="stApp"]')
    expect(idle).to_have_attribute("data-test-script-state", "notRunning")
    count = "true" if charts is None else f"marks.length === {charts}"
    root = json.dumps(within)
    with contextlib.suppress(PlaywrightTimeoutError):  # the caller's assertion reports
        page.wait_for_function(
            f"() => {{ const marks = ({MARKS})({root}); "
            f"return {count} && marks.every(n => n > 0); }}",
            timeout=TIMEOUT_MS,
        )
    return page.evaluate(f"({MARKS})({root})")


def download(page: Page, button: Locator) -> Download:
    """Click a download button once the app is idle, and return the download.

    Streamlit writes a deferred download's file only on click, under an id that changes
    with every rerun: a click that still holds the previous run's id downloads nothing
    (streamlit's media_file_manager.remove_deferred). So wait until no run is in progress.
    """
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning")
    with page.expect_download() as event:
        button.click()
    return event.value


def assert_no_errors(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def agent_grid(page: Page):
    return page.locator('[data-testid="stDataFrame"]').first.locator("[role=grid]")


def wait_for_rows(page: Page, rows: int) -> None:
    """The agent table shows `rows` agents (aria-rowcount counts the header row too)."""
    expect(agent_grid(page)).to_have_attribute("aria-rowcount", str(rows + 1))


def team_cells(page: Page) -> list[str]:
    """The team column (3rd) of the agent table's rendered rows."""
    return (
        page.locator('[data-testid="stDataFrame"]')
        .first.locator('[data-testid^="glide-cell-3-"]')
        .all_inner_texts()
    )


def sidebar_widget(page: Page, testid: str, label: str):
    return page.locator(f'[data-testid="stSidebar"] [data-testid="{testid}"]').filter(
        has=page.get_by_text(label, exact=True)
    )


def screenshot(page: Page, name: str, folder: Path = SCREENSHOTS) -> None:
    """The whole page: the viewport is stretched to the height of Streamlit's scrolling main."""
    folder.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight ?? 0"
    )
    size = dict(VIEWPORT, height=min(max(VIEWPORT["height"], height), SCREENSHOT_MAX_HEIGHT))
    page.set_viewport_size(size)
    try:
        page.screenshot(path=folder / f"{name}.png")
    finally:
        page.set_viewport_size(VIEWPORT)
