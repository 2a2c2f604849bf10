"""Where a change to evaluate can come from besides a date and teams typed in: a completed
training course (its agents, from its first completion). Improvement actions and the
official scheme live in the stores; the page reads them there."""

from __future__ import annotations

import pandas as pd

from scoring.data.dataset import Dataset
from scoring.measures.query import Query
from scoring.scope import Visible, shows_rows

COURSE_COLUMNS = ["course", "completed_on", "agent_id", "team"]


@shows_rows
def completed_courses(ds: Dataset, visible: Visible) -> pd.DataFrame:
    """Each visible agent's completed course: course, completed_on, agent_id, team, latest
    first."""
    if not ds.has("training"):
        return pd.DataFrame(columns=COURSE_COLUMNS)
    q = Query(ds)
    shown = q.visible(visible, "a.")
    sql = (
        "SELECT t.course, t.completed_on, t.agent_id, a.team FROM training t "
        f"JOIN agents a USING (agent_id) WHERE {shown} "
        "ORDER BY t.completed_on DESC, t.course, t.agent_id"
    )
    result = q.select(sql).run(ds)
    result["completed_on"] = pd.to_datetime(result["completed_on"]).dt.date
    return result
