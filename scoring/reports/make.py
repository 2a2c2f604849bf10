"""A report from a dataset folder to the bytes of a file: what the command line, the scheduled
delivery and the app's download buttons all call, so the three make the same report.

`render_report` takes a `Source` (the page makes it from its cached dataset and the
session's targets; `source_for` makes it from a folder, as the dashboard would) and the
visible scope, and returns the HTML page; `file_bytes` prints it to PDF or keeps it HTML.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scoring.access import ROLES_BY_ID, Grant
from scoring.analyses.diagnostics import agent_team
from scoring.data import catalog
from scoring.data.dataset import Dataset, open_dataset
from scoring.engine import schemes
from scoring.engine.policy import Policy
from scoring.engine.scorecard import build_matrix
from scoring.measures.metrics import Filters, attach_cube
from scoring.reports import content, pdf, render
from scoring.reports.talks import PeriodTalks
from scoring.scope import Visible
from scoring.settings import setting
from scoring.stores.targets import TargetStore, in_use

KINDS = ("agent", "department")


def kinds_for(grant: Grant) -> tuple[str, ...]:
    """The reports a user may receive or download: an agent their own agent report; a role
    that sees the Scorecard (agents' scores) both, of the teams it may see; others none."""
    role = ROLES_BY_ID[grant.role]
    if role.is_agent:
        return ("agent",)
    return KINDS if "scorecard" in grant.pages else ()


FORMATS = {".pdf": "application/pdf", ".html": "text/html"}


def saved_state(folder: str | Path) -> tuple[catalog.Entry, Path]:
    """The catalog's entry of a dataset folder and the folder of what users saved on it (as
    the dashboard finds them, under the state_dir setting)."""
    state_dir = setting("state_dir")
    entry = catalog.default_entry(catalog.list_datasets(state_dir, folder), folder)
    return entry, catalog.state_folder(state_dir, entry)


def source_for(
    folder: str | Path,
    start: date | None,
    end: date | None,
    scheme: str = schemes.DEFAULT_SCHEME,
    ds: Dataset | None = None,
) -> content.Source:
    """The source of a report on a dataset folder: its targets in use and saved state, the
    scheme's weights and normalisation, the repeat window setting (the dashboard's)."""
    repeat_days = int(setting("repeat_window_days"))
    if ds is None:
        ds = open_dataset(folder)
        attach_cube(ds, repeat_days)
    entry, state = saved_state(folder)
    targets = in_use(
        TargetStore(state), entry.opened_path(), lambda: build_matrix(ds, Filters(), repeat_days)
    )
    chosen = schemes.load(scheme, Path(setting("state_dir")))
    policy = Policy(weights=chosen.weights, method=chosen.method, targets=targets.targets)
    return content.Source(ds, Filters(start=start, end=end), policy, chosen, state, repeat_days)


def render_report(
    kind: str,
    source: content.Source,
    visible: Visible,
    lang: str,
    made_on: date,
    agent_id: str | None = None,
    feedback: content.FeedbackSource | None = None,
) -> str:
    """The report's HTML page in `lang` (an agent report needs `agent_id`; its feedback
    talks are those of the dataset's published appraisal periods, where it has a state
    folder, unless `feedback` is given)."""
    if kind == "agent":
        if agent_id is None:
            raise ValueError("an agent report needs the agent")
        if feedback is None and source.state_dir is not None:
            feedback = PeriodTalks(source.state_dir)
        report = content.agent_report(source, agent_id, visible, feedback)
        return render.agent_html(report, lang, made_on)
    if kind == "department":
        return render.department_html(content.department_report(source, visible), lang, made_on)
    raise ValueError(f"unknown report kind {kind!r} (known: {', '.join(KINDS)})")


def file_bytes(html: str, suffix: str) -> bytes:
    """The file of a report: its PDF (".pdf") or the HTML page itself (".html")."""
    if suffix == ".pdf":
        return pdf.to_pdf(html)
    if suffix == ".html":
        return html.encode("utf-8")
    raise ValueError(f"unknown report format {suffix!r} (known: {', '.join(FORMATS)})")


def agent_scope(ds: Dataset, agent_id: str) -> Visible:
    """What an agent's report may show: the agent, within their team (KeyError: unknown)."""
    team = agent_team(ds, agent_id)
    if team is None:
        raise KeyError(f"unknown agent '{agent_id}'")
    return Visible(teams=(team,), agents=(agent_id,))
