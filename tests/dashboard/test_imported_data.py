"""The pages on an imported export without survey ratings (python -m scoring import): what
cannot be measured is named in a sentence, never an empty card, trend or "missed" mark."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from scoring.cli.main import main
from scoring.ingest.write import current_path
from scoring.registry.kpis import KPIS_BY_ID
from tests.conftest import ROOT
from tests.scoring.test_import_cli import HELPDESK_ROWS, write_csv

APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("imported")
    assert main(["import", str(write_csv(folder / "helpdesk.csv", HELPDESK_ROWS)),
                 "--out", str(folder / "ds")]) == 0  # fmt: skip
    return current_path(folder / "ds")


def open_page(monkeypatch, data: Path, page: str) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"lang": "en", "preset": "all"})
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def test_the_overview_names_the_kpis_without_data_instead_of_empty_cards(monkeypatch, imported):
    at = open_page(monkeypatch, imported, "overview")
    assert not at.exception
    csat = KPIS_BY_ID["csat"].label("en")
    assert csat not in [m.label for m in at.metric]
    assert KPIS_BY_ID["resolution_rate"].label("en") in [m.label for m in at.metric]
    (sentence,) = [c.value for c in at.caption if c.value.startswith("No data in this view")]
    assert csat in sentence
    trend_options = at.selectbox(key="overview_trend_kpi").options
    assert csat not in trend_options and trend_options


def test_diagnostics_marks_no_kpi_without_a_value_as_missed(monkeypatch, imported):
    at = open_page(monkeypatch, imported, "diagnostics")
    assert not at.exception
    gaps = next(d.value for d in at.dataframe if "points_to_target" in d.value.columns)
    csat = gaps[gaps["kpi"] == KPIS_BY_ID["csat"].label("en")]
    assert csat["meets_target"].tolist() == [""]
    resolution = gaps[gaps["kpi"] == KPIS_BY_ID["resolution_rate"].label("en")]
    missed = t("diagnostics_missed", "en")  # 3 of 4 resolved, against a 95% target
    assert resolution["meets_target"].tolist() == [missed]
    assert t("diagnostics_gaps", "en") in [s.value for s in at.subheader]


def test_the_scorecard_grades_agents_on_what_the_export_measures_and_names_the_rest(
    monkeypatch, tmp_path
):
    # 4 agents × 30 tickets, no survey ratings: the satisfaction KPIs (weight in the default
    # scheme) are measured for nobody, so they neither count nor cut anyone's coverage
    from tests.dashboard.test_import_page import export

    source = tmp_path / "april.csv"
    source.write_bytes(export(rows=120))
    assert main(["import", str(source), "--out", str(tmp_path / "ds")]) == 0
    at = open_page(monkeypatch, current_path(tmp_path / "ds"), "scorecard")
    assert not at.exception
    agents = at.dataframe(key="scorecard_agents").value
    assert agents["tickets"].tolist() == [30] * 4
    assert agents["composite"].notna().all()  # graded: not "insufficient data"
    csat = KPIS_BY_ID["csat"].label("en")
    (sentence,) = [c.value for c in at.caption if c.value.startswith("No agent can be measured")]
    assert csat in sentence
    assert csat not in agents.columns and "csat" not in agents.columns
    interval_options = at.selectbox(key="scorecard_interval_kpi").options
    assert csat not in interval_options
