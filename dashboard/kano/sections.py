"""What each part of the Customer expectations page draws (scoring.analyses.kano results).

Factors are named by scoring/registry/kano.py (a factor it does not declare, by its id as
the data writes it), categories by scoring.methods.stats.KANO_LABELS, segments by
dashboard.ui.values.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import audit
from dashboard.app.shell import Context, switch_page_keeping_view
from dashboard.app.state import APPLY_LAB_LINK, lab_query, policy_link
from dashboard.kano import charts
from dashboard.kano import data as kano_data
from dashboard.ui.labels import kpi_label, kpi_value, target_mark
from dashboard.ui.markup import md
from dashboard.ui.values import value_label
from scoring.analyses.kano import KanoAnalysis
from scoring.analyses.kano_scoring import Suggestion
from scoring.ingest import kano_answers, write
from scoring.methods.stats import KANO_CATEGORIES, KANO_LABELS
from scoring.registry.kano import FACTORS_BY_ID
from scoring.registry.kpis import KPIS, KPIS_BY_ID

SEGMENT_KEY = "kano_segment"
UPLOAD_KEY = "kano_import_file"
_FLASH = "_kano_import_flash"  # the last import's answers and version, shown after the rerun
NUMBER = st.column_config.NumberColumn
TEXT = st.column_config.TextColumn


def factor_label(factor: str, lang: str) -> str:
    declared = FACTORS_BY_ID.get(factor)
    return declared.label(lang) if declared else factor


def category_label(category: str, lang: str) -> str:
    return KANO_LABELS[category][lang]


def _percent(value: float) -> str:
    return "—" if value != value else f"{abs(value):.0%}"


# ---------------------------------------------------------------------------------------
# Controls and respondents


def segment_control(ctx: Context, segments: list[str]) -> str | None:
    """The segment whose respondents are analysed (None: all), when the answers name any."""
    if not segments:
        return None
    options = [None, *segments]
    return st.selectbox(
        ctx.t("kano_segment"),
        options,
        format_func=lambda s: (
            ctx.t("kano_everyone") if s is None else value_label("segment", s, ctx.lang)
        ),
        key=SEGMENT_KEY,
    )


def respondents_section(ctx: Context, analysis: KanoAnalysis) -> None:
    st.metric(
        ctx.t("kano_respondents"),
        f"{analysis.respondents:,}",
        help=ctx.t("kano_respondents_help", minimum=analysis.minimum),
        border=True,
    )
    if not analysis.enough:
        st.warning(ctx.t("kano_below_minimum", n=analysis.respondents, minimum=analysis.minimum))


# ---------------------------------------------------------------------------------------
# Per factor


def factor_table(ctx: Context, analysis: KanoAnalysis) -> pd.DataFrame:
    """The factors as shown: names and categories in the user's language, Fong in words."""
    table = analysis.factors.copy()
    table["factor"] = [factor_label(f, ctx.lang) for f in table["factor"]]
    table["category"] = [category_label(c, ctx.lang) for c in table["category"]]
    table["significant"] = [
        ctx.t("kano_significant" if s else "kano_not_significant") for s in table["significant"]
    ]
    columns = ["rank", "factor", "category", "significant", "n", *KANO_CATEGORIES, "strength",
               "total_strength", "better", "worse"]  # fmt: skip
    return table[columns]


def _factor_columns(ctx: Context) -> dict:
    config = {
        "rank": NUMBER(ctx.t("kano_col_rank"), format="%d"),
        "factor": TEXT(ctx.t("kano_col_factor")),
        "category": TEXT(ctx.t("kano_col_category")),
        "significant": TEXT(ctx.t("kano_col_significant")),
        "n": NUMBER(ctx.t("kano_col_n"), format="%d"),
        "strength": NUMBER(ctx.t("kano_col_strength"), format="%.1f"),
        "total_strength": NUMBER(ctx.t("kano_col_total_strength"), format="%.1f"),
        "better": NUMBER(ctx.t("kano_col_better"), format="%.2f"),
        "worse": NUMBER(ctx.t("kano_col_worse"), format="%.2f"),
    }
    for c in KANO_CATEGORIES:
        config[c] = NUMBER(category_label(c, ctx.lang), format="%d")
    return config


def factors_section(ctx: Context, analysis: KanoAnalysis) -> None:
    st.subheader(ctx.t("kano_factors_header"))
    st.caption(ctx.t("kano_factors_note"))
    st.dataframe(
        factor_table(ctx, analysis),
        hide_index=True,
        column_config=_factor_columns(ctx),
        key="kano_factors",
    )


