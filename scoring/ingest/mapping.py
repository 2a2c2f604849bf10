"""The column mapping: where each contract column of an import comes from.

A `Mapping` says, for every contract column that can come from the rows of one ticket
export (all of `tickets`, the survey answers and the agent attributes written on ticket
rows), which *source* fills it. It is plain data, saved as JSON (`to_dict` / `from_dict`):

```json
{
  "version": 1,                       // MAPPING_FORMAT; another number is refused
  "name": "our monthly export",
  "preset": "zendesk",                // the preset it started from, or null
  "null_tokens": ["", "?", "-"],      // raw values read as empty (ServiceNow writes "?")
  "keep_last": {"order_by": "sys_updated_on", "format": "%d-%m-%Y %H:%M:%S"},
                                      // event-log export: one row per update; keep the
                                      // last row per ticket id by this column (or null)
  "sources": {
    "tickets.ticket_id":  {"kind": "column", "column": "Call Id"},
    "tickets.created_at": {"kind": "combine", "columns": ["Date", "Time"],
                           "format": "%Y-%m-%d", "time_format": "%H:%M:%S"},
    "tickets.channel":    {"kind": "constant", "value": "phone"},
    "tickets.first_response_at": {"kind": "derive", "derive": "after",
                           "column": "Speed of answer in seconds", "unit": "seconds",
                           "base": "tickets.created_at"},
    "tickets.resolved_at": {"kind": "derive", "derive": "if_flag", "flag": "Resolved",
                           "column": "AvgTalkDuration", "unit": "duration"},
    "tickets.reopened":   {"kind": "derive", "derive": "positive", "column": "Reopens"},
    "tickets.priority":   {"kind": "column", "column": "Priority",
                           "values": {"Normal": "medium"}},
    "surveys.csat":       {"kind": "column", "column": "Satisfaction Score",
                           "values": {"Good": "5", "Bad": "1", "Offered": "", "Unoffered": ""}},
    "tickets.product":    {"kind": "none"}
  }
}
```

Source kinds: `column` (one raw column; `format` for a timestamp, `values` a value map,
`unit` for a duration stored in a float column), `combine` (a date column and a time column),
`constant`, `derive` (`after`: base + an amount of `unit`; `if_flag`: base (+ amount) when the
`flag` column maps to true, else empty; `positive`: a count > 0 as a bool) and `none`
(not available). A value mapped to "" becomes empty. Units: seconds, minutes, hours, or
duration ("0:02:23", or a number of seconds).

Value maps compare case-insensitively after trimming. A string column keeps unmapped
values as they are; a bool column maps the common words (Y/N, yes/no, 是/否, true/false,
1/0) unless told otherwise; an int column casts what is not mapped.

Zendesk's satisfaction is two-point (Good / Bad). It maps to csat 5 and 1: the share of
Good answers is then exactly the csat_satisfied rate (csat >= 4), and the csat mean is
1 + 4 x that share. "Offered" and "Unoffered" are no answer (no survey row). Freshdesk's
seven classic codes 103 … -103 are rescaled linearly onto 1–5 and rounded:
103→5, 102→4, 101→4, 100→3, -101→2, -102→2, -103→1.

`suggest` proposes a mapping from the headers (English and Chinese synonyms), sample values
and, optionally, a preset (`scoring/ingest/presets.py`); `select_sql` turns a mapping into
DuckDB SELECTs over the raw view (every raw column VARCHAR) giving the contract's typed
`tickets`, and the `agents` and `surveys` derived from the ticket rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import duckdb
import pandas as pd

from scoring.data.sql import ident
from scoring.registry.contract import AGENTS, DUCKDB_TYPE, SURVEYS, TICKETS
from scoring.registry.kpis import KPIS

MAPPING_FORMAT = 1
KINDS = ("column", "combine", "constant", "derive", "none")
DERIVATIONS = ("after", "if_flag", "positive")
UNITS = ("seconds", "minutes", "hours", "duration")
UNIT_SECONDS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0}
DEFAULT_NULL_TOKENS = ("", "?", "-", "N/A", "n/a", "NULL", "null", "None")
UNASSIGNED_TEAM = "Unassigned"

# Contract columns that can come from ticket rows. survey_id / surveys.ticket_id and
# agents.agent_id are not mapped: they are the ticket id and the agent value.
SURVEY_FROM_ROWS = ("submitted_at", "csat", "attitude", "quality", "speed", "nps", "comment")
AGENT_FROM_ROWS = ("name", "team", "supervisor", "site")
TARGETS: tuple[str, ...] = (
    *(f"tickets.{c.name}" for c in TICKETS.columns),
    *(f"surveys.{c}" for c in SURVEY_FROM_ROWS),
    *(f"agents.{c}" for c in AGENT_FROM_ROWS),
)
_TABLES = {"tickets": TICKETS, "surveys": SURVEYS, "agents": AGENTS}
# Float columns that hold a time, and the number of seconds in their unit.
TIME_UNIT_COLUMNS = {
    "tickets.handle_minutes": 60.0,
    "tickets.sla_response_minutes": 60.0,
    "tickets.sla_resolve_hours": 3600.0,
}
TRUE_WORDS = ("y", "yes", "true", "t", "1", "是", "已解决", "resolved", "closed", "已关闭")
FALSE_WORDS = ("n", "no", "false", "f", "0", "否", "未解决", "open", "pending", "处理中")
BOOL_VALUES = {**{w: "true" for w in TRUE_WORDS}, **{w: "false" for w in FALSE_WORDS}}
# Answers to "is it resolved?" given as a status (Resolved/Closed/已解决/已关闭 → true).
STATUS_RESOLVED = {
    **{w: "true" for w in ("resolved", "closed", "solved", "done", "已解决", "已关闭", "完成")},
    **{w: "false" for w in ("open", "new", "pending", "on hold", "in progress", "hold")},
    **{w: "false" for w in ("新建", "处理中", "待处理", "挂起", "waiting on customer")},
}


class MappingError(ValueError):
    """Every problem of a mapping at once, each naming its field."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the mapping:\n"
            + "\n".join(f"  - {p}" for p in self.problems)
        )


def target_type(target: str) -> str:
    """The contract type (string, timestamp, int, float, bool) of `table.column`."""
    table, column = target.split(".", 1)
    return _TABLES[table].column(column).type


# --------------------------------------------------------------------------------------
# The record


