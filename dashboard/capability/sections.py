"""The Capability page's sections (能力差距), top to bottom: the controls, the agent × skill
matrix, training needs with the team view, case mix, training effects, 360 feedback with blind
spots, and the coaching plan.

Each section draws `scoring.analyses.capability` results (most of them cached in `capability_data`)
and only labels and formats them; a section returns the frames a later one needs. The KPI and
the skill type also live in the address bar (kpi=, skill=).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.app import cache
from dashboard.app.shell import Context, labelled
from dashboard.capability import charts, data
from dashboard.ui import tables
from dashboard.ui.labels import kpi_value
from dashboard.ui.values import value_label
from scoring.analyses import capability
from scoring.analyses.appraisal import history
from scoring.measures.metrics import Filters
from scoring.registry.kpis import KPI, KPIS_BY_ID

NUMBER = st.column_config.NumberColumn
MISSING = ""  # what a table shows for a missing value (Streamlit's default: "None")
FALLBACK_KPI = "fcr"  # the KPI named when the dataset has no skill KPI (only 360 ratings)
CASE_MIX_SCALED = ("observed", "expected", "adjusted", "difference")
EFFECTS_SCALED = ("before", "after", "change", "peers_change", "did", "did_lo", "did_hi")
EFFECTS_SHOWN = [
    *("agent_id", "name", "team", "skill", "course", "completed_on", "before", "before_cases"),
    *("after", "after_cases", "change"),
    *("peers_change", "did", "did_lo", "did_hi", "p_value"),
]
NEEDS_SHOWN = [
    *("agent_id", "name", "team", "dimension", "skill", "cases", "per_month", "value"),
    *("interval", "reference", "gap", "impact", "course"),
]
# The value-label field of each skill dimension (dashboard/ui/values.py).
SKILL_FIELDS = {"category": "category", "channel": "channel", "product": "product",
                capability.COMPETENCY: "competency"}  # fmt: skip


# --- Formats and labels shared by the sections ---------------------------------------------


def _interval(ctx: Context, side: str, number_format: str):
    """A column of an interval's low or high end, labelled with the credible level."""
    level = capability.CapabilityConfig().level
    return NUMBER(ctx.t(f"capability_interval_{side}", level=level), format=number_format)


def _rating(value: float) -> str:
    return "" if value != value else f"{value:.2f}"


def value_format(ctx: Context, kpi: KPI, dimension: str):
    """How a value of this skill dimension is shown: a 1–5 rating or the KPI's value as
    users read it (rates as %, its unit in their language)."""
    if dimension == capability.COMPETENCY:
        return _rating
    return lambda value: kpi_value(kpi, value, ctx.lang)


def gap_text(ctx: Context, kpi: KPI, dimension: str, gap: float) -> str:
    """A signed gap: rating points, percentage points for a rate, else the KPI's unit."""
    if gap != gap:
        return ""
    if dimension == capability.COMPETENCY:
        return f"{gap:+.2f}"
    if is_percent(kpi):
        return ctx.t("capability_rate_points", value=gap * 100)
    return ("+" if gap > 0 else "") + kpi_value(kpi, gap, ctx.lang)


def skill_label(ctx: Context, dimension: str, skill: object) -> str:
    """A skill (category, channel, product or competency) in the user's language."""
    return value_label(SKILL_FIELDS.get(dimension, dimension), skill, ctx.lang)


def skill_labels(ctx: Context, frame: pd.DataFrame) -> list[str]:
    """The `skill` of each row of a frame with a `dimension` column, labelled."""
    return [skill_label(ctx, d, v) for d, v in zip(frame["dimension"], frame["skill"], strict=True)]


def measure_label(ctx: Context, kpi: KPI, dimension: str) -> str:
    return ctx.t("capability_rating") if dimension == capability.COMPETENCY else kpi.label(ctx.lang)


def dimension_labels(ctx: Context) -> dict[str, str]:
    return {d: ctx.t(f"capability_dim_{d}") for d in capability.SKILL_DIMENSION_IDS}


def is_percent(kpi: KPI) -> bool:
    return kpi.fmt.endswith("%")


# --- Controls -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skills:
    """What this dataset can compare agents on: skill KPIs and skill dimensions (ids)."""

    kpis: list[str]
    dimensions: list[str]

    @property
    def empty(self) -> bool:
        return not self.kpis and not self.dimensions


