"""Issue 21, item 2: text from the data and from users is never markup, on any page.

A generated dataset is rewritten so that its agent names, team names, categories and
survey comments hold Markdown, HTML, formulas, CR/LF/tab, RTL marks and 10 KB strings; an
improvement action, a saved scenario and the signed-in user carry the same. Every page is
rendered under AppTest and what the browser would render is decoded:

- Markdown bodies (text, captions, alerts, headings, button, expander and tab labels, metric
  labels) are read the way CommonMark reads them: a backslash before ASCII punctuation makes
  it literal, and only the characters left active can form a link, an image, an HTML tag,
  an autolink, a formula, a directive or emphasis. None may come from the data.
- Plotly specs (the plotly_chart element's JSON): every string plotly draws as its
  HTML-subset text (everything but the app's templates and the customdata a template does
  not show) holds no `<`; the templates hold no tag but `<br>` and `<extra>`.
- Tables show the data's text exactly as it is (no escaping where nothing is rendered).

The decoders are written here from the CommonMark and plotly.js rules, not taken from the
app; the checks also count the places where the hostile text was seen, so they cannot pass
by looking at nothing.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as app_access
from dashboard.ui.charts import plain_figure
from dashboard.ui.markup import md, plot_text
from scoring.scope import EVERYTHING
from scoring.stores.actions import ActionStore
from scoring.synthetic.generate import generate
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
PAGES = (
    "overview",
    "scorecard",
    "balanced",
    "diagnostics",
    "whatif",
    "objectives",
    "capability",
    "kano",
    "effect",
    "data",
    "access_log",
    "appraisal",
    "my_results",
)
EVIL = "evil.example"
LINK = f"**X** [login](http://{EVIL}) ![i](http://{EVIL}/p.png)"
ANCHOR = f'<a href="http://{EVIL}/">click</a>'
STYLED = f'<span style="color:red">styled</span><img src="http://{EVIL}/i.png">'
FORMULA = "=1+1\r=2+2\n-3+3\t@SUM(A1)"
RTL = "\u202eevil\u202c \u200f RTL"
LATEX = "$\\frac{1}{0}$ :red[alarm] # Heading"
LONG = f"[long](http://{EVIL}) " + "y" * 10_000
HOSTILE = (LINK, ANCHOR, STYLED, FORMULA, RTL, LATEX, LONG)
USER = f"[boss](http://{EVIL}) **b**@example.com"
FACTOR = "reception_response_time"  # a Kano factor the generator plants


# ---------------------------------------------------------------------------------------
# The dataset


def _rewrite(path: Path, column: str, mapping) -> None:
    """Replace a string column of every Parquet file under `path` through `mapping`."""
    files = [path] if path.is_file() else sorted(path.rglob("*.parquet"))
    for file in files:
        table = pq.read_table(file, partitioning=None)
        values = [None if v is None else mapping(v) for v in table.column(column).to_pylist()]
        index = table.schema.get_field_index(column)
        field = table.schema.field(index)
        table = table.set_column(index, field, pa.array(values, type=field.type))
        pq.write_table(table, file)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("hostile") / "data"
    generate(data, tickets=4000, agents=24, teams=4, months=6, seed=11)
    teams = sorted(pd.read_parquet(data / "agents.parquet")["team"].unique())
    team_names = dict(zip(teams, [ANCHOR, LINK, f"{FORMULA} {RTL}", STYLED], strict=True))
    categories = sorted(pd.read_parquet(data / "tickets")["category"].unique())
    category_names = {c: f"{HOSTILE[i % len(HOSTILE)]} {i}" for i, c in enumerate(categories)}
    agent_ids = pd.read_parquet(data / "agents.parquet")["agent_id"].tolist()
    agent_names = {a: f"{HOSTILE[i % len(HOSTILE)]} {i}" for i, a in enumerate(agent_ids)}
    _rewrite(data / "agents.parquet", "team", team_names.get)
    owners = {**team_names, "Service department": f"{LATEX} department"}  # the generator's
    _rewrite(data / "objectives.parquet", "owner_id", lambda v: owners.get(v, v))
    _rewrite(data / "tickets", "category", category_names.get)
    _rewrite(data / "training.parquet", "skill", lambda v: category_names.get(v, v))
    names = iter(agent_names.values())
    _rewrite(data / "agents.parquet", "name", lambda _: next(names))
    # a factor the registry does not declare is named by its id, segments by their value
    _rewrite(data / "kano_responses.parquet", "factor", lambda v: {FACTOR: LINK}.get(v, v))
    _rewrite(data / "kano_responses.parquet", "segment", lambda v: f"{STYLED} {v}")
    comments = iter(range(10**9))
    _rewrite(data / "surveys", "comment", lambda _: HOSTILE[next(comments) % len(HOSTILE)])
    return data


@pytest.fixture
def world(hostile, tmp_path, monkeypatch) -> Path:
    """The hostile dataset, an access file naming a hostile user, and an action whose
    measure and owner are hostile, in this test's state folder."""
    monkeypatch.setenv("SPD_DATA_DIR", str(hostile))
    access = tmp_path / "access.json"
    access.write_text(json.dumps({"users": {USER: {"role": "leadership"}}}), encoding="utf-8")
    monkeypatch.setenv("SPD_ACCESS_FILE", str(access))
    monkeypatch.setattr(app_access, "session_user", lambda: USER)
    state = tmp_path / "state"
    monkeypatch.setenv("SPD_STATE_DIR", str(state))
    state.mkdir()
    last = pd.read_parquet(hostile / "tickets")["created_at"].max().date()
    ActionStore(state / "actions.sqlite").add(
        EVERYTHING, ANCHOR, "fcr", LINK, STYLED, last - timedelta(days=20), last
    )
    return hostile