@dataclass(frozen=True)
class Source:
    """Where one contract column comes from (see the module docstring for the kinds)."""

    kind: str = "none"
    column: str | None = None
    columns: tuple[str, ...] = ()
    value: str | None = None
    derive: str | None = None
    flag: str | None = None
    unit: str | None = None
    base: str | None = None
    format: str | None = None
    time_format: str | None = None
    values: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """The raw columns this source reads."""
        names = [*self.columns, self.column, self.flag]
        return tuple(n for n in names if n)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "kind" or value in (None, (), {}) or value == MappingProxyType({}):
                continue
            out[f.name] = list(value) if f.name == "columns" else value
            if f.name == "values":
                out[f.name] = dict(value)
        return out


SOURCE_FIELDS = tuple(f.name for f in fields(Source))


def column(name: str, **kw: Any) -> Source:
    return Source(kind="column", column=name, **kw)


def constant(value: str) -> Source:
    return Source(kind="constant", value=value)


NONE = Source()


@dataclass(frozen=True)
class KeepLast:
    """Event-log exports: keep only the last row per ticket id, ordered by `order_by`."""

    order_by: str
    format: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A source for every target of TARGETS (missing ones are `none`); checked on creation."""

    sources: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    name: str = ""
    preset: str | None = None
    null_tokens: tuple[str, ...] = DEFAULT_NULL_TOKENS
    keep_last: KeepLast | None = None
    version: int = MAPPING_FORMAT

    def __post_init__(self) -> None:
        full = {t: self.sources.get(t, NONE) for t in TARGETS}
        extra = [t for t in self.sources if t not in full]
        object.__setattr__(self, "sources", MappingProxyType(full))
        object.__setattr__(self, "null_tokens", tuple(self.null_tokens))
        problems = [
            f"sources.{t}: not a contract column that comes from ticket rows" for t in extra
        ]
        problems += structure_problems(self)
        if problems:
            raise MappingError(problems)

    def __getitem__(self, target: str) -> Source:
        return self.sources[target]

    def replace(self, **changes: Source) -> Mapping:
        """A copy with some sources changed: `m.replace(**{"tickets.channel": constant("web")})`."""
        return Mapping(
            {**self.sources, **changes},
            self.name,
            self.preset,
            self.null_tokens,
            self.keep_last,
        )

    @property
    def raw_columns(self) -> tuple[str, ...]:
        cols = [c for s in self.sources.values() for c in s.raw_columns]
        if self.keep_last:
            cols.append(self.keep_last.order_by)
        return tuple(dict.fromkeys(cols))

    def to_dict(self) -> dict[str, Any]:
        keep = self.keep_last
        return {
            "version": self.version,
            "name": self.name,
            "preset": self.preset,
            "null_tokens": list(self.null_tokens),
            "keep_last": None
            if keep is None
            else {"order_by": keep.order_by, "format": keep.format},
            "sources": {t: s.to_dict() for t, s in self.sources.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Mapping:
        """The mapping a `to_dict` wrote; unknown fields and every other problem are refused."""
        problems = _document_problems(data)
        if problems:
            raise MappingError(problems)
        sources = {t: _source_from_dict(s) for t, s in data.get("sources", {}).items()}
        keep = data.get("keep_last")
        return cls(
            sources,
            data.get("name", ""),
            data.get("preset"),
            tuple(data.get("null_tokens", DEFAULT_NULL_TOKENS)),
            None if keep is None else KeepLast(keep["order_by"], keep.get("format")),
        )


_TOP_FIELDS = ("version", "name", "preset", "null_tokens", "keep_last", "sources")


def _document_problems(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return [f"mapping: expected a JSON object, got {type(data).__name__}"]
    problems = [f"{k}: unknown field" for k in data if k not in _TOP_FIELDS]
    if data.get("version") != MAPPING_FORMAT:
        problems.append(f"version: expected {MAPPING_FORMAT}, got {data.get('version')!r}")
    if not isinstance(data.get("name", ""), str):
        problems.append("name: expected text")
    tokens = data.get("null_tokens", [])
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        problems.append("null_tokens: expected a list of text")
    keep = data.get("keep_last")
    if keep is not None and (not isinstance(keep, dict) or not keep.get("order_by")):
        problems.append("keep_last: expected null or {order_by, format}")
    elif keep is not None:
        problems += [
            f"keep_last.{k}: unknown field" for k in keep if k not in ("order_by", "format")
        ]
    sources = data.get("sources", {})
    if not isinstance(sources, dict):
        return [*problems, "sources: expected an object of target → source"]
    for target, src in sources.items():
        if not isinstance(src, dict):
            problems.append(f"sources.{target}: expected an object")
            continue
        problems += [f"sources.{target}.{k}: unknown field" for k in src if k not in SOURCE_FIELDS]
    return problems


def _source_from_dict(data: dict) -> Source:
    known = {k: v for k, v in data.items() if k in SOURCE_FIELDS}
    if "columns" in known:
        known["columns"] = tuple(known["columns"])
    return Source(**known)


def structure_problems(mapping: Mapping) -> list[str]:
    """What is wrong with the mapping itself, without looking at any data."""
    problems = []
    for target, src in mapping.sources.items():
        problems += [f"sources.{target}.{p}" for p in _source_problems(target, src, mapping)]
    return problems


def _source_problems(target: str, src: Source, mapping: Mapping) -> list[str]:
    type_ = target_type(target)
    if src.kind not in KINDS:
        return [f"kind: {src.kind!r} is not one of {', '.join(KINDS)}"]
    out: list[str] = []
    if src.kind == "column" and not src.column:
        out.append("column: a column source names its column")
    if src.kind == "combine" and (len(src.columns) != 2 or type_ != "timestamp"):
        out.append("columns: combine takes a date column and a time column, for a timestamp")
    if src.kind == "constant" and src.value is None:
        out.append("value: a constant source gives its value")
    if src.kind == "derive":
        out += _derive_problems(target, src, type_, mapping)
    if src.unit is not None and src.unit not in UNITS:
        out.append(f"unit: {src.unit!r} is not one of {', '.join(UNITS)}")
    if src.kind == "column" and src.unit and target not in TIME_UNIT_COLUMNS:
        out.append("unit: only a time column (minutes, hours) converts units")
    if src.format is not None and type_ != "timestamp":
        out.append("format: only a timestamp has a date format")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in src.values.items()):
        out.append("values: a value map maps text to text")
    return out


def _derive_problems(target: str, src: Source, type_: str, mapping: Mapping) -> list[str]:
    if src.derive not in DERIVATIONS:
        return [f"derive: {src.derive!r} is not one of {', '.join(DERIVATIONS)}"]
    if src.derive == "positive":
        ok = type_ == "bool" and src.column
        return [] if ok else ["derive: positive makes a bool from a count column"]
    out = []
    if type_ != "timestamp":
        out.append(f"derive: {src.derive} gives a timestamp, the target is {type_}")
    if src.derive == "after" and not (src.column and src.unit):
        out.append("column: after adds an amount column of a unit to the base")
    if src.derive == "if_flag" and not src.flag:
        out.append("flag: if_flag names the yes/no column")
    if src.column and not src.unit:
        out.append("unit: the amount column needs its unit")
    base = src.base or "tickets.created_at"
    base_src = mapping.sources.get(base)
    if base == target or base_src is None or target_type(base) != "timestamp":
        out.append(f"base: {base!r} is not another timestamp target")
    elif base_src.kind not in ("column", "combine", "constant"):
        out.append(f"base: {base} is itself {base_src.kind}; derive from a read column")
    return out


def data_problems(mapping: Mapping, columns: Iterable[str]) -> list[str]:
    """What keeps the mapping from reading a view with these columns: unknown columns and
    required contract columns left without a source."""
    have = set(columns)
    problems = []
    for target, src in mapping.sources.items():
        problems += [f"sources.{target}: no column {c!r}" for c in src.raw_columns if c not in have]
    if mapping.keep_last and mapping.keep_last.order_by not in have:
        problems.append(f"keep_last.order_by: no column {mapping.keep_last.order_by!r}")
    for name in TICKETS.required_columns:
        if mapping[f"tickets.{name}"].kind == "none":
            problems.append(f"sources.tickets.{name}: required, give a column or a constant")
    return problems


# --------------------------------------------------------------------------------------
# What a choice enables or costs


def kpis_requiring(target: str) -> tuple[str, ...]:
    """KPI ids that need the column; the survey rating carries every survey KPI, since
    without it there are no survey rows at all."""
    table, col = target.split(".", 1)
    if target == "surveys.csat":
        return tuple(k.id for k in KPIS if any(t == "surveys" for t, _ in k.requires))
    return tuple(k.id for k in KPIS if (table, col) in k.requires)


@dataclass(frozen=True)
class Impact:
    """What a target's source enables or costs, as codes (the dashboard words them).

    code: "required_missing" (a required column has no source), "kpis_unavailable" (no source;
    `kpis` cannot be computed), "enables" (a source; `kpis` can be computed), "default"
    (no source, a default is used: agent name = agent id, team = "Unassigned", survey time
    = resolved or created), "none" (no KPI depends on it).
    """

    target: str
    code: str
    kpis: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.kpis)


_DEFAULTED = ("agents.name", "agents.team", "surveys.submitted_at")


def impact(target: str, src: Source) -> Impact:
    kpis = kpis_requiring(target)
    table, col = target.split(".", 1)
    missing = src.kind == "none"
    if missing and table == "tickets" and col in TICKETS.required_columns:
        return Impact(target, "required_missing", kpis)
    if missing and target in _DEFAULTED:
        return Impact(target, "default", kpis)
    if missing:
        return Impact(target, "kpis_unavailable" if kpis else "none", kpis)
    return Impact(target, "enables" if kpis else "none", kpis)


def impacts(mapping: Mapping) -> dict[str, Impact]:
    return {t: impact(t, s) for t, s in mapping.sources.items()}


# --------------------------------------------------------------------------------------
# SQL: the typed tables from the raw view


class _Params:
    """Adds values to the caller's parameter dict under fresh names ($m0, $m1, …)."""

    def __init__(self, params: dict[str, Any]):
        self.params = params

    def __call__(self, value: Any) -> str:
        n = len(self.params)
        while f"m{n}" in self.params:
            n += 1
        self.params[f"m{n}"] = value
        return f"$m{n}"


