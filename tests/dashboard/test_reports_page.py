"""The printable reports in the app: the Scorecard's agent report of the selected row, the
Overview's monthly report of the session's teams, an agent's own report, and no report for
a role whose grant does not cover it. What each download holds is checked against the page
beside it (the agent table's score) and, for restricted roles, with the leak check.

Chromium is not started here (tests/scoring/test_reports_pdf.py prints the PDFs): the PDF
printer is replaced by one that stamps the HTML it was given, so the PDF download is known
to be the same report as the HTML one.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.access import Grant
from scoring.reports import make, pdf
from tests.conftest import ROOT
from tests.dashboard.test_app_pages import PAGES, agent_table
from tests.dashboard.test_leaks import (
    ALL_USERS,
    NORTH,
    UNRESTRICTED,
    leaked,
    make_world,
    open_page,
    summary,
)
from tests.leak_check import download_file, recorded

FAKE_PDF = b"%PDF-stand-in\n"


@pytest.fixture(autouse=True)
def _no_chromium(monkeypatch):
    def printed(html: str) -> bytes:
        return FAKE_PDF + html.encode("utf-8")

    monkeypatch.setattr(pdf, "to_pdf", printed)


def open_app(monkeypatch, data, page: str, params: dict) -> AppTest:
    """The app (open access) on `page`, its downloads readable (`leak_check.recorded`)."""
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = recorded(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    at.query_params.update(params)
    at.switch_page(PAGES[page])
    return at.run()


@pytest.fixture(scope="module")
def world(small_dataset, tmp_path_factory):
    return make_world(small_dataset, tmp_path_factory.mktemp("reports_world"))


def downloads(at: AppTest) -> dict[str, bytes]:
    """file name → content of every report download the page offers."""
    found = {}
    for button in report_buttons(at):
        file = download_file(at, button)
        found[file.name] = file.content
    return found


def report_buttons(at: AppTest) -> list:
    return [b for b in at.get("download_button") if (b.key or "").startswith("report_")]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return at.run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_selected_agents_report_holds_the_score_the_table_shows(
    monkeypatch, small_dataset, lang
):
    at = open_app(monkeypatch, small_dataset, "scorecard", {"lang": lang})
    assert not at.exception
    table = agent_table(at)
    row = int(table["composite"].notna().to_numpy().argmax())  # a graded agent
    chosen = table.iloc[row]
    at.session_state["scorecard_agents"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert not report_buttons(at)  # made on the click, not with every run
    button = at.button(key="report_make_agent")
    assert button.label == t("report_make_agent", lang, name=chosen["name"],
                             agent_id=chosen["agent_id"])  # fmt: skip
    click(at, "report_make_agent")
    assert not at.exception
    files = downloads(at)
    name = f"agent-report_{chosen['agent_id']}"
    assert set(files) == {f"{name}.pdf", f"{name}.html"}
    html = files[f"{name}.html"].decode("utf-8")
    assert files[f"{name}.pdf"] == FAKE_PDF + files[f"{name}.html"]
    assert f'<div class="value">{chosen["composite"]:.1f}</div>' in html
    assert t("report_agent_title", lang) in html
    assert f"{chosen['name']}" in html
    # another agent selected: the report made for the first is not offered for them
    at.session_state["scorecard_agents"] = {"selection": {"rows": [row + 1], "columns": []}}
    at.run()
    assert not report_buttons(at)


def test_a_supervisors_monthly_report_holds_only_their_team(monkeypatch, world):
    at = open_page(monkeypatch, world, "supervisor_north", "overview", {})
    assert not at.exception
    click(at, "report_make_department")
    assert not at.exception
    files = downloads(at)
    assert set(files) == {"department-report.pdf", "department-report.html"}
    html = files["department-report.html"].decode("utf-8")
    assert NORTH in html
    found = leaked(at, world, ALL_USERS["supervisor_north"])
    assert not found, summary(found, world, ALL_USERS["supervisor_north"])


def test_the_check_reads_the_report_it_was_given(monkeypatch, world):
    """The same report made for leadership of every team holds what Team North's
    supervisor must not see, and the leak check finds it in the downloaded files."""
    at = open_page(monkeypatch, world, UNRESTRICTED, "overview", {})
    click(at, "report_make_department")
    found = leaked(at, world, ALL_USERS["supervisor_north"])
    in_files = {leak.token for leak in found if leak.shown.kind == "download_button"}
    assert in_files >= set(world.teams) - {NORTH}


def test_an_agent_gets_their_own_report_and_no_monthly_report(monkeypatch, world):
    at = open_page(monkeypatch, world, "agent_north", "overview", {})
    assert not at.exception
    assert not [b for b in at.button if b.key == "report_make_department"]
    assert at.button(key="report_make_agent").label == t("report_make_own", "en")
    click(at, "report_make_agent")
    assert not at.exception
    html = downloads(at)[f"agent-report_{world.me}.html"].decode("utf-8")
    assert f"({world.me})" in html
    found = leaked(at, world, ALL_USERS["agent_north"])
    assert not found, summary(found, world, ALL_USERS["agent_north"])


def test_a_trainer_is_offered_no_report(monkeypatch, world):
    at = open_page(monkeypatch, world, "trainer_north", "overview", {})
    assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith("report_make_")]
    assert make.kinds_for(Grant(user="x@example.com", role="trainer")) == ()


def test_without_chromium_the_html_report_is_still_offered(monkeypatch, small_dataset):
    def unavailable(html: str) -> bytes:
        raise pdf.PdfUnavailable("/usr/bin/chromium not found")

    monkeypatch.setattr(pdf, "to_pdf", unavailable)
    at = open_app(monkeypatch, small_dataset, "overview", {"lang": "en"})
    click(at, "report_make_department")
    assert not at.exception
    assert set(downloads(at)) == {"department-report.html"}
    notes = [i.value for i in at.info]
    assert t("report_pdf_unavailable", "en", reason="/usr/bin/chromium not found") in notes
