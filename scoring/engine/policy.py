"""One scoring policy (评分方案): how agents are scored, graded and paid.

Every part that scores agents reads one `Policy`: the scorecard (`scorecard.score(matrix,
policy)`), the what-if lab (`whatif`), saved scenarios (`scenarios.Scenario.policy`), the
dashboard's scorecards and the command line. It is frozen and checked once, when made: every
problem is collected and one ValueError lists them all, each starting with the field it is
about. It is written to and read from a JSON-safe dict in one place (`to_dict`,
`from_dict`); the defaults are the KPI registry's weights and targets and the grading rules'
thresholds and quotas (`grading.DEFAULT_*`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from scoring.methods import grading as grading_rules
from scoring.methods import incentives, normalise
from scoring.registry.contract import SEGMENTS
from scoring.registry.kpis import DEFAULT_WEIGHTS, KPI, KPIS_BY_ID, KPIDeclarationError, kpi

GRADINGS = ("absolute", "forced")
Target = tuple[float, float, float | None]  # floor, target, stretch (None: no stretch bonus)


@dataclass(frozen=True)
class Policy:
    """How scores are made, graded and paid.

    - weights: KPI id → any non-negative number (normalised when scoring);
    - segment_weights: {"enterprise": {...}, "individual": {...}} switches on segment-aware
      scoring (`whatif.segment_mix`); `weights` then do not make the composite;
    - method: the normalisation to 0–100 (`normalise.METHODS`); use_shrunk: judge the shrunk
      estimate where a KPI has one; targets: KPI id → (floor, target, stretch) replacing the
      registry's;
    - grading: "absolute" (score bands `thresholds`, best first) or "forced" (`quotas`: the
      shares of the four grades, best first);
    - pool and rule: the bonus pool and how it is shared (`incentives.RULES`);
    - the gates min_tickets and min_coverage: fewer tickets, or a smaller share of the weight
      measurable, is "insufficient data" (not graded, ranked or paid);
    - Kano-informed scoring (docs/METHODS.md, "Scoring built on what customers expect"):
      `must_be` KPIs are gates (an agent measured beyond the floor of one is graded at most
      satisfactory), `bonus` KPIs earn bonus points between their target and stretch instead
      of entering the weighted mean. Both empty: plain weighted scoring.
    - objective_share: how much of each agent's score comes from their objectives' attainment
      (management by objectives, 目标管理; docs/METHODS.md, "Scoring with objectives"): 0 the
      KPI composite alone, 1 the objective score alone; an agent without objectives keeps
      the KPI composite.

    Numbers are kept as floats and sequences as tuples, so a policy read back from its dict
    equals the one written.
    """

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    segment_weights: dict[str, dict[str, float]] | None = None
    method: str = "target"
    use_shrunk: bool = True
    targets: dict[str, Target] = field(default_factory=dict)
    grading: str = "absolute"
    thresholds: tuple[float, float, float] = grading_rules.DEFAULT_THRESHOLDS
    quotas: tuple[float, float, float, float] = grading_rules.DEFAULT_QUOTAS
    pool: float = 100_000.0
    rule: str = "grade_multiplier"
    min_tickets: int = 20
    min_coverage: float = 0.5
    must_be: tuple[str, ...] = ()
    bonus: tuple[str, ...] = ()
    objective_share: float = 0.0

    def __post_init__(self) -> None:
        found = problems(self)
        if found:
            raise ValueError("invalid scoring policy: " + "; ".join(found))
        segments = self.segment_weights
        if segments is not None:
            segments = {segment: _floats(weights) for segment, weights in segments.items()}
        canonical = {
            "weights": _floats(self.weights),
            "segment_weights": segments,
            "targets": {k: _target(t) for k, t in self.targets.items()},
            "thresholds": tuple(float(x) for x in self.thresholds),
            "quotas": tuple(float(x) for x in self.quotas),
            "pool": float(self.pool),
            "min_tickets": int(self.min_tickets),
            "min_coverage": float(self.min_coverage),
            "must_be": tuple(self.must_be),
            "bonus": tuple(self.bonus),
            "objective_share": float(self.objective_share),
        }
        for name, value in canonical.items():
            object.__setattr__(self, name, value)

    def target_of(self, k: KPI) -> Target:
        """The KPI's floor, target and stretch: the policy's own, else the registry's."""
        return self.targets.get(k.id, (k.floor, k.target, k.stretch))

    def to_dict(self) -> dict:
        """Every field as JSON-safe values (lists for tuples); `from_dict` reads it back."""
        return {f.name: _json_safe(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping) -> Policy:
        """The policy of a `to_dict` dict; missing fields take their defaults (older bodies
        carry fewer), unknown ones are refused. ValueError naming what is wrong."""
        unknown = sorted(set(data) - FIELDS)
        if unknown:
            raise ValueError(f"unknown scoring policy field(s): {', '.join(map(str, unknown))}")
        return cls(**data)


FIELDS = frozenset(f.name for f in fields(Policy))


def problems(policy: Policy) -> list[str]:
    """Everything wrong with the policy's fields, each problem starting with its field."""
    found = weight_problems("weights", policy.weights)
    segments = policy.segment_weights
    if segments is not None and not isinstance(segments, Mapping):
        found.append(f"segment_weights: a segment → weights mapping or None, got {segments!r}")
    elif segments is not None:
        for segment, weights in segments.items():
            if segment not in SEGMENTS:
                found.append(f"segment_weights: unknown segment {segment!r} (known: {SEGMENTS})")
            found += weight_problems(f"segment_weights[{segment}]", weights)
    if policy.method not in normalise.METHODS:
        found.append(
            f"method: unknown normalisation {policy.method!r} (known: {normalise.METHODS})"
        )
    if not isinstance(policy.use_shrunk, bool):
        found.append(f"use_shrunk: true or false, got {policy.use_shrunk!r}")
    found += target_problems(policy.targets)
    if policy.grading not in GRADINGS:
        found.append(f"grading: unknown grading {policy.grading!r} (absolute or forced)")
    for name, check in (
        ("thresholds", grading_rules.threshold_problem),
        ("quotas", grading_rules.quota_problem),
    ):
        problem = check(getattr(policy, name))
        if problem:
            found.append(f"{name}: {problem}")
    if not (_is_number(policy.pool) and policy.pool >= 0):
        found.append(f"pool: must be a finite amount ≥ 0, got {policy.pool}")
    if policy.rule not in incentives.RULES:
        found.append(f"rule: unknown allocation rule {policy.rule!r} (known: {incentives.RULES})")
    if not (_is_whole(policy.min_tickets) and policy.min_tickets >= 0):
        found.append(f"min_tickets: a whole number ≥ 0, got {policy.min_tickets!r}")
    if not (_is_number(policy.min_coverage) and 0 <= policy.min_coverage <= 1):
        found.append(f"min_coverage: a share from 0 to 1, got {policy.min_coverage!r}")
    found += kano_problems(policy.must_be, policy.bonus)
    if not (_is_number(policy.objective_share) and 0 <= policy.objective_share <= 1):
        found.append(f"objective_share: a share from 0 to 1, got {policy.objective_share!r}")
    return found


def kano_problems(must_be: object, bonus: object) -> list[str]:
    """What is wrong with the Kano roles: lists of registry KPI ids, none in both."""
    found = []
    for name, ids in (("must_be", must_be), ("bonus", bonus)):
        if isinstance(ids, str) or not isinstance(ids, tuple | list):
            found.append(f"{name}: a list of KPI ids, got {ids!r}")
            continue
        for kpi_id in ids:
            if not isinstance(kpi_id, str):
                found.append(f"{name}: a KPI id, got {kpi_id!r}")
            elif problem := _unknown_kpi(name, kpi_id):
                found.append(problem)
    if not found:
        both = sorted(set(must_be) & set(bonus))
        if both:
            found.append(f"bonus: {', '.join(both)} cannot be a must-be gate and a bonus at once")
    return found


def _is_number(value: object) -> bool:
    """A finite real number (a bool or a text is not)."""
    real = type(value) is float or (isinstance(value, numbers.Real) and not isinstance(value, bool))
    return real and math.isfinite(value)


def _is_whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_stretch(value: object) -> bool:
    return value is None or _is_number(value)


def _unknown_kpi(name: str, kpi_id: str) -> str | None:
    """The problem of an id that is not a KPI of the registry (None: it is one)."""
    if kpi_id in KPIS_BY_ID:
        return None
    try:
        kpi(kpi_id)
    except KeyError as exc:
        return f"{name}: {exc.args[0]}"
    return None


def weight_problems(name: str, weights: object) -> list[str]:
    """What is wrong with a KPI id → weight mapping (`name`: the field, for the messages)."""
    if not isinstance(weights, Mapping):
        return [f"{name}: a KPI id → weight mapping, got {weights!r}"]
    found = []
    for kpi_id, weight in weights.items():
        unknown = _unknown_kpi(name, kpi_id)
        if unknown:
            found.append(unknown)
        elif not (_is_number(weight) and weight >= 0):
            found.append(
                f"{name}: weight of {kpi_id} must be a finite, non-negative number, got {weight}"
            )
    return found


def target_problems(targets: object) -> list[str]:
    """What is wrong with a KPI id → (floor, target, stretch) mapping: each entry must be
    numbers that run the KPI's way and lie in its range, by the registry's own rule (the
    KPI declared again with these values), so a policy never holds targets that normalising
    would refuse."""
    if not isinstance(targets, Mapping):
        return [f"targets: a KPI id → (floor, target, stretch) mapping, got {targets!r}"]
    found = []
    for kpi_id, values in targets.items():
        unknown = _unknown_kpi("targets", kpi_id)
        valid = isinstance(values, tuple | list) and len(values) == 3
        if unknown:
            found.append(unknown)
        elif not (valid and all(_is_number(v) for v in values[:2]) and _is_stretch(values[2])):
            found.append(
                f"targets: {kpi_id} needs (floor, target, stretch or None) as numbers, "
                f"got {values!r}"
            )
        else:
            found += _direction_problems(KPIS_BY_ID[kpi_id], values)
    return found


def _direction_problems(k: KPI, values) -> list[str]:
    floor, target, stretch = values
    try:
        replace(k, floor=floor, target=target, stretch=stretch)
    except KPIDeclarationError as exc:
        return [f"targets: {problem}" for problem in exc.problems]
    return []


def _floats(weights: Mapping[str, float]) -> dict[str, float]:
    return {kpi_id: float(weight) for kpi_id, weight in weights.items()}


def _target(values) -> Target:
    floor, target, stretch = values
    return float(floor), float(target), None if stretch is None else float(stretch)


def _json_safe(value):
    if isinstance(value, Mapping):
        return {key: _json_safe(v) for key, v in value.items()}
    if isinstance(value, tuple):
        return [_json_safe(v) for v in value]
    return value


DEFAULT_POLICY = Policy()
