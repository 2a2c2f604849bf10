"""The Import page's sections: files, columns, agents, preview, import, history.

State kept between runs (all under `import_` keys): the staged files and their options, the
mapping being edited (`_MAPPING`, with the inputs it was suggested for), the last preview
(`_PREVIEW`, with the mapping and roster it was made with) and a message of the last import
or undo (`_FLASH`). The Import button only writes what the last preview showed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.app.app_settings import app_setting
from dashboard.app.shell import Context, open_dataset
from dashboard.importing import data
from dashboard.ui import quality
from dashboard.ui.markup import md
from dashboard.ui.values import column_value_label, value_label
from scoring.data import catalog
from scoring.ingest import pipeline, presets, readers, write
from scoring.ingest.mapping import TARGETS, Mapping, MappingError, Source, Suggestion
from scoring.ingest.readers import ReadError
from scoring.registry.contract import TABLES_BY_NAME, TICKETS
from scoring.registry.kpis import KPIS_BY_ID

_MAPPING = "_import_mapping"
_PREVIEW = "_import_preview"
_FLASH = "_import_flash"
SOURCE_KEY = "import_src_{}"
NONE_OPTION = "-"
CURRENT_OPTION = "="  # the current source when it is not a plain column (derived, constant)
ENCODINGS = (None, "utf-8", "gbk", "gb18030")
SAMPLE_VALUES = 3
VALUE_PAIRS = 4
SCORECARD_PAGE = "app_pages/scorecard.py"
TEXT_SUFFIXES = ["csv", "tsv", "txt", "xlsx", "xlsm", "parquet", "jsonl", "ndjson"]


@dataclass(frozen=True)
class Chosen:
    """The files and reading options of this run."""

    paths: tuple[str, ...]
    names: tuple[str, ...]
    encoding: str | None
    sheet: str | None
    preset: str | None
    saved: str | None


def state_root() -> Path:
    """Uploads, imported datasets and saved mappings live in the state folder itself."""
    return Path(app_setting("state_dir"))


# --------------------------------------------------------------------------------------
# 1 · Files


def files_section(ctx: Context) -> Chosen | None:
    st.subheader(ctx.t("import_step_files"))
    uploads = st.file_uploader(
        ctx.t("import_files"), type=TEXT_SUFFIXES, accept_multiple_files=True, key="import_files"
    )
    with st.expander(ctx.t("import_options")):
        encoding = st.selectbox(
            ctx.t("import_encoding"),
            ENCODINGS,
            format_func=lambda e: e.upper() if e else ctx.t("import_encoding_auto"),
            key="import_encoding",
        )
        preset = st.selectbox(
            ctx.t("import_preset"),
            [None, *presets.PRESETS],
            format_func=lambda p: ctx.t(f"import_preset_{p}" if p else "import_preset_auto"),
            key="import_preset",
        )
        saved = st.selectbox(
            ctx.t("import_saved_mapping"),
            [None, *data.mapping_store(state_root()).names()],
            format_func=lambda n: n or ctx.t("import_saved_mapping_none"),
            key="import_saved",
        )
        sheet = st.session_state.get("import_sheet")
    if not uploads:
        st.info(ctx.t("import_no_files"))
        return None
    staged = data.stage(state_root(), [data.Upload(u.name, u.getvalue()) for u in uploads])
    names = tuple(u.name for u in uploads)
    return Chosen(tuple(map(str, staged)), names, encoding, sheet, preset, saved)


def inspected(ctx: Context, chosen: Chosen) -> pipeline.Inspection | None:
    """The exports read (a message naming the file and the reason when they cannot be)."""
    try:
        found = data.inspect(chosen.paths, chosen.encoding, chosen.sheet, chosen.preset)
    except ReadError as error:
        _problems(ctx, "import_read_error", [_named(error.problem.text(), chosen)])
        return None
    except pipeline.ImportProblem as error:
        _problems(ctx, "import_problem", [_named(p, chosen) for p in error.problems])
        return None
    first = found.sources[0]
    if first.sheets and len(first.sheets) > 1:
        st.selectbox(ctx.t("import_sheet"), [None, *first.sheets], key="import_sheet",
                     format_func=lambda s: s or ctx.t("import_sheet_auto"))  # fmt: skip
    st.caption(
        ctx.t(
            "import_read_summary",
            rows=found.rows,
            columns=len(found.columns),
            details=_read_details(ctx, first),
        )
    )
    return found


def _read_details(ctx: Context, source: readers.Source) -> str:
    """How the file was read, in words (Markdown-safe: a sheet's name is the file's)."""
    parts = [source.format.upper()]
    if source.encoding:
        parts.append(source.encoding.upper())
    if source.delimiter:
        parts.append(ctx.t("import_detail_separator", separator=md(repr(source.delimiter))))
    if source.header_row and source.header_row > 1:
        parts.append(ctx.t("import_detail_header_row", row=source.header_row))
    if source.sheet:
        parts.append(ctx.t("import_detail_sheet", sheet=md(source.sheet)))
    return ctx.t("list_separator").join(parts)


def _named(text: str, chosen: Chosen) -> str:
    """A message about a staged file, naming the file as the user uploaded it."""
    for path, name in zip(chosen.paths, chosen.names, strict=True):
        text = text.replace(path, name)
    return text


def _problems(ctx: Context, title: str, problems: list[str]) -> None:
    st.error(ctx.t(title))
    for problem in problems:
        st.text(problem)  # names and values from the file: plain text, never Markdown


# --------------------------------------------------------------------------------------
# 2 · Columns


def current_suggestion(chosen: Chosen, found: pipeline.Inspection) -> Suggestion:
    """The mapping being edited; back to the suggestion (or the saved mapping) whenever the
    files or options change."""
    inputs = (chosen.paths, chosen.encoding, chosen.sheet, chosen.preset, chosen.saved)
    kept = st.session_state.get(_MAPPING)
    if kept is not None and kept[0] == inputs:
        return kept[1]
    suggestion = found.suggestion
    if chosen.saved:
        saved = data.mapping_store(state_root()).load(chosen.saved)
        suggestion = data.change_sources(chosen.paths, saved, {}, chosen.encoding, chosen.sheet)
    _forget_source_widgets()
    st.session_state[_MAPPING] = (inputs, suggestion)
    return suggestion


def _forget_source_widgets() -> None:
    for target in TARGETS:
        st.session_state.pop(SOURCE_KEY.format(target), None)


def _groups() -> dict[str, list[str]]:
    required = [f"tickets.{c}" for c in TICKETS.required_columns]
    return {
        "import_group_required": required,
        "import_group_tickets": [
            t for t in TARGETS if t.startswith("tickets.") and t not in required
        ],
        "import_group_surveys": [t for t in TARGETS if t.startswith("surveys.")],
        "import_group_agents": [t for t in TARGETS if t.startswith("agents.")],
    }


def columns_section(ctx: Context, chosen: Chosen, found: pipeline.Inspection) -> Suggestion:
    st.subheader(ctx.t("import_step_columns"))
    st.caption(ctx.t("import_columns_help"))
    suggestion = current_suggestion(chosen, found)
    for group, targets in _groups().items():
        with st.expander(ctx.t(group), expanded=group == "import_group_required"):
            for target in targets:
                _source_row(ctx, chosen, found, suggestion, target)
    if suggestion.unused:
        st.caption(ctx.t("import_unused", columns=", ".join(suggestion.unused)))
    return st.session_state[_MAPPING][1]


def _options(src: Source, columns: tuple[str, ...]) -> list[str]:
    current = [CURRENT_OPTION] if src.kind not in ("column", "none") else []
    return [*current, NONE_OPTION, *(f"c:{c}" for c in columns)]


def _option_of(src: Source) -> str:
    if src.kind == "none":
        return NONE_OPTION
    return f"c:{src.column}" if src.kind == "column" else CURRENT_OPTION


def _source_row(ctx, chosen, found, suggestion: Suggestion, target: str) -> None:
    src = suggestion.mapping[target]
    options = _options(src, found.columns)
    key = SOURCE_KEY.format(target)
    left, right = st.columns([2, 3])
    left.selectbox(
        target_label(target, ctx.lang),
        options,
        index=options.index(_option_of(src)),
        format_func=lambda option: option_label(ctx, option, src),
        key=key,
        on_change=_source_changed,
        args=(chosen, target),
    )
    right.caption(source_note(ctx, suggestion, target, found))


def _source_changed(chosen: Chosen, target: str) -> None:
    option = st.session_state[SOURCE_KEY.format(target)]
    if option == CURRENT_OPTION:
        return
    inputs, suggestion = st.session_state[_MAPPING]
    column = None if option == NONE_OPTION else option[2:]
    changed = data.change_sources(
        chosen.paths, suggestion.mapping, {target: column}, chosen.encoding, chosen.sheet
    )
    st.session_state[_MAPPING] = (inputs, changed)


def _contract_column(target: str):
    table, name = target.split(".", 1)
    return next(c for c in TABLES_BY_NAME[table].columns if c.name == name)


def target_label(target: str, lang: str) -> str:
    """A widget label (Markdown): the column's meaning, its contract name as code."""
    col = _contract_column(target)
    if lang == "zh" and col.zh:
        return f"{col.zh}（`{col.name}`）"
    return f"`{col.name}` ({col.meaning})"