def _raw(name: str, p: _Params, null_tokens: Sequence[str]) -> str:
    """A raw column trimmed, with the null tokens ("", "?", …) read as NULL."""
    col = f"trim(CAST({ident(name)} AS VARCHAR))"
    return f"(CASE WHEN list_contains({p(list(null_tokens))}, {col}) THEN NULL ELSE {col} END)"


def _mapped(expr: str, values: dict[str, str], p: _Params) -> str:
    """`expr` through a case-insensitive value map; unmapped values pass unchanged and a
    value mapped to "" becomes NULL."""
    if not values:
        return expr
    whens = " ".join(
        f"WHEN {p(k.strip().lower())} THEN NULLIF({p(v)}, '')" for k, v in values.items()
    )
    return f"(CASE lower({expr}) {whens} ELSE {expr} END)"


def _cast(expr: str, type_: str) -> str:
    if type_ == "int":
        return f"CAST(round(try_cast({expr} AS DOUBLE)) AS BIGINT)"
    if type_ == "bool":
        return f"try_cast({expr} AS BOOLEAN)"
    if type_ == "float":
        return f"try_cast({expr} AS DOUBLE)"
    if type_ == "timestamp":
        return f"try_cast({expr} AS TIMESTAMP)"
    if type_ == "date":
        return f"try_cast({expr} AS DATE)"
    return expr


def _seconds(expr: str, unit: str) -> str:
    """An amount in seconds (DOUBLE); a duration is "h:mm:ss" or a plain number of seconds."""
    if unit == "duration":
        return f"coalesce(try_cast({expr} AS DOUBLE), epoch(try_cast({expr} AS INTERVAL)))"
    return f"(try_cast({expr} AS DOUBLE) * {UNIT_SECONDS[unit]})"


def _interval(seconds: str) -> str:
    return f"to_microseconds(CAST(round({seconds} * 1000000) AS BIGINT))"


