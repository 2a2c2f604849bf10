"""What-if lab (权重模拟): tune the weights, grading and bonus pool; compare with the baseline.

The lab is one fragment: moving a slider reruns only the lab, which re-scores the cached KPI
matrix (scoring.whatif) without reading tickets. Weights are percentages adding up to 100.
"""

import dataclasses

import streamlit as st

from dashboard import whatif_charts, whatif_data
from dashboard.shell import context, labelled
from scoring import incentives, scenarios, schemes, whatif
from scoring.grading import DEFAULT_QUOTAS, DEFAULT_THRESHOLDS, GRADES
from scoring.kpis import PERSPECTIVES

ctx = context()
lang = ctx.lang
filters = ctx.view.filters()
st.title(ctx.t("page_whatif"))
st.caption(ctx.t("whatif_intro"))

matrix = whatif_data.department_matrix(ctx.path, filters, ctx.repeat_days)
if int(matrix.frame["tickets"].sum()) == 0:
    st.info(ctx.t("no_tickets"))
    st.stop()
KPI_IDS = [k.id for k in matrix.kpis]
store = whatif_data.store()
if store.notice:
    st.warning(store.notice)
SEGMENTS_AVAILABLE = whatif_data.has_segments(ctx.path)
SEGMENT_PRESETS = {"enterprise": "sla_first", "individual": "customer_experience"}
state = st.session_state


def grade_label(state_id: str) -> str:
    return ctx.t(f"grade_{state_id}") if state_id in GRADES else ctx.t("insufficient_data")


# ---------------------------------------------------------------------------------------
# Widget state: weights per set ("main", "enterprise", "individual"), grading, pool


def slider_key(weight_set: str, kpi_id: str) -> str:
    return f"whatif_w_{weight_set}_{kpi_id}"


def apply_weights(weight_set: str, weights: dict[str, float]) -> None:
    percentages = whatif.to_percentages(weights, KPI_IDS)
    state[f"whatif_weights_{weight_set}"] = percentages
    for kpi_id, value in percentages.items():
        state[slider_key(weight_set, kpi_id)] = value


def on_slider(weight_set: str, kpi_id: str) -> None:
    current = state[f"whatif_weights_{weight_set}"]
    locked = state.get(f"whatif_locked_{weight_set}", [])
    value = state[slider_key(weight_set, kpi_id)]
    apply_weights(weight_set, whatif.rebalance(current, kpi_id, value, locked))


def on_preset(weight_set: str) -> None:
    name = state.get(f"whatif_preset_{weight_set}")
    if name:
        apply_weights(weight_set, whatif_data.preset_weights(name))


def official_scenario() -> scenarios.Scenario | None:
    return store.official()


def baseline_setup() -> whatif.Setup:
    """The official scenario, else the balanced scheme with the pool and rule chosen now."""
    official = official_scenario()
    if official is not None:
        setup = official.setup()
    else:
        setup = whatif.Setup(
            weights=whatif_data.preset_weights(schemes.DEFAULT_SCHEME),
            pool=float(state.get("whatif_pool", 100_000.0)),
            rule=state.get("whatif_rule", "grade_multiplier"),
        )
    return dataclasses.replace(setup, weights=whatif.to_percentages(setup.weights, KPI_IDS))


def load_setup(setup: whatif.Setup) -> None:
    """Put a setup (baseline or scenario) into every control of the lab."""
    apply_weights("main", setup.weights)
    for segment in whatif.SEGMENTS:
        weights = (setup.segment_weights or {}).get(segment)
        apply_weights(segment, weights or whatif_data.preset_weights(SEGMENT_PRESETS[segment]))
    state["whatif_mode"] = "segments" if setup.segment_weights and SEGMENTS_AVAILABLE else "single"
    state["whatif_grading"] = setup.grading
    for grade, value in zip(GRADES, setup.thresholds, strict=False):
        state[f"whatif_threshold_{grade}"] = float(value)
    for grade, value in zip(GRADES, setup.quotas, strict=True):
        state[f"whatif_quota_{grade}"] = round(float(value) * 100, 1)
    state["whatif_pool"] = float(setup.pool)
    state["whatif_rule"] = setup.rule