def target_name(target: str, lang: str) -> str:
    """A table cell (plain text): the column's Chinese name, or its name and meaning."""
    col = _contract_column(target)
    if lang == "zh" and col.zh:
        return col.zh
    return f"{col.name} ({col.meaning})"


def option_label(ctx: Context, option: str, current: Source) -> str:
    if option == NONE_OPTION:
        return ctx.t("import_source_none")
    if option.startswith("c:"):
        return ctx.t("import_source_column", column=option[2:])
    return describe(ctx, current)


def describe(ctx: Context, src: Source) -> str:
    """A non-column source in words."""
    if src.kind == "combine":
        return ctx.t("import_source_combine", date=src.columns[0], time=src.columns[1])
    if src.kind == "constant":
        return ctx.t("import_source_constant", value=src.value)
    if src.derive == "positive":
        return ctx.t("import_source_positive", column=src.column)
    unit = ctx.t(f"import_unit_{src.unit}") if src.unit else ""
    if src.derive == "if_flag" and not src.column:
        return ctx.t("import_source_if_flag_only", flag=src.flag)
    if src.derive == "if_flag":
        return ctx.t("import_source_if_flag", flag=src.flag, column=src.column)
    return ctx.t("import_source_after", column=src.column, unit=unit)


def source_note(ctx: Context, suggestion: Suggestion, target: str, found) -> str:
    """Sample values, the date format read, and what the choice enables or costs."""
    src = suggestion.mapping[target]
    notes = []
    if src.kind == "column":
        values = found.sample[src.column].dropna().astype(str).unique()[:SAMPLE_VALUES]
        if len(values):
            notes.append(ctx.t("import_samples", values=md(", ".join(values))))
    if src.values:
        column = target.split(".", 1)[1]
        notes.append(ctx.t("import_values", pairs=value_pairs(ctx, src.values, column)))
    detected = suggestion.formats.get(target)
    if detected is not None and detected.status == "ok":
        notes.append(ctx.t("import_format", format=detected.format))
    elif detected is not None and detected.status == "ambiguous":
        notes.append(ctx.t("import_format_ambiguous", options=" / ".join(detected.options)))
    elif detected is not None and detected.status == "none":
        notes.append(ctx.t("import_format_none"))
    impact = suggestion.impacts[target]
    kpis = ", ".join(KPIS_BY_ID[k].label(ctx.lang) for k in impact.kpis)
    note = ctx.t(f"import_impact_{impact.code}", count=impact.count, kpis=kpis)
    if note and impact.code != "enables":
        notes.append(note)
    return " · ".join(notes)