class _Builder:
    def __init__(self, mapping: Mapping, params: dict[str, Any]):
        self.m = mapping
        self.p = _Params(params)

    def raw(self, name: str) -> str:
        return _raw(name, self.p, self.m.null_tokens)

    def expr(self, target: str) -> str:
        """The typed SQL expression of one target."""
        src, type_ = self.m[target], target_type(target)
        if src.kind == "none":
            return f"CAST(NULL AS {DUCKDB_TYPE[type_]})"
        if src.kind == "constant":
            return _cast(f"NULLIF({self.p(src.value)}, '')", type_)
        if src.kind == "combine":
            return self._combine(src)
        if src.kind == "derive":
            return self._derive(src)
        return self._column(target, src, type_)

    def _column_text(self, src: Source, type_: str) -> str:
        """The raw text of a column source through its value map (bool: the common words
        too); NULL where empty or mapped to ""."""
        values = dict(src.values)
        if type_ == "bool":
            values = {**BOOL_VALUES, **{k.lower(): v for k, v in values.items()}}
        return _mapped(self.raw(src.column), values, self.p)

    def _column(self, target: str, src: Source, type_: str) -> str:
        text = self._column_text(src, type_)
        if type_ == "timestamp" and src.format:
            return f"try_strptime({text}, {self.p(src.format)})"
        if type_ == "float" and src.unit:
            return f"({_seconds(text, src.unit)} / {TIME_UNIT_COLUMNS[target]})"
        return _cast(text, type_)

    def _timestamp(self, name: str, fmt: str | None) -> str:
        text = self.raw(name)
        return f"try_strptime({text}, {self.p(fmt)})" if fmt else _cast(text, "timestamp")

    def _combine(self, src: Source) -> str:
        date_col, time_col = src.columns
        time_text = self.raw(time_col)
        time = (
            f"CAST(try_strptime({time_text}, {self.p(src.time_format)}) AS TIME)"
            if src.time_format
            else f"try_cast({time_text} AS TIME)"
        )
        return f"(CAST({self._timestamp(date_col, src.format)} AS DATE) + {time})"

    def _derive(self, src: Source) -> str:
        if src.derive == "positive":
            return f"(try_cast({self.raw(src.column)} AS DOUBLE) > 0)"
        base = self.expr(src.base or "tickets.created_at")
        amount = None
        if src.column:
            amount = _interval(_seconds(self.raw(src.column), src.unit))
        if src.derive == "after":
            return f"({base} + {amount})"
        flag_values = {**STATUS_RESOLVED, **BOOL_VALUES}
        flag_values.update({k.lower(): v for k, v in src.values.items()})
        flag = f"try_cast({_mapped(self.raw(src.flag), flag_values, self.p)} AS BOOLEAN)"
        value = f"({base} + coalesce({amount}, INTERVAL 0 SECOND))" if amount else base
        return f"(CASE WHEN {flag} THEN {value} END)"

    def readings(self, target: str) -> tuple[str, str, str] | None:
        """(raw column, its text, the typed value) of a target read from the file; a value
        is unread where the text is there and the typed value is not. None for a constant
        or an unmapped target."""
        src, type_ = self.m[target], target_type(target)
        if src.kind == "column":
            return src.column, self._column_text(src, type_), self._column(target, src, type_)
        if src.kind == "combine":
            date_col, time_col = src.columns
            text = f"nullif(concat_ws(' ', {self.raw(date_col)}, {self.raw(time_col)}), '')"
            return date_col, text, self._combine(src)
        if src.kind == "derive" and src.column:
            text = self.raw(src.column)
            typed = f"try_cast({text} AS DOUBLE)" if src.derive == "positive" else None
            return src.column, text, typed or _seconds(text, src.unit)
        return None

    def wide(self, view: str) -> str:
        """Every target as a typed column named by its target ("tickets.ticket_id", …)."""
        cols = ",\n  ".join(f"{self.expr(t)} AS {ident(t)}" for t in TARGETS)
        sql = f"SELECT\n  {cols}\nFROM {ident(view)}"
        keep = self.m.keep_last
        if keep:
            order = self._timestamp(keep.order_by, keep.format)
            sql += (
                f"\nQUALIFY row_number() OVER (PARTITION BY {self.expr('tickets.ticket_id')} "
                f"ORDER BY {order} DESC NULLS LAST, {self.raw(keep.order_by)} DESC) = 1"
            )
        return sql


def select_sql(mapping: Mapping, view: str, params: dict[str, Any], table: str = "tickets") -> str:
    """The DuckDB SELECT giving one contract table (tickets, agents or surveys) from the raw
    view, typed. Values are added to `params` as named parameters; names enter through
    `ident` only.

    - tickets: every contract column, in contract order (event logs: the last row per id);
    - agents: one row per distinct agent value: agent_id = name = the value (unless a name
      column is mapped), team = the most frequent mapped team or "Unassigned";
    - surveys: one per ticket with a rating: survey_id = ticket_id, submitted_at = the mapped
      survey time, else resolved, else created. No rating source: no rows (still typed).
    """
    wide = _Builder(mapping, params).wide(view)
    if table == "tickets":
        cols = ", ".join(
            f"{ident('tickets.' + c.name)} AS {ident(c.name)}" for c in TICKETS.columns
        )
        return f"SELECT {cols}\nFROM (\n{wide}\n) AS w"
    if table == "agents":
        return _agents_sql(wide, _Params(params))
    if table == "surveys":
        return _surveys_sql(wide, mapping)
    raise ValueError(f"table: expected tickets, agents or surveys, got {table!r}")


def unread_sql(
    mapping: Mapping, view: str, params: dict[str, Any]
) -> tuple[str, list[tuple[str, str]]]:
    """One pass over the raw view counting, per target read from the file, the values that
    did not convert to the target's type (a date in another format, a word in a number
    column), with the smallest and largest such value as examples. Returns the SELECT (one
    row: count, min, max per target) and the (target, raw column) pairs in column order."""
    builder = _Builder(mapping, params)
    targets, cols = [], []
    for target in TARGETS:
        reading = builder.readings(target)
        if reading is None:
            continue
        column_name, text, typed = reading
        unread = f"{text} IS NOT NULL AND {typed} IS NULL"
        targets.append((target, column_name))
        cols += [f"count(*) FILTER (WHERE {unread})", f"min({text}) FILTER (WHERE {unread})"]
        cols.append(f"max({text}) FILTER (WHERE {unread})")
    return f"SELECT {', '.join(cols) or '0'}\nFROM {ident(view)}", targets


def _agents_sql(wide: str, p: _Params) -> str:
    agent = ident("tickets.agent_id")
    cols = [
        f"{agent} AS agent_id",
        f"coalesce(mode({ident('agents.name')}), {agent}) AS name",
        f"coalesce(mode({ident('agents.team')}), {p(UNASSIGNED_TEAM)}) AS team",
        f"mode({ident('agents.supervisor')}) AS supervisor",
        f"mode({ident('agents.site')}) AS site",
        "CAST(NULL AS DATE) AS hire_date",
        "CAST(NULL AS DATE) AS left_date",
        "CAST(NULL AS DOUBLE) AS hourly_cost",
    ]
    return (
        f"SELECT {', '.join(cols)}\nFROM (\n{wide}\n) AS w\n"
        f"WHERE {agent} IS NOT NULL GROUP BY {agent} ORDER BY {agent}"
    )