def init_state() -> None:
    """First visit (or another dataset's KPIs): start from the baseline."""
    weights = state.get("whatif_weights_main")
    if weights is None or list(weights) != KPI_IDS:
        load_setup(baseline_setup())
    # Streamlit drops the state of widgets not drawn in a run (another page, the other
    # grading mode, the other weight sets): restore them from the copies kept below.
    for weight_set in ("main", *whatif.SEGMENTS):
        for kpi_id, value in state[f"whatif_weights_{weight_set}"].items():
            state.setdefault(slider_key(weight_set, kpi_id), value)
    for key in KEPT:
        if key not in state and f"_keep_{key}" in state:
            state[key] = state[f"_keep_{key}"]


def keep_state() -> None:
    for key in KEPT:
        if key in state:
            state[f"_keep_{key}"] = state[key]


KEPT = (
    *(f"whatif_threshold_{g}" for g in GRADES[:3]),
    *(f"whatif_quota_{g}" for g in GRADES),
    "whatif_grading",
    "whatif_mode",
    "whatif_pool",
    "whatif_rule",
)


def on_reset() -> None:
    load_setup(baseline_setup())


# ---------------------------------------------------------------------------------------
# Controls


def weight_controls(weight_set: str) -> dict[str, float]:
    available = {s.name: s for s in schemes.list_schemes()}
    preset_col, lock_col = st.columns(2)
    preset_col.selectbox(
        ctx.t("whatif_preset"),
        list(available),
        index=None,
        format_func=lambda name: available[name].label(lang),
        key=labelled(f"whatif_preset_{weight_set}"),
        on_change=on_preset,
        args=(weight_set,),
    )
    lock_col.multiselect(
        ctx.t("whatif_locked"),
        KPI_IDS,
        format_func=lambda kpi_id: next(k for k in matrix.kpis if k.id == kpi_id).label(lang),
        key=labelled(f"whatif_locked_{weight_set}"),
        help=ctx.t("whatif_locked_help"),
    )
    groups = whatif.by_perspective(matrix.kpis)
    columns = st.columns(len(groups))
    locked = set(state.get(f"whatif_locked_{weight_set}", []))
    for column, (perspective, kpis) in zip(columns, groups.items(), strict=True):
        column.markdown(f"**{PERSPECTIVES[perspective][lang]}**")
        for k in kpis:
            column.slider(
                ("🔒 " if k.id in locked else "") + k.label(lang),
                min_value=0.0,
                max_value=100.0,
                # The value always comes from session state (init_state); giving the
                # default explicitly spares Streamlit a scan of the whole session state
                # per slider to guess whether it is a range slider.
                value=0.0,
                step=0.1,
                format="%.1f%%",
                key=slider_key(weight_set, k.id),
                on_change=on_slider,
                args=(weight_set, k.id),
                disabled=k.id in locked,
            )
    weights = state[f"whatif_weights_{weight_set}"]
    st.caption(ctx.t("whatif_total", total=sum(weights.values())))
    return dict(weights)


def grading_controls() -> None:
    mode = st.radio(
        ctx.t("whatif_grading"),
        ("absolute", "forced"),
        format_func=lambda g: ctx.t(f"whatif_grading_{g}"),
        key=labelled("whatif_grading"),
        horizontal=True,
    )
    if mode == "absolute":
        for column, grade in zip(st.columns(3), GRADES[:3], strict=True):
            column.number_input(
                ctx.t("whatif_threshold", grade=grade_label(grade)),
                min_value=0.0,
                max_value=120.0,
                step=1.0,
                key=f"whatif_threshold_{grade}",
            )
    else:
        for column, grade in zip(st.columns(4), GRADES, strict=True):
            column.number_input(
                ctx.t("whatif_quota", grade=grade_label(grade)),
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                key=f"whatif_quota_{grade}",
            )