# --------------------------------------------------------------------------------------
# 3 · Agents (a roster file) and 4 · Preview


def value_pairs(ctx: Context, values: dict[str, str], column: str) -> str:
    """A value map in words (Markdown-safe): "Good → 5, Email → 邮件, Offered → (no
    answer)", the first few; a contract value in the user's language."""
    empty = ctx.t("import_value_empty")
    shown = list(values.items())[:VALUE_PAIRS]
    words = [
        f"{md(raw)} → {md(column_value_label(column, value, ctx.lang)) if value else empty}"
        for raw, value in shown
    ]
    return ", ".join(words) + (" …" if len(values) > VALUE_PAIRS else "")


def roster_upload(ctx: Context) -> pd.DataFrame | None:
    st.subheader(ctx.t("import_step_agents"))
    st.caption(ctx.t("import_agents_help"))
    upload = st.file_uploader(ctx.t("import_roster"), type=TEXT_SUFFIXES, key="import_roster")
    if upload is None:
        return None
    (path,) = data.stage(state_root(), [data.Upload(upload.name, upload.getvalue())])
    try:
        return readers.read_table(path)
    except ReadError as error:
        _problems(ctx, "import_read_error", [error.problem.text().replace(str(path), upload.name)])
        return None


def _signature(mapping: Mapping, roster: pd.DataFrame | None) -> str:
    body = json.dumps(mapping.to_dict(), sort_keys=True, ensure_ascii=False)
    if roster is not None:
        body += roster.to_csv(index=False)
    return hashlib.sha256(body.encode()).hexdigest()


