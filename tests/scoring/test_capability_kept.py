"""Capability's population results kept with the build
(scoring/analyses/capability/kept.py): read back, each is the frame computed afresh; the
build keeps what the page opens with for each preset period, reading the fine cells once a
period."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from scoring.analyses import capability
from scoring.analyses.capability import kept as capability_kept
from scoring.data import kept
from scoring.data.dataset import open_dataset
from scoring.measures.metrics import Filters, attach_cube
from scoring.measures.periods import preset_populations
from scoring.scope import EVERYTHING
from tests.scoring.test_cube import SAMPLE
from tests.scoring.test_kept import keeping_nothing

QUARTER = Filters(start=date(2026, 9, 2), end=date(2026, 11, 30))
CONFIG = capability.CapabilityConfig(min_cases=10)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    ds = open_dataset(SAMPLE, builds=tmp_path_factory.mktemp("capability_kept"))
    attach_cube(ds, 30)
    return ds


@pytest.fixture
def built(build):
    return keeping_nothing(build)


def kept_names(ds) -> dict[str, int]:
    folder = ds.build_folder / "kept"
    return {p.name: len(list(p.iterdir())) for p in folder.iterdir()} if folder.is_dir() else {}


def cells_of(ds, population, kpi_id="fcr"):
    return lambda: capability.ticket_cells(ds, population, kpi_id, 30)


@pytest.mark.parametrize("kpi_id", ["fcr", "handle_minutes"])
def test_kept_results_read_back_as_computed(built, kpi_id):
    expected = {
        "skill_matrix": capability.skill_matrix(built, QUARTER, kpi_id, 30, CONFIG, "peers"),
        "case_mix": capability.case_mix(built, QUARTER, kpi_id, 30),
        "training_effects": capability.training_effects(built, Filters(), EVERYTHING, kpi_id, 30),
    }
    cells = cells_of(built, QUARTER, kpi_id)
    for _ in range(2):  # computed and kept, then read back
        found = {
            "skill_matrix": capability_kept.skill_matrix(
                built, QUARTER, kpi_id, 30, CONFIG, "peers", cells
            ),
            "case_mix": capability_kept.case_mix(built, QUARTER, kpi_id, 30, cells),
            "training_effects": capability_kept.training_effects(built, Filters(), kpi_id, 30),
        }
        for name, frame in expected.items():
            assert not frame.empty
            pd.testing.assert_frame_equal(found[name], frame)
    assert kept_names(built) == {"skill_matrix": 1, "case_mix": 1, "training_effects": 1}


def test_other_evidence_rules_or_baseline_are_other_results(built):
    cells = cells_of(built, QUARTER)
    for config, baseline in [
        (CONFIG, "peers"),
        (CONFIG, "specific"),
        (capability.DEFAULT_CONFIG, "peers"),
    ]:
        found = capability_kept.skill_matrix(built, QUARTER, "fcr", 30, config, baseline, cells)
        expected = capability.skill_matrix(built, QUARTER, "fcr", 30, config, baseline)
        pd.testing.assert_frame_equal(found, expected)
    assert kept_names(built) == {"skill_matrix": 3}


def test_the_build_keeps_what_the_page_opens_with_reading_the_cells_once_a_period(
    built, monkeypatch
):
    reads = []
    monkeypatch.setattr(
        capability_kept,
        "ticket_cells",
        lambda *args: reads.append(args[1]) or capability.ticket_cells(*args),
    )
    capability_kept.attach_presets(built, 30)
    periods = len(preset_populations(built.as_of.date()))
    assert kept_names(built) == {
        "skill_matrix": periods,
        "case_mix": periods,
        "training_effects": 1,
    }
    assert len(reads) == periods
    capability_kept.attach_presets(built, 30)  # kept already: nothing read again
    assert len(reads) == periods
    monkeypatch.setattr(kept, "_read", lambda folder: pytest.fail("read on opening"))
    capability_kept.attach_presets(built, 30)