def open_page(page: str, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "preset": "all", **(params or {})})
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


# ---------------------------------------------------------------------------------------
# Reading Markdown as CommonMark does

_PUNCTUATION = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_INERT = "\x00"  # stands for a character a backslash made literal


def active_shape(body: str) -> tuple[str, str]:
    """(shape, text) of a Markdown body: in the shape every backslash-escaped character is
    `_INERT`, so only active characters can form a construct; the text is what a reader sees
    (escapes removed)."""
    shape, text, i = [], [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body) and body[i + 1] in _PUNCTUATION:
            shape.append(_INERT)
            text.append(body[i + 1])
            i += 2
            continue
        shape.append(body[i])
        text.append(body[i])
        i += 1
    return "".join(shape), "".join(text)


# Constructs data must never form (the app's own texts use bold, never these with data).
_MARKDOWN_CONSTRUCTS = {
    "link or image": re.compile(r"\]\([^)]*" + re.escape(EVIL)),
    "image": re.compile(r"!\["),
    "HTML tag": re.compile(r"<[A-Za-z/!?]"),
    "formula": re.compile(r"\$\\frac|\$[^$\s][^$]*\$"),
    "directive": re.compile(r":red\["),
    "emphasis from data": re.compile(r"\*\*(X|b)\*\*"),
    "heading from data": re.compile(r"(^|\n)\s{0,3}#+ Heading"),
}


# GitHub-flavoured autolinks are found in the text after parsing, escapes already removed
# (mdast-util-gfm-autolink-literal: "http://", "https://", "www." and e-mail addresses); a
# browser check showed an escaped `http\://` still becomes a link.
_AUTOLINK = re.compile(r"https?://|www\.|[-.\w+]+@[-\w]+(\.[-\w]+)+", re.IGNORECASE)


def markdown_bodies(at: AppTest) -> list[tuple[str, str]]:
    """(where, body) of every text the browser renders as Markdown."""
    found = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title",
                 "header", "subheader"):  # fmt: skip
        found += [(kind, e.value) for e in at.get(kind)]
    for kind, labelled in (("button", at.button), ("expander", at.expander), ("tab", at.tabs),
                           ("metric", at.metric)):  # fmt: skip
        found += [(kind, e.label) for e in labelled]
    found += [("page_link", e.proto.label) for e in at.get("page_link")]
    return found


def markup_from_data(at: AppTest) -> tuple[list[str], int]:
    """The constructs found in Markdown bodies, and how many bodies held hostile text."""
    problems, seen = [], 0
    for where, body in markdown_bodies(at):
        shape, text = active_shape(body)
        seen += any(marker in text for marker in (EVIL, "styled", "=1+1", "alarm"))
        problems += [
            f"{name} in {where}: {body[:120]!r}"
            for name, pattern in _MARKDOWN_CONSTRUCTS.items()
            if pattern.search(shape)
        ]
        if _AUTOLINK.search(text):
            problems.append(f"autolink in {where}: {text[:120]!r}")
    return problems, seen