def available_skills(ctx: Context) -> Skills:
    return Skills(
        [k.id for k in capability.skill_kpis(ctx.ds)],
        list(capability.skill_dimensions(ctx.ds)),
    )


@dataclass(frozen=True)
class Selection:
    """The controls' values in this run."""

    kpi_id: str
    baseline: str
    dimension: str
    min_cases: int

    @property
    def kpi(self) -> KPI:
        return KPIS_BY_ID[self.kpi_id]

    @property
    def config(self) -> capability.CapabilityConfig:
        return capability.CapabilityConfig(min_cases=self.min_cases)


def _seed_from_url(skills: Skills) -> None:
    """The first time a session draws the controls, take the KPI and skill type from the URL."""
    if "capability_kpi" not in st.session_state and skills.kpis:
        wanted = st.query_params.get("kpi")
        st.session_state["capability_kpi"] = wanted if wanted in skills.kpis else skills.kpis[0]
    if "capability_dimension" not in st.session_state:
        wanted = st.query_params.get("skill")
        dimensions = skills.dimensions
        st.session_state["capability_dimension"] = wanted if wanted in dimensions else dimensions[0]


def controls(ctx: Context, skills: Skills) -> Selection:
    """KPI, baseline, skill type and minimum cases in one row; KPI and skill type go to the URL."""
    _seed_from_url(skills)
    kpi_col, base_col, dim_col, min_col = st.columns([2, 3, 2, 2])
    kpi_id = (
        kpi_col.selectbox(
            ctx.t("capability_kpi"),
            skills.kpis,
            format_func=lambda k: KPIS_BY_ID[k].label(ctx.lang),
            key=labelled("capability_kpi"),
        )
        if skills.kpis
        else FALLBACK_KPI
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
        skills.dimensions,
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
    if skills.kpis:
        st.query_params["kpi"] = kpi_id
    st.query_params["skill"] = dimension
    return Selection(kpi_id, baseline, dimension, min_cases)


# --- 1. The agent × skill matrix ------------------------------------------------------------


def matrix_section(ctx: Context, chosen: Selection, matrix: pd.DataFrame) -> None:
    """A heatmap of the chosen skill type: agents × skills, coloured by the gap."""
    st.subheader(ctx.t("capability_matrix"))
    st.caption(ctx.t("capability_matrix_help"))
    cells = matrix[matrix["dimension"] == chosen.dimension]
    cells = cells.assign(skill=skill_labels(ctx, cells))
    if cells.empty:
        st.info(ctx.t("capability_no_skills"))
        return
    measure = measure_label(ctx, chosen.kpi, chosen.dimension)
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
            f"{measure} · {ctx.t(f'capability_dim_{chosen.dimension}')}",
            ctx.t("capability_gap"),
            value_format(ctx, chosen.kpi, chosen.dimension),
            hover,
        ),
        key="capability_heatmap",
    )


# --- 2. Training needs and the team view ----------------------------------------------------


def _needs_columns(ctx: Context) -> dict:
    level = capability.CapabilityConfig().level
    return {
        "agent_id": ctx.t("capability_feedback_agent"),
        "name": ctx.t("name"),
        "team": ctx.t("team"),
        "dimension": ctx.t("capability_dimension_col"),
        "skill": ctx.t("capability_skill"),
        "cases": NUMBER(ctx.t("capability_cases"), format="%d"),
        "per_month": NUMBER(ctx.t("capability_per_month"), format="%.1f"),
        "value": ctx.t("capability_value"),
        "interval": ctx.t("capability_interval_col", level=level),
        "reference": ctx.t("capability_reference"),
        "gap": ctx.t("capability_gap"),
        "impact": NUMBER(ctx.t("capability_impact"), format="%.1f"),
        "course": ctx.t("capability_course"),
    }


def _team_needs_columns(ctx: Context) -> dict:
    return {
        "team": ctx.t("team"),
        "dimension": ctx.t("capability_dimension_col"),
        "skill": ctx.t("capability_skill"),
        "agents": NUMBER(ctx.t("capability_agents_col"), format="%d"),
        "members": ctx.t("capability_agent_ids"),
        "impact": NUMBER(ctx.t("capability_impact"), format="%.1f"),
        "course": ctx.t("capability_course"),
    }