def diagram_section(ctx: Context, analysis: KanoAnalysis) -> None:
    st.subheader(ctx.t("kano_diagram_header"))
    factors = analysis.factors
    figure = charts.better_worse(
        factors,
        {f: factor_label(f, ctx.lang) for f in factors["factor"]},
        {c: category_label(c, ctx.lang) for c in charts.QUADRANTS},
        (ctx.t("kano_diagram_x"), ctx.t("kano_diagram_y")),
        ctx.t("kano_diagram_hover"),
    )
    st.plotly_chart(figure, key="kano_diagram")
    st.caption(ctx.t("kano_diagram_note"))


# ---------------------------------------------------------------------------------------
# What to improve first


def reason_text(ctx: Context, row: dict) -> str:
    """The one-sentence reason of a ranked factor (its reason code worded)."""
    text = ctx.t(f"kano_reason_{row['reason']}", better=_percent(row["better"]),
                 worse=_percent(row["worse"]))  # fmt: skip
    return text if row["significant"] else text + ctx.t("kano_reason_not_significant")


def priority_lines(ctx: Context, analysis: KanoAnalysis) -> list[str]:
    """One Markdown line per factor, first to improve first."""
    return [
        ctx.t(
            "kano_priority_item",
            rank=row["rank"],
            factor=md(factor_label(row["factor"], ctx.lang)),
            reason=reason_text(ctx, row),
        )  # fmt: skip
        for row in analysis.factors.to_dict("records")
    ]


def priorities_section(ctx: Context, analysis: KanoAnalysis) -> None:
    st.subheader(ctx.t("kano_priorities_header"))
    st.caption(ctx.t("kano_priorities_note"))
    st.markdown("\n".join(priority_lines(ctx, analysis)))


# ---------------------------------------------------------------------------------------
# Segments


def segment_table(ctx: Context, everyone: KanoAnalysis, split: dict[str, KanoAnalysis]):
    """Per factor (everyone's order) the category of all respondents and of each segment;
    ≠ marks a segment's category that differs, * a non-significant one."""
    overall = everyone.factors.set_index("factor")
    table = pd.DataFrame(
        {ctx.t("kano_col_factor"): [factor_label(f, ctx.lang) for f in overall.index]}
    )
    columns = {ctx.t("kano_everyone"): (everyone, overall)}
    for segment, analysis in split.items():
        name = ctx.t("kano_segment_column", segment=value_label("segment", segment, ctx.lang),
                     n=analysis.respondents)  # fmt: skip
        columns[name] = (analysis, analysis.factors.set_index("factor"))
    for name, (_, factors) in columns.items():
        cells = []
        for factor, row in overall.iterrows():
            if factor not in factors.index:
                cells.append("—")
                continue
            found = factors.loc[factor]
            mark = (" ≠" if found["category"] != row["category"] else "") + (
                "" if found["significant"] else " *"
            )
            cells.append(category_label(found["category"], ctx.lang) + mark)
        table[name] = cells
    return table


def segments_section(ctx: Context, everyone: KanoAnalysis, split: dict[str, KanoAnalysis]):
    st.subheader(ctx.t("kano_segments_header"))
    if not split:
        st.caption(ctx.t("kano_segments_none"))
        return
    st.caption(ctx.t("kano_segments_note"))
    st.dataframe(segment_table(ctx, everyone, split), hide_index=True, key="kano_segments")


# ---------------------------------------------------------------------------------------
# Factors and KPIs


def links_table(ctx: Context, analysis: KanoAnalysis) -> pd.DataFrame:
    """Each factor's KPIs in the ranking's order: value over the visible scope and target."""
    targets = {k.id: ctx.target_of(k) for k in KPIS}
    links = kano_data.kpi_links(
        ctx.path, ctx.view.filters(), ctx.repeat_days, analysis.factors, targets
    )
    rows = []
    for link in links.to_dict("records"):
        k = KPIS_BY_ID[link["kpi"]]
        rows.append(
            {
                "factor": factor_label(link["factor"], ctx.lang),
                "category": category_label(link["category"], ctx.lang),
                "kpi": kpi_label(k.id, ctx.lang),
                "value": kpi_value(k, link["value"], ctx.lang) or ctx.t("kano_no_value"),
                "target": kpi_value(k, link["target"], ctx.lang),
                "met": "" if link["met"] is None else target_mark(link["met"], ctx.lang),
                "must_be": link["category"] == "M",
            }
        )
    return pd.DataFrame(
        rows, columns=["factor", "category", "kpi", "value", "target", "met", "must_be"]
    )


