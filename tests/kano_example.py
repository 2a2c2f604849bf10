"""The hand-made example of Kano-informed scoring (issue 16), shared by the scoring test and
the page's AppTest: four agents of 20 tickets and 10 surveys each, and ten respondents who
all answer alike, so every factor's category is known by the evaluation table.

Per agent (first response in minutes, parts cost in ¥, NPS from its 10 surveys):

    A  4 min   ¥80   NPS  40 (4 promoters, 6 passives)
    B  6 min  ¥120   NPS −20 (2 promoters, 4 detractors)
    C 13 min   ¥40   NPS  70 (7 promoters)
    D  6 min  ¥240   NPS −50 (5 detractors)

Answers (functional, dysfunctional): reception response time (2, 5) must-be; reasonable
service fees (1, 5) one-dimensional; follow-up survey and personalised service (1, 3)
attractive. The current scheme (the official scenario): first response median 50, parts
cost 30, NPS 20; pool ¥1,000, grade multipliers (excellent 1.5, good 1.2, satisfactory 1).
"""

from __future__ import annotations

from pathlib import Path

from scoring.engine.policy import Policy
from tests.builders import agent, survey, ticket, write_dataset

FRM, PARTS, NPS, P90 = "first_response_median", "parts_cost", "nps", "first_response_p90"
PLAN = {  # agent: first response minutes, parts cost, (promoters, passives, detractors)
    "A": (4, 80, (4, 6, 0)),
    "B": (6, 120, (2, 4, 4)),
    "C": (13, 40, (7, 3, 0)),
    "D": (6, 240, (0, 5, 5)),
}
ANSWERS = {
    "reception_response_time": (2, 5),
    "reasonable_service_fees": (1, 5),
    "follow_up_survey": (1, 3),
    "personalised_service": (1, 3),
}
CURRENT = Policy({FRM: 50.0, PARTS: 30.0, NPS: 20.0}, pool=1000.0)


def _nps_answers(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


def write(root: Path) -> Path:
    tickets, surveys = [], []
    for a, (minutes, cost, split) in PLAN.items():
        for i in range(20):
            tickets.append(ticket(f"{a}-{i}", a, i * 60, first_response_at=minutes,
                                  parts_cost=float(cost)))  # fmt: skip
        for i, nps in enumerate(_nps_answers(*split)):
            surveys.append(survey(f"S-{a}-{i}", f"{a}-{i}", 4, nps=nps))
    responses = [
        {"respondent_id": f"r{r:02d}", "factor": factor, "functional": f, "dysfunctional": d}
        for r in range(1, 11)
        for factor, (f, d) in ANSWERS.items()
    ]
    agents = [agent(a, "T1" if a in "AB" else "T2") for a in PLAN]
    return write_dataset(root, agents=agents, tickets=tickets, surveys=surveys,
                         kano_responses=responses)  # fmt: skip
