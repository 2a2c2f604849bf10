"""Capability gaps (能力差距): who needs which training, with the evidence."""

import streamlit as st

from dashboard import capability_charts as charts
from dashboard import capability_data as data
from dashboard import tables
from dashboard.shell import context, labelled
from scoring import capability
from scoring.kpis import KPIS_BY_ID

ctx = context()
lang = ctx.lang
filters = ctx.view.filters()
st.title(ctx.t("page_capability"))
st.caption(ctx.t("capability_intro"))

# --- Controls (KPI and skill type also live in the address bar: kpi=, skill=) -------------
kpis = [k.id for k in capability.skill_kpis(ctx.ds)]
dimensions = list(capability.skill_dimensions(ctx.ds))
if not kpis and not dimensions:
    st.info(ctx.t("capability_no_skills"))
    st.stop()
if "capability_kpi" not in st.session_state and kpis:
    wanted = st.query_params.get("kpi")
    st.session_state["capability_kpi"] = wanted if wanted in kpis else kpis[0]
if "capability_dimension" not in st.session_state:
    wanted = st.query_params.get("skill")
    st.session_state["capability_dimension"] = wanted if wanted in dimensions else dimensions[0]

kpi_col, base_col, dim_col, min_col = st.columns([2, 3, 2, 2])
kpi_id = (
    kpi_col.selectbox(
        ctx.t("capability_kpi"),
        kpis,
        format_func=lambda k: KPIS_BY_ID[k].label(lang),
        key=labelled("capability_kpi"),
    )
    if kpis
    else "fcr"
)
baseline = base_col.radio(
    ctx.t("capability_baseline"),
    capability.BASELINES,
    format_func=lambda b: ctx.t(f"capability_baseline_{b}"),
    key=labelled("capability_baseline"),
    help=ctx.t("capability_baseline_help"),
)
dimension = dim_col.selectbox(
    ctx.t("capability_dimension"),
    dimensions,
    format_func=lambda d: ctx.t(f"capability_dim_{d}"),
    key=labelled("capability_dimension"),
)
min_cases = min_col.slider(
    ctx.t("capability_min_cases"),
    5,
    100,
    capability.CapabilityConfig.min_cases,
    step=5,
    key="capability_min_cases",
    help=ctx.t("capability_min_cases_help"),
)
if kpis:
    st.query_params["kpi"] = kpi_id
st.query_params["skill"] = dimension

k = KPIS_BY_ID[kpi_id]
config = capability.CapabilityConfig(min_cases=min_cases)
matrix = data.skill_matrix(ctx.path, filters, kpi_id, ctx.repeat_days, config, baseline)


def fmt_for(dim: str):
    return (lambda v: "—" if v != v else f"{v:.2f}") if dim == capability.COMPETENCY else k.format


# --- 1. The agent × skill matrix -----------------------------------------------------------
st.subheader(ctx.t("capability_matrix"))
st.caption(ctx.t("capability_matrix_help"))
cells = matrix[matrix["dimension"] == dimension]
if cells.empty:
    st.info(ctx.t("capability_no_skills"))
else:
    measure = ctx.t("capability_rating") if dimension == capability.COMPETENCY else k.label(lang)
    hover = {
        "value": ctx.t("capability_value"),
        "interval": ctx.t("capability_interval"),
        "reference": ctx.t("capability_reference"),
        "cases": ctx.t("capability_cases"),
        "low": ctx.t("capability_low_evidence"),
    }
    st.plotly_chart(
        charts.skill_heatmap(
            cells,
            f"{measure} · {ctx.t(f'capability_dim_{dimension}')}",
            ctx.t("capability_gap"),
            fmt_for(dimension),
            hover,
        ),
        key="capability_heatmap",
    )

# --- 2. Training needs and the team view ---------------------------------------------------
st.subheader(ctx.t("capability_needs"))
st.caption(ctx.t("capability_needs_help"))
catalogue = data.courses(ctx.path)
needs = capability.training_needs(matrix, catalogue, data.months_in(ctx.path, filters))
dimension_labels = {d: ctx.t(f"capability_dim_{d}") for d in capability.SKILL_DIMENSION_IDS}
if needs.empty:
    st.info(ctx.t("capability_no_needs"))