def _labelled_needs(ctx: Context, needs: pd.DataFrame) -> pd.DataFrame:
    """Skill types and skills in the user's language; "no course" where the catalogue has
    none."""
    return needs.assign(
        dimension=needs["dimension"].map(dimension_labels(ctx)),
        skill=skill_labels(ctx, needs),
        course=needs["course"].fillna(ctx.t("capability_no_course")),
    )


def _needs_shown(ctx: Context, kpi: KPI, needs: pd.DataFrame) -> pd.DataFrame:
    """The needs as read: each estimate, its interval, reference and gap in its measure's
    units (rates as %, gaps in percentage points, 360 ratings on their 1–5 scale)."""
    shows = [value_format(ctx, kpi, d) for d in needs["dimension"]]
    rows = list(needs.itertuples(index=False))
    shown = needs.assign(
        value=[show(r.value) for show, r in zip(shows, rows, strict=True)],
        interval=[f"{show(r.lo)} – {show(r.hi)}" for show, r in zip(shows, rows, strict=True)],
        reference=[show(r.reference) for show, r in zip(shows, rows, strict=True)],
        gap=[gap_text(ctx, kpi, r.dimension, r.gap) for r in rows],
    )
    return _labelled_needs(ctx, shown)[NEEDS_SHOWN]


def needs_section(ctx: Context, filters: Filters, chosen: Selection) -> pd.DataFrame:
    """Each agent's training needs, then the same needs per team. Returns the needs."""
    st.subheader(ctx.t("capability_needs"))
    st.caption(ctx.t("capability_needs_help"))
    needs, per_team = data.training_needs(
        ctx.path,
        filters,
        ctx.visible,
        chosen.kpi_id,
        ctx.repeat_days,
        chosen.config,
        chosen.baseline,
    )
    if needs.empty:
        st.info(ctx.t("capability_no_needs"))
        return needs
    st.dataframe(
        _needs_shown(ctx, chosen.kpi, needs),
        hide_index=True,
        placeholder=MISSING,
        key="capability_needs",
        column_config=_needs_columns(ctx),
    )
    st.markdown(f"**{ctx.t('capability_team_view')}**")
    st.caption(ctx.t("capability_team_view_help", size=capability.MIN_GROUP_SIZE))
    if per_team.empty:
        st.info(ctx.t("capability_no_group_needs", size=capability.MIN_GROUP_SIZE))
        return needs
    st.dataframe(
        _labelled_needs(ctx, per_team.drop(columns="agent_ids")),
        hide_index=True,
        placeholder=MISSING,
        key="capability_team_needs",
        column_config=_team_needs_columns(ctx),
    )
    return needs


# --- 3. Case mix ----------------------------------------------------------------------------


def _case_mix_columns(ctx: Context, number: str) -> dict:
    return {
        "agent_id": ctx.t("capability_feedback_agent"),
        "name": ctx.t("name"),
        "team": ctx.t("team"),
        "cases": NUMBER(ctx.t("capability_cases"), format="%d"),
        "observed": NUMBER(ctx.t("capability_observed"), format=number),
        "expected": NUMBER(ctx.t("capability_expected"), format=number),
        "ratio": NUMBER(ctx.t("capability_ratio"), format="%.3f"),
        "difference": NUMBER(ctx.t("capability_difference"), format=number.replace("%.", "%+.")),
        "adjusted": NUMBER(ctx.t("capability_adjusted"), format=number),
        "raw_rank": ctx.t("capability_raw_rank"),
        "adjusted_rank": ctx.t("capability_adjusted_rank"),
    }


def _scaled(frame: pd.DataFrame, columns: tuple[str, ...], kpi: KPI) -> pd.DataFrame:
    """`frame` with `columns` × 100 for a percent KPI (the columns' format adds "%" or
    reads as percentage points)."""
    scale = 100 if is_percent(kpi) else 1
    table = frame.copy()
    for column in columns:
        table[column] = table[column] * scale
    return table


def _number_formats(kpi: KPI) -> tuple[str, str]:
    """Column formats of a value and of a change of the KPI: % and percentage points for a
    rate, two decimals otherwise."""
    return ("%.1f%%", "%+.1f") if is_percent(kpi) else ("%.2f", "%+.2f")


