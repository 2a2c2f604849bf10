"""The lab's state in the address bar, so that a link shares it: the weights (of each set
in use), the scoring mode, normalisation, grading with its bands or quotas, the pool and the
rule, the Kano roles (must-be gates, bonus KPIs; the Customer expectations page links
here with them) and the share of the score from objectives.

`dashboard.app.state` declares the keys and bounds every value read back (`lab_link`,
`lab_query`) and writes a policy's (`policy_link`); here the lab turns them into a policy. A
link is read when a session first opens the lab, or when another page opened it with one
(`state.APPLY_LAB_LINK`), over the baseline (a value the link lacks, or that is out of
bounds, keeps the baseline's); every run of the lab writes what it holds.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard.app.state import LAB_KEYS, LAB_KPI_LISTS, lab_link, lab_query, policy_link
from scoring.engine.policy import SEGMENTS, Policy


def linked_policy(baseline: Policy) -> Policy:
    """The baseline with what the address bar's lab values set."""
    link = lab_link({key: st.query_params.get_all(key) for key in st.query_params})
    weights = link.get("weights", {})
    changes: dict = {key: link[key] for key in ("method", "grading", "pool", "rule") if key in link}
    if any(key in link for key in LAB_KPI_LISTS):  # the link's roles replace the baseline's
        changes.update({key: link.get(key, ()) for key in LAB_KPI_LISTS})
    if "main" in weights:
        changes["weights"] = weights["main"]
    if "bands" in link:
        changes["thresholds"] = link["bands"]
    if "quotas" in link:
        changes["quotas"] = tuple(q / 100 for q in link["quotas"])
    if "objectives" in link:
        changes["objective_share"] = link["objectives"] / 100
    if link.get("scoring") == "segments":
        changes["segment_weights"] = {s: weights.get(s, {}) for s in SEGMENTS}
    elif link.get("scoring") == "single":
        changes["segment_weights"] = None
    return dataclasses.replace(baseline, **changes)


def write(policy: Policy) -> None:
    """Put the policy's lab values into the address bar (and take out the lab keys it has
    no value for)."""
    query = lab_query(policy_link(policy))
    for key in LAB_KEYS:
        if key in query:
            if st.query_params.get_all(key) != _as_list(query[key]):
                st.query_params[key] = query[key]
        elif key in st.query_params:
            del st.query_params[key]


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]
