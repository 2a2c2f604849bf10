"""The strategy map of the balanced scorecard (战略地图): the declared cause → effect links,
once, as data (Kaplan & Norton: learning and growth drives the internal process, which
drives the customer, who drives the financial results).

Each link names a cause and an effect — two perspectives, or two KPIs of the registry — and
a rationale code the text catalog words in both languages (`balanced_link_<code>`). The links
are the department's hypotheses, drawn on the Balanced scorecard page; they are not
estimated from the data. tests/scoring/test_balanced.py checks that every KPI named exists
and that every link runs one step up the order below.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.registry.kpis import Perspective

# Bottom to top: a cause lies in the perspective just below its effect's.
ORDER: tuple[Perspective, ...] = ("learning", "process", "customer", "financial")


@dataclass(frozen=True)
class Link:
    cause: str  # a perspective (PERSPECTIVE_LINKS) or a KPI id (KPI_LINKS)
    effect: str
    rationale: str  # text key suffix: balanced_link_<rationale>


PERSPECTIVE_LINKS: tuple[Link, ...] = (
    Link("learning", "process", "skills_run_the_process"),
    Link("process", "customer", "process_serves_the_customer"),
    Link("customer", "financial", "customers_drive_cost"),
)

KPI_LINKS: tuple[Link, ...] = (
    Link("training_hours", "repeat_rate", "training_fixes_right"),
    Link("training_hours", "handle_minutes", "training_works_faster"),
    Link("teamwork_360", "sla_resolution", "teamwork_hands_over"),
    Link("first_response_median", "csat", "fast_response_satisfies"),
    Link("sla_response", "complaint_rate", "missed_sla_complaints"),
    Link("repeat_rate", "csat", "repeats_dissatisfy"),
    Link("reopen_rate", "complaint_rate", "reopens_complaints"),
    Link("fcr", "parts_cost", "first_fix_saves_parts"),
)

RATIONALES: tuple[str, ...] = tuple(link.rationale for link in PERSPECTIVE_LINKS + KPI_LINKS)