def kpis_section(ctx: Context, analysis: KanoAnalysis) -> None:
    st.subheader(ctx.t("kano_kpis_header"))
    st.caption(ctx.t("kano_kpis_note"))
    table = links_table(ctx, analysis)
    must_be = table[table["must_be"] & (table["met"] != "")]
    lines = [
        "- "
        + md(
            ctx.t(
                "kano_kpi_line",
                **{c: row[c] for c in ("category", "factor", "kpi", "value", "target")},
                mark=row["met"],
            )
        )  # fmt: skip
        for row in must_be.to_dict("records")
    ]
    if lines:
        st.markdown("\n".join(lines))
    config = {
        "factor": TEXT(ctx.t("kano_col_factor")),
        "category": TEXT(ctx.t("kano_col_category")),
        "kpi": TEXT(ctx.t("kano_col_kpi")),
        "value": TEXT(ctx.t("kano_col_value")),
        "target": TEXT(ctx.t("kano_col_target")),
        "met": TEXT(ctx.t("kano_col_met")),
    }
    st.dataframe(
        table.drop(columns="must_be"), hide_index=True, column_config=config, key="kano_kpis"
    )


# ---------------------------------------------------------------------------------------
# Scoring built on what customers expect

LAB_PAGE = "app_pages/whatif.py"


def _ratio(value: float) -> str:
    return "—" if value != value else f"{value:.2f}"


def suggestion_table(ctx: Context, suggestion: Suggestion) -> pd.DataFrame:
    """The KPIs the suggestion weighs or gates: roles and weights in the user's words."""
    rows = []
    for row in suggestion.kpis.to_dict("records"):
        if not (row["current"] or row["weight"] or row["role"] == "gate"):
            continue
        k = KPIS_BY_ID[row["kpi"]]
        linked = isinstance(row["factor"], str)  # NaN: the KPI measures no factor
        rows.append(
            {
                "kpi": kpi_label(k.id, ctx.lang),
                "factor": factor_label(row["factor"], ctx.lang) if linked else "—",
                "category": category_label(row["category"], ctx.lang) if linked else "—",
                "role": ctx.t(f"kano_role_{row['role']}"),
                "value": kpi_value(k, row["value"], ctx.lang) or ctx.t("kano_no_value"),
                "target": kpi_value(k, row["target"], ctx.lang),
                "ratio": _ratio(row["ratio"]),
                "current": row["current"],
                "weight": row["weight"],
            }
        )
    return pd.DataFrame(rows, columns=["kpi", "factor", "category", "role", "value", "target",
                                       "ratio", "current", "weight"])  # fmt: skip


def scoring_section(ctx: Context, analysis: KanoAnalysis) -> None:
    """The suggested weights, gates and bonus KPIs with their rules; for those who may open
    the What-if lab, the suggestion against the current scheme and the button that opens the
    lab with it."""
    st.subheader(ctx.t("kano_scoring_header"))
    st.caption(ctx.t("whatif_kano_rule"))
    st.caption(ctx.t("kano_scoring_weights_rule"))
    base = kano_data.current_policy(ctx)
    suggestion = kano_data.suggestion(ctx, analysis, base)
    config = {
        "kpi": TEXT(ctx.t("kano_col_kpi")),
        "factor": TEXT(ctx.t("kano_col_factor")),
        "category": TEXT(ctx.t("kano_col_category")),
        "role": TEXT(ctx.t("kano_col_role")),
        "value": TEXT(ctx.t("kano_col_department")),
        "target": TEXT(ctx.t("kano_col_target")),
        "ratio": TEXT(ctx.t("kano_col_ratio")),
        "current": NUMBER(ctx.t("kano_col_current_weight"), format="%.1f%%"),
        "weight": NUMBER(ctx.t("kano_col_weight"), format="%.1f%%"),
    }
    st.dataframe(suggestion_table(ctx, suggestion), hide_index=True, column_config=config,
                 key="kano_scoring")  # fmt: skip
    if not ctx.grant.allows_page("whatif"):
        st.caption(ctx.t("kano_scoring_lab_leadership"))
        return
    _comparison(ctx, base, suggestion)
    if st.button(ctx.t("kano_open_lab"), key="kano_open_lab", type="primary"):
        st.session_state[APPLY_LAB_LINK] = True
        switch_page_keeping_view(LAB_PAGE, ctx, lab_query(policy_link(suggestion.policy)))