def case_mix_section(ctx: Context, filters: Filters, kpi: KPI) -> None:
    """Observed against case-mix-expected KPI per agent: a table and a scatter."""
    st.subheader(f"{ctx.t('capability_case_mix')} · {kpi.label(ctx.lang)}")
    st.caption(ctx.t("capability_case_mix_help"))
    mix = data.case_mix(ctx.path, filters, ctx.visible, kpi.id, ctx.repeat_days)
    if mix.empty:
        return
    left, right = st.columns([3, 2])
    number, _change = _number_formats(kpi)
    left.dataframe(
        _scaled(mix, CASE_MIX_SCALED, kpi),
        hide_index=True,
        placeholder=MISSING,
        key="capability_case_mix",
        column_config=_case_mix_columns(ctx, number),
    )
    right.plotly_chart(
        charts.case_mix_scatter(
            mix,
            ctx.t("capability_case_mix_chart"),
            ctx.t("capability_expected"),
            ctx.t("capability_observed"),
            is_percent(kpi),
        ),
        key="capability_case_mix_chart",
    )


# --- 4. Training effect ---------------------------------------------------------------------


def most_credible_effect(effects: pd.DataFrame) -> int:
    """The position of the largest |DiD| relative to its interval's width."""
    spread = (effects["did_hi"] - effects["did_lo"]).where(lambda w: w > 0)
    return int((effects["did"].abs() / spread).fillna(0).to_numpy().argmax())


def _effect_labels(effects: pd.DataFrame) -> list[str]:
    """Each course completion's option: agent, skill, course and day (made at once: a
    department's year has thousands, looked up a cell at a time 0.2 s of the page)."""
    columns = (effects[c] for c in ("name", "agent_id", "skill", "course", "completed_on"))
    return [f"{n} ({a}) · {s} · {c} · {d}" for n, a, s, c, d in zip(*columns, strict=True)]


def _pick_effect(ctx: Context, effects: pd.DataFrame) -> int:
    """The course completion to plot; the most credible effect first."""
    options = list(range(len(effects)))
    if st.session_state.get("capability_effect") not in options:
        st.session_state["capability_effect"] = most_credible_effect(effects)
    return st.selectbox(
        ctx.t("capability_effect_pick"),
        options,
        format_func=_effect_labels(effects).__getitem__,
        key="capability_effect",
    )


def _before_after_chart(ctx: Context, kpi: KPI, row: pd.Series):
    labels = {
        "before": ctx.t("capability_before"),
        "after": ctx.t("capability_after"),
        "trained": ctx.t("capability_trained"),
        "untrained": ctx.t("capability_untrained"),
    }
    did = gap_text(ctx, kpi, "", row["did"])
    title = f"{row['name']} ({row['agent_id']}) · {row['skill']} · {ctx.t('capability_did')} {did}"
    return charts.before_after(row, labels, title, is_percent(kpi))


def _effects_columns(ctx: Context, kpi: KPI) -> dict:
    value, change = _number_formats(kpi)
    return {
        "agent_id": ctx.t("capability_feedback_agent"),
        "name": ctx.t("name"),
        "team": ctx.t("team"),
        "skill": ctx.t("capability_skill"),
        "course": ctx.t("capability_course_col"),
        "completed_on": ctx.t("capability_completed"),
        "before": NUMBER(ctx.t("capability_before"), format=value),
        "after": NUMBER(ctx.t("capability_after"), format=value),
        "before_cases": NUMBER(ctx.t("capability_cases_before"), format="%d"),
        "after_cases": NUMBER(ctx.t("capability_cases_after"), format="%d"),
        "change": NUMBER(ctx.t("capability_change"), format=change),
        "peers_change": NUMBER(ctx.t("capability_peers_change"), format=change),
        "did": NUMBER(ctx.t("capability_did"), format=change),
        "did_lo": _interval(ctx, "low", change),
        "did_hi": _interval(ctx, "high", change),
        "p_value": NUMBER(ctx.t("capability_p_value"), format="%.3f"),
    }


