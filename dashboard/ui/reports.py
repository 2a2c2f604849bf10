"""The printable reports in the app (scoring/reports): a button makes the report of what the
page shows — the selected agent's on the Scorecard, the visible teams' on the Overview — and
its PDF and HTML downloads follow. The same code as `python -m scoring report`.

Made on the click, not with every run: a report reads a quarter of the department's KPIs and
prints in Chromium (a few seconds). What was made is kept in the session for the view it was
made for (period, filter, scheme, language, agent); another view offers the button again.
The scope is the session's (`ctx.visible`): a supervisor's report holds their teams, an
agent's their own figures; a role whose grant does not cover a kind of report
(`make.kinds_for`) is not offered it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard.app import audit, cache
from dashboard.app.shell import Context
from dashboard.ui.markup import md
from scoring.engine import schemes
from scoring.reports import content, make
from scoring.reports.pdf import PdfUnavailable

_MADE_KEY = "_reports_made"  # kind → (the view it was made for, pdf bytes or None, html, why)


def _view_key(ctx: Context, kind: str, agent_id: str | None, scheme: str | None) -> tuple:
    return (kind, ctx.path, ctx.view.filters(), ctx.visible, scheme, ctx.lang, agent_id,
            ctx.targets.version)  # fmt: skip


def _source(ctx: Context, scheme: str | None) -> content.Source:
    name = scheme or schemes.DEFAULT_SCHEME
    return content.Source(
        cache.dataset(ctx.path),
        ctx.view.filters(),
        cache.scheme_policy(name, ctx.targets),
        cache.weight_schemes()[name],
        ctx.state_dir,
        ctx.repeat_days,
    )


def _make(ctx: Context, kind: str, agent_id: str | None, scheme: str | None) -> None:
    html = make.render_report(
        kind, _source(ctx, scheme), ctx.visible, ctx.lang, date.today(), agent_id
    )
    try:
        pdf, why = make.file_bytes(html, ".pdf"), None
    except PdfUnavailable as exc:
        pdf, why = None, str(exc)
    made = st.session_state.setdefault(_MADE_KEY, {})
    made[kind] = (_view_key(ctx, kind, agent_id, scheme), pdf, html.encode("utf-8"), why)


def report_buttons(
    ctx: Context, kind: str, make_label: str, agent_id: str | None = None, scheme=None
) -> None:
    """The button that makes the report, and once made for this view its two downloads."""
    if kind not in make.kinds_for(ctx.grant):
        return
    key = f"report_make_{kind}"
    if st.button(make_label, key=key, help=ctx.t("report_downloads_help")):
        with st.spinner(ctx.t("report_making")):
            _make(ctx, kind, agent_id, scheme)
    made = st.session_state.get(_MADE_KEY, {}).get(kind)
    if made is None or made[0] != _view_key(ctx, kind, agent_id, scheme):
        return
    _, pdf, html, why = made
    name = f"{kind}-report" + (f"_{agent_id}" if agent_id else "")
    pdf_column, html_column, _ = st.columns([1, 1, 3])
    if pdf is not None:
        with pdf_column:
            audit.download_button(
                ctx.t(f"report_download_{kind}"),
                pdf,
                file_name=f"{name}.pdf",
                mime="application/pdf",
                key=f"report_pdf_{kind}",
            )
    else:
        st.info(ctx.t("report_pdf_unavailable", reason=why))
    with html_column:
        audit.download_button(
            ctx.t(f"report_download_{kind}_html"),
            html,
            file_name=f"{name}.html",
            mime="text/html",
            key=f"report_html_{kind}",
        )


def agent_report(ctx: Context, agent_id: str, name: str) -> None:
    """The agent report of the agent chosen on the Scorecard."""
    st.subheader(ctx.t("report_downloads"))
    label = ctx.t("report_make_agent", name=md(name), agent_id=md(agent_id))
    report_buttons(ctx, "agent", label, agent_id, ctx.view.scheme)


def overview_reports(ctx: Context) -> None:
    """The Overview's reports: the monthly report of the visible teams, and for an agent
    their own agent report."""
    kinds = make.kinds_for(ctx.grant)
    if not kinds:
        return
    st.subheader(ctx.t("report_downloads"))
    if "department" in kinds:
        report_buttons(ctx, "department", ctx.t("report_make_department"), scheme=ctx.view.scheme)
    elif ctx.grant.agent_id is not None:
        label = ctx.t("report_make_own")
        report_buttons(ctx, "agent", label, ctx.grant.agent_id, ctx.view.scheme)
