"""What each part of the targets page draws, and the draft the user edits.

The draft (`targets_draft`: KPI id → floor, target, stretch) starts from the target set in
use and follows every adoption and edit; it starts again when the set in use changes (a
save here or in another session, another dataset). The three inputs of the KPI looked at
keep their values under `targets_<part>_<kpi id>`; an adoption writes them back from the
draft, so one click moves both the table and the inputs.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard.app.shell import Context, labelled
from dashboard.targets import charts
from dashboard.targets import data as targets_data
from dashboard.ui.labels import kpi_value, unit_word
from dashboard.ui.markup import md, md_list
from dashboard.ui.target_inputs import PARTS, target_inputs, typed_values
from scoring.engine.policy import Policy, Target, target_problems
from scoring.engine.scorecard import KpiMatrix
from scoring.methods.calibration import Suggestion
from scoring.registry.kpis import KPI, KPIS_BY_ID, registry_rows
from scoring.stores.targets import TargetSet, TargetStore, origin_of

DRAFT_KEY = "targets_draft"
_DRAFT_FOR_KEY = "_targets_draft_for"
_FLASH_KEY = "targets_flash"


def input_key(part: str, kpi_id: str) -> str:
    return f"targets_{part}_{kpi_id}"


def in_use_values(in_use: TargetSet, k: KPI) -> Target:
    """The floor, target and stretch every page scores this KPI with."""
    return Policy(targets=in_use.targets).target_of(k)


# ---------------------------------------------------------------------------------------
# The set in use and the draft


def in_use_text(ctx: Context, in_use: TargetSet) -> str:
    """Which target set every page scores with, in one sentence (Markdown-safe)."""
    if in_use.version:
        author = md(in_use.author) if in_use.author else ctx.t("targets_anonymous")
        day = in_use.created_at[:10]
        return ctx.t("targets_in_use_saved", version=in_use.version, author=author, date=day)
    if in_use.origin == "calibrated":
        return ctx.t("targets_in_use_calibrated")
    return ctx.t("targets_in_use_registry")


REGISTRY_COLUMNS = ("label", "description", "unit", "direction", "formula", "perspective",
                    "min_sample", "floor", "target", "stretch", "weight")  # fmt: skip


def registry_table(ctx: Context) -> pd.DataFrame:
    """The KPI registry as the Data page shows it (`REGISTRY_COLUMNS`), in the user's
    language: the unit worded, the direction in words, and the floor, target and stretch
    every page uses for this dataset, each in the KPI's unit (rates as %; no stretch: empty)."""
    rows = []
    for row in registry_rows(ctx.lang):
        k = KPIS_BY_ID[row["id"]]
        floor, target, stretch = in_use_values(ctx.targets, k)
        rows.append(
            {
                **row,
                "unit": unit_word(k, ctx.lang),
                "direction": ctx.t("higher" if k.higher_is_better else "lower"),
                "floor": kpi_value(k, floor, ctx.lang),
                "target": kpi_value(k, target, ctx.lang),
                "stretch": kpi_value(k, stretch, ctx.lang),
            }
        )
    return pd.DataFrame(rows, columns=REGISTRY_COLUMNS)


def in_use_section(ctx: Context, in_use: TargetSet, store: TargetStore) -> None:
    """Which set every page scores with, in one sentence; files that could not be read."""
    st.info(in_use_text(ctx, in_use))
    store.versions()
    if store.skipped:
        st.warning(ctx.t("targets_store_problem", files=md_list(store.skipped, "; ")))


def calibrated_notice(ctx: Context) -> None:
    """One sentence on a page that scores a dataset on targets calibrated by default."""
    if ctx.targets.origin == "calibrated" and not ctx.targets.version:
        st.caption(ctx.t("targets_calibrated_default"))


def start_draft(ctx: Context, matrix: KpiMatrix, in_use: TargetSet) -> dict[str, Target]:
    """The draft of this run: kept while the set in use is the same, else started afresh."""
    state = st.session_state
    started_from = (str(ctx.state_dir), in_use.version, in_use.origin, tuple(in_use.targets))
    if state.get(_DRAFT_FOR_KEY) != started_from or DRAFT_KEY not in state:
        state[DRAFT_KEY] = {k.id: in_use_values(in_use, k) for k in matrix.kpis}
        state[_DRAFT_FOR_KEY] = started_from
        for k in matrix.kpis:
            for part in PARTS:
                state.pop(input_key(part, k.id), None)
    return state[DRAFT_KEY]


