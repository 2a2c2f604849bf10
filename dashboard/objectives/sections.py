"""What each part of the Objectives page draws: the tracked objectives, the consistency
warnings, the agents on track per team, the way to Diagnostics for a missed objective, the
editor, the cascade and the history of saved changes.

Saving happens in button callbacks: the store checks every change against the data and the
session's grant (scoring.stores.objectives) and writes nothing when one is wrong; the
outcome is shown once after the rerun (`flash`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from dashboard.app.shell import Context, labelled, switch_page_keeping_view
from dashboard.objectives import data
from dashboard.ui import notices
from dashboard.ui.labels import kpi_value
from dashboard.ui.markup import md, md_list
from scoring.analyses import objectives as analysis
from scoring.measures.metrics import available_kpis
from scoring.methods.attainment import PACES
from scoring.registry.contract import OWNER_TYPES
from scoring.registry.kpis import KPIS_BY_ID
from scoring.stores.objectives import (
    EDITOR_ROLES,
    Objective,
    ObjectiveError,
    ObjectiveStore,
    from_frame,
    make,
    may_edit,
)

TEXT = st.column_config.TextColumn
_FLASH = "_objectives_flash"  # the last save's outcome, shown after the rerun (`notices`)
_NEW = ""  # the editor's option for a new objective
_INPUTS = ("owner_type", "owner", "kpi", "start", "end", "target", "weight")
DIAGNOSTICS_PAGE = "app_pages/diagnostics.py"


def _key(name: str) -> str:
    return f"objectives_{name}"


def flash() -> None:
    notices.show(_FLASH)


def pace_control(ctx: Context) -> str:
    return st.radio(
        ctx.t("objectives_pace"),
        PACES,
        index=PACES.index("seasonal"),
        format_func=lambda p: ctx.t(f"objectives_pace_{p}"),
        horizontal=True,
        key=labelled(_key("pace")),
    )


def store_problems(ctx: Context, store: ObjectiveStore) -> None:
    if store.skipped:
        st.warning(ctx.t("objectives_store_problem", files=md_list(store.skipped, "; ")))


# ---------------------------------------------------------------------------------------
# Labels


def owner_label(ctx: Context, owner_type: str, owner_id: str) -> str:
    return f"{ctx.t(f'objectives_owner_{owner_type}')}: {owner_id}"


def period_label(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def objective_label(ctx: Context, o: dict) -> str:
    """One objective in a line of plain text (an option of a select box)."""
    k = KPIS_BY_ID[o["kpi"]]
    return (
        f"{owner_label(ctx, o['owner_type'], o['owner_id'])} · {k.label(ctx.lang)} · "
        f"{period_label(o['period_start'], o['period_end'])} · "
        f"{kpi_value(k, o['target'], ctx.lang)}"
    )


def _percent(value: float) -> str:
    return "—" if value != value else f"{value:.0%}"


def _forecast(ctx: Context, row: dict) -> str:
    k = KPIS_BY_ID[row["kpi"]]
    point = kpi_value(k, row["forecast"], ctx.lang)
    if not point:
        return "—"
    low, high = (kpi_value(k, row[c], ctx.lang) for c in ("forecast_low", "forecast_high"))
    return f"{point} ({low} – {high})" if low and high and low != high else point


# ---------------------------------------------------------------------------------------
# Tracking


def objectives_table(ctx: Context, rows: pd.DataFrame) -> pd.DataFrame:
    """The tracked objectives as shown: words, the KPI's format, status colour and word."""
    shown = []
    for row in rows.to_dict("records"):
        k = KPIS_BY_ID[row["kpi"]]
        shown.append(
            {
                "owner_type": ctx.t(f"objectives_owner_{row['owner_type']}"),
                "owner": row["owner_id"],
                "kpi": k.label(ctx.lang),
                "period": period_label(row["period_start"], row["period_end"]),
                "target": kpi_value(k, row["target"], ctx.lang),
                "weight": "" if pd.isna(row["weight"]) else f"{row['weight']:g}",
                "actual": kpi_value(k, row["actual"], ctx.lang) or "—",
                "cases": row["cases"],
                "attainment": _percent(row["attainment"]),
                "elapsed": _percent(row["elapsed"]),
                "forecast": _forecast(ctx, row),
                "status": ctx.t(f"objectives_status_{row['status']}"),
            }
        )
    return pd.DataFrame(
        shown,
        columns=[
            "owner_type",
            "owner",
            "kpi",
            "period",
            "target",
            "weight",
            "actual",
            "cases",
            "attainment",
            "elapsed",
            "forecast",
            "status",
        ],
    )


