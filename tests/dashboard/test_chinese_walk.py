"""Issue 15: every page, opened in Chinese on the sample, shows no English word.

The walk opens each page (as open access, which is leadership: every page) at its defaults
and in one state a user reaches by a control, then reads what the user reads
(`readable_texts`): titles, headers, captions, Markdown, alerts, metric labels, values,
deltas and help, widget labels, options, help and placeholders (Streamlit's own
"Choose an option" / "Choose options" where a page leaves a select's placeholder to it),
expander and tab labels, table headers as shown (a column config's label, else the column's
name; hidden columns and the index left out), table cells (text cells, "None" for a missing
cell without a placeholder, number formats' words) and Plotly charts (titles, axis titles,
tick texts, legend names, bar texts, annotations, category values and hover templates with
the customdata they show).

An English word is a run of Latin letters that is not declared below: proper nouns and
format names (`PROPER_NOUNS`, each with its reason); ids (a token holding a digit, KPI ids
and contract column names written with an underscore, data-quality rule ids, and any KPI id,
contract column or date pattern in a Markdown code span); in a formula or rule description,
the contract's column names and coded values (it is written over the data); file names and
paths; and data values the catalog has no label for (team names, agent names and ids,
course names, read here from the sample's Parquet files, or an uploaded file's own cells).
Markdown escapes are read as the page shows them. Downloads are files, not page elements:
their labels are read, their contents are not.

A failure lists each English word with the element and the text it was found in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui.i18n import t
from dashboard.ui.values import VALUE_LABELS
from scoring.data.quality import rules
from scoring.registry.contract import TABLES
from scoring.registry.kpis import KPIS
from tests.conftest import ROOT, SAMPLE_DATASET
from tests.dashboard.test_import_page import export

APP = str(ROOT / "app.py")

# Proper nouns, format and product names a Chinese page writes in Latin letters, each with
# why. Matched as whole words, case-sensitively.
PROPER_NOUNS = {
    "CSAT": "customer satisfaction score: the metric's name in Chinese service teams too",
    "NPS": "Net Promoter Score: a trademarked metric name, written so in Chinese",
    "FCR": "first contact resolution: the industry abbreviation, used untranslated",
    "SLA": "service-level agreement: the contract term, used untranslated",
    "KPI": "key performance indicator: the abbreviation Chinese business writing uses",
    "Kano": "the Kano model, named after Noriaki Kano",
    "Excel": "the product name of the spreadsheet a download opens in",
    "CSV": "the file format's name",
    "TSV": "the file format's name",
    "Parquet": "the file format's name",
    "JSON": "the file format's name",
    "Lines": "'JSON Lines', the file format's name",
    "lines": "'JSON lines', the file format's name as the import page writes it",
    "UTF": "the text encoding's name (UTF-8)",
    "BOM": "byte order mark: the encoding term",
    "GBK": "the Chinese text encoding's name",
    "UTC": "the time standard's abbreviation",
    "ID": "identifier: used untranslated in Chinese forms",
    "P90": "the 90th percentile's usual abbreviation",
    "Zendesk": "a helpdesk product's name (an import preset)",
    "Freshdesk": "a helpdesk product's name (an import preset)",
    "ServiceNow": "a helpdesk product's name (an import preset)",
    "Jira": "a helpdesk product's name (an import preset: Jira Service Management)",
    "Service": "part of the product name Jira Service Management",
    "Management": "part of the product name Jira Service Management",
    "Welch": "Welch's t-test, named after Bernard Lewis Welch",
    "Mann": "the Mann–Whitney U test, named after Henry Mann",
    "Whitney": "the Mann–Whitney U test, named after Donald Ransom Whitney",
    "U": "the Mann–Whitney test's statistic symbol (U 检验)",
    "t": "Student's t, the statistic's symbol (t 检验)",
    "Kendall": "Kendall's tau, the rank correlation named after Maurice Kendall",
    "Fong": "Fong's test of a Kano classification, named after Daniel Fong",
    "Tan": "Tan & Shen's Kano-adjusted improvement ratio, named after Kay C. Tan",
    "Shen": "Tan & Shen's Kano-adjusted improvement ratio, named after Xiao-Xiang Shen",
    "k": "the exponent's symbol of Tan & Shen's adjustment (改进比率^(1/k))",
    "Spearman": "the Spearman-Brown formula, named after Charles Spearman",
    "Brown": "the Spearman-Brown formula, named after William Brown",
    "kappa": "Cohen's kappa, the agreement statistic's name as Chinese texts write it",
    "Kappa": "Cohen's kappa, as a column heading",
    "z": "the z-score's symbol (z 分数, as Chinese statistics writes it)",
    "DiD": "difference in differences, the method's abbreviation (given as 双重差分 beside it)",
    "p": "the p-value's symbol, as Chinese statistics writes it (p 值)",
    "n": "the sample size's symbol (n = 58)",
    "YYYY": "a date pattern (YYYY-MM-DD) the user types",
    "MM": "a date pattern (YYYY-MM-DD) the user types",
    "DD": "a date pattern (YYYY-MM-DD) the user types",
    "SPD_DATA_DIR": "an environment variable's name",
    "SPD_STATE_DIR": "an environment variable's name",
}
# Ids written as codes: KPI ids and the data contract's column names with an underscore
# (links, exports, the command line and the user's own files name them so), and the
# data-quality rules' ids (what `python -m scoring validate` reports). A one-word id
# ("workload", "team") reads as an English word, so it passes only in a Markdown code span.
KPI_IDS = frozenset(k.id for k in KPIS)
CONTRACT_COLUMNS = frozenset(c.name for table in TABLES for c in table.columns)
RULE_IDS = frozenset(rule.id for rule in rules(tuple(KPI_IDS)))
CODE_IDS = frozenset(name for name in KPI_IDS | CONTRACT_COLUMNS if "_" in name) | RULE_IDS
# A formula or a data-quality rule is written over the data: its cells may also name any
# column of the contract and the coded values the data holds ("reviewer_role ≠ self").
CODED_VALUES = frozenset(v for field in VALUE_LABELS.values() for v in field)
FORMULA_HEADERS = frozenset(t(key, "zh") for key in ("formula", "description"))
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_CODE_SPAN = re.compile(r"`([^`]*)`")
_TAG = re.compile(r"<[^>]*>")
_DATE_PATTERN = re.compile(r"(?:%[A-Za-z]|[^A-Za-z%])+")
_PATH_OR_FILE = re.compile(
    r"(?:[\w.-]*/[\w./-]+)|(?:[\w.-]+\.(?:csv|xlsx|parquet|json|jsonl|ndjson|tsv|txt))",
    re.IGNORECASE,
)
_TEMPLATE_FIELD = re.compile(r"%\{[^}]*\}|<[^>]*>|%[-+ 0#]*\d*(?:\.\d+)?[dfisxXeEgG%]")
# Named number formats of a column config: a format, not a word shown.
_NAMED_FORMATS = frozenset(
    {"plain", "localized", "percent", "dollar", "euro", "yen", "accounting", "compact",
     "scientific", "engineering", "bytes", "duration"}
)  # fmt: skip
# What Streamlit's browser side writes in a select left without a placeholder.
STREAMLIT_PLACEHOLDERS = {"selectbox": "Choose an option", "multiselect": "Choose options"}
STREAMLIT_MISSING_CELL = "None"  # a missing table cell, without a placeholder


@dataclass(frozen=True)
class Read:
    """One text the user reads: where it is (element and part) and the text."""

    where: str
    text: str
    over_the_data: bool = False  # a formula or rule: may name the data's columns and values


@dataclass(frozen=True, repr=False)
class Allowed:
    """What may stand in Latin letters: whole phrases (data values) and single tokens."""

    phrases: tuple[str, ...]  # longest first
    tokens: frozenset[str]

    def english_words(self, text: str, over_the_data: bool = False) -> list[str]:
        """The English words of `text`: Latin words that are not declared (a token with a
        digit is an id: A004, P90, 2026-W10, B-NO-AGENT-1)."""
        text = re.sub(r"\\(.)", r"\1", text)  # Markdown escapes, as the page shows them
        text = _CODE_SPAN.sub(lambda m: " " if _is_code(m.group(1)) else m.group(0), text)
        for phrase in self.phrases:
            text = text.replace(phrase, " ")
        text = _PATH_OR_FILE.sub(" ", text)
        tokens = self.tokens | (CONTRACT_COLUMNS | CODED_VALUES if over_the_data else set())
        found = []
        for word in _WORD.findall(text):
            word = word.strip(".-_")
            if any(ch.isdigit() for ch in word) or word in tokens:
                continue
            if any(ch.isalpha() for ch in word):
                found.append(word)
        return found


def _is_code(span: str) -> bool:
    """A Markdown code span holding an id of the contract or registry, or a date pattern
    (`%d-%m-%Y %H:%M`: every letter a directive)."""
    return span in KPI_IDS | CONTRACT_COLUMNS or re.fullmatch(_DATE_PATTERN, span) is not None


def allowed_for(data: Path) -> Allowed:
    """The declared words plus the data values without a label in this dataset: teams,
    agents (ids and names), course names and objectives' owners (the department's name),
    read with pandas."""
    agents = pd.read_parquet(data / "agents.parquet")
    values = [*agents["team"].dropna(), *agents["name"].dropna(), *agents["agent_id"]]
    for table, column in (("training", "course"), ("objectives", "owner_id")):
        if (data / f"{table}.parquet").exists():
            values += list(pd.read_parquet(data / f"{table}.parquet")[column].dropna())
    phrases = tuple(sorted({str(v) for v in values}, key=len, reverse=True))
    return Allowed(phrases, frozenset(PROPER_NOUNS) | CODE_IDS)


# ---------------------------------------------------------------------------------------
# What the user reads, element by element


def _nodes(at: AppTest) -> Iterator[tuple[str, object]]:
    """(place, node) of every block and element of the last run, in page order."""
    todo = [("", at._tree)]
    while todo:
        place, node = todo.pop(0)
        yield place, node
        children = getattr(node, "children", {}) or {}
        todo[:0] = [(f"{place}/{i}", child) for i, child in sorted(children.items())]


_TEXT_FIELDS = ("label", "body", "help", "placeholder", "delta", "title")
_MARKDOWN_LIKE = frozenset(
    {"title", "header", "subheader", "markdown", "caption", "text", "latex", "info",
     "warning", "error", "success", "exception", "toast"}
)  # fmt: skip


def _proto_texts(proto) -> Iterator[tuple[str, str]]:
    for name in _TEXT_FIELDS:
        if name in proto.DESCRIPTOR.fields_by_name:
            value = getattr(proto, name)
            if isinstance(value, str) and value.strip():
                yield name, value
    if "options" in proto.DESCRIPTOR.fields_by_name:
        for option in proto.options:
            yield "option", option if isinstance(option, str) else getattr(option, "content", "")
    if "message" in proto.DESCRIPTOR.fields_by_name and isinstance(proto.message, str):
        yield "message", proto.message


def none_options(at: AppTest) -> frozenset[str]:
    """Keys of the selects showing None as one of their options (a default index with the
    value None). A later run with the value kept in the session sends no default index,
    while the browser goes on showing that option: such a select is not empty then."""
    return frozenset(
        node.key
        for node in at.get("selectbox")
        if node.value is None and node.proto.HasField("default")
    )


def _empty_select_placeholder(
    kind: str, node, with_none: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """Streamlit's own words in a select without a placeholder of the page's, when the
    select shows no value (a multiselect's placeholder shows once nothing is chosen)."""
    if kind not in STREAMLIT_PLACEHOLDERS or node.proto.placeholder:
        return
    if kind == "multiselect":
        empty = not node.value
    else:
        none_shown = node.proto.HasField("default") or node.key in with_none
        empty = node.value is None and not none_shown
    if empty:
        yield "streamlit placeholder", STREAMLIT_PLACEHOLDERS[kind]


def _block_texts(proto) -> Iterator[tuple[str, str]]:
    which = proto.WhichOneof("type")
    part = getattr(proto, which, None) if which else None
    for name in ("label", "title"):
        if part is not None and name in part.DESCRIPTOR.fields_by_name:
            value = getattr(part, name)
            if value:
                yield f"{which} {name}", value


def _shown_columns(table: pa.Table, config: dict) -> Iterator[tuple[str, str]]:
    """(column name, header shown) of the columns a table shows."""
    for name in table.column_names:
        settings = config.get(name, {})
        if name.startswith("__index_level") or name == "_index" or settings.get("hidden"):
            continue
        if "_index" in config and config["_index"].get("hidden") and name.startswith("__"):
            continue
        yield name, settings.get("label") or name


def _format_words(settings: dict) -> Iterator[str]:
    fmt = ((settings.get("type_config") or {}).get("format")) or ""
    if fmt and fmt not in _NAMED_FORMATS:
        yield _TEMPLATE_FIELD.sub(" ", fmt)


def _table_texts(proto) -> Iterator[tuple[str, str]]:
    data = proto.arrow_data.data
    if not data:
        return
    table = pa.ipc.open_stream(data).read_all()
    config = json.loads(proto.columns) if proto.columns else {}
    placeholder = proto.placeholder if proto.HasField("placeholder") else None
    for name, header in _shown_columns(table, config):
        settings = config.get(name, {})
        yield "header", header
        if settings.get("help"):
            yield f"help of {header!r}", settings["help"]
        for words in _format_words(settings):
            yield f"format of {header!r}", words
        column = table.column(name)
        if column.null_count:
            shown = STREAMLIT_MISSING_CELL if placeholder is None else placeholder
            yield f"missing cell under {header!r}", shown
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            for value in column.unique().to_pylist():
                if value:
                    yield f"cell under {header!r}", value
        elif pa.types.is_dictionary(column.type):
            for value in pa.chunked_array(column).combine_chunks().dictionary.to_pylist():
                yield f"cell under {header!r}", str(value)


def _title_text(value) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return str(value or "")


def _axis_texts(layout: dict) -> Iterator[tuple[str, str]]:
    for key, axis in layout.items():
        if not re.fullmatch(r"[xy]axis\d*|polar|coloraxis", key) or not isinstance(axis, dict):
            continue
        axes = [axis, axis.get("radialaxis") or {}, axis.get("angularaxis") or {}]
        axes.append(axis.get("colorbar") or {})
        for part in axes:
            if _title_text(part.get("title")):
                yield f"{key} title", _title_text(part.get("title"))
            for tick in part.get("ticktext") or []:
                yield f"{key} tick", str(tick)


def _strings(values) -> Iterator[str]:
    if isinstance(values, str):
        yield values
    elif isinstance(values, list):
        for value in values:
            yield from _strings(value)


def _trace_texts(trace: dict) -> Iterator[tuple[str, str]]:
    kind = trace.get("type", "trace")
    if trace.get("name") and trace.get("showlegend", True) is not False:
        yield f"{kind} legend", str(trace["name"])
    for key in ("x", "y", "labels", "theta", "text", "hovertext"):
        for text in _strings(trace.get(key)):
            yield f"{kind} {key}", text
    for key in ("hovertemplate", "texttemplate"):
        template = trace.get(key)
        if isinstance(template, str):
            yield f"{kind} {key}", _TEMPLATE_FIELD.sub(" ", template)
            if "customdata" in template:
                for text in _strings(trace.get("customdata")):
                    yield f"{kind} customdata", text
    colorbar = (trace.get("colorbar") or {}).get("title")
    if _title_text(colorbar):
        yield f"{kind} colorbar", _title_text(colorbar)


def _chart_texts(proto) -> Iterator[tuple[str, str]]:
    """Texts of a Plotly chart, its HTML line breaks and tags left out."""
    for part, text in _chart_strings(json.loads(proto.spec)):
        yield part, _TAG.sub(" ", text)


def _chart_strings(spec: dict) -> Iterator[tuple[str, str]]:
    layout = spec.get("layout", {})
    if _title_text(layout.get("title")):
        yield "title", _title_text(layout["title"])
    if _title_text((layout.get("legend") or {}).get("title")):
        yield "legend title", _title_text(layout["legend"]["title"])
    for note in layout.get("annotations") or []:
        yield "annotation", _TEMPLATE_FIELD.sub(" ", str(note.get("text") or ""))
    yield from _axis_texts(layout)
    for trace in spec.get("data", []):
        yield from _trace_texts(trace)


def _node_texts(kind: str, node, with_none: frozenset[str]) -> Iterator[tuple[str, str]]:
    proto = getattr(node, "proto", None)
    if proto is None:
        return
    if type(proto).__name__ == "Block":
        yield from _block_texts(proto)
    elif kind == "plotly_chart":
        yield from _chart_texts(proto)
    elif kind in ("arrow_data_frame", "dataframe", "table"):
        yield from _table_texts(proto)
    elif kind in _MARKDOWN_LIKE or kind == "metric" or hasattr(proto, "label"):
        yield from _proto_texts(proto)
        yield from _empty_select_placeholder(kind, node, with_none)


def readable_texts(at: AppTest, with_none: frozenset[str] = frozenset()) -> list[Read]:
    """Every text of the last run of `at` a user reads (see the module docstring), except
    the language switch, which names itself in both languages so that either reader
    finds it. `with_none`: the `none_options` of the page's first run."""
    found = []
    for place, node in _nodes(at):
        kind = getattr(node, "type", None) or type(node).__name__.lower()
        if getattr(node, "key", None) == "w_lang":
            continue
        where = f"{kind}[{getattr(node, 'key', None) or place}]"
        for part, text in _node_texts(kind, node, with_none):
            over_the_data = any(part == f"cell under {h!r}" for h in FORMULA_HEADERS)
            found.append(Read(f"{where} {part}", text, over_the_data))
    return found


def english_found(
    at: AppTest, allowed: Allowed, with_none: frozenset[str] = frozenset()
) -> list[str]:
    """Each English word found, with where and in which text (one line per text)."""
    lines = []
    for read in readable_texts(at, with_none):
        words = allowed.english_words(read.text, read.over_the_data)
        if words:
            text = read.text if len(read.text) <= 120 else read.text[:117] + "…"
            lines.append(f"{read.where}: {sorted(set(words))} in {text!r}")
    return sorted(set(lines), key=lines.index)


def assert_no_english(
    at: AppTest, allowed: Allowed, with_none: frozenset[str] = frozenset()
) -> None:
    assert not at.exception, [e.message for e in at.exception]
    found = english_found(at, allowed, with_none)
    assert not found, f"{len(found)} texts with English words:\n" + "\n".join(found)


# ---------------------------------------------------------------------------------------
# The detector itself


def _tiny_app() -> None:  # the body of an AppTest made from a function
    import pandas as pd
    import streamlit as st

    which = st.session_state.get("which", "clean")
    if which == "clean":
        st.title("总览 · Team North")
        st.caption("CSAT 与 NPS 达标；文件 scorecard.csv，工号 A004")
        st.dataframe(pd.DataFrame({"班组": ["Team North"]}), hide_index=True)
        st.selectbox("班组", ["Team North"], index=None, placeholder="全部")
        st.selectbox("用户", [None, "A004"], format_func=lambda v: v or "全部")  # None shown
        st.markdown("指标 `workload`（日均工单量），日期按 `%d-%m-%Y` 读取")  # ids as code
    elif which == "id_outside_code":
        st.markdown("指标 workload 的说明")
    elif which == "select_without_placeholder":
        st.selectbox("班组", ["Team North"], index=None)
    elif which == "markdown":
        st.markdown("每单多 **hours** 小时")
    elif which == "header":
        st.dataframe(pd.DataFrame({"interval_low": [0.1]}), hide_index=True)
    elif which == "none_cell":
        st.dataframe(pd.DataFrame({"班组": ["Team North", None]}), hide_index=True)
    elif which == "placeholder":
        st.multiselect("班组", ["Team North"])
    elif which == "chart":
        import plotly.graph_objects as go

        st.plotly_chart(go.Figure(go.Bar(x=["repair"], y=[1]), layout={"title": "工单"}))
    elif which == "metric":
        st.metric("平均处理时长", "40 min", delta="+1.2 pts")


@pytest.fixture(scope="module")
def tiny_allowed() -> Allowed:
    return Allowed(("Team North",), frozenset(PROPER_NOUNS))


def run_tiny(which: str) -> AppTest:
    at = AppTest.from_function(_tiny_app, default_timeout=30)
    at.session_state["which"] = which
    return at.run()


def test_the_detector_passes_declared_nouns_ids_files_and_data_values(tiny_allowed):
    at = run_tiny("clean")
    assert english_found(at, tiny_allowed) == []
    assert any("Team North" in read.text for read in readable_texts(at))  # it was read


@pytest.mark.parametrize(
    ("which", "word"),
    [
        ("markdown", "hours"),
        ("header", "interval_low"),
        ("none_cell", "None"),
        ("placeholder", "Choose"),
        ("select_without_placeholder", "Choose"),
        ("id_outside_code", "workload"),
        ("chart", "repair"),
        ("metric", "min"),
        ("metric", "pts"),
    ],
)
def test_the_detector_finds_an_english_word(tiny_allowed, which, word):
    found = english_found(run_tiny(which), tiny_allowed)
    assert any(f"'{word}'" in line for line in found), found


def test_allowed_words_match_whole_words_only(tiny_allowed):
    assert tiny_allowed.english_words("CSATS 与 Kanoo") == ["CSATS", "Kanoo"]
    assert tiny_allowed.english_words("A004 · P90 · 2026-W10 · /data/sample/x.parquet") == []


# ---------------------------------------------------------------------------------------
# The walk


@pytest.fixture(scope="module")
def sample_allowed() -> Allowed:
    return allowed_for(SAMPLE_DATASET)


def open_page(monkeypatch, page: str, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("SPD_DATA_DIR", str(SAMPLE_DATASET))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "zh", **(params or {})})
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def _first_team() -> str:
    return sorted(pd.read_parquet(SAMPLE_DATASET / "agents.parquet")["team"].unique())[0]


