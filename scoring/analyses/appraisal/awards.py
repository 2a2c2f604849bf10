"""Awards of a period (服务明星 service star, 优秀团队 excellent team), given only when robust.

The probability of being first is counted over the what-if lab's Monte Carlo draws of the
weights (`whatif.drawn_composites`: Dirichlet draws around the policy's weights, each agent
re-scored and the insufficient left out): the share of the draws in which the agent (or the
team, by the mean composite of its graded agents in that draw) ranks first. The award goes
to the candidate first in at least `CONFIDENCE` of the draws; otherwise nobody is crowned
and the result says why (a code the pages word):

- ``near_tie``: the first place changes hands under small weight changes; `candidates`
  lists everyone first in at least `CANDIDATE_SHARE` of the draws, with the probability;
- ``too_few``: fewer than two graded agents (or two teams with `MIN_TEAM_GRADED` graded
  agents each) — a first place among one says nothing;
- ``not_modelled``: the policy gates on must-be KPIs, pays bonus points or weighs per
  segment, which the draws do not model.
"""

from __future__ import annotations

import numpy as np

from scoring.engine import whatif
from scoring.engine.scorecard import Scorecard

DRAWS = 1000
SEED = 0
CONFIDENCE = 0.6
CANDIDATE_SHARE = 0.1
MIN_TEAM_GRADED = 2
CODES = ("awarded", "near_tie", "too_few", "not_modelled")


def _result(code: str, ids: list[str], p: np.ndarray, winner: int | None = None) -> dict:
    order = np.argsort(-p, kind="stable")
    candidates = [
        {"id": ids[i], "p_first": round(float(p[i]), 3)} for i in order if p[i] >= CANDIDATE_SHARE
    ]
    found = {
        "code": code,
        "winner": None,
        "p_first": None,
        "candidates": candidates,
        "draws": DRAWS,
        "confidence": CONFIDENCE,
    }
    if winner is not None:
        found.update(winner=ids[winner], p_first=round(float(p[winner]), 3))
    return found


def _decided(ids: list[str], p: np.ndarray) -> dict:
    best = int(np.argmax(p))
    if p[best] >= CONFIDENCE:
        return _result("awarded", ids, p, best)
    return _result("near_tie", ids, p)


def _modelled(card: Scorecard) -> bool:
    return not (whatif.kano_scoring(card.policy) or card.policy.segment_weights)


def _draws(card: Scorecard, draws: int) -> np.ndarray:
    return whatif.drawn_composites(card.matrix, card.policy, draws, seed=SEED)


def service_star(card: Scorecard, draws: int = DRAWS) -> dict:
    """The service star of a scored period: code, winner (agent id or None), its P(first),
    the candidates with theirs."""
    ids = card.frame["agent_id"].astype(str).tolist()
    graded = ~card.frame["insufficient_data"].to_numpy(bool)
    if graded.sum() < 2:
        return _result("too_few", ids, np.zeros(len(ids)))
    if not _modelled(card):
        return _result("not_modelled", ids, np.zeros(len(ids)))
    return _decided(ids, whatif.first_place(_draws(card, draws)))


def excellent_team(card: Scorecard, draws: int = DRAWS) -> dict:
    """The excellent team: the same rule over the teams' mean composites, among the teams
    with at least `MIN_TEAM_GRADED` graded agents."""
    teams = card.frame["team"]
    graded = ~card.frame["insufficient_data"].to_numpy(bool)
    counts = card.frame[graded].groupby("team").size()
    names = sorted(counts[counts >= MIN_TEAM_GRADED].index.astype(str))
    if len(names) < 2:
        return _result("too_few", names, np.zeros(len(names)))
    if not _modelled(card):
        return _result("not_modelled", names, np.zeros(len(names)))
    scores = _draws(card, draws)
    means = np.column_stack([_team_mean(scores, (teams == n).to_numpy()) for n in names])
    return _decided(names, whatif.first_place(means))


def _team_mean(scores: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per draw, the mean composite of the team's graded agents (NaN: none graded)."""
    columns = scores[:, members]
    counted = (~np.isnan(columns)).sum(axis=1)
    total = np.nansum(columns, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counted > 0, total / counted, np.nan)