def current_setup() -> tuple[whatif.Setup, list[str]]:
    """The setup the controls hold now (also in callbacks), and warnings about them."""
    problems = []
    thresholds, quotas = DEFAULT_THRESHOLDS, DEFAULT_QUOTAS
    grading_mode = state.get("whatif_grading", "absolute")
    if grading_mode == "absolute":
        chosen = tuple(float(state[f"whatif_threshold_{g}"]) for g in GRADES[:3])
        if chosen[0] > chosen[1] > chosen[2]:
            thresholds = chosen
        else:
            problems.append(ctx.t("whatif_bad_thresholds"))
    else:
        chosen = tuple(float(state[f"whatif_quota_{g}"]) for g in GRADES)
        if abs(sum(chosen) - 100) < 1e-6:
            quotas = tuple(q / 100 for q in chosen)
        else:
            problems.append(ctx.t("whatif_bad_quotas", total=sum(chosen)))
    segments = SEGMENTS_AVAILABLE and state.get("whatif_mode") == "segments"
    setup = whatif.Setup(
        weights=dict(state["whatif_weights_main"]),
        grading=grading_mode,
        thresholds=thresholds,
        quotas=quotas,
        pool=float(state["whatif_pool"]),
        rule=state["whatif_rule"],
        segment_weights=(
            {s: dict(state[f"whatif_weights_{s}"]) for s in whatif.SEGMENTS} if segments else None
        ),
    )
    return setup, problems


# ---------------------------------------------------------------------------------------
# Results


def rank_table(comparison: whatif.Comparison, robust: whatif.Robustness | None):
    table = comparison.agents.copy()
    labels = {s: grade_label(s) for s in whatif.GRADE_STATES}
    for column in ("base_grade", "new_grade"):
        table[column] = table[column].map(labels).fillna(ctx.t("insufficient_data"))
    crossed = {"up": ctx.t("whatif_crossed_up"), "down": ctx.t("whatif_crossed_down"), "": ""}
    table["crossed"] = table["crossed"].map(crossed)
    if robust is not None:
        extra = robust.frame.set_index("agent_id")
        table["likely_grade"] = table["agent_id"].map(extra["likely_grade"]).map(grade_label)
        table["likely_probability"] = table["agent_id"].map(extra["likely_probability"])
        table["rank_interval"] = table["agent_id"].map(extra["rank_interval"])
        table["coin_toss"] = table["agent_id"].map(extra["coin_toss"]).astype(bool)
    if ctx.view.teams:
        table = table[table["team"].isin(ctx.view.teams)]
    table = table.sort_values(["new_rank", "agent_id"], na_position="last")
    return table.drop(columns=["tickets"]).reset_index(drop=True)


def rank_column_config() -> dict:
    score = {"min_value": 0, "max_value": 100, "format": "%.1f"}
    money = {"format": "%.2f"}
    return {
        "agent_id": ctx.t("agent_id"),
        "name": ctx.t("name"),
        "team": ctx.t("team"),
        "base_composite": st.column_config.NumberColumn(ctx.t("whatif_base_score"), **score),
        "new_composite": st.column_config.ProgressColumn(ctx.t("whatif_new_score"), **score),
        "base_rank": ctx.t("whatif_base_rank"),
        "new_rank": ctx.t("whatif_new_rank"),
        "movement": st.column_config.NumberColumn(ctx.t("whatif_movement"), format="%+d"),
        "base_grade": ctx.t("whatif_base_grade"),
        "new_grade": ctx.t("whatif_new_grade"),
        "base_payout": st.column_config.NumberColumn(ctx.t("whatif_base_payout"), **money),
        "new_payout": st.column_config.NumberColumn(ctx.t("whatif_new_payout"), **money),
        "payout_change": st.column_config.NumberColumn(ctx.t("whatif_payout_change"), **money),
        "crossed": ctx.t("whatif_crossed"),
        "likely_grade": ctx.t("whatif_likely_grade"),
        "likely_probability": st.column_config.NumberColumn(
            ctx.t("whatif_likely_probability"), format="percent"
        ),
        "rank_interval": ctx.t("whatif_rank_interval"),
        "coin_toss": ctx.t("whatif_coin_toss"),
    }


