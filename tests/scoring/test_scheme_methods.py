"""A weight scheme names the normalisation it is scored with (scoring/engine/schemes.py)."""

from __future__ import annotations

import json

import pytest

from scoring.engine import schemes
from scoring.engine.schemes import Scheme
from scoring.methods import normalise


def test_every_built_in_scheme_states_its_method():
    for path in sorted(schemes.BUILT_IN_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["method"] in normalise.METHODS, path.name


def test_a_saved_scheme_keeps_its_method(tmp_path):
    scheme = Scheme("ranked", "Ranked", "排名", "", {"csat": 1.0}, method="percentile")
    schemes.save(scheme, tmp_path)
    assert schemes.load("ranked", tmp_path).method == "percentile"


def test_a_scheme_file_without_a_method_is_target_based(tmp_path):
    folder = tmp_path / "schemes"
    folder.mkdir()
    old = {"name": "old", "label_en": "Old", "label_zh": "旧", "description": "", "weights": {}}
    (folder / "old.json").write_text(json.dumps(old), encoding="utf-8")
    assert schemes.load("old", tmp_path).method == "target"


def test_an_unknown_method_is_refused(tmp_path):
    with pytest.raises(ValueError, match="method: unknown normalisation 'rank'"):
        schemes.save(Scheme("bad", "Bad", "坏", "", {"csat": 1.0}, method="rank"), tmp_path)
