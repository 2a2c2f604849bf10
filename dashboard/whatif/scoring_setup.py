"""How the lab turns each KPI into 0–100: the normalisation and the floor, target and stretch.

Both are part of the policy the lab scores, compares and saves with a scenario. The method
starts as the baseline's (a preset brings its own); the targets start as the dataset's
(`Context.targets`) or as the loaded scenario's, kept as one dict under `whatif_targets`
(KPI id → floor, target, stretch). The inputs of the KPI being edited write into it; values
that would not score (the policy's own check) are not taken: the KPI keeps its previous
targets and a warning names it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard.app.shell import labelled
from dashboard.ui.target_inputs import PARTS, target_inputs, typed_values
from scoring.engine.policy import Policy, Target, target_problems
from scoring.methods import normalise

if TYPE_CHECKING:
    from dashboard.whatif.lab import Lab

METHOD_KEY = "whatif_method"
TARGETS_KEY = "whatif_targets"
_REFUSED_KEY = "_whatif_targets_refused"  # KPI ids whose last typed values were not taken


def input_key(part: str, kpi_id: str) -> str:
    return f"whatif_target_{part}_{kpi_id}"


def load(lab: Lab, policy: Policy) -> None:
    """Put a policy's method and targets into the controls (every KPI of the matrix)."""
    state = lab.state
    state[METHOD_KEY] = policy.method
    state[TARGETS_KEY] = {k.id: policy.target_of(k) for k in lab.matrix.kpis}
    state[_REFUSED_KEY] = []
    for k in lab.matrix.kpis:
        for part in PARTS:
            state.pop(input_key(part, k.id), None)


def controls(lab: Lab) -> None:
    """The method with what it means for people, then the targets of one KPI at a time."""
    t = lab.ctx.t
    method = st.selectbox(
        t("whatif_method"),
        normalise.METHODS,
        format_func=lambda m: t(f"whatif_method_{m}"),
        key=labelled(METHOD_KEY),
    )
    st.caption(t(f"whatif_method_means_{method}"))
    with st.expander(t("whatif_targets"), expanded=False):
        st.caption(t("whatif_targets_help"))
        _target_controls(lab)


def _target_controls(lab: Lab) -> None:
    t, lang, state = lab.ctx.t, lab.ctx.lang, lab.state
    labels = {k.id: k.label(lang) for k in lab.kpis}  # the KPIs the data measures
    if not labels:
        return
    chosen = st.selectbox(
        t("targets_kpi"), list(labels), format_func=labels.get, key=labelled("whatif_target_kpi")
    )
    k = next(k for k in lab.kpis if k.id == chosen)
    st.caption(t(f"targets_direction_{k.direction}"))
    target_inputs(
        k,
        state[TARGETS_KEY][k.id],
        lambda part: input_key(part, k.id),
        [t(f"whatif_{part}") for part in PARTS],
        lambda: _on_input(lab, k.id),
    )
    st.button(
        t("whatif_targets_reset"),
        key="whatif_targets_reset",
        on_click=_on_reset,
        args=(lab,),
    )
    refused = state.get(_REFUSED_KEY, [])
    if refused:
        st.warning(t("whatif_bad_targets", kpis=", ".join(labels[i] for i in refused)))


def _on_input(lab: Lab, kpi_id: str) -> None:
    """Take the typed values when they would score, else keep the KPI's previous ones."""
    state = lab.state
    values = typed_values(lambda part: input_key(part, kpi_id))
    refused = [i for i in state.get(_REFUSED_KEY, []) if i != kpi_id]
    if target_problems({kpi_id: values}):
        refused.append(kpi_id)
    else:
        state[TARGETS_KEY] = {**state[TARGETS_KEY], kpi_id: values}
    state[_REFUSED_KEY] = refused


def _on_reset(lab: Lab) -> None:
    load(lab, Policy(method=lab.state[METHOD_KEY], targets=lab.ctx.targets.targets))


def current(lab: Lab) -> tuple[str, dict[str, Target]]:
    """The method and the targets the controls hold now."""
    state = lab.state
    return state.get(METHOD_KEY, "target"), dict(state[TARGETS_KEY])