def headline(comparison, base_frame, new_frame, robust) -> None:
    base_pay, new_pay = whatif.payout_summary(base_frame), whatif.payout_summary(new_frame)
    columns = st.columns(5 if robust is not None else 4)
    tau = comparison.tau
    columns[0].metric(
        ctx.t("whatif_tau"),
        "—" if tau != tau else f"{tau:.3f}",
        help=ctx.t("whatif_tau_help"),
        border=True,
    )
    columns[1].metric(ctx.t("whatif_grade_changes"), comparison.grade_changes, border=True)
    columns[2].metric(ctx.t("whatif_crossings"), len(comparison.crossings), border=True)
    change = new_pay["total"] - base_pay["total"]
    columns[3].metric(
        ctx.t("whatif_payout_total"),
        f"{new_pay['total']:,.2f}",
        delta=f"{change:+,.2f}",
        delta_color="off",
        border=True,
    )
    columns[3].caption(
        f"{ctx.t('whatif_payout_spread')}: {new_pay['min']:,.2f} – {new_pay['max']:,.2f}"
    )
    if robust is not None:
        columns[4].metric(
            ctx.t("whatif_coin_tosses"), int(robust.frame["coin_toss"].sum()), border=True
        )


def transitions(comparison: whatif.Comparison) -> None:
    st.markdown(f"**{ctx.t('whatif_transitions')}**")
    labels = [grade_label(s) for s in whatif.GRADE_STATES]
    matrix_table = comparison.transitions.copy()
    matrix_table.index = labels
    matrix_table.columns = labels
    picked = st.dataframe(
        matrix_table,
        on_select="rerun",
        selection_mode="single-cell",
        key="whatif_transitions",
    )
    cells = picked.selection.get("cells", []) if picked else []
    if cells:
        row, column = cells[0]
        base = whatif.GRADE_STATES[int(row)]
        new = whatif.GRADE_STATES[labels.index(column)]
        agents = comparison.cells.get((base, new), [])
        st.markdown(
            ctx.t("whatif_cell_agents", base=labels[int(row)], new=column, count=len(agents))
        )
        listed = comparison.agents[comparison.agents["agent_id"].isin(agents)]
        st.dataframe(
            listed[["agent_id", "name", "team", "base_composite", "new_composite"]],
            hide_index=True,
            key="whatif_cell_agents",
            column_config=rank_column_config(),
        )


def scenario_controls(setup: whatif.Setup) -> None:
    st.subheader(ctx.t("whatif_scenarios"))
    flash = state.pop("whatif_flash", None)
    if flash:
        st.success(flash)
    if store.skipped:
        st.warning(ctx.t("whatif_store_problem", rows="; ".join(store.skipped)))
    name_col, author_col, save_col = st.columns([2, 2, 1])
    name_col.text_input(ctx.t("whatif_scenario_name"), key="whatif_name", max_chars=80)
    author_col.text_input(ctx.t("whatif_author"), key="whatif_author", max_chars=80)
    save_col.button(ctx.t("whatif_save"), key="whatif_save", on_click=on_save)

    saved = store.list()
    official = official_scenario()
    current = scenarios.Scenario.of(
        state.get("whatif_name") or "what-if", setup, filters, state.get("whatif_author", "")
    )
    st.download_button(
        ctx.t("whatif_export"),
        # built only when clicked, with the payout explanations the lab does not show
        lambda: scenarios.to_excel(current, evaluate(setup).drop(columns=["coverage"])),
        file_name="whatif_scenario.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="whatif_export",
    )
    if not saved:
        st.caption(ctx.t("whatif_no_scenarios"))
        return
    names = [s.name for s in saved]
    marker = f" · {ctx.t('whatif_official')}"

    def shown(name: str) -> str:
        return name + (marker if official and official.name == name else "")

    pick_col, load_col, delete_col, official_col = st.columns([3, 1, 1, 2])
    if state.get("whatif_pick") not in names:
        state["whatif_pick"] = names[0]
    pick_col.selectbox(
        ctx.t("whatif_scenario"), names, format_func=shown, key=labelled("whatif_pick")
    )
    load_col.button(ctx.t("whatif_load"), key="whatif_load", on_click=on_load)
    delete_col.button(ctx.t("whatif_delete"), key="whatif_delete", on_click=on_delete)
    official_col.button(
        ctx.t("whatif_mark_official"), key="whatif_mark_official", on_click=on_mark_official
    )
    if len(saved) >= 2:
        st.markdown(f"**{ctx.t('whatif_compare')}**")
        a_col, b_col = st.columns(2)
        for key, column, default in (("whatif_cmp_a", a_col, 0), ("whatif_cmp_b", b_col, 1)):
            if state.get(key) not in names:
                state[key] = names[default]
            column.selectbox(ctx.t("whatif_scenario"), names, format_func=shown, key=labelled(key))
        a, b = (store.load(state[k]) for k in ("whatif_cmp_a", "whatif_cmp_b"))
        side_by_side = scenarios.compare(a, b)
        totals = [
            whatif.payout_summary(evaluate(s.setup(), explain=False))["total"] for s in (a, b)
        ]
        a_col.metric(ctx.t("whatif_payout_total"), f"{totals[0]:,.2f}")
        b_col.metric(
            ctx.t("whatif_payout_total"),
            f"{totals[1]:,.2f}",
            delta=f"{totals[1] - totals[0]:+,.2f}",
            delta_color="off",
        )
        st.dataframe(
            side_by_side.astype({"a": str, "b": str}),
            hide_index=True,
            key="whatif_compare_table",
            column_config={
                "setting": ctx.t("whatif_setting"),
                "a": a.name,
                "b": b.name,
                "differs": ctx.t("whatif_differs"),
            },
        )