def _surveys_sql(wide: str, mapping: Mapping) -> str:
    tid = ident("tickets.ticket_id")
    submitted = (
        f"coalesce({ident('surveys.submitted_at')}, {ident('tickets.resolved_at')}, "
        f"{ident('tickets.created_at')})"
    )
    cols = [f"{tid} AS survey_id", f"{tid} AS ticket_id", f"{submitted} AS submitted_at"]
    cols += [f"{ident('surveys.' + c)} AS {ident(c)}" for c in SURVEY_FROM_ROWS[1:]]
    has_rating = mapping["surveys.csat"].kind != "none"
    where = f"{ident('surveys.csat')} IS NOT NULL" if has_rating else "false"
    return f"SELECT {', '.join(cols)}\nFROM (\n{wide}\n) AS w\nWHERE {where}"


# --------------------------------------------------------------------------------------
# Date formats, from every value of a column

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%m-%d-%Y %H:%M:%S",
    "%m-%d-%Y %H:%M",
    "%m-%d-%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%b/%y %I:%M %p",
    "%d/%b/%Y %I:%M %p",
    "%d/%m/%y %H:%M",
    "%m/%d/%y %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f", "%I:%M:%S %p", "%I:%M %p")


@dataclass(frozen=True)
class DateFormat:
    """The format of a column: status "ok" (`format` parses every non-empty value, or all
    but `unparsed` of them, at most MAX_UNPARSED_SHARE: a stray "next Tuesday" does not hide
    the column's format; the import reports those values as unread), "ambiguous" (each of
    `options` parses the values, giving different dates, e.g. 03-04-2026 as day-month or
    month-day), "none" (no candidate parses enough) or "empty"."""

    column: str
    status: str
    format: str | None = None
    options: tuple[str, ...] = ()
    unparsed: int = 0


MAX_UNPARSED_SHARE = 0.05


def detect_format(
    con: duckdb.DuckDBPyConnection,
    view: str,
    column_name: str,
    candidates: Sequence[str] = DATETIME_FORMATS,
    null_tokens: Sequence[str] = DEFAULT_NULL_TOKENS,
) -> DateFormat:
    """Try every candidate with try_strptime on all values; keep those parsing them all.
    Survivors giving the same timestamps for every value count as one (the first listed).

    The candidates are first tried on the first PREFILTER_ROWS rows: one that fails there
    fails on all, so only the few left are tried on every value (the same result, ~20× less
    work on a million rows)."""
    first = _parsing_all(con, view, column_name, candidates, null_tokens, PREFILTER_ROWS)
    survivors = _parsing_all(
        con, view, column_name, candidates if first is None else first, null_tokens
    )
    if survivors is None:  # (a prefix without values rules nothing out)
        return DateFormat(column_name, "empty")
    unparsed = 0
    if not survivors:
        survivors, unparsed = _parsing_most(con, view, column_name, candidates, null_tokens)
    if not survivors:
        return DateFormat(column_name, "none")
    groups = _distinct_readings(con, view, column_name, survivors, null_tokens)
    if len(groups) == 1:
        return DateFormat(column_name, "ok", groups[0], unparsed=unparsed)
    return DateFormat(column_name, "ambiguous", None, tuple(groups), unparsed)


PREFILTER_ROWS = 20_000


def _parsing_all(con, view, column_name, candidates, null_tokens, limit=None) -> list[str] | None:
    """The candidates that parse every non-empty value (of the first `limit` rows); None when
    there is no value at all."""
    counted = _failures(con, view, column_name, candidates, null_tokens, limit)
    if counted is None:
        return None
    return [f for f, bad in counted[1].items() if bad == 0]


def _parsing_most(con, view, column_name, candidates, null_tokens) -> tuple[list[str], int]:
    """The candidates failing on the fewest values, when that is at most MAX_UNPARSED_SHARE
    of them, and how many they fail on; ([], 0) when none comes that close."""
    values, failures = _failures(con, view, column_name, candidates, null_tokens) or (0, {})
    fewest = min(failures.values(), default=values)
    if values == 0 or fewest > MAX_UNPARSED_SHARE * values:
        return [], 0
    return [f for f, bad in failures.items() if bad == fewest], fewest


def _failures(
    con, view, column_name, candidates, null_tokens, limit=None
) -> tuple[int, dict[str, int]] | None:
    """The non-empty values (of the first `limit` rows) and, per candidate, how many it does
    not parse; None when there is no value at all."""
    if not candidates:
        return 0, {}
    params: dict[str, Any] = {}
    p = _Params(params)
    raw = _raw(column_name, p, null_tokens)
    fails = ", ".join(
        f"count(*) FILTER (WHERE v IS NOT NULL AND try_strptime(v, {p(f)}) IS NULL)"
        for f in candidates
    )
    rows = f"SELECT {raw} AS v FROM {ident(view)}" + ("" if limit is None else f" LIMIT {limit:d}")
    (row,) = con.execute(f"SELECT count(v), {fails} FROM ({rows})", params).fetchall()
    if row[0] == 0:
        return None
    return row[0], dict(zip(candidates, row[1:], strict=True))


def _distinct_readings(con, view, column_name, formats, null_tokens) -> list[str]:
    """One format per distinct reading of the column, in the candidates' order."""
    kept: list[str] = []
    for fmt in formats:
        if not any(_same(con, view, column_name, fmt, k, null_tokens) for k in kept):
            kept.append(fmt)
    return kept


def _same(con, view, column_name, a, b, null_tokens) -> bool:
    params: dict[str, Any] = {}
    p = _Params(params)
    raw = _raw(column_name, p, null_tokens)
    sql = (
        f"SELECT count(*) FILTER (WHERE try_strptime(v, {p(a)}) IS DISTINCT FROM "
        f"try_strptime(v, {p(b)})) FROM (SELECT {raw} AS v FROM {ident(view)})"
    )
    return con.execute(sql, params).fetchone()[0] == 0


# --------------------------------------------------------------------------------------
# Suggestion: from headers, values and a preset


