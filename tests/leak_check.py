"""What a page sends to the browser, decoded, and the forbidden ids and names found in it.

A privacy check must look at values, not at bytes: Arrow stores a text column as one buffer
of all its values end to end ("A004A012A011…"), so a word-boundary search over the raw
bytes (or over protobuf text) misses every id in it. Here every element of a finished
`AppTest` run is decoded to the strings a user could read:

- every protobuf field of every element and block (main, sidebar, columns, expanders, tabs,
  forms): labels, help, options, placeholders, markdown, captions, alerts, metrics, code…;
- every bytes field that is an Arrow stream (tables, the display values of a styled table,
  Vega-Lite datasets) decoded to its column names and cell values;
- every text field holding JSON (Plotly specs and configs, column configs, st.json)
  parsed, every string in it collected with its JSON path (customdata, hovertext, ticks…);
- every widget's current value as the testing API reports it;
- the address bar (the query string the app writes back), and any text that is a
  URL-encoded query string (an access log's "team=Team+South") also decoded;
- every download's file, read back from the run's media file manager: CSV cell by cell,
  Excel (every sheet and cell, with openpyxl), JSON, PDF (the text of each page, with
  pypdf), plain text and HTML. A deferred download (a callable run only on click) is run
  the way the server runs it on a click:
  `MediaFileManager.execute_deferred`, then the file it stored is read.

AppTest makes a new media file manager for every run and drops its reference after the run,
so `recorded(at)` patches the class for the runs of `at` and keeps the last run's manager.

`leaks(values, forbidden_ids, forbidden_names)` then says which forbidden ids and names
appear, and where. An id matches as a whole token of one decoded string (ASCII word
boundaries, so "A01" is not found in "A012", while "坐席A012的" still shows "A012"); a
name matches as a substring of one decoded string.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from unittest import mock
from urllib import parse

import openpyxl
import pyarrow as pa
import pypdf
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.testing.v1.element_tree import DownloadButton, Element, Widget

_MEDIA_ATTRIBUTE = "_leak_check_media"
_JSON_START = re.compile(r"\s*[\[{]")
# Numeric typed arrays in Plotly JSON are base64 ("bdata"); they hold no text, and their
# '+' and '/' would cut random letter runs into false "tokens".
_SKIPPED_JSON_KEYS = frozenset({"bdata"})


class UndecodableError(AssertionError):
    """Part of what the page sends could not be decoded, so it could not be checked."""


@dataclass(frozen=True)
class Shown:
    """One decoded string the browser receives."""

    kind: str  # element type: dataframe, plotly_chart, selectbox, download_button, …
    key: str  # the element's key, else its place in the tree (main/3/1)
    part: str  # where in the element: a proto field, a column, a JSON path, a cell
    text: str

    @property
    def where(self) -> str:
        return f"{self.kind}[{self.key}] {self.part}"


@dataclass(frozen=True)
class Leak:
    """A forbidden id or name found in one decoded string."""

    token: str
    shown: Shown

    def __str__(self) -> str:
        text = self.shown.text if len(self.shown.text) <= 80 else self.shown.text[:77] + "…"
        return f"{self.token!r} in {self.shown.where}: {text!r}"


# ---------------------------------------------------------------------------------------
# Running an AppTest so that its downloads can be read back


def _recording_class(made: list[MediaFileManager]) -> type[MediaFileManager]:
    class RecordingMediaFileManager(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    return RecordingMediaFileManager


def recorded(at: AppTest) -> AppTest:
    """Make every later run of `at` (its own `run()` and widget interactions) keep the
    media file manager it stored its downloads in, for `collect`."""
    original: Callable = at._run

    def run_keeping_media(*args, **kwargs):
        made: list[MediaFileManager] = []
        with mock.patch.object(app_test_module, "MediaFileManager", _recording_class(made)):
            result = original(*args, **kwargs)
        setattr(at, _MEDIA_ATTRIBUTE, made[-1] if made else None)
        return result

    at._run = run_keeping_media
    return at


def media_manager(at: AppTest) -> MediaFileManager:
    manager = getattr(at, _MEDIA_ATTRIBUTE, None)
    if manager is None:
        raise UndecodableError(
            "downloads cannot be read: run the AppTest through leak_check.recorded() first"
        )
    return manager


# ---------------------------------------------------------------------------------------
# Decoding


def _json_strings(value, path: str) -> Iterator[tuple[str, str]]:
    """(JSON path, text) of every string in a parsed JSON value, dict keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", str(key)
            if key not in _SKIPPED_JSON_KEYS:
                yield from _json_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{path}[{i}]")
    elif value is not None and not isinstance(value, bool):
        yield path, str(value)


def _parsed_json(text: str):
    """The parsed JSON value of a text that is a JSON object or array, else None."""
    if not _JSON_START.match(text):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _cell_strings(value) -> Iterator[str]:
    """The text of one Arrow cell; lists, structs and maps are opened up."""
    if value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _cell_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _cell_strings(item)
    else:
        yield str(value)