def effects_section(ctx: Context, filters: Filters, kpi: KPI) -> None:
    """Before/after a course against untrained peers (difference in differences)."""
    st.subheader(f"{ctx.t('capability_effects')} · {kpi.label(ctx.lang)}")
    st.caption(ctx.t("capability_effects_help", days=capability.EFFECT_WINDOW_DAYS))
    effects = data.training_effects(ctx.path, filters, ctx.visible, kpi.id, ctx.repeat_days)
    if effects.empty:
        st.info(ctx.t("capability_no_effects"))
        return
    effects = effects.assign(skill=[skill_label(ctx, "skill", s) for s in effects["skill"]])
    row = effects.iloc[_pick_effect(ctx, effects)]
    left, right = st.columns([2, 3])
    left.plotly_chart(_before_after_chart(ctx, kpi, row), key="capability_before_after")
    right.dataframe(
        _scaled(effects[EFFECTS_SHOWN], EFFECTS_SCALED, kpi),
        hide_index=True,
        placeholder=MISSING,
        key="capability_effects",
        column_config=_effects_columns(ctx, kpi),
    )


# --- 5. 360 feedback ------------------------------------------------------------------------


def _pick_rated_agent(
    ctx: Context, rated: list[str], flagged: list[str], roster: pd.DataFrame
) -> str:
    """An agent with 360 ratings; blind spots (⚠) first."""
    if st.session_state.get("capability_agent") not in rated:
        st.session_state["capability_agent"] = flagged[0] if flagged else rated[0]
    names, warned = roster["name"].to_dict(), set(flagged)
    flag = f" ⚠ {ctx.t('capability_blind_spot_flag')}"
    return st.selectbox(
        ctx.t("capability_feedback_agent"),
        rated,
        format_func=lambda a: f"{names[a]} ({a})" + (flag if a in warned else ""),
        key="capability_agent",
    )


def _blind_spots_table(ctx: Context, spots: pd.DataFrame, roster: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('capability_blind_spots')}**")
    st.caption(
        ctx.t("capability_blind_spots_help", points=capability.CapabilityConfig.blind_spot_points)
    )
    blind = spots[spots["blind_spot"]]
    if blind.empty:
        st.info(ctx.t("capability_no_blind_spots"))
        return
    shown = blind.drop(columns=["blind_spot", "competencies", "worst_gap"]).assign(
        worst=[skill_label(ctx, capability.COMPETENCY, c) for c in blind["worst"]]
    )
    shown.insert(1, "name", shown["agent_id"].map(roster["name"]).fillna(""))
    st.dataframe(
        shown,
        hide_index=True,
        placeholder=MISSING,
        key="capability_blind",
        column_config={
            "agent_id": ctx.t("capability_feedback_agent"),
            "name": ctx.t("name"),
            "team": ctx.t("team"),
            "gap": NUMBER(ctx.t("capability_self_gap"), format="%+.2f"),
            "lo": _interval(ctx, "low", "%+.2f"),
            "hi": _interval(ctx, "high", "%+.2f"),
            "worst": ctx.t("capability_worst"),
        },
    )


def feedback_section(ctx: Context, filters: Filters, skills: Skills) -> pd.DataFrame:
    """One agent's 360 radar next to the blind spots. Returns the blind-spot table."""
    st.subheader(ctx.t("capability_feedback"))
    feedback = data.feedback(ctx.path, filters, ctx.visible)
    spots = data.blind_spots(ctx.path, filters, ctx.visible)
    if capability.COMPETENCY not in skills.dimensions or feedback.empty:
        st.info(ctx.t("capability_no_feedback"))
        return spots
    roster = data.agents(ctx.path, ctx.visible).set_index("agent_id")
    rated = sorted(set(feedback["agent_id"]) & set(roster.index))
    flagged = spots.loc[spots["blind_spot"], "agent_id"].tolist()
    agent_id = _pick_rated_agent(ctx, rated, flagged, roster)
    roles = {r: ctx.t(f"capability_role_{r}") for r in capability.ROLES}
    left, right = st.columns([3, 2])
    ratings = feedback[feedback["agent_id"] == agent_id]
    left.plotly_chart(
        charts.radar(
            ratings.assign(
                competency=[
                    skill_label(ctx, capability.COMPETENCY, c) for c in ratings["competency"]
                ]
            ),
            roles,
            f"{roster.at[agent_id, 'name']} ({agent_id})",
        ),
        key="capability_radar",
    )
    with right:
        _blind_spots_table(ctx, spots, roster)
    return spots