def _scorecard_row_selected(at: AppTest) -> AppTest:
    at.session_state["scorecard_agents"] = {"selection": {"rows": [0], "columns": []}}
    return at.run()


def _by_week(at: AppTest) -> AppTest:
    return at.radio("overview_granularity").set_value("week").run()


def _to_zh(at: AppTest) -> AppTest:
    return at.radio("w_lang").set_value("zh").run()


def _targets_minutes_adopted(at: AppTest) -> AppTest:
    at.selectbox("targets_kpi").set_value("handle_minutes").run()
    return at.button("targets_adopt_all").click().run()


def _whatif_last_method(at: AppTest) -> AppTest:
    method = at.selectbox("whatif_method")
    return method.select_index(len(method.options) - 1).run()


def _kano_one_segment(at: AppTest) -> AppTest:
    return at.selectbox("kano_segment").set_value("enterprise").run()


def _balanced_an_agent(at: AppTest) -> AppTest:
    return at.radio("balanced_level").set_value("agent").run()


def _effect_without_control(at: AppTest) -> AppTest:
    return at.radio("effect_control_mode").set_value("none").run()


def _appraisal_closed_and_published(at: AppTest) -> AppTest:
    at.selectbox("appraisal_period").select_index(1).run()
    at = at.button("appraisal_close").click().run()
    return at.button("appraisal_publish").click().run()