def on_save() -> None:
    setup, _ = current_setup()
    name = (state.get("whatif_name") or "").strip()
    if not name:
        state["whatif_flash"] = ctx.t("whatif_name_needed")
        return
    scenario = scenarios.Scenario.of(name, setup, filters, state.get("whatif_author", ""))
    store.save(scenario)
    state["whatif_pick"] = name
    state["whatif_flash"] = ctx.t("whatif_saved", name=name)


def on_load() -> None:
    scenario = store.load(state["whatif_pick"])
    load_setup(scenario.setup())
    state["whatif_name"] = scenario.name
    state["whatif_author"] = scenario.author
    state["whatif_flash"] = ctx.t("whatif_loaded", name=scenario.name)


def on_delete() -> None:
    name = state.pop("whatif_pick")
    store.delete(name)
    state["whatif_flash"] = ctx.t("whatif_deleted", name=name)


def on_mark_official() -> None:
    store.mark_official(state["whatif_pick"])
    state["whatif_flash"] = ctx.t("whatif_marked", name=state["whatif_pick"])


def matrices_for(*setups: whatif.Setup) -> whatif.Matrices:
    if any(s.segment_weights for s in setups):
        return whatif.Matrices(
            matrix, whatif_data.segment_matrices(ctx.path, filters, ctx.repeat_days)
        )
    return whatif.Matrices(matrix)


def evaluate(setup: whatif.Setup, explain: bool = True):
    return whatif.evaluate(matrices_for(setup), setup, explain)


def baseline_result(matrices: whatif.Matrices, baseline: whatif.Setup):
    """The baseline's results, kept in the session while the baseline and the (cached) KPI
    matrices are the same objects: moving a slider changes only the new setup."""
    sources = (matrices.all, *matrices.segments.values())
    key = repr(baseline)
    kept = state.get("_whatif_baseline_result")
    if (
        kept is not None
        and kept[0] == key
        and len(kept[1]) == len(sources)
        and all(a is b for a, b in zip(kept[1], sources, strict=True))
    ):
        return kept[2]
    frame = whatif.evaluate(matrices, baseline, explain=False)
    state["_whatif_baseline_result"] = (key, sources, frame)
    return frame


# ---------------------------------------------------------------------------------------
# The lab


