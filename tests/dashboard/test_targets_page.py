"""The targets page (目标值设定) under AppTest: the set in use, suggestions adopted in one click
(all, or one KPI), hand edits, saving a new version that every page then scores with, a
damaged version, an imported dataset calibrated by default, and who may open the page.

Expected suggestions are recomputed here from the KPI matrix with numpy's percentiles (the
method of docs/METHODS.md, "Calibrating targets from a reference period"), not read from
the page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.app import cache
from dashboard.ui.i18n import t
from scoring.data.dataset import open_dataset
from scoring.engine.scorecard import build_matrix
from scoring.measures.metrics import Filters
from scoring.registry.kpis import kpi
from scoring.stores.targets import FOLDER, TargetSet, TargetStore
from tests.conftest import ROOT, saved_state

APP = str(ROOT / "app.py")
PAGE = "app_pages/targets.py"


def open_page(monkeypatch, data: Path, state: Path, lang: str = "en", page: str = PAGE):
    monkeypatch.setenv("SPD_DATA_DIR", str(data))
    monkeypatch.setenv("SPD_STATE_DIR", str(state))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.switch_page(page)
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "suggested" in d.value.columns)


def row(at: AppTest, kpi_id: str) -> pd.Series:
    frame = table(at)
    return frame[frame["kpi"] == kpi(kpi_id).label_en].iloc[0]


def reference_matrix(data: Path, at: AppTest):
    """The KPI matrix of the page's period (the sidebar's default), every agent."""
    start, end = at.session_state["_context"].view.start, at.session_state["_context"].view.end
    return build_matrix(open_dataset(data), Filters(start=start, end=end))


def hand_suggestion(matrix, kpi_id: str) -> tuple[float, float, float]:
    """10th, 50th and 90th percentile of the measurable agents' shrunk values (FCR: higher
    is better), to 4 significant digits."""
    k = kpi(kpi_id)
    values = matrix.frame[f"{k.id}_shrunk"][matrix.measurable(k)].to_numpy(float)
    return tuple(float(f"{np.percentile(values, p):.4g}") for p in (10, 50, 90))


def test_the_page_shows_the_registry_defaults_in_use(monkeypatch, small_dataset, tmp_path):
    at = open_page(monkeypatch, small_dataset, tmp_path)
    no_exception(at)
    assert at.title[0].value == t("page_targets", "en")
    assert t("targets_in_use_registry", "en") in [i.value for i in at.info]
    k = kpi("fcr")
    declared = f"{k.floor:.1%} / {k.target:.1%} / {k.stretch:.1%}"
    assert row(at, "fcr")["in_use"] == declared
    assert not table(at)["changed"].any()


def test_adopting_every_suggestion_and_saving_makes_a_version_every_page_uses(
    monkeypatch, small_dataset, tmp_path
):
    at = open_page(monkeypatch, small_dataset, tmp_path)
    at.button(key="targets_adopt_all").click().run()
    no_exception(at)
    fcr = row(at, "fcr")
    assert fcr["new"] == fcr["suggested"] and fcr["changed"]
    at.text_input(key="targets_author_input").set_value("Li Na").run()
    at.button(key="targets_save").click().run()
    no_exception(at)
    assert t("targets_saved", "en", version=1) in [s.value for s in at.success]

    saved = TargetStore(saved_state()).current()
    expected = hand_suggestion(reference_matrix(small_dataset, at), "fcr")
    assert saved.targets["fcr"] == pytest.approx(expected)
    assert (saved.version, saved.author, saved.origin) == (1, "Li Na", "calibrated")
    assert saved.note.startswith("Calibrated on ")
    in_use = t("targets_in_use_saved", "en", version=1, author="Li Na", date=saved.created_at[:10])
    assert in_use in [i.value for i in at.info]
    # every page's scoring reads the dataset's current set
    card = cache.scorecard_for(
        str(small_dataset),
        Filters(),
        30,
        None,
        targets=cache.dataset_targets(str(small_dataset), 30, saved_state()),
    )
    assert card.policy.target_of(kpi("fcr")) == pytest.approx(expected)


def test_one_kpi_adopted_and_another_edited_by_hand(monkeypatch, small_dataset, tmp_path):
    at = open_page(monkeypatch, small_dataset, tmp_path)
    at.selectbox(key="targets_kpi").set_value("fcr").run()
    at.button(key="targets_adopt_one").click().run()
    no_exception(at)
    expected = hand_suggestion(reference_matrix(small_dataset, at), "fcr")
    assert at.number_input(key="targets_floor_fcr").value == pytest.approx(expected[0])
    at.selectbox(key="targets_kpi").set_value("handle_minutes").run()
    at.number_input(key="targets_floor_handle_minutes").set_value(150.0).run()
    at.number_input(key="targets_target_handle_minutes").set_value(70.0).run()
    at.number_input(key="targets_stretch_handle_minutes").set_value(None).run()
    no_exception(at)
    assert row(at, "handle_minutes")["new"] == "150 min / 70 min / —"
    at.button(key="targets_save").click().run()
    saved = TargetStore(saved_state()).current()
    assert saved.targets["handle_minutes"] == (150.0, 70.0, None)
    assert saved.targets["fcr"] == pytest.approx(expected)
    csat = kpi("csat")
    assert saved.targets["csat"] == (csat.floor, csat.target, csat.stretch)  # untouched
    assert saved.origin == "edited"


def test_targets_that_run_the_wrong_way_cannot_be_saved(monkeypatch, small_dataset, tmp_path):
    at = open_page(monkeypatch, small_dataset, tmp_path)
    at.selectbox(key="targets_kpi").set_value("fcr").run()
    at.number_input(key="targets_floor_fcr").set_value(0.9).run()  # above the target 0.85
    no_exception(at)
    label = kpi("fcr").label_en
    assert t("targets_wrong_way", "en", kpi=label) in [w.value for w in at.warning]
    assert at.button(key="targets_save").disabled
    assert TargetStore(saved_state()).current() is None


def test_a_damaged_version_is_named_and_the_one_before_is_used(
    monkeypatch, small_dataset, tmp_path
):
    monkeypatch.setenv("SPD_DATA_DIR", str(small_dataset))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    store = TargetStore(saved_state())
    store.save(TargetSet({"fcr": (0.4, 0.6, 0.7)}, author="Zhang Wei"))
    (saved_state() / FOLDER / "v000002.json").write_text("{not json", encoding="utf-8")
    at = open_page(monkeypatch, small_dataset, tmp_path)
    no_exception(at)
    assert any("v000002" in w.value for w in at.warning)  # Markdown-escaped file name
    assert row(at, "fcr")["in_use"] == "40.0% / 60.0% / 70.0%"


@pytest.fixture
def imported(small_dataset, tmp_path) -> Path:
    """The small dataset laid out as the importer writes it: current → versions/1."""
    target = tmp_path / "helpdesk"
    shutil.copytree(small_dataset, target / "versions" / "1")
    (target / "current").symlink_to("versions/1")
    return target / "current"


def test_an_imported_dataset_is_calibrated_by_default_and_the_user_is_told(
    monkeypatch, imported, tmp_path
):
    at = open_page(monkeypatch, imported, tmp_path / "state")
    no_exception(at)
    assert t("targets_in_use_calibrated", "en") in [i.value for i in at.info]
    whole = build_matrix(open_dataset(imported), Filters())
    in_use = cache.dataset_targets(str(imported), 30, saved_state())
    assert (in_use.origin, in_use.version) == ("calibrated", 0)
    assert in_use.targets["fcr"] == pytest.approx(hand_suggestion(whole, "fcr"))
    scorecard = open_page(monkeypatch, imported, tmp_path / "state", page="app_pages/scorecard.py")
    no_exception(scorecard)
    assert t("targets_calibrated_default", "en") in [c.value for c in scorecard.caption]


def test_the_page_in_chinese(monkeypatch, small_dataset, tmp_path):
    at = open_page(monkeypatch, small_dataset, tmp_path, lang="zh")
    no_exception(at)
    assert at.title[0].value == "目标值设定"
    assert t("targets_in_use_registry", "zh") in [i.value for i in at.info]


@pytest.fixture
def access_file(tmp_path, monkeypatch) -> None:
    users = {
        "boss@example.com": {"role": "leadership"},
        "li.na@example.com": {"role": "supervisor", "teams": ["Team North"]},
    }
    path = tmp_path / "access.json"
    path.write_text(json.dumps({"users": users}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(path))


def test_only_leadership_may_set_targets(monkeypatch, small_dataset, tmp_path, access_file):
    monkeypatch.setattr(app_access, "session_user", lambda: "li.na@example.com")
    supervisor = open_page(monkeypatch, small_dataset, tmp_path)
    no_exception(supervisor)
    assert t("page_targets", "en") not in [e.value for e in supervisor.title]
    monkeypatch.setattr(app_access, "session_user", lambda: "boss@example.com")
    boss = open_page(monkeypatch, small_dataset, tmp_path)
    assert [e.value for e in boss.title] == [t("page_targets", "en")]


def test_the_overview_measures_against_the_datasets_targets(monkeypatch, small_dataset, tmp_path):
    monkeypatch.setenv("SPD_DATA_DIR", str(small_dataset))
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path))
    TargetStore(saved_state()).save(TargetSet({"fcr": (0.4, 0.6, 0.7)}))
    at = open_page(monkeypatch, small_dataset, tmp_path, page="app_pages/overview.py")
    no_exception(at)
    fcr = next(m for m in at.metric if m.label == kpi("fcr").label_en)
    assert fcr.help.endswith(f"{t('vs_target', 'en')}: 60.0%")
