"""The lab's section beside the weights: how far the chosen weights can be trusted — each
weighted KPI's split-half reliability and discrimination, and the share of agents whose grade
survives a split of their customers (dashboard.ui.trust draws it)."""

from __future__ import annotations

import dataclasses

from dashboard.app import cache as data
from dashboard.ui import trust
from scoring.analyses.reliability import DEFAULT_SPLITS
from scoring.engine import scorecard
from scoring.engine.policy import Policy


def reliability_section(lab, policy: Policy) -> None:
    """Reliability and flags of the policy's weights over the department (cached per filter;
    a weight change re-scores the cached halves)."""
    ctx = lab.ctx
    kpis, _ = data.reliability_halves(ctx.path, lab.filters, ctx.repeat_days)
    stability = data.grade_stability_for(ctx.path, lab.filters, ctx.repeat_days, policy.to_dict())
    card = scorecard.score(lab.matrix, policy)
    trust.reliability_section(card, kpis, stability, DEFAULT_SPLITS, ctx.lang)
    trust.schemes_table(
        [
            {"scheme": scheme.label(ctx.lang), **_stability(lab, scheme, policy)}
            for scheme in lab.schemes.values()
        ],
        ctx.lang,
    )


def _stability(lab, scheme, policy: Policy) -> dict:
    """A weight scheme's grade stability, with the lab's targets and grading."""
    ctx = lab.ctx
    scheme_policy = dataclasses.replace(
        policy, weights=dict(scheme.weights), method=scheme.method, segment_weights=None
    )
    found = data.grade_stability_for(
        ctx.path, lab.filters, ctx.repeat_days, scheme_policy.to_dict()
    )
    return {"same_grade": found["same_grade"], "kappa": found["kappa"]}
