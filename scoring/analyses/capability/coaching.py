"""The coaching plan: per agent and gap, the evidence, a suggested course and the owner."""

from __future__ import annotations

import pandas as pd

from scoring.scope import Visible, shows_rows

PLAN_COLUMNS = ["agent_id", "name", "team", "owner", "gap", "evidence", "training", "kind"]
PLAN_KINDS = ("training_need", "blind_spot")


@shows_rows
def coaching_plan(
    roster: pd.DataFrame,
    needs: pd.DataFrame,
    spots: pd.DataFrame,
    describe,
    visible: Visible,
) -> pd.DataFrame:
    """One row per visible agent and gap: owner (the agent's supervisor, else the team),
    the gap, its evidence, the suggested training and the kind of gap (PLAN_KINDS: a
    training need, or a 360 blind spot, added as a gap of its own). `roster` is
    `agents(ds, visible)`; `describe(row) -> (gap, evidence)` words either (the page passes
    a translated one)."""
    people = {row.agent_id: row for row in visible.keep(roster).itertuples(index=False)}
    rows = []
    for need in needs.itertuples(index=False):
        gap, evidence = describe(need)
        rows.append((need.agent_id, gap, evidence, need.course, "training_need"))
    for spot in spots[spots["blind_spot"]].itertuples(index=False) if len(spots) else []:
        gap, evidence = describe(spot)
        rows.append((spot.agent_id, gap, evidence, None, "blind_spot"))
    plan = []
    for agent_id, gap, evidence, course, kind in rows:
        agent = people.get(agent_id)
        if agent is None:
            continue
        owner = agent.supervisor if isinstance(agent.supervisor, str) else agent.team
        plan.append((agent_id, agent.name, agent.team, owner, gap, evidence, course, kind))
    frame = pd.DataFrame(plan, columns=PLAN_COLUMNS)
    return frame.sort_values(["team", "agent_id"], kind="stable").reset_index(drop=True)