def _set_draft(kpi_id: str, values: Target) -> None:
    st.session_state[DRAFT_KEY] = {**st.session_state[DRAFT_KEY], kpi_id: tuple(values)}
    for part, value in zip(PARTS, values, strict=True):
        st.session_state[input_key(part, kpi_id)] = value


def _on_input(kpi_id: str) -> None:
    values = typed_values(lambda part: input_key(part, kpi_id))
    st.session_state[DRAFT_KEY] = {**st.session_state[DRAFT_KEY], kpi_id: values}


def _on_adopt_one(ctx: Context, k: KPI, suggestion: Suggestion) -> None:
    _set_draft(k.id, suggestion.values)
    st.session_state[_FLASH_KEY] = ctx.t("targets_adopted_one", kpi=k.label(ctx.lang))


def _on_adopt_all(ctx: Context, suggested: dict[str, Suggestion], note: str) -> None:
    adopted = {kpi_id: s.values for kpi_id, s in suggested.items() if s.values}
    for kpi_id, values in adopted.items():
        _set_draft(kpi_id, values)
    st.session_state["targets_note_input"] = note
    st.session_state[_FLASH_KEY] = ctx.t("targets_adopted_all", count=len(adopted))


def flash() -> None:
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(message)


# ---------------------------------------------------------------------------------------
# The table of every KPI


def _formatted(k: KPI, values: Target | None, lang: str) -> str:
    if values is None:
        return ""
    return " / ".join(kpi_value(k, v, lang) or "—" for v in values)


def targets_table(
    ctx: Context,
    matrix: KpiMatrix,
    in_use: TargetSet,
    suggested: dict[str, Suggestion],
    draft: dict[str, Target],
) -> pd.DataFrame:
    """One row per KPI: in use, suggested (or why not), the draft, agents, changed."""
    rows = []
    for k in matrix.kpis:
        suggestion = suggested[k.id]
        current = in_use_values(in_use, k)
        rows.append(
            {
                "kpi": k.label(ctx.lang),
                "in_use": _formatted(k, current, ctx.lang),
                "suggested": _formatted(k, suggestion.values, ctx.lang)
                or ctx.t(f"targets_problem_{suggestion.problem}"),
                "new": _formatted(k, draft[k.id], ctx.lang),
                "agents": suggestion.agents,
                "changed": tuple(draft[k.id]) != tuple(current),
            }
        )
    return pd.DataFrame(rows)


def table_section(
    ctx: Context,
    matrix: KpiMatrix,
    in_use: TargetSet,
    suggested: dict[str, Suggestion],
    draft: dict[str, Target],
    period: tuple[date, date],
) -> None:
    t = ctx.t
    st.subheader(t("targets_table"))
    st.caption(t("targets_reference", start=period[0], end=period[1]))
    note = t("targets_calibrated_note", start=period[0], end=period[1])
    st.button(
        t("targets_adopt_all"),
        key="targets_adopt_all",
        on_click=_on_adopt_all,
        args=(ctx, suggested, note),
        disabled=not any(s.values for s in suggested.values()),
    )
    st.dataframe(
        targets_table(ctx, matrix, in_use, suggested, draft),
        hide_index=True,
        column_config={
            "kpi": t("targets_kpi"),
            "in_use": t("targets_in_use"),
            "suggested": t("targets_suggested"),
            "new": t("targets_new"),
            "agents": t("targets_agents"),
            "changed": t("targets_changed"),
        },
    )


# ---------------------------------------------------------------------------------------
# One KPI: its distribution, the lines, the inputs