# ---------------------------------------------------------------------------------------
# Reading Plotly specs as plotly.js draws them

_TEMPLATES = frozenset({"hovertemplate", "texttemplate"})
_OWN_TAGS = re.compile(r"<br>|<extra>|</extra>")
_SHOWN_CUSTOMDATA = re.compile(r"%\{customdata(?:\[(\d+)\])?")


def _strings(value, key: str = ""):
    """(key, text) of every string in a parsed spec, customdata left out."""
    if isinstance(value, dict):
        for k, item in value.items():
            if k != "customdata":
                yield from _strings(item, k)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield key, value


def _shown_customdata(trace: dict):
    """The customdata texts a trace's templates put on screen."""
    templates = " ".join(trace.get(k, "") for k in _TEMPLATES)
    for index in _SHOWN_CUSTOMDATA.findall(templates):
        for item in trace.get("customdata", []):
            picked = item[int(index)] if index and isinstance(item, list) else item
            if isinstance(picked, str):
                yield picked


def chart_problems(at: AppTest) -> tuple[list[str], int]:
    """Drawn texts holding a tag from the data, and how many held the escaped hostile text."""
    problems, seen = [], 0
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        drawn = list(_strings(spec))
        drawn += [
            ("customdata", text) for trace in spec["data"] for text in _shown_customdata(trace)
        ]
        for key, text in drawn:
            seen += "&lt;a href" in text or EVIL in text
            left = _OWN_TAGS.sub("", text) if key in _TEMPLATES else text
            if "<" in left:
                problems.append(f"{key}: {text[:120]!r}")
    return problems, seen


# ---------------------------------------------------------------------------------------
# The pages


@pytest.mark.parametrize("page", PAGES)
def test_no_markup_from_the_data_reaches_a_page(world, page):
    at = open_page(page)
    assert not at.exception, [e.message for e in at.exception]
    markdown, markdown_seen = markup_from_data(at)
    charts, charts_seen = chart_problems(at)
    assert not markdown, markdown
    assert not charts, charts
    assert markdown_seen  # the signed-in caption at least shows the hostile user
    if page in ("overview", "scorecard", "diagnostics", "capability", "kano"):
        assert charts_seen, page  # a chart drew the hostile names, escaped


def test_the_diagnostics_levels_and_ticket_list_hold_no_markup(world):
    agents = pd.read_parquet(world / "agents.parquet")
    tickets = pd.read_parquet(world / "tickets")
    agent = tickets["agent_id"].value_counts().idxmax()
    category = tickets.loc[tickets["agent_id"] == agent, "category"].value_counts().index[0]
    team = agents.set_index("agent_id").at[agent, "team"]
    for params in (
        {"team": team},
        {"agent": agent},
        {"agent": agent, "drill": f"category:{category}"},
    ):
        at = open_page("diagnostics", params)
        assert not at.exception, [e.message for e in at.exception]
        for problems, _ in (markup_from_data(at), chart_problems(at)):
            assert not problems, (params, problems)


def test_an_unknown_agent_from_the_link_is_named_as_text(world):
    asked = f"**X** [login](http://{EVIL}) ![i](http://{EVIL}/p.png)"
    at = open_page("diagnostics", {"agent": asked})
    assert not at.exception
    problems, _ = markup_from_data(at)
    assert not problems, problems
    shown = [active_shape(w.value)[1].replace("\u2060", "") for w in at.warning]  # invisible
    assert any(asked in text for text in shown), shown  # named, literally


def test_a_saved_scenario_name_is_text_in_the_message(world):
    at = open_page("whatif")
    at.text_input(key="whatif_name").set_value(f"{LINK} {ANCHOR}"[:80])
    at.button(key="whatif_save").click().run()
    assert not at.exception
    (message,) = [s.value for s in at.success]
    shape, text = active_shape(message)
    assert "[login](http:" in text and not _MARKDOWN_CONSTRUCTS["link or image"].search(shape)
    assert not _AUTOLINK.search(text)


