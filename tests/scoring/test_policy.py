"""The scoring policy record (scoring.engine.policy): defaults, checks, JSON round trip."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from scoring.engine.policy import DEFAULT_POLICY, FIELDS, Policy
from scoring.methods import grading, incentives, normalise
from scoring.registry.kpis import DEFAULT_WEIGHTS

ROOT = Path(__file__).resolve().parents[2]

AWKWARD = Policy(
    weights={"csat": 33.4, "fcr": 0.1 + 0.2, "handle_minutes": 66.3},  # 0.30000000000000004
    segment_weights={"enterprise": {"sla_response": 70.0}, "individual": {"csat": 1 / 3}},
    method="zscore",
    use_shrunk=False,
    targets={"csat": (3.25, 4.5, None), "resolution_rate": (0.8, 0.95, 0.99)},
    grading="forced",
    thresholds=(88.5, 70.25, 55.0),
    quotas=(0.1, 0.4, 0.4, 0.1),
    pool=9_876.54,
    rule="threshold_linear",
    min_tickets=7,
    min_coverage=0.35,
)


def test_defaults_are_the_registry_and_grading_ones():
    policy = Policy()
    assert policy == DEFAULT_POLICY
    assert policy.weights == DEFAULT_WEIGHTS and policy.weights is not DEFAULT_WEIGHTS
    defaults = {f.name: f.default for f in dataclasses.fields(Policy)}
    assert defaults["thresholds"] is grading.DEFAULT_THRESHOLDS
    assert defaults["quotas"] is grading.DEFAULT_QUOTAS
    assert (policy.thresholds, policy.quotas) == (defaults["thresholds"], defaults["quotas"])
    assert policy.rule in incentives.RULES and policy.method in normalise.METHODS
    assert (policy.grading, policy.segment_weights, policy.targets) == ("absolute", None, {})


def test_every_problem_is_listed_once_naming_its_field():
    with pytest.raises(ValueError) as caught:
        Policy(
            weights={"nope": 1.0, "csat": -1.0},
            segment_weights={"weekend": {"fcr": float("nan")}},
            method="rank",
            use_shrunk="yes",
            targets={"csat": (1.0, 2.0)},
            grading="curve",
            thresholds=(60.0, 75.0, 90.0),
            quotas=(0.5, 0.5, 0.5, 0.5),
            pool=-1.0,
            rule="lottery",
            min_tickets=2.5,
            min_coverage=1.5,
        )
    message = str(caught.value)
    assert message.startswith("invalid scoring policy: ")
    problems = message.removeprefix("invalid scoring policy: ").split("; ")
    assert [p.split(":")[0] for p in problems] == [
        "weights",
        "weights",
        "segment_weights",
        "segment_weights[weekend]",
        "method",
        "use_shrunk",
        "targets",
        "grading",
        "thresholds",
        "quotas",
        "pool",
        "rule",
        "min_tickets",
        "min_coverage",
    ]
    for words in (
        "unknown KPI 'nope'",
        "weight of csat must be a finite, non-negative number, got -1.0",
        "unknown segment 'weekend'",
        "weight of fcr",
        "unknown normalisation 'rank'",
        "'yes'",
        "csat needs (floor, target, stretch or None)",
        "unknown grading 'curve'",
        "strictly decreasing",
        "sum to 1",
        "finite amount ≥ 0, got -1.0",
        "unknown allocation rule 'lottery'",
        "whole number ≥ 0, got 2.5",
        "from 0 to 1, got 1.5",
    ):
        assert words in message


def test_a_good_policy_raises_nothing_and_keeps_floats_and_tuples():
    policy = Policy(weights={"csat": 1}, thresholds=[80, 70, 50], pool=500, min_coverage=1)
    assert policy.weights == {"csat": 1.0} and isinstance(policy.weights["csat"], float)
    assert policy.thresholds == (80.0, 70.0, 50.0) and isinstance(policy.thresholds, tuple)
    assert isinstance(policy.pool, float) and isinstance(policy.min_coverage, float)


def test_the_policy_does_not_share_the_dicts_it_was_given():
    weights = {"csat": 50.0, "fcr": 50.0}
    policy = Policy(weights=weights)
    weights["csat"] = 90.0
    assert policy.weights == {"csat": 50.0, "fcr": 50.0}
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.pool = 1.0  # type: ignore[misc]


def test_replace_checks_again():
    with pytest.raises(ValueError, match="rule: unknown allocation rule"):
        dataclasses.replace(AWKWARD, rule="lottery")


def test_json_round_trip_is_exact():
    for policy in (AWKWARD, DEFAULT_POLICY, Policy(weights={})):
        data = policy.to_dict()
        assert set(data) == FIELDS
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        back = Policy.from_dict(json.loads(text))
        assert back == policy
        assert back.to_dict() == data
        assert json.dumps(back.to_dict(), ensure_ascii=False, allow_nan=False) == text
    back = Policy.from_dict(json.loads(json.dumps(AWKWARD.to_dict())))
    assert back.weights["fcr"] == 0.1 + 0.2
    assert back.targets["csat"] == (3.25, 4.5, None)
    assert back.segment_weights["individual"]["csat"] == 1 / 3


def test_from_dict_fills_missing_fields_and_refuses_unknown_ones():
    assert Policy.from_dict({"weights": {"csat": 1.0}}) == Policy(weights={"csat": 1.0})
    with pytest.raises(ValueError, match="unknown scoring policy field.*bonus_cap"):
        Policy.from_dict({"weights": {"csat": 1.0}, "bonus_cap": 3})
    with pytest.raises(ValueError, match="pool: must be a finite amount"):
        Policy.from_dict({"pool": "lots"})


def _python_sources() -> list[Path]:
    folders = ("scoring", "dashboard", "app_pages", "bench")
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_the_default_thresholds_and_quotas_are_written_once():
    """The numbers live in scoring/methods/grading.py; the policy record is the only one to take
    them as its defaults (every other module reads them from a policy)."""
    numbers = {
        "thresholds": re.compile(r"\(\s*90(\.0)?\s*,\s*75(\.0)?\s*,\s*60(\.0)?\s*\)"),
        "quotas": re.compile(r"\(\s*0?\.15\s*,\s*0?\.35\s*,\s*0?\.40?\s*,\s*0?\.10?\s*\)"),
    }
    names = re.compile(r"\bDEFAULT_(THRESHOLDS|QUOTAS)\b")
    written, named = {}, set()
    for path in _python_sources():
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(ROOT).as_posix()
        for what, pattern in numbers.items():
            if pattern.search(text):
                written.setdefault(what, set()).add(relative)
        if names.search(text):
            named.add(relative)
    assert written == {
        "thresholds": {"scoring/methods/grading.py"},
        "quotas": {"scoring/methods/grading.py"},
    }
    assert named == {"scoring/methods/grading.py", "scoring/engine/policy.py"}