def _my_results_published(at: AppTest) -> AppTest:
    at.switch_page("app_pages/appraisal.py")
    at = _appraisal_closed_and_published(at.run())
    at.switch_page("app_pages/my_results.py")
    return at.run()


def _access_log_of_the_overview(at: AppTest) -> AppTest:
    return at.selectbox("access_log_page").set_value("overview").run()


# (page, state, URL parameters, what a user does after opening)
STATES = [
    ("overview", "defaults", {}, None),
    ("overview", "by week", {}, _by_week),
    ("scorecard", "defaults", {}, None),
    ("scorecard", "a row selected", {}, _scorecard_row_selected),
    ("diagnostics", "defaults", {}, None),
    ("diagnostics", "a team chosen", {"team": _first_team()}, None),
    ("whatif", "defaults", {}, None),
    ("whatif", "another normalisation", {}, _whatif_last_method),
    ("capability", "defaults", {}, None),
    ("capability", "360 competencies", {"skill": "competency"}, None),
    ("targets", "defaults", {}, None),
    ("targets", "minutes, suggestions adopted", {}, _targets_minutes_adopted),
    ("kano", "defaults", {}, None),
    ("objectives", "defaults", {}, None),
    ("kano", "one segment", {}, _kano_one_segment),
    ("balanced", "defaults", {}, None),
    ("balanced", "an agent", {}, _balanced_an_agent),
    ("effect", "defaults", {}, None),
    ("effect", "no control group", {}, _effect_without_control),
    ("data", "defaults", {}, None),
    ("data", "a team chosen", {"team": _first_team()}, None),
    ("overview", "one channel, English then Chinese", {"lang": "en", "channel": "phone"}, _to_zh),
    ("import_data", "defaults", {}, None),
    ("access_log", "defaults", {}, None),
    ("access_log", "the overview's views", {}, _access_log_of_the_overview),
    ("appraisal", "defaults", {}, None),
    ("appraisal", "closed and published", {}, _appraisal_closed_and_published),
    ("my_results", "a published result", {}, _my_results_published),
]