def list_section(ctx: Context, rows: pd.DataFrame) -> None:
    st.subheader(ctx.t("objectives_list"))
    st.caption(ctx.t("objectives_method"))
    table = objectives_table(ctx, rows)
    st.dataframe(
        table,
        hide_index=True,
        column_config={c: TEXT(ctx.t(f"objectives_col_{c}")) for c in table.columns},
        key=_key("table"),
    )


def consistency_section(ctx: Context, checked: pd.DataFrame, frame: pd.DataFrame) -> None:
    """A warning per department objective whose team targets do not reach it."""
    by_id = frame.set_index("id")
    for row in checked[~checked["consistent"]].to_dict("records"):
        parent = by_id.loc[row["id"]]
        k = KPIS_BY_ID[row["kpi"]]
        st.warning(
            ctx.t(
                "objectives_inconsistent",
                kpi=k.label(ctx.lang),
                period=period_label(parent["period_start"], parent["period_end"]),
                mean=kpi_value(k, row["weighted_target"], ctx.lang),
                target=kpi_value(k, row["target"], ctx.lang),
            )
        )


def teams_section(ctx: Context, rows: pd.DataFrame) -> None:
    st.subheader(ctx.t("objectives_teams"))
    table = analysis.team_on_track(rows, ctx.visible)
    if table.empty:
        st.caption(ctx.t("objectives_no_agents"))
        return
    st.caption(ctx.t("objectives_teams_caption"))
    table["share"] = [_percent(s) for s in table["share"]]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "team": TEXT(ctx.t("objectives_col_team")),
            "agents": st.column_config.NumberColumn(ctx.t("objectives_col_agents")),
            "on_track": st.column_config.NumberColumn(ctx.t("objectives_col_on_track")),
            "share": TEXT(ctx.t("objectives_col_share")),
        },
    )


def missed_section(ctx: Context, rows: pd.DataFrame, day: date) -> None:
    """For an objective missed or at risk: its owner and period opened in Diagnostics."""
    behind = rows[rows["status"].isin(("missed", "at_risk"))]
    if behind.empty:
        return
    st.subheader(ctx.t("objectives_missed"))
    labels = {r["id"]: objective_label(ctx, r) for r in behind.to_dict("records")}
    chosen = st.selectbox(
        ctx.t("objectives_missed_pick"), list(labels), format_func=labels.get, key=_key("missed")
    )
    row = behind.set_index("id").loc[chosen]
    if st.button(ctx.t("objectives_open_diagnostics"), key=_key("open_diagnostics")):
        view = replace(
            ctx.view,
            preset="custom",
            start=row["period_start"],
            end=min(row["period_end"], day),
            teams=() if pd.isna(row["team"]) else (row["team"],),
            agent=None if pd.isna(row["agent_id"]) else row["agent_id"],
        )
        switch_page_keeping_view(DIAGNOSTICS_PAGE, replace(ctx, view=view))


# ---------------------------------------------------------------------------------------
# Editing


def _editable(ctx: Context, rows: pd.DataFrame) -> pd.DataFrame:
    teams = data.teams_of(ctx.path)
    keep = [
        may_edit(ctx.grant, r["owner_type"], r["owner_id"], teams) for r in rows.to_dict("records")
    ]
    return rows[keep] if len(rows) else rows


def _owner_types(ctx: Context) -> list[str]:
    """The owner types this session may set objectives for (none: it only reads)."""
    if ctx.grant.role not in EDITOR_ROLES:
        return []
    teams = data.teams_of(ctx.path)
    department = may_edit(ctx.grant, "department", "", teams)
    return [t for t in OWNER_TYPES if t != "department" or department]


def _owners(ctx: Context, owner_type: str) -> list[str]:
    """The teams or agents this session may set objectives for (visible ones only)."""
    teams = data.teams_of(ctx.path)
    if owner_type == "team":
        names = sorted(set(teams.values()))
        return [
            n for n in names if may_edit(ctx.grant, "team", n, teams) and ctx.visible.allows_team(n)
        ]
    return [
        a
        for a, team in teams.items()
        if may_edit(ctx.grant, "agent", a, teams) and ctx.visible.allows_agent(a, team)
    ]


def _fill(ctx: Context, objectives: dict[str, dict], day: date) -> None:
    """The inputs take the picked objective's values (a new one: the last quarter's days)."""
    state = st.session_state
    o = objectives.get(state[_key("pick")])
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    values = {
        "owner_type": o["owner_type"] if o else _owner_types(ctx)[0],
        "owner": o["owner_id"] if o else None,
        "kpi": o["kpi"] if o else None,
        "start": o["period_start"] if o else start,
        "end": o["period_end"] if o else day,
        "target": f"{o['target']:g}" if o else "",
        "weight": "" if not o or pd.isna(o["weight"]) else f"{o['weight']:g}",
    }
    for name, value in values.items():
        state[_key(name)] = value