else:
    shown = needs.assign(
        dimension=needs["dimension"].map(dimension_labels),
        course=needs["course"].fillna(ctx.t("capability_no_course")),
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="capability_needs",
        column_config={
            "agent_id": ctx.t("capability_feedback_agent"),
            "name": None,
            "team": ctx.t("team"),
            "dimension": ctx.t("capability_dimension_col"),
            "skill": ctx.t("capability_skill"),
            "cases": st.column_config.NumberColumn(ctx.t("capability_cases"), format="%d"),
            "per_month": st.column_config.NumberColumn(
                ctx.t("capability_per_month"), format="%.1f"
            ),
            "value": st.column_config.NumberColumn(ctx.t("capability_value"), format="%.3f"),
            "lo": st.column_config.NumberColumn("95% lo", format="%.3f"),
            "hi": st.column_config.NumberColumn("95% hi", format="%.3f"),
            "reference": st.column_config.NumberColumn(
                ctx.t("capability_reference"), format="%.3f"
            ),
            "gap": st.column_config.NumberColumn(ctx.t("capability_gap"), format="%+.3f"),
            "impact": st.column_config.NumberColumn(ctx.t("capability_impact"), format="%.1f"),
            "course": ctx.t("capability_course"),
        },
    )
    st.markdown(f"**{ctx.t('capability_team_view')}**")
    st.caption(ctx.t("capability_team_view_help"))
    teams = capability.team_needs(needs)
    st.dataframe(
        teams.assign(
            dimension=teams["dimension"].map(dimension_labels),
            course=teams["course"].fillna(ctx.t("capability_no_course")),
        ),
        hide_index=True,
        key="capability_team_needs",
        column_config={
            "team": ctx.t("team"),
            "dimension": ctx.t("capability_dimension_col"),
            "skill": ctx.t("capability_skill"),
            "agents": ctx.t("capability_agents_col"),
            "agent_ids": ctx.t("capability_agent_ids"),
            "impact": st.column_config.NumberColumn(ctx.t("capability_impact"), format="%.1f"),
            "course": ctx.t("capability_course"),
        },
    )

# --- 3. Case mix ---------------------------------------------------------------------------
if kpis:
    st.subheader(f"{ctx.t('capability_case_mix')} · {k.label(lang)}")
    st.caption(ctx.t("capability_case_mix_help"))
    mix = data.case_mix(ctx.path, filters, kpi_id, ctx.repeat_days)
    if not mix.empty:
        left, right = st.columns([3, 2])
        number = "%.1f%%" if k.fmt.endswith("%") else "%.2f"
        scale = 100 if k.fmt.endswith("%") else 1
        table = mix.copy()
        for column in ("observed", "expected", "adjusted", "difference"):
            table[column] = table[column] * scale
        left.dataframe(
            table,
            hide_index=True,
            key="capability_case_mix",
            column_config={
                "agent_id": ctx.t("capability_feedback_agent"),
                "name": None,
                "team": ctx.t("team"),
                "cases": st.column_config.NumberColumn(ctx.t("capability_cases"), format="%d"),
                "observed": st.column_config.NumberColumn(
                    ctx.t("capability_observed"), format=number
                ),
                "expected": st.column_config.NumberColumn(
                    ctx.t("capability_expected"), format=number
                ),
                "ratio": st.column_config.NumberColumn(ctx.t("capability_ratio"), format="%.3f"),
                "difference": st.column_config.NumberColumn(
                    ctx.t("capability_difference"), format=number.replace("%.", "%+.")
                ),
                "adjusted": st.column_config.NumberColumn(
                    ctx.t("capability_adjusted"), format=number
                ),
                "raw_rank": ctx.t("capability_raw_rank"),
                "adjusted_rank": ctx.t("capability_adjusted_rank"),
            },
        )
        right.plotly_chart(
            charts.case_mix_scatter(
                mix,
                ctx.t("capability_case_mix_chart"),
                ctx.t("capability_expected"),
                ctx.t("capability_observed"),
                k.fmt.endswith("%"),
            ),
            key="capability_case_mix_chart",
        )

