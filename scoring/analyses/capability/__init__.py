"""Capability gaps (能力差距): who needs which training, with the evidence.

Everything here is a pure function of the dataset and a filter; the Capability page only
renders it. Statistics (peer references, priors, case-mix expected values and ranks, the
untrained control group) are computed over the population (`Filters.population()`), so a
supervisor sees the same numbers as leadership filtered to the supervisor's teams; what
is shown comes out through the visible scope (`scoring.scope`). The pieces:

- `skill_matrix`: an agent × skill table. Skills are ticket categories, channels, products
  (a KPI measured on the agent's tickets of that skill) and 360 competencies (the mean
  rating by others). Each cell is shrunk towards the skill's group of agents (empirical
  Bayes, docs/METHODS.md, "Small samples": a beta-binomial prior fitted per skill for rates, a
  Bayesian average for means) and carries a credible interval. The peer value is the
  pooled value of the *other* agents handling that skill. A gap is significant only when
  the interval excludes the peer value and the agent has at least `min_cases` cases.
- `case_mix`: observed versus expected KPI per agent by indirect standardisation: the
  expected value is what the agent's peers achieve on the same mix of tickets (category ×
  channel × priority × segment cells), so an agent who takes the hard tickets is not
  penalised (Breslow & Day, "Statistical Methods in Cancer Research II", IARC 1987, ch. 2;
  Iezzoni, "Risk Adjustment for Measuring Health Care Outcomes", 4th ed. 2013).
- `training_needs` / `team_needs`: significant weak gaps ranked by impact = tickets affected
  per month × gap size, with a suggested course from the training table; per team, the
  needs shared by at least MIN_GROUP_SIZE agents (a group session).
- `training_effects`: KPI of the trained skill before vs after a completed course, next to
  how untrained peers moved over the same weeks: difference-in-differences
  (docs/METHODS.md, "Training effect").
- `feedback_360` / `blind_spots` (`blind_spots_of` a feedback table already read): mean
  rating per role and competency; self well above others flagged.
- `coaching_plan`: per agent and gap, the evidence, a suggested course and the owner.

One module per analysis: `skills` (the matrix, training needs, courses), `case_mix`,
`effects` (training effects), `feedback` (360 and blind spots), `coaching`; `common` holds
the skills, the evidence rules (`CapabilityConfig`), the roster and `kpi_inputs`. This
package re-exports their public names: `from scoring import capability` then
`capability.skill_matrix(...)`.
"""

from scoring.analyses.capability.case_mix import (
    CASE_MIX_DIMENSIONS,
    case_mix,
    case_mix_matrix,
    mix_dimensions,
    ticket_cells,
)
from scoring.analyses.capability.coaching import PLAN_COLUMNS, PLAN_KINDS, coaching_plan
from scoring.analyses.capability.common import (
    BLIND_SPOT_POINTS,
    COMPETENCY,
    DAYS_PER_MONTH,
    DEFAULT_CONFIG,
    MATERIAL_GAP,
    SKILL_DIMENSION_IDS,
    SKILL_KPIS,
    TICKET_SKILL_DIMENSIONS,
    CapabilityConfig,
    agents,
    kpi_inputs,
    months_in,
    skill_dimensions,
    skill_kpis,
)
from scoring.analyses.capability.effects import EFFECT_COLUMNS, EFFECT_WINDOW_DAYS, training_effects
from scoring.analyses.capability.feedback import (
    ROLES,
    blind_spots,
    blind_spots_of,
    competency_inputs,
    feedback_360,
)
from scoring.analyses.capability.skills import (
    BASELINES,
    MATRIX_COLUMNS,
    MIN_GROUP_SIZE,
    NEEDS_COLUMNS,
    courses,
    skill_matrix,
    team_needs,
    training_needs,
)

__all__ = [
    "BASELINES",
    "BLIND_SPOT_POINTS",
    "CASE_MIX_DIMENSIONS",
    "COMPETENCY",
    "DAYS_PER_MONTH",
    "DEFAULT_CONFIG",
    "EFFECT_COLUMNS",
    "EFFECT_WINDOW_DAYS",
    "MATERIAL_GAP",
    "MATRIX_COLUMNS",
    "MIN_GROUP_SIZE",
    "NEEDS_COLUMNS",
    "PLAN_COLUMNS",
    "PLAN_KINDS",
    "ROLES",
    "SKILL_DIMENSION_IDS",
    "SKILL_KPIS",
    "TICKET_SKILL_DIMENSIONS",
    "CapabilityConfig",
    "agents",
    "blind_spots",
    "blind_spots_of",
    "case_mix",
    "case_mix_matrix",
    "coaching_plan",
    "competency_inputs",
    "courses",
    "feedback_360",
    "kpi_inputs",
    "mix_dimensions",
    "months_in",
    "skill_dimensions",
    "skill_kpis",
    "skill_matrix",
    "team_needs",
    "ticket_cells",
    "training_effects",
    "training_needs",
]