def preview_section(ctx, chosen: Chosen, mapping: Mapping, roster) -> data.Preview | None:
    """The preview button, and the last preview while it still matches the mapping."""
    st.subheader(ctx.t("import_step_preview"))
    st.caption(ctx.t("import_preview_help"))
    signature = (chosen.paths, _signature(mapping, roster))
    if st.button(ctx.t("import_preview"), key="import_preview", type="primary"):
        try:
            made = data.preview(
                state_root(), chosen.paths, mapping, roster, chosen.encoding, chosen.sheet,
                ctx.repeat_days,
            )  # fmt: skip
        except (pipeline.ImportProblem, write.ImportRejected, ReadError, MappingError) as error:
            _refused(ctx, error, chosen)
            return None
        st.session_state[_PREVIEW] = (signature, made)
    kept = st.session_state.get(_PREVIEW)
    if kept is None:
        return None
    if kept[0] != signature:
        st.info(ctx.t("import_preview_stale"))
        return None
    _show_preview(ctx, kept[1])
    return kept[1]


def _refused(ctx: Context, error: Exception, chosen: Chosen) -> None:
    if isinstance(error, ReadError):
        _problems(ctx, "import_read_error", [_named(error.problem.text(), chosen)])
        return
    title = "import_rejected" if isinstance(error, write.ImportRejected) else "import_problem"
    problems = getattr(error, "problems", None) or [str(error)]
    _problems(ctx, title, [_named(p, chosen) for p in problems])


def _show_preview(ctx: Context, made: data.Preview) -> None:
    counts = pd.DataFrame(
        [
            {
                ctx.t("import_table"): value_label("table", table, ctx.lang),
                ctx.t("import_rows"): c.rows,
                ctx.t("import_excluded"): c.excluded,
            }
            for table, c in made.counts.items()
        ]
    )
    st.dataframe(counts, hide_index=True)
    quality.broken_rules(ctx, made.report, with_examples=True)
    _show_unread(ctx, made.unread)
    if made.roster is not None:
        st.caption(
            ctx.t(
                "import_roster_summary",
                matched=made.roster.matched,
                without=made.roster.without_tickets,
            )
        )
    st.markdown(f"**{ctx.t('import_kpi_preview')}**")
    kpis = data.kpi_rows(made, ctx.lang)
    kpis.columns = [ctx.t("import_kpi"), ctx.t("import_kpi_value")]
    st.dataframe(kpis, hide_index=True)
    if made.unavailable:
        names = ", ".join(KPIS_BY_ID[k].label(ctx.lang) for k in made.unavailable)
        st.caption(ctx.t("import_kpis_unavailable", kpis=names))