def kpi_section(
    ctx: Context,
    matrix: KpiMatrix,
    in_use: TargetSet,
    suggested: dict[str, Suggestion],
    draft: dict[str, Target],
) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("targets_edit"))
    labels = {k.id: k.label(lang) for k in matrix.kpis}
    chosen = st.selectbox(
        t("targets_kpi"), list(labels), format_func=labels.get, key=labelled("targets_kpi")
    )
    k = next(k for k in matrix.kpis if k.id == chosen)
    suggestion = suggested[k.id]
    counts, edges = targets_data.histogram(matrix, k.id)
    if counts.size:
        marks = _marks(ctx, in_use_values(in_use, k), "current")
        marks += _marks(ctx, suggestion.values, "suggested")
        st.plotly_chart(
            charts.distribution(
                counts,
                edges,
                marks,
                k,
                t("targets_chart", kpi=labels[k.id]),
                t("targets_chart_value"),
                t("targets_agents"),
            ),
            key="targets_chart",
        )
    else:
        st.info(t("targets_no_values"))
    st.caption(t(f"targets_direction_{k.direction}"))
    target_inputs(
        k,
        draft[k.id],
        lambda part: input_key(part, k.id),
        [ctx.t(f"targets_{part}") for part in PARTS],
        lambda: _on_input(k.id),
    )
    st.button(
        t("targets_adopt_one"),
        key="targets_adopt_one",
        on_click=_on_adopt_one,
        args=(ctx, k, suggestion),
        disabled=suggestion.values is None,
        help=None if suggestion.values else t(f"targets_problem_{suggestion.problem}"),
    )


def _marks(ctx: Context, values: Target | None, kind: str) -> list[charts.Mark]:
    if values is None:
        return []
    word = ctx.t(f"targets_line_{kind}")
    return [
        charts.Mark(value, kind, f"{ctx.t(f'targets_line_{part}')} ({word})")
        for part, value in zip(PARTS, values, strict=True)
        if value is not None
    ]


# ---------------------------------------------------------------------------------------
# Saving and the saved versions


def draft_problems(ctx: Context, matrix: KpiMatrix, draft: dict[str, Target]) -> list[str]:
    """One sentence per KPI whose draft values would not score (the policy's own check)."""
    return [
        ctx.t("targets_wrong_way", kpi=k.label(ctx.lang))
        for k in matrix.kpis
        if target_problems({k.id: draft[k.id]})
    ]


def save_section(
    ctx: Context,
    store: TargetStore,
    matrix: KpiMatrix,
    in_use: TargetSet,
    suggested: dict[str, Suggestion],
    draft: dict[str, Target],
) -> None:
    t = ctx.t
    st.subheader(t("targets_save_section"))
    problems = draft_problems(ctx, matrix, draft)
    for problem in problems:
        st.warning(problem)
    author_col, note_col = st.columns(2)
    author_col.text_input(t("targets_author"), key="targets_author_input", max_chars=80)
    note_col.text_input(t("targets_note"), key="targets_note_input", max_chars=200)
    st.button(
        t("targets_save"),
        key="targets_save",
        type="primary",
        on_click=_on_save,
        args=(ctx, store, matrix, in_use, suggested),
        disabled=bool(problems),
    )


def _on_save(
    ctx: Context,
    store: TargetStore,
    matrix: KpiMatrix,
    in_use: TargetSet,
    suggested: dict[str, Suggestion],
) -> None:
    state = st.session_state
    draft = {k.id: state[DRAFT_KEY][k.id] for k in matrix.kpis}
    unchanged = all(tuple(draft[k.id]) == in_use_values(in_use, k) for k in matrix.kpis)
    if in_use.version and unchanged:
        state[_FLASH_KEY] = ctx.t("targets_nothing_changed")
        return
    made = TargetSet(
        targets=draft,
        author=state.get("targets_author_input", "").strip(),
        origin=origin_of(draft, suggested, matrix.kpis),
        note=state.get("targets_note_input", "").strip(),
    )
    stored = store.save(made)
    state[_FLASH_KEY] = ctx.t("targets_saved", version=stored.version)


def versions_section(ctx: Context, store: TargetStore) -> None:
    t = ctx.t
    st.subheader(t("targets_versions"))
    versions = store.versions()
    if not versions:
        st.caption(t("targets_no_versions"))
        return
    table = pd.DataFrame(
        [
            {
                "version": s.version,
                "author": s.author,
                "created_at": s.created_at.replace("T", " ")[:19],
                "origin": t(f"targets_origin_{s.origin}"),
                "note": s.note,
            }
            for s in reversed(versions)
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "version": t("targets_version"),
            "author": t("targets_saved_by"),
            "created_at": t("targets_saved_at"),
            "origin": t("targets_origin"),
            "note": t("targets_note_column"),
        },
    )