def arrow_strings(data: bytes) -> Iterator[tuple[str, str]]:
    """(part, text) for the column names and every distinct cell value of an Arrow IPC
    stream (raises pyarrow's error when it is not one)."""
    table = pa.ipc.open_stream(data).read_all()
    for name in table.column_names:
        yield "column name", name
        column = table.column(name)
        distinct = column.unique() if column.type != pa.null() else []
        for value in distinct.to_pylist() if distinct else []:
            for text in _cell_strings(value):
                yield f"column {name!r}", text


def _proto_strings(message: Message, prefix: str) -> Iterator[tuple[str, str]]:
    """(field path, text) of every string in a protobuf message and its sub-messages;
    JSON text is parsed and bytes fields that are Arrow streams are decoded."""
    for field, value in message.ListFields():
        path = f"{prefix}{field.name}"
        repeated = field.is_repeated
        items = list(value.items()) if _is_map(field) else (value if repeated else [value])
        for i, item in enumerate(items):
            item_path = f"{path}[{i}]" if repeated else path
            if isinstance(item, tuple):  # a map entry
                map_key, item = item
                yield f"{item_path}.key", str(map_key)
            yield from _field_strings(item, item_path)


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _field_strings(item, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(item, Message):
        yield from _proto_strings(item, f"{path}.")
    elif isinstance(item, str):
        parsed = _parsed_json(item)
        if parsed is None:
            yield path, item
        else:
            yield from _json_strings(parsed, f"{path} json")
    elif isinstance(item, bytes):
        yield from _bytes_strings(item, path)


def _bytes_strings(data: bytes, path: str) -> Iterator[tuple[str, str]]:
    if not data:
        return
    try:
        found = list(arrow_strings(data))
    except (pa.ArrowInvalid, OSError) as error:
        raise UndecodableError(f"{path}: {len(data)} bytes that are not Arrow ({error})") from None
    yield from ((f"{path} arrow {part}", text) for part, text in found)


def _check_lazy_frame(node: Element) -> None:
    """A lazily loaded table sends rows beyond its first chunk only on request: refuse to
    call such a table checked (no page of this app loads a table lazily)."""
    lazy = getattr(node.proto, "lazy_data", None)
    if lazy is None or not node.proto.HasField("lazy_data"):
        return
    first = pa.ipc.open_stream(lazy.initial_chunk.data).read_all().num_rows
    if not lazy.HasField("row_count") or lazy.row_count > first:
        raise UndecodableError(f"{node.type}[{_key(node, '?')}]: lazy rows beyond the first")


# ---------------------------------------------------------------------------------------
# Downloads


class Download(NamedTuple):
    mime: str
    content: bytes
    name: str  # the file name the browser saves it under


def download_file(at: AppTest, button: DownloadButton) -> Download:
    """The file a click on `button` downloads. A deferred download's callable is run as
    the server runs it on a click (execute_deferred stores the file and returns its URL)."""
    manager = media_manager(at)
    proto = button.proto
    url = manager.execute_deferred(proto.deferred_file_id) if proto.deferred_file_id else proto.url
    if not url:
        raise UndecodableError(f"download_button[{button.key}]: no file and no deferred id")
    stored = manager.read_file(url.rsplit("/", 1)[-1])
    if stored is None:
        raise UndecodableError(f"download_button[{button.key}]: {url} is not stored")
    return Download(stored.mimetype, stored.content, stored.filename or "")


def _csv_strings(content: bytes) -> Iterator[tuple[str, str]]:
    text = content.decode("utf-8-sig")
    for r, row in enumerate(csv.reader(io.StringIO(text))):
        for c, cell in enumerate(row):
            yield f"csv row {r} col {c}", cell


def _excel_strings(content: bytes) -> Iterator[tuple[str, str]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        for sheet in book.worksheets:
            yield "xlsx sheet name", sheet.title
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        yield f"xlsx {sheet.title}!{cell.coordinate}", str(cell.value)
    finally:
        book.close()


def _pdf_strings(content: bytes) -> Iterator[tuple[str, str]]:
    """The text of every page (pypdf); a stand-in "PDF" of a test that prints none (its
    text after the stand-in's first line) as it is."""
    if not content.startswith(b"%PDF-1") and not content.startswith(b"%PDF-2"):
        yield "pdf stand-in", content.decode("utf-8", errors="replace")
        return
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(content)).pages, start=1):
        yield f"pdf page {number}", page.extract_text()


def _is_csv(mime: str, name: str) -> bool:
    return mime.startswith("text/csv") or name.endswith(".csv")


def _is_excel(mime: str, name: str) -> bool:
    return "spreadsheetml" in mime or name.endswith(".xlsx")


def file_strings(mime: str, content: bytes, name: str = "") -> Iterator[tuple[str, str]]:
    """(part, text) of every cell or string of a downloaded file."""
    if _is_csv(mime, name):
        yield from _csv_strings(content)
    elif _is_excel(mime, name):
        yield from _excel_strings(content)
    elif mime == "application/json" or name.endswith(".json"):
        yield from _json_strings(json.loads(content), "json")
    elif mime == "application/pdf" or name.endswith(".pdf"):
        yield from _pdf_strings(content)
    elif mime.startswith("text/"):
        yield "text", content.decode("utf-8-sig")
    else:
        raise UndecodableError(f"download of type {mime!r} ({name or 'no name'}): not decoded")