def editor_section(
    ctx: Context, store: ObjectiveStore, frame: pd.DataFrame, rows: pd.DataFrame, day: date
) -> None:
    st.subheader(ctx.t("objectives_editor"))
    types = _owner_types(ctx)
    if not types:
        st.caption(ctx.t("objectives_read_only"))
        return
    mine = {r["id"]: r for r in _editable(ctx, rows).to_dict("records")}
    state = st.session_state
    stale = state.get(_key("pick"), _NEW) not in (_NEW, *mine)  # changed or deleted elsewhere
    if stale or _key("owner_type") not in state or state[_key("owner_type")] not in types:
        state[_key("pick")] = _NEW
        _fill(ctx, mine, day)
    picked = st.selectbox(
        ctx.t("objectives_pick"),
        [_NEW, *mine],
        format_func=lambda i: (
            ctx.t("objectives_new") if i == _NEW else objective_label(ctx, mine[i])
        ),
        key=labelled(_key("pick")),
        on_change=_fill,
        args=(ctx, mine, day),
    )
    left, right = st.columns(2)
    owner_type = left.selectbox(
        ctx.t("objectives_owner_type"),
        types,
        format_func=lambda t: ctx.t(f"objectives_owner_{t}"),
        key=labelled(_key("owner_type")),
    )
    if owner_type == "department":
        right.text_input(ctx.t("objectives_department_name"), key=_key("owner"), max_chars=80)
    else:
        owners = _owners(ctx, owner_type)
        if state.get(_key("owner")) not in owners:
            state[_key("owner")] = owners[0] if owners else None
        right.selectbox(ctx.t("objectives_owner"), owners, key=_key("owner"))
    kpis = {k.id: k.label(ctx.lang) for k in available_kpis(ctx.ds)}
    if state.get(_key("kpi")) not in kpis:
        state[_key("kpi")] = next(iter(kpis))
    left.selectbox(
        ctx.t("objectives_col_kpi"), list(kpis), format_func=kpis.get, key=labelled(_key("kpi"))
    )
    right.date_input(ctx.t("objectives_start"), key=_key("start"))
    left.date_input(ctx.t("objectives_end"), key=_key("end"))
    right.text_input(ctx.t("objectives_target_input"), key=_key("target"), max_chars=20)
    left.text_input(ctx.t("objectives_weight_input"), key=_key("weight"), max_chars=20)
    right.text_input(ctx.t("objectives_note"), key=_key("note"), max_chars=200)
    base = from_frame(analysis.dataset_objectives(ctx.ds))
    buttons = st.columns(2)
    buttons[0].button(
        ctx.t("objectives_save"),
        type="primary",
        key=_key("save"),
        on_click=_on_save,
        args=(ctx, store, base, picked),
    )
    if picked != _NEW:
        buttons[1].button(
            ctx.t("objectives_delete"),
            key=_key("delete"),
            on_click=_on_delete,
            args=(ctx, store, base, picked),
        )


def _problem_text(ctx: Context, error: ObjectiveError) -> str:
    lines = [ctx.t(f"objectives_problem_{code}", what=md(what)) for code, what in error.problems]
    return ctx.t("objectives_not_saved") + "\n" + "\n".join(f"- {line}" for line in lines)


def _saving(
    ctx: Context,
    store: ObjectiveStore,
    base: list[Objective],
    puts,
    deletes,
    message_key: str,
    **values,
) -> None:
    state = st.session_state
    try:
        stored = store.save(
            base,
            ctx.grant,
            data.teams_of(ctx.path),
            puts=puts,
            deletes=deletes,
            author=ctx.grant.user or "",
            note=state.get(_key("note"), ""),
        )
    except ObjectiveError as error:
        notices.keep(_FLASH, "error", _problem_text(ctx, error))
        return
    notices.keep(_FLASH, "success", ctx.t(message_key, version=stored.version, **values))


def _on_save(ctx: Context, store: ObjectiveStore, base: list[Objective], picked: str) -> None:
    state = st.session_state
    try:
        made = make(*(state.get(_key(name)) for name in _INPUTS))
    except ObjectiveError as error:
        notices.keep(_FLASH, "error", _problem_text(ctx, error))
        return
    replaced = [picked] if picked not in (_NEW, made.id) else []
    _saving(ctx, store, base, [made], replaced, "objectives_saved")