@st.fragment
def lab() -> None:
    init_state()
    official = official_scenario()
    st.caption(
        ctx.t("whatif_baseline_official", name=official.name)
        if official
        else ctx.t("whatif_baseline_default")
    )
    st.button(ctx.t("whatif_reset"), key="whatif_reset", on_click=on_reset)

    st.subheader(ctx.t("whatif_weights"))
    mode = "single"
    if SEGMENTS_AVAILABLE:
        mode = st.radio(
            ctx.t("whatif_mode"),
            ("single", "segments"),
            format_func=lambda m: ctx.t(f"whatif_mode_{m}"),
            key=labelled("whatif_mode"),
            horizontal=True,
            help=ctx.t("whatif_segments_help"),
        )
    if mode == "segments":
        tabs = st.tabs([ctx.t(f"whatif_segment_{s}") for s in whatif.SEGMENTS])
        for tab, segment in zip(tabs, whatif.SEGMENTS, strict=True):
            with tab:
                weight_controls(segment)
    else:
        weight_controls("main")

    grading_col, pool_col = st.columns([3, 2])
    with grading_col:
        grading_controls()
    with pool_col:
        st.number_input(
            ctx.t("whatif_pool"), min_value=0.0, step=1000.0, format="%.2f", key="whatif_pool"
        )
        st.selectbox(
            ctx.t("whatif_rule"),
            incentives.RULES,
            format_func=lambda r: ctx.t(f"whatif_rule_{r}"),
            key=labelled("whatif_rule"),
        )
    run_mc = st.toggle(ctx.t("whatif_monte_carlo"), key="whatif_mc")
    keep_state()
    setup, problems = current_setup()
    for problem in problems:
        st.warning(problem)
    baseline = baseline_setup()
    matrices = matrices_for(setup, baseline)
    base_frame = baseline_result(matrices, baseline)
    new_frame = whatif.evaluate(matrices, setup, explain=False)
    comparison = whatif.compare(base_frame, new_frame, baseline, setup)
    robust = None
    if run_mc and not setup.segment_weights:
        robust = whatif.monte_carlo(matrix, setup)

    st.subheader(ctx.t("whatif_consequences"))
    headline(comparison, base_frame, new_frame, robust)
    st.markdown(f"**{ctx.t('whatif_rank_table')}**")
    st.dataframe(
        rank_table(comparison, robust),
        hide_index=True,
        column_config=rank_column_config(),
        key="whatif_ranks",
    )
    slope_col, transition_col = st.columns([2, 3])
    with slope_col:
        st.plotly_chart(
            whatif_charts.rank_slope(
                whatif_charts.biggest_movers(comparison.agents, limit=12),
                ctx.t("whatif_slope"),
                ctx.t("whatif_base"),
                ctx.t("whatif_new"),
                ctx.t("whatif_rank"),
            ),
            key="whatif_slope_chart",
        )
    with transition_col:
        transitions(comparison)

    st.subheader(ctx.t("whatif_teams"))
    team_col, payout_col = st.columns(2)
    team_col.dataframe(
        comparison.teams,
        hide_index=True,
        key="whatif_team_table",
        column_config={
            "team": ctx.t("team"),
            "base_composite": st.column_config.NumberColumn(
                ctx.t("whatif_base_score"), format="%.1f"
            ),
            "new_composite": st.column_config.NumberColumn(
                ctx.t("whatif_new_score"), format="%.1f"
            ),
            "base_payout": st.column_config.NumberColumn(
                ctx.t("whatif_base_payout"), format="%.2f"
            ),
            "new_payout": st.column_config.NumberColumn(ctx.t("whatif_new_payout"), format="%.2f"),
            "base_rank": ctx.t("whatif_base_rank"),
            "new_rank": ctx.t("whatif_new_rank"),
            "movement": st.column_config.NumberColumn(ctx.t("whatif_movement"), format="%+d"),
            "payout_change": st.column_config.NumberColumn(
                ctx.t("whatif_payout_change"), format="%.2f"
            ),
        },
    )
    payout_col.plotly_chart(
        whatif_charts.team_payouts(
            comparison.teams,
            ctx.t("whatif_team_payouts"),
            ctx.t("whatif_base"),
            ctx.t("whatif_new"),
            ctx.t("whatif_amount"),
        ),
        key="whatif_team_chart",
    )

    if run_mc:
        st.subheader(ctx.t("whatif_robustness"))
        if robust is None:
            st.info(ctx.t("whatif_robustness_segments"))
        else:
            st.caption(
                ctx.t(
                    "whatif_robustness_help",
                    draws=robust.draws,
                    concentration=robust.concentration,
                    limit=whatif.COIN_TOSS,
                )
            )
            shown = robust.frame.assign(rank=new_frame["dept_rank"].to_numpy(float))
            shown = shown.sort_values(["coin_toss", "rank"], ascending=[False, True]).head(40)
            st.plotly_chart(
                whatif_charts.rank_intervals(
                    shown,
                    shown["name"],
                    ctx.t("whatif_intervals_chart"),
                    ctx.t("whatif_rank"),
                    {g: grade_label(g) for g in whatif.GRADE_STATES},
                ),
                key="whatif_interval_chart",
            )

    scenario_controls(setup)


lab()