# --- 4. Training effect --------------------------------------------------------------------
if kpis:
    st.subheader(f"{ctx.t('capability_effects')} · {k.label(lang)}")
    st.caption(ctx.t("capability_effects_help", days=capability.EFFECT_WINDOW_DAYS))
    effects = data.training_effects(ctx.path, filters, kpi_id, ctx.repeat_days)
    if effects.empty:
        st.info(ctx.t("capability_no_effects"))
    else:
        options = list(range(len(effects)))
        # the most credible effect first: the largest |DiD| / its standard error
        spread = (effects["did_hi"] - effects["did_lo"]).where(lambda w: w > 0)
        default = int((effects["did"].abs() / spread).fillna(0).to_numpy().argmax())
        if st.session_state.get("capability_effect") not in options:
            st.session_state["capability_effect"] = default
        chosen = st.selectbox(
            ctx.t("capability_effect_pick"),
            options,
            format_func=lambda i: (
                f"{effects.at[i, 'agent_id']} {effects.at[i, 'name']} · {effects.at[i, 'skill']}"
                f" · {effects.at[i, 'course']} · {effects.at[i, 'completed_on']}"
            ),
            key="capability_effect",
        )
        row = effects.iloc[chosen]
        left, right = st.columns([2, 3])
        left.plotly_chart(
            charts.before_after(
                row,
                {
                    "before": ctx.t("capability_before"),
                    "after": ctx.t("capability_after"),
                    "trained": ctx.t("capability_trained"),
                    "untrained": ctx.t("capability_untrained"),
                },
                f"{row['agent_id']} · {row['skill']} · {ctx.t('capability_did')} "
                f"{k.format_change(row['did'])}",
                k.fmt.endswith("%"),
            ),
            key="capability_before_after",
        )
        right.dataframe(
            effects[
                ["agent_id", "skill", "course", "completed_on", "before", "before_cases"]
                + ["after", "after_cases", "change"]
                + ["peers_change", "did", "did_lo", "did_hi", "p_value"]
            ],
            hide_index=True,
            key="capability_effects",
            column_config={
                "agent_id": ctx.t("capability_feedback_agent"),
                "skill": ctx.t("capability_skill"),
                "course": ctx.t("capability_course_col"),
                "completed_on": ctx.t("capability_completed"),
                "before": st.column_config.NumberColumn(ctx.t("capability_before"), format="%.3f"),
                "after": st.column_config.NumberColumn(ctx.t("capability_after"), format="%.3f"),
                "before_cases": st.column_config.NumberColumn(
                    ctx.t("capability_cases"), format="%d"
                ),
                "after_cases": st.column_config.NumberColumn(
                    ctx.t("capability_cases"), format="%d"
                ),
                "change": st.column_config.NumberColumn(ctx.t("capability_change"), format="%+.3f"),
                "peers_change": st.column_config.NumberColumn(
                    ctx.t("capability_peers_change"), format="%+.3f"
                ),
                "did": st.column_config.NumberColumn(ctx.t("capability_did"), format="%+.3f"),
                "did_lo": st.column_config.NumberColumn("95% lo", format="%+.3f"),
                "did_hi": st.column_config.NumberColumn("95% hi", format="%+.3f"),
                "p_value": st.column_config.NumberColumn(
                    ctx.t("capability_p_value"), format="%.3f"
                ),
            },
        )

# --- 5. 360 feedback -----------------------------------------------------------------------
st.subheader(ctx.t("capability_feedback"))
feedback = data.feedback(ctx.path, filters)
spots = data.blind_spots(ctx.path, filters)
if capability.COMPETENCY not in dimensions or feedback.empty:
    st.info(ctx.t("capability_no_feedback"))