def _comparison(ctx: Context, base, suggestion: Suggestion) -> None:
    """Department aggregates of the suggestion against the current scheme."""
    comparison, bills = kano_data.comparison(ctx, base, suggestion.policy)
    st.caption(ctx.t("kano_scoring_compared"))
    columns = st.columns(4)
    columns[0].metric(ctx.t("whatif_grade_changes"), comparison.grade_changes, border=True)
    columns[1].metric(ctx.t("kano_gated_agents"), bills["gated"], border=True)
    change = round(bills["kano"] - bills["current"], 2) + 0.0
    columns[2].metric(ctx.t("whatif_payout_total"), f"{bills['kano']:,.2f}",
                      delta=f"{change:+,.2f}" if change else ctx.t("whatif_no_change"),
                      delta_color="off", border=True)  # fmt: skip
    tau = comparison.tau
    columns[3].metric(ctx.t("whatif_tau"), "—" if tau != tau else f"{tau:.3f}",
                      help=ctx.t("whatif_tau_help"), border=True)  # fmt: skip


# ---------------------------------------------------------------------------------------
# The questionnaire


def questionnaire_section(ctx: Context) -> None:
    st.subheader(ctx.t("kano_questionnaire_header"))
    st.caption(ctx.t("kano_questionnaire_note"))
    audit.download_button(
        ctx.t("kano_download_template"),
        kano_data.questionnaire_template(),
        file_name="kano_questionnaire.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="kano_download_template",
    )


def import_section(ctx: Context) -> None:
    """A filled questionnaire uploaded and imported, for whoever may import data; into an
    imported dataset only (the Import page makes one; the sample and the configured folder
    are never written to)."""
    if not kano_data.may_import(ctx):
        return
    st.subheader(ctx.t("kano_import_header"))
    if ctx.dataset.kind != "imported":
        st.info(ctx.t("kano_import_imported_only"))
        return
    st.caption(ctx.t("kano_import_note"))
    upload = st.file_uploader(ctx.t("kano_import_file"), type=["xlsx", "xlsm"], key=UPLOAD_KEY)
    if upload is None or not st.button(ctx.t("kano_import_go"), key="kano_import_go"):
        return
    try:
        done = kano_data.import_answers(ctx, upload.getvalue(), upload.name)
    except write.ImportBusy:
        st.error(ctx.t("import_busy"))
        return
    except write.ImportRejected as error:
        st.error(ctx.t("import_rejected"))
        for problem in error.problems:
            st.text(problem)  # values from the file: plain text
        return
    if done.result is None:
        _outcome(ctx, done.answers, None)
        return
    st.session_state[_FLASH] = (done.answers, done.result.version)
    st.rerun()  # the new version is a new ctx.path: every Kano cache is fresh


def import_flash(ctx: Context) -> None:
    """The outcome of the import made in the previous run, above its analysis."""
    kept = st.session_state.pop(_FLASH, None)
    if kept is not None:
        _outcome(ctx, *kept)


def _outcome(ctx: Context, answers: kano_answers.Answers, version: int | None) -> None:
    counts = {"accepted": answers.accepted, "refused": answers.refused}
    if version is None:
        st.error(ctx.t("kano_import_nothing", **counts))
    else:
        st.success(ctx.t("kano_import_done", version=version, **counts))
    if answers.problems:
        st.markdown(f"**{ctx.t('kano_import_problems')}**")
        st.dataframe(problems_table(ctx, answers.problems), hide_index=True)


def problems_table(ctx: Context, problems: tuple[kano_answers.Problem, ...]) -> pd.DataFrame:
    """One row per problem: where (sheet, Excel row, column id and letter), the cell as read
    and the problem in words."""
    rows = [
        {
            ctx.t("kano_problem_sheet"): p.sheet or "",
            ctx.t("kano_problem_row"): str(p.row) if p.row else "",
            ctx.t("kano_problem_column"): _column(p),
            ctx.t("kano_problem_value"): p.value or "",
            ctx.t("kano_problem_text"): ctx.t(f"kano_problem_{p.code}", first_row=p.first_row),
        }
        for p in problems
    ]
    return pd.DataFrame(rows)


def _column(problem: kano_answers.Problem) -> str:
    """The header id with its letter ("segment (B)"); empty for a problem of the file."""
    if problem.letter:
        return f"{problem.column} ({problem.letter})"
    return problem.column or ""