def test_tables_show_the_datas_text_as_it_is(world):
    at = open_page("scorecard")
    names = set(at.dataframe(key="scorecard_agents").value["name"])
    written = set(pd.read_parquet(world / "agents.parquet")["name"])
    assert names and names <= written  # the 10 KB, CR/LF and RTL names unchanged
    assert any("\r" in n for n in names) and any(len(n) > 10_000 for n in names)


# ---------------------------------------------------------------------------------------
# The two escapes themselves (expected values written out by hand)


def test_markdown_escape_makes_every_construct_literal():
    joiner = "\u2060"  # WORD JOINER, where GitHub's autolinks would start
    assert md("**X** [a](http://e.x)") == r"\*\*X\*\* \[a\]\(http\:" + joiner + r"\/\/e\.x\)"
    assert md("www.a.b x@y.z") == "www" + joiner + r"\.a\.b x" + joiner + r"\@y\.z"
    assert md("$x$ :red[y] # h") == r"\$x\$ \:red\[y\] \# h"
    assert md("a\r\nb\tc\u2028d") == "a  b c d"  # each line break or tab: one space
    assert md("王芳 (A001)") == r"王芳 \(A001\)"


def test_plotly_escape_leaves_the_text_plotly_shows_unchanged():
    assert plot_text('<a href="x">Tom & Jerry</a>') == '&lt;a href="x"&gt;Tom &amp; Jerry&lt;/a&gt;'
    assert plot_text(3.5) == 3.5 and plot_text(None) is None


def test_every_drawn_text_of_a_figure_is_escaped_and_ids_are_kept():
    figure = plain_figure(
        [{"type": "bar", "x": ["<b>A</b>", 1], "y": [1, 2], "name": "<i>n</i>",
          "customdata": [["<id>"]], "hovertemplate": "%{x}<br>%{y}<extra></extra>"}],
        {"title": {"text": "<u>t</u>"}, "annotations": [{"text": "<s>a</s>"}]},
    )  # fmt: skip
    spec = figure.to_plotly_json()
    (trace,) = spec["data"]
    assert trace["x"] == ["&lt;b&gt;A&lt;/b&gt;", 1] and trace["name"] == "&lt;i&gt;n&lt;/i&gt;"
    assert trace["customdata"] == [["<id>"]]  # what a click reports back
    assert trace["hovertemplate"] == "%{x}<br>%{y}<extra></extra>"
    assert spec["layout"]["title"]["text"] == "&lt;u&gt;t&lt;/u&gt;"
    assert spec["layout"]["annotations"][0]["text"] == "&lt;s&gt;a&lt;/s&gt;"


def test_the_appraisal_steps_hold_no_markup(world):
    """An appeal's reason, a feedback talk, a reopening reason and the user's name, all
    hostile, on both appraisal pages (the agent's view seen by leadership as preview)."""
    from scoring.access import OPEN
    from scoring.analyses.appraisal import periods
    from scoring.data.dataset import open_dataset
    from scoring.engine.policy import Policy
    from scoring.stores import periods as ps
    from scoring.stores.targets import REGISTRY_SET
    from tests.conftest import saved_state

    ds = open_dataset(world)
    period = periods.of_day("month", pd.read_parquet(world / "tickets")["created_at"].max().date())
    store = ps.PeriodStore(saved_state())
    ps.close_period(
        store, ds, period.id, policy=Policy(), policy_source=f"scenario:{LINK}",
        targets=REGISTRY_SET, objectives=None, grant=OPEN, author=USER, draws=20,
    )  # fmt: skip
    store.publish(period.id, OPEN, USER)
    agent = store.record(period.id, 1).frozen.agents["agent_id"].iloc[0]
    owned = ps.agent_tickets(ds, agent, period)
    store.file_appeal(period.id, agent, "fcr", sorted(owned)[:1], LINK, OPEN, owned, author=USER)
    store.save_talk(period.id, agent, OPEN, strengths=ANCHOR, advice=STYLED, actions=LATEX)
    for page in ("appraisal", "my_results"):
        at = open_page(page)
        assert not at.exception, [e.message for e in at.exception]
        markdown, seen = markup_from_data(at)
        assert not markdown, (page, markdown)
        assert seen
