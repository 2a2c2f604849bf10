"""The three inputs of one KPI's floor, target and stretch, shared by the Targets page and
the What-if lab (each keeps the values in its own session-state keys)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from scoring.engine.policy import Target
from scoring.registry.kpis import KPI

PARTS = ("floor", "target", "stretch")


def target_inputs(
    k: KPI,
    values: Target,
    key_of: Callable[[str], str],
    labels: Sequence[str],
    on_change: Callable[[], None],
) -> None:
    """Floor, target and stretch of `k` side by side, starting from `values` unless the
    session holds what the user typed (`key_of(part)` names each input). Rates are shares
    (0.95), typed to four decimals; an empty stretch means no bonus above the target."""
    rate = k.fmt.endswith("%")
    for column, part, label, value in zip(st.columns(3), PARTS, labels, values, strict=True):
        key = key_of(part)
        st.session_state.setdefault(key, value)
        column.number_input(
            label,
            value=None,
            step=0.005 if rate else 0.1,
            format="%.4f" if rate else "%.2f",
            key=key,
            on_change=on_change,
        )


def typed_values(key_of: Callable[[str], str]) -> Target:
    """The floor, target and stretch the inputs hold now (None where empty)."""
    return tuple(st.session_state.get(key_of(part)) for part in PARTS)