def _download_strings(at: AppTest, button: DownloadButton) -> Iterator[tuple[str, str]]:
    download = download_file(at, button)
    for part, text in file_strings(download.mime, download.content, download.name):
        yield f"file {part}", text


# ---------------------------------------------------------------------------------------
# The whole page


def _key(node, fallback: str) -> str:
    return getattr(node, "key", None) or fallback


def _nodes(at: AppTest) -> Iterator[tuple[str, object]]:
    """(place in the tree, node) of every block and element, depth first."""
    todo = [("", at._tree)]
    names = {0: "main", 1: "sidebar", 2: "event"}
    while todo:
        place, node = todo.pop()
        yield place, node
        children = getattr(node, "children", {}) or {}
        for index, child in sorted(children.items(), reverse=True):
            name = names[index] if node is at._tree else str(index)
            todo.append((f"{place}/{name}" if place else name, child))


def _widget_value(node: Widget) -> Iterator[tuple[str, str]]:
    try:
        value = node.value
    except Exception:  # noqa: BLE001 - some widgets have no value before interaction
        return
    for text in _cell_strings(list(value) if isinstance(value, set | frozenset) else value):
        yield "value", text


def _node_strings(at: AppTest, node) -> Iterator[tuple[str, str]]:
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message):
        if isinstance(node, Element):
            _check_lazy_frame(node)
        yield from _proto_strings(proto, "")
    if isinstance(node, Widget):
        yield from _widget_value(node)
    if isinstance(node, DownloadButton):
        yield from _download_strings(at, node)


def _kind(node) -> str:
    return getattr(node, "type", None) or type(node).__name__.lower()


_HEADINGS = frozenset({"title", "header", "subheader"})


def collect(at: AppTest) -> list[Shown]:
    """Every string the last run of `at` sends to the browser, decoded (see the module
    docstring); downloads need `recorded(at)` before the run. An element without a key is
    named by its place in the tree and the heading above it."""
    shown: list[Shown] = []
    section = ""
    for place, node in _nodes(at):
        kind = _kind(node)
        if kind in _HEADINGS:
            section = node.value
        key = _key(node, f"{place or 'root'} under {section!r}" if section else place or "root")
        shown.extend(Shown(kind, key, part, text) for part, text in _node_strings(at, node))
    for name, values in at.query_params.items():  # the address bar the app wrote
        for value in [values] if isinstance(values, str) else values:
            shown.append(Shown("query_params", name, "value", value))
    return [*shown, *_url_decoded(shown)]


def _url_decoded(shown: list[Shown]) -> Iterator[Shown]:
    """A text holding a query string ("team=Team+South&agent=A012") is read as decoded:
    "Team+South" is "Team South" to the reader."""
    for item in shown:
        decoded = parse.unquote_plus(item.text)
        if decoded != item.text:
            yield Shown(item.kind, item.key, f"{item.part} (url-decoded)", decoded)


# ---------------------------------------------------------------------------------------
# Finding what must not be there


def _pattern(tokens: Iterable[str], whole_words: bool) -> re.Pattern | None:
    """One regex matching any of the tokens: a quick test before each is looked for alone."""
    unique = sorted({t for t in tokens if t}, key=lambda t: (-len(t), t))
    if not unique:
        return None
    body = "|".join(re.escape(t) for t in unique)
    return re.compile(rf"\b(?:{body})\b" if whole_words else f"(?:{body})", re.ASCII)


def _has_token(token: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(token)}\b", text, re.ASCII) is not None


def leaks(
    values: Iterable[Shown], forbidden_ids: Iterable[str], forbidden_names: Iterable[str]
) -> list[Leak]:
    """The forbidden ids (whole tokens of one decoded string) and names (substrings of one
    decoded string) found, one Leak per token and string, in the order shown."""
    ids, names = set(forbidden_ids) - {""}, set(forbidden_names) - {""}
    id_pattern, name_pattern = _pattern(ids, True), _pattern(names, False)
    found: list[Leak] = []
    for shown in values:
        text = shown.text
        hits = set()
        if id_pattern is not None and id_pattern.search(text):
            hits |= {t for t in ids if _has_token(t, text)}
        if name_pattern is not None and name_pattern.search(text):
            hits |= {n for n in names if n in text}
        found.extend(Leak(token, shown) for token in sorted(hits))
    return found


def describe(found: list[Leak], limit: int = 25) -> str:
    """The leaks as readable lines: a summary first, then each token and where it was."""
    if not found:
        return "nothing forbidden found"
    tokens = sorted({leak.token for leak in found})
    kinds = sorted({leak.shown.kind for leak in found})
    lines = [f"{len(tokens)} forbidden ids/names in {', '.join(kinds)}: {', '.join(tokens)}"]
    lines += [f"  {leak}" for leak in found[:limit]]
    if len(found) > limit:
        lines.append(f"  … and {len(found) - limit} more")
    return "\n".join(lines)