# --- 6. Coaching plan -----------------------------------------------------------------------


def _plan_describer(ctx: Context, kpi: KPI):
    """`describe(row) -> (gap, evidence)` for capability.coaching_plan, in the user's words."""
    labels = dimension_labels(ctx)

    def describe(row) -> tuple[str, str]:
        if hasattr(row, "blind_spot"):
            return ctx.t("capability_plan_blind_spot"), ctx.t(
                "capability_plan_blind_evidence",
                gap=row.gap,
                lo=row.lo,
                hi=row.hi,
                worst=skill_label(ctx, capability.COMPETENCY, row.worst),
            )
        show = value_format(ctx, kpi, row.dimension)
        skill = skill_label(ctx, row.dimension, row.skill)
        gap = ctx.t("capability_plan_need", skill=skill, dimension=labels[row.dimension])
        evidence = ctx.t(
            "capability_plan_need_evidence",
            kpi=measure_label(ctx, kpi, row.dimension),
            value=show(row.value),
            lo=show(row.lo),
            hi=show(row.hi),
            reference=show(row.reference),
            cases=row.cases,
        )
        return gap, evidence

    return describe


def _training_texts(ctx: Context, plan: pd.DataFrame) -> list[str]:
    """The suggested course; for a blind spot, a feedback talk; else "no course"."""
    return [
        course
        if isinstance(course, str)
        else (
            ctx.t("capability_plan_blind_training")
            if kind == "blind_spot"
            else ctx.t("capability_no_course")
        )
        for course, kind in zip(plan["training"], plan["kind"], strict=True)
    ]


def _plan_headers(ctx: Context) -> dict[str, str]:
    return {
        "agent_id": ctx.t("capability_feedback_agent"),
        "name": ctx.t("name"),
        "team": ctx.t("team"),
        "owner": ctx.t("capability_owner"),
        "gap": ctx.t("capability_plan_gap"),
        "evidence": ctx.t("capability_evidence"),
        "training": ctx.t("capability_training"),
    }


def plan_section(ctx: Context, kpi: KPI, needs: pd.DataFrame, spots: pd.DataFrame) -> None:
    """Who coaches whom on what, with the evidence; CSV and Excel downloads."""
    st.subheader(ctx.t("capability_plan"))
    st.caption(ctx.t("capability_plan_help"))
    roster = data.agents(ctx.path, ctx.visible)
    plan = capability.coaching_plan(roster, needs, spots, _plan_describer(ctx, kpi), ctx.visible)
    if plan.empty:
        st.info(ctx.t("capability_no_plan"))
        return
    plan = plan.assign(training=_training_texts(ctx, plan)).drop(columns="kind")
    headers = _plan_headers(ctx)
    st.dataframe(
        plan, hide_index=True, placeholder=MISSING, key="capability_plan", column_config=headers
    )
    tables.download_buttons(
        (ctx.t("capability_download_csv"), ctx.t("capability_download_excel")),
        "coaching_plan",
        {"coaching_plan": plan.rename(columns=headers)},
        key_prefix="capability_",
    )


def appraisal_section(ctx: Context) -> None:
    """The agents the closed appraisal periods recommend for training, with the KPIs
    furthest below target in the latest one (scoring.analyses.appraisal.history): what the
    results say beside what the skill gaps say. Grades and composites are not shown (a
    trainer does not see the Scorecard)."""
    st.subheader(ctx.t("capability_appraisal"))
    records = cache.closed_results(ctx.state_dir, published_only=False)
    summary = history.summary(records, ctx.visible)
    chosen = summary[summary["recommendation"] == "training"]
    if chosen.empty:
        st.caption(
            ctx.t("capability_appraisal_none" if records else "capability_appraisal_no_period")
        )
        return
    st.caption(ctx.t("capability_appraisal_caption", period=records[-1][0]))
    separator = ctx.t("list_separator")
    table = pd.DataFrame(
        {
            ctx.t("agent_id"): chosen["agent_id"],
            ctx.t("name"): chosen["name"],
            ctx.t("team"): chosen["team"],
            ctx.t("capability_appraisal_train_on"): [
                separator.join(KPIS_BY_ID[k].label(ctx.lang) for k in w.split(", ") if k)
                for w in chosen["weakest"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, key="capability_appraisal")