def _on_delete(ctx: Context, store: ObjectiveStore, base: list[Objective], picked: str) -> None:
    _saving(ctx, store, base, [], [picked], "objectives_saved")
    st.session_state[_key("pick")] = _NEW


# ---------------------------------------------------------------------------------------
# Cascade


def cascade_section(
    ctx: Context, store: ObjectiveStore, frame: pd.DataFrame, rows: pd.DataFrame
) -> None:
    st.subheader(ctx.t("objectives_cascade"))
    st.caption(ctx.t("objectives_cascade_caption"))
    parents = _editable(ctx, rows[rows["owner_type"].isin(list(analysis.CHILDREN))])
    if parents.empty:
        st.caption(ctx.t("objectives_cascade_none"))
        return
    by_id = {r["id"]: r for r in parents.to_dict("records")}
    chosen = st.selectbox(
        ctx.t("objectives_cascade_parent"),
        list(by_id),
        format_func=lambda i: objective_label(ctx, by_id[i]),
        key=_key("parent"),
    )
    parent = {c: by_id[chosen][c] for c in analysis.COLUMNS}
    left, right = st.columns(2)
    to = left.radio(
        ctx.t("objectives_cascade_to"),
        analysis.CHILDREN[parent["owner_type"]],
        format_func=lambda c: ctx.t(f"objectives_cascade_to_{c}"),
        horizontal=True,
        key=labelled(_key("to")),
    )
    weigh = right.radio(
        ctx.t("objectives_cascade_weigh"),
        analysis.METHODS,
        format_func=lambda w: ctx.t(f"objectives_weigh_{w}"),
        horizontal=True,
        key=labelled(_key("weigh")),
    )
    children = data.cascade_preview(
        ctx.path, parent, to, weigh, frame, ctx.visible, ctx.repeat_days
    )
    if children.empty:
        st.caption(ctx.t("objectives_cascade_none"))
        return
    k = KPIS_BY_ID[parent["kpi"]]
    preview = pd.DataFrame(
        {
            "owner": [owner_label(ctx, to, o) for o in children["owner_id"]],
            "target": [kpi_value(k, v, ctx.lang) for v in children["target"]],
            "kept": children["kept"],
            "share": [_percent(s) for s in children["share"]],
        }
    )
    st.dataframe(
        preview,
        hide_index=True,
        key=_key("preview"),
        column_config={
            "owner": TEXT(ctx.t("objectives_col_owner")),
            "target": TEXT(ctx.t("objectives_col_target")),
            "kept": st.column_config.CheckboxColumn(ctx.t("objectives_col_kept")),
            "share": TEXT(ctx.t("objectives_col_share_weight")),
        },
    )
    ok, mean = analysis.consistency_of(children, parent)
    words = {
        "mean": kpi_value(k, mean, ctx.lang),
        "target": kpi_value(k, parent["target"], ctx.lang),
    }
    if ok:
        st.success(ctx.t("objectives_cascade_consistent", **words))
    else:
        st.warning(ctx.t("objectives_cascade_inconsistent", **words))
    new = [
        Objective(
            to,
            c["owner_id"],
            parent["kpi"],
            parent["period_start"],
            parent["period_end"],
            float(c["target"]),
            None if pd.isna(parent["weight"]) else float(parent["weight"]),
        )
        for c in children[~children["kept"]].to_dict("records")
    ]
    base = from_frame(analysis.dataset_objectives(ctx.ds))
    st.button(
        ctx.t("objectives_cascade_save"),
        key=_key("cascade_save"),
        disabled=not new,
        help=None if new else ctx.t("objectives_cascade_nothing"),
        on_click=_saving,
        args=(ctx, store, base, new, []),
        kwargs={"message_key": "objectives_cascade_saved", "count": len(new)},
    )


# ---------------------------------------------------------------------------------------
# History


def history_section(ctx: Context, store: ObjectiveStore) -> None:
    st.subheader(ctx.t("objectives_history"))
    versions = store.versions()
    if not versions:
        st.caption(ctx.t("objectives_no_history"))
        return
    table = pd.DataFrame(
        [
            {
                "version": e.version,
                "author": e.author or ctx.t("objectives_anonymous"),
                "saved_at": e.created_at.replace("T", " ")[:19],
                "changes": len(e.puts),
                "deleted": len(e.deletes),
                "note": e.note,
            }
            for e in reversed(versions)
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={c: ctx.t(f"objectives_col_{c}") for c in table.columns},
    )