def norm(header: str) -> str:
    """A header reduced for matching: lower case, letters, digits and CJK only."""
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", str(header).lower())


# Synonyms per target, best first (English as exported, Chinese as 中文 Excel writes them).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "tickets.ticket_id": (
        "ticket id",
        "ticket_id",
        "ticket number",
        "call id",
        "case id",
        "incident id",
        "issue key",
        "number",
        "id",
        "工单号",
        "工单编号",
        "单号",
        "服务单号",
        "编号",
        "呼叫编号",
    ),
    "tickets.agent_id": (
        "agent",
        "agent name",
        "agent id",
        "assignee",
        "assigned to",
        "owner",
        "handler",
        "坐席",
        "客服",
        "处理人",
        "受理人",
        "负责人",
        "客服人员",
        "坐席工号",
        "工号",
    ),
    "tickets.created_at": (
        "created at",
        "created",
        "created date",
        "created time",
        "create time",
        "opened",
        "opened at",
        "open date",
        "date created",
        "创建时间",
        "创建日期",
        "来电时间",
        "反馈时间",
    ),
    "tickets.accepted_at": ("accepted at", "assigned at", "受理时间", "分派时间"),
    "tickets.first_response_at": (
        "first response at",
        "first response time",
        "first response",
        "first reply at",
        "first reply",
        "first responded at",
        "首次响应时间",
        "首次响应",
        "首响时间",
    ),
    "tickets.work_started_at": ("work started at", "started at", "开始处理时间"),
    "tickets.resolved_at": (
        "resolved at",
        "resolved",
        "resolved date",
        "resolved time",
        "solved at",
        "resolution date",
        "解决时间",
        "解决日期",
        "完成时间",
        "已解决",
        "是否解决",
    ),
    "tickets.followed_up_at": ("followed up at", "follow up date", "回访时间"),
    "tickets.channel": ("channel", "source", "via", "contact type", "渠道", "来源", "接入渠道"),
    "tickets.category": (
        "category",
        "topic",
        "type",
        "issue type",
        "ticket type",
        "request type",
        "类别",
        "类型",
        "问题类型",
        "工单类型",
        "业务类型",
        "分类",
    ),
    "tickets.product": ("product", "product line", "产品", "产品线"),
    "tickets.priority": ("priority", "urgency", "优先级", "紧急程度"),
    "tickets.customer_id": (
        "customer id",
        "customer",
        "customer email",
        "customer e-mail",
        "requester id",
        "requester",
        "requester email",
        "contact id",
        "caller id",
        "客户编号",
        "客户",
        "客户邮箱",
    ),
    "tickets.customer_segment": ("customer segment", "segment", "customer type", "客户类型"),
    "tickets.contacts": ("contacts", "contact count", "联系次数"),
    "tickets.reopened": ("reopened", "reopens", "reopen count", "重开", "是否重开", "重开次数"),
    "tickets.escalated": ("escalated", "升级", "是否升级"),
    "tickets.is_complaint": ("complaint", "is complaint", "投诉", "是否投诉"),
    "tickets.handle_minutes": (
        "handle minutes",
        "handle time",
        "handling time",
        "avg talk duration",
        "talk duration",
        "talk time",
        "time tracked",
        "处理时长",
        "通话时长",
    ),
    "tickets.parts_cost": ("parts cost", "配件成本", "配件费用"),
    "tickets.sla_response_minutes": ("sla response minutes", "响应时限"),
    "tickets.sla_resolve_hours": ("sla resolve hours", "解决时限"),
    "surveys.submitted_at": ("satisfaction date", "survey date", "评价时间"),
    "surveys.csat": (
        "satisfaction rating",
        "satisfaction score",
        "satisfaction",
        "csat",
        "rating",
        "survey results",
        "满意度",
        "满意度评分",
        "客户满意度",
        "评分",
    ),
    "surveys.attitude": ("attitude", "服务态度"),
    "surveys.quality": ("quality", "维修质量"),
    "surveys.speed": ("speed", "响应速度"),
    "surveys.nps": ("nps", "likelihood to recommend", "推荐意愿"),
    "surveys.comment": ("comment", "comments", "feedback", "评论", "评价内容", "留言"),
    "agents.name": ("agent full name", "姓名"),
    "agents.team": ("team", "group", "assignment group", "班组", "组别", "团队", "服务站"),
    "agents.supervisor": ("supervisor", "主管"),
    "agents.site": ("site", "站点"),
}
ANSWER_SPEED = ("speed of answer in seconds", "speed of answer", "answer speed", "asa", "应答时长")
DATE_ONLY = ("date", "call date", "日期")
TIME_ONLY = ("time", "call time", "时间")
STATUS = ("status", "state", "状态", "工单状态")
CALL_SIGNS = ("call", "通话", "来电", "呼叫")

CHANNEL_WORDS = {
    **dict.fromkeys(("phone", "phone call", "call", "voice", "电话", "热线"), "phone"),
    **dict.fromkeys(("email", "e-mail", "mail", "邮件", "电子邮件"), "email"),
    **dict.fromkeys(("chat", "live chat", "messaging", "在线", "在线客服", "微信"), "chat"),
    **dict.fromkeys(("web", "web form", "portal", "self-service", "网页", "官网"), "web"),
    **dict.fromkeys(("onsite", "walk-in", "上门", "现场"), "onsite"),
}
PRIORITY_WORDS = {
    **dict.fromkeys(("low", "lowest", "planning", "4 - low", "5 - planning", "低"), "low"),
    **dict.fromkeys(("medium", "normal", "moderate", "3 - moderate", "中", "普通"), "medium"),
    **dict.fromkeys(("high", "2 - high", "高"), "high"),
    **dict.fromkeys(("urgent", "highest", "critical", "1 - critical", "紧急"), "urgent"),
}
SEGMENT_WORDS = {
    **dict.fromkeys(("enterprise", "business", "company", "企业", "政企"), "enterprise"),
    **dict.fromkeys(("individual", "consumer", "personal", "个人"), "individual"),
}
# Zendesk's two-point scale (module docstring): Good = 5, Bad = 1, no answer = empty.
ZENDESK_CSAT = {"Good": "5", "Bad": "1", "Offered": "", "Unoffered": ""}
# Freshdesk's classic codes rescaled linearly onto 1–5.
FRESHDESK_CSAT = {"103": "5", "102": "4", "101": "4", "100": "3", "-101": "2", "-102": "2",
                  "-103": "1"}  # fmt: skip