else:
    roster = data.agents(ctx.path, filters).set_index("agent_id")
    rated = sorted(set(feedback["agent_id"]) & set(roster.index))
    flagged = spots.loc[spots["blind_spot"], "agent_id"].tolist()
    if st.session_state.get("capability_agent") not in rated:
        st.session_state["capability_agent"] = flagged[0] if flagged else rated[0]
    agent_id = st.selectbox(
        ctx.t("capability_feedback_agent"),
        rated,
        format_func=lambda a: f"{a} {roster.at[a, 'name']}" + (" ⚠" if a in flagged else ""),
        key="capability_agent",
    )
    roles = {r: ctx.t(f"capability_role_{r}") for r in capability.ROLES}
    left, right = st.columns([3, 2])
    left.plotly_chart(
        charts.radar(
            feedback[feedback["agent_id"] == agent_id],
            roles,
            f"{agent_id} {roster.at[agent_id, 'name']}",
        ),
        key="capability_radar",
    )
    right.markdown(f"**{ctx.t('capability_blind_spots')}**")
    right.caption(
        ctx.t("capability_blind_spots_help", points=capability.CapabilityConfig.blind_spot_points)
    )
    blind = spots[spots["blind_spot"]]
    if blind.empty:
        right.info(ctx.t("capability_no_blind_spots"))
    else:
        right.dataframe(
            blind.drop(columns=["blind_spot", "competencies", "worst_gap"]),
            hide_index=True,
            key="capability_blind",
            column_config={
                "agent_id": ctx.t("capability_feedback_agent"),
                "gap": st.column_config.NumberColumn(ctx.t("capability_self_gap"), format="%+.2f"),
                "lo": st.column_config.NumberColumn("95% lo", format="%+.2f"),
                "hi": st.column_config.NumberColumn("95% hi", format="%+.2f"),
                "worst": ctx.t("capability_worst"),
            },
        )

# --- 6. Coaching plan ----------------------------------------------------------------------
st.subheader(ctx.t("capability_plan"))
st.caption(ctx.t("capability_plan_help"))


def describe(row) -> tuple[str, str]:
    if hasattr(row, "blind_spot"):
        return ctx.t("capability_plan_blind_spot"), ctx.t(
            "capability_plan_blind_evidence", gap=row.gap, lo=row.lo, hi=row.hi, worst=row.worst
        )
    show = fmt_for(row.dimension)
    measure = (
        ctx.t("capability_rating") if row.dimension == capability.COMPETENCY else k.label(lang)
    )
    return ctx.t(
        "capability_plan_need", skill=row.skill, dimension=dimension_labels[row.dimension]
    ), ctx.t(
        "capability_plan_need_evidence",
        kpi=measure,
        value=show(row.value),
        lo=show(row.lo),
        hi=show(row.hi),
        reference=show(row.reference),
        cases=row.cases,
    )


plan = capability.coaching_plan(ctx.ds, filters, needs, spots, describe)
if plan.empty:
    st.info(ctx.t("capability_no_plan"))
else:
    plan["training"] = [
        course
        if isinstance(course, str)
        else (
            ctx.t("capability_plan_blind_training")
            if gap == ctx.t("capability_plan_blind_spot")
            else ctx.t("capability_no_course")
        )
        for course, gap in zip(plan["training"], plan["gap"], strict=True)
    ]
    headers = {
        "agent_id": ctx.t("capability_feedback_agent"),
        "name": ctx.t("label"),
        "team": ctx.t("team"),
        "owner": ctx.t("capability_owner"),
        "gap": ctx.t("capability_plan_gap"),
        "evidence": ctx.t("capability_evidence"),
        "training": ctx.t("capability_training"),
    }
    st.dataframe(plan, hide_index=True, key="capability_plan", column_config=headers)
    exported = plan.rename(columns=headers)
    tables.download_buttons(
        (ctx.t("capability_download_csv"), ctx.t("capability_download_excel")),
        "coaching_plan",
        {"coaching_plan": exported},
        key_prefix="capability_",
    )