def _case(page: str, state: str, params: dict, act) -> pytest.param:
    return pytest.param(page, params, act, id=f"{page}-{state}")


@pytest.mark.parametrize(("page", "params", "act"), [_case(*s) for s in STATES])
def test_the_page_in_chinese_shows_no_english(monkeypatch, sample_allowed, page, params, act):
    at = open_page(monkeypatch, page, params)
    with_none = none_options(at)
    if act is not None:
        at = act(at)
    assert_no_english(at, sample_allowed, with_none)


def test_the_import_page_in_chinese_after_an_upload_and_a_preview(monkeypatch, tmp_path):
    """The mapping and the preview of an uploaded export: its own headers and values are
    data (allowed), every word around them Chinese."""
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("SPD_DATA_DIR", raising=False)
    content = export()
    cells = {cell for row in csv.reader(io.StringIO(content.decode())) for cell in row if cell}
    base = allowed_for(SAMPLE_DATASET)
    allowed = Allowed(tuple(sorted(set(base.phrases) | cells, key=len, reverse=True)), base.tokens)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("app_pages/import_data.py")
    at.run()
    with_none = none_options(at)
    at.file_uploader(key="import_files").set_value(("april.csv", content, "text/csv"))
    at.run()
    assert_no_english(at, allowed, with_none)
    at.button(key="import_preview").click().run()
    assert_no_english(at, allowed, with_none)