def _show_unread(ctx: Context, unread: tuple[pipeline.Unread, ...]) -> None:
    if not unread:
        st.caption(ctx.t("import_nothing_unread"))
        return
    st.warning(ctx.t("import_unread_title"))
    rows = [
        {
            ctx.t("import_unread_column"): u.column,
            ctx.t("import_unread_target"): target_name(u.target, ctx.lang),
            ctx.t("import_unread_rows"): u.rows,
            ctx.t("import_unread_examples"): ", ".join(u.examples),
        }
        for u in unread
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def agents_editor(ctx: Context, made: data.Preview) -> pd.DataFrame:
    """The agents as they will be written, editable (the agent id stays as in the file);
    each column headed by its meaning in the user's language, an empty cell left empty."""
    headers = {c: target_name(f"agents.{c}", ctx.lang) for c in made.agents.columns}
    return st.data_editor(
        made.agents,
        key="import_agents",
        hide_index=True,
        disabled=["agent_id"],
        num_rows="fixed",
        column_config=headers,
        placeholder="",
    )


# --------------------------------------------------------------------------------------
# 5 · Import, and the history of the open dataset


def write_section(ctx, chosen: Chosen, mapping: Mapping, agents: pd.DataFrame) -> None:
    st.subheader(ctx.t("import_step_write"))
    typed = st.text_input(
        ctx.t("import_name"),
        value=catalog.dataset_name(Path(chosen.names[0]).stem) or "import",
        help=ctx.t("import_name_help"),
        key="import_name",
    )
    name = catalog.dataset_name(typed)
    append = False
    if name and data.existing(state_root(), name):
        append = st.checkbox(ctx.t("import_append", name=name), key="import_append")
        if not append:
            st.caption(ctx.t("import_replaces", name=name))
    save_as = st.text_input(ctx.t("import_save_mapping"), key="import_save_as").strip()
    if not st.button(ctx.t("import_go"), key="import_go", type="primary"):
        return
    if not name:
        st.error(ctx.t("import_name_needed"))
        return
    _import(ctx, chosen, mapping, agents, name, append, save_as)


def _import(ctx, chosen, mapping, agents, name: str, append: bool, save_as: str) -> None:
    try:
        outcome = data.import_into(
            state_root(), name, chosen.paths, mapping, agents, append=append,
            user=ctx.grant.user, encoding=chosen.encoding, sheet=chosen.sheet,
            source_names=chosen.names,
        )  # fmt: skip
    except write.ImportBusy:
        st.error(ctx.t("import_busy"))
        return
    except (pipeline.ImportProblem, write.ImportRejected, ReadError, MappingError) as error:
        _refused(ctx, error, chosen)
        return
    result = outcome.result
    flash = [ctx.t("import_done", name=name, version=result.version,
                   tickets=result.counts["tickets"].rows)]  # fmt: skip
    if save_as:
        try:
            revision = data.mapping_store(state_root()).save(save_as, mapping)
            flash.append(ctx.t("import_mapping_saved", name=save_as, revision=revision))
        except ValueError as error:
            flash.append(str(error))
    st.session_state[_FLASH] = flash
    st.session_state.pop(_PREVIEW, None)
    open_dataset(catalog.imported_key(name))
    st.rerun()


def flash(ctx: Context) -> None:
    """The message of the import or undo made in the previous run, with a way to the
    Scorecard of the dataset now open."""
    lines = st.session_state.pop(_FLASH, ())
    for line in lines:
        st.success(line)
    if lines and ctx.grant.allows_page("scorecard"):
        st.page_link(SCORECARD_PAGE, label=ctx.t("import_open_scorecard"), icon="🏅")


def history_section(ctx: Context) -> None:
    """The open dataset's import history and undo (imported datasets only)."""
    if ctx.dataset.kind != "imported":
        return
    name = ctx.dataset.name
    entries = data.history(state_root(), name)
    st.subheader(ctx.t("import_history", name=name))
    st.dataframe(history_frame(ctx, entries), hide_index=True)
    if st.button(ctx.t("import_undo"), key="import_undo"):
        try:
            version = data.undo(state_root(), name, ctx.grant.user)
        except write.NothingToUndo:
            st.warning(ctx.t("import_nothing_to_undo"))
            return
        st.session_state[_FLASH] = [ctx.t("import_undone", name=name, version=version)]
        st.rerun()


def history_frame(ctx: Context, entries: list[dict]) -> pd.DataFrame:
    rows = []
    for entry in reversed(entries):
        tickets = entry.get("tables", {}).get("tickets", {})
        rows.append(
            {
                ctx.t("import_history_time"): entry.get("time"),
                ctx.t("import_history_action"): ctx.t(f"import_action_{_action(entry)}"),
                ctx.t("import_history_user"): entry.get("user"),
                ctx.t("import_history_files"): ", ".join(entry.get("files", [])),
                ctx.t("import_history_version"): entry.get("version"),
                ctx.t("import_history_added"): tickets.get("added"),
                ctx.t("import_history_updated"): tickets.get("updated"),
                ctx.t("import_history_excluded"): tickets.get("excluded"),
            }
        )
    return pd.DataFrame(rows)


def _action(entry: dict) -> str:
    if entry.get("action") == "undo":
        return "undo"
    return "append" if entry.get("append") else "import"