RATING_WORDS = {
    **{word.lower(): value for word, value in ZENDESK_CSAT.items()},
    **FRESHDESK_CSAT,
    "very satisfied": "5",
    "satisfied": "4",
    "neutral": "3",
    "dissatisfied": "2",
    "unsatisfied": "2",
    "very dissatisfied": "1",
    "非常满意": "5",
    "满意": "4",
    "一般": "3",
    "不满意": "2",
    "非常不满意": "1",
}
WORDS = {
    "tickets.channel": CHANNEL_WORDS,
    "tickets.priority": PRIORITY_WORDS,
    "tickets.customer_segment": SEGMENT_WORDS,
}
RATING_TARGETS = ("surveys.csat", "surveys.attitude", "surveys.quality", "surveys.speed")
_DURATION = re.compile(r"^\d{1,3}:\d{2}(:\d{2})?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_LEADING_NUMBER = re.compile(r"^\s*(\d+)\s*[-–:.、]\s*\S")


@dataclass(frozen=True)
class Suggestion:
    """A proposed mapping and why: `reasons` per target ("preset", "header", "values",
    "derived", "constant", "none"), the date formats found, what each choice enables or
    costs, the raw columns left unused, and problems as (code, target, details) — codes:
    "ambiguous_format", "no_format", "required_missing"."""

    mapping: Mapping
    reasons: dict[str, str]
    formats: dict[str, DateFormat]
    impacts: dict[str, Impact]
    unused: tuple[str, ...]
    problems: tuple[tuple[str, str, tuple[str, ...]], ...]


class _Values:
    """Distinct non-empty values of a column: all of them from the view when there is one,
    else from the sample."""

    def __init__(self, sample: pd.DataFrame, con, view, null_tokens):
        self.sample, self.con, self.view, self.tokens = sample, con, view, null_tokens

    def __call__(self, col: str, limit: int = 200) -> list[str]:
        if self.con is not None and self.view:
            params: dict[str, Any] = {}
            raw = _raw(col, _Params(params), self.tokens)
            sql = f"SELECT DISTINCT {raw} AS v FROM {ident(self.view)} WHERE v IS NOT NULL"
            return [r[0] for r in self.con.execute(sql + f" LIMIT {int(limit)}", params).fetchall()]
        if col not in self.sample:
            return []
        texts = self.sample[col].dropna().astype(str).str.strip()
        return [v for v in dict.fromkeys(texts) if v not in self.tokens][:limit]


def _is_flag(values: list[str]) -> bool:
    words = {**BOOL_VALUES, **STATUS_RESOLVED}
    return bool(values) and all(v.lower() in words for v in values)


def _is_duration(values: list[str]) -> bool:
    return bool(values) and all(_DURATION.match(v) for v in values)


def _is_number(values: list[str]) -> bool:
    return bool(values) and all(_NUMBER.match(v) for v in values)


def _unit_from_header(header: str) -> str | None:
    h = header.lower()
    for unit, signs in (
        ("seconds", ("second", "秒")),
        ("minutes", ("minute", "分钟")),
        ("hours", ("hrs", "hour", "小时")),
    ):
        if any(s in h for s in signs):
            return unit
    return None


class _Suggester:
    def __init__(self, columns, values: _Values):
        self.columns = list(columns)
        self.by_norm: dict[str, str] = {}
        for c in self.columns:
            self.by_norm.setdefault(norm(c), c)
        self.values = values
        self.used: set[str] = set()
        self.chosen: dict[str, Source] = {}
        self.reasons: dict[str, str] = {}

    def find(self, names: Iterable[str]) -> str | None:
        for name in names:
            col = self.by_norm.get(norm(name))
            if col is not None and col not in self.used:
                return col
        return None

    def take(self, target: str, src: Source, reason: str) -> None:
        self.chosen[target] = src
        self.reasons[target] = reason
        self.used.update(src.raw_columns)

    def apply_preset(self, preset) -> None:
        for target, options in preset.sources.items():
            for option in options:
                src = column(option) if isinstance(option, str) else option
                if all(c in self.columns for c in src.raw_columns):
                    values = preset.values.get(target)
                    if values and src.kind == "column" and not src.values:
                        src = Source(**{**_fields(src), "values": values})
                    self.take(target, src, "preset")
                    break

    def generic(self) -> None:
        for target in TARGETS:
            if target in self.chosen:
                continue
            special = _SPECIAL.get(target)
            if special and special(self, target):
                continue
            col = self.find(SYNONYMS.get(target, ()))
            if col is not None:
                self.take(target, self.from_header(target, col), "header")

    def from_header(self, target: str, col: str) -> Source:
        """A column source, typed by its values where the target needs it."""
        values = self.values(col)
        if target_type(target) == "bool" and values and not _is_flag(values) and _is_number(values):
            return Source(kind="derive", derive="positive", column=col)
        if target in TIME_UNIT_COLUMNS:
            unit = "duration" if _is_duration(values) else _unit_from_header(col)
            if unit and not (target == "tickets.handle_minutes" and unit == "minutes"):
                return column(col, unit=unit)
        return column(col)


def _fields(src: Source) -> dict[str, Any]:
    return {f.name: getattr(src, f.name) for f in fields(src)}


def _suggest_created(s: _Suggester, target: str) -> bool:
    col = s.find(SYNONYMS[target])
    if col is not None:
        s.take(target, column(col), "header")
        return True
    date_col, time_col = s.find(DATE_ONLY), s.find(TIME_ONLY)
    if date_col and time_col:
        s.take(target, Source(kind="combine", columns=(date_col, time_col)), "derived")
        return True
    if date_col:
        s.take(target, column(date_col), "header")
        return True
    return False


def _suggest_first_response(s: _Suggester, target: str) -> bool:
    col = s.find(SYNONYMS[target])
    if col is not None and not _is_number(s.values(col)) and not _is_duration(s.values(col)):
        s.take(target, column(col), "header")
        return True
    col = col or s.find(ANSWER_SPEED)
    if col is None:
        return False
    values = s.values(col)
    unit = "duration" if _is_duration(values) else _unit_from_header(col) or "seconds"
    s.take(target, Source(kind="derive", derive="after", column=col, unit=unit), "derived")
    return True


def _duration_column(s: _Suggester) -> str | None:
    """The talk/handle duration column, which may serve both handle_minutes and resolved_at."""
    for name in SYNONYMS["tickets.handle_minutes"]:
        col = s.by_norm.get(norm(name))
        if col is not None and (_is_duration(s.values(col)) or _is_number(s.values(col))):
            return col
    return None


def _suggest_resolved(s: _Suggester, target: str) -> bool:
    col = s.find(SYNONYMS[target])
    flag = col if col is not None and _is_flag(s.values(col)) else None
    if col is not None and flag is None:
        s.take(target, column(col), "header")
        return True
    if flag is None:
        status = s.find(STATUS)
        flag = status if status is not None and _is_flag(s.values(status)) else None
    if flag is None:
        return False
    amount = _duration_column(s)
    unit = None
    if amount is not None:
        unit = "duration" if _is_duration(s.values(amount)) else _unit_from_header(amount)
        unit = unit or "minutes"
    src = Source(kind="derive", derive="if_flag", flag=flag, column=amount, unit=unit)
    s.take(target, src, "derived")
    s.used.discard(amount)  # the duration still maps handle_minutes
    return True


def _suggest_channel(s: _Suggester, target: str) -> bool:
    col = s.find(SYNONYMS[target])
    if col is not None:
        s.take(target, column(col), "header")
        return True
    if any(sign in c.lower() for c in s.columns for sign in CALL_SIGNS):
        s.take(target, constant("phone"), "constant")
        return True
    return False


_SPECIAL = {
    "tickets.created_at": _suggest_created,
    "tickets.first_response_at": _suggest_first_response,
    "tickets.resolved_at": _suggest_resolved,
    "tickets.channel": _suggest_channel,
}


def value_map(target: str, values: Iterable[str]) -> dict[str, str]:
    """The value map a target's raw values need (only the values that differ)."""
    out: dict[str, str] = {}
    if target in RATING_TARGETS:
        for v in values:
            low = v.strip().lower()
            if low in RATING_WORDS:
                out[v] = RATING_WORDS[low]
            elif m := _LEADING_NUMBER.match(v):
                out[v] = m.group(1)
        return out
    words = WORDS.get(target, {})
    for v in values:
        mapped = words.get(v.strip().lower())
        if mapped is not None and mapped != v:
            out[v] = mapped
    return out


def _with_value_maps(s: _Suggester) -> None:
    for target, src in list(s.chosen.items()):
        if src.kind != "column":
            continue
        found = value_map(target, s.values(src.column))
        values = {**found, **src.values}  # a preset's own codes win
        if values != dict(src.values):
            s.chosen[target] = Source(**{**_fields(src), "values": values})


def _with_formats(s: _Suggester, con, view) -> tuple[dict[str, DateFormat], list]:
    formats: dict[str, DateFormat] = {}
    problems: list = []
    for target, src in list(s.chosen.items()):
        if target_type(target) != "timestamp" or src.kind not in ("column", "combine"):
            continue
        if src.format:
            continue  # a preset's format
        if src.kind == "column":
            found = detect_format(con, view, src.column)
            update = {"format": found.format or (found.options or (None,))[0]}
        else:
            found = detect_format(con, view, src.columns[0])
            found_time = detect_format(con, view, src.columns[1], TIME_FORMATS)
            formats[target + ":time"] = found_time
            update = {"format": found.format or (found.options or (None,))[0]}
            update["time_format"] = found_time.format or (found_time.options or (None,))[0]
        formats[target] = found
        if found.status == "ambiguous":
            problems.append(("ambiguous_format", target, found.options))
        elif found.status == "none":
            problems.append(("no_format", target, ()))
        s.chosen[target] = Source(**{**_fields(src), **update})
    return formats, problems


def _keep_last(preset, columns: Sequence[str]) -> KeepLast | None:
    """The preset's keep-last flag, when the export has its order column."""
    keep = None if preset is None else preset.keep_last
    return keep if keep is not None and keep.order_by in columns else None


def suggest(
    columns: Sequence[str],
    sample: pd.DataFrame,
    con: duckdb.DuckDBPyConnection | None = None,
    view: str | None = None,
    preset: Any = None,
) -> Suggestion:
    """A mapping proposed from a preset (a name or a `Preset`), then header synonyms and
    sample values. Formats are detected over every value when a connection and view are
    given, else over the sample."""
    from scoring.ingest import presets  # presets declare their sources with this module

    chosen_preset = presets.get(preset) if isinstance(preset, str) else preset
    null_tokens = DEFAULT_NULL_TOKENS
    s = _Suggester(columns, _Values(sample, con, view, null_tokens))
    if chosen_preset is not None:
        s.apply_preset(chosen_preset)
    s.generic()
    _with_value_maps(s)
    if con is None or not view:
        con, view = duckdb.connect(), "__sample"
        con.register(view, sample.astype("string"))
    formats, problems = _with_formats(s, con, view)
    mapping = Mapping(
        s.chosen,
        preset=None if chosen_preset is None else chosen_preset.name,
        keep_last=_keep_last(chosen_preset, columns),
    )
    return _suggestion(mapping, s, columns, formats, problems)


def rechoose(
    mapping: Mapping,
    choices: dict[str, str | None],
    columns: Sequence[str],
    con: duckdb.DuckDBPyConnection,
    view: str,
) -> Suggestion:
    """The mapping with the user's choices (target → raw column; None: not available). A
    newly chosen column is typed, value-mapped and its date format detected over every value,
    as a suggestion would; the other sources stay as they were."""
    s = _Suggester(columns, _Values(pd.DataFrame(), con, view, mapping.null_tokens))
    s.chosen = dict(mapping.sources)
    s.reasons = {t: "kept" for t in TARGETS}
    for target, col in choices.items():
        if col is None:
            s.take(target, NONE, "none")
        elif not (mapping[target].kind == "column" and mapping[target].column == col):
            s.take(target, s.from_header(target, col), "chosen")
    _with_value_maps(s)
    formats, problems = _with_formats(s, con, view)
    chosen = Mapping(s.chosen, mapping.name, mapping.preset, mapping.null_tokens, mapping.keep_last)
    return _suggestion(chosen, s, columns, formats, problems)


def _suggestion(mapping, s: _Suggester, columns, formats, problems) -> Suggestion:
    found = impacts(mapping)
    problems += [
        ("required_missing", t, ()) for t, i in found.items() if i.code == "required_missing"
    ]
    reasons = {t: s.reasons.get(t, "none") for t in TARGETS}
    unused = tuple(c for c in columns if c not in mapping.raw_columns)
    return Suggestion(mapping, reasons, formats, found, unused, tuple(problems))
