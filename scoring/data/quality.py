"""Row rules of the contract's "Bad data" section and the data-quality report.

Every rule is declared as data: an id, the table it checks, a description, and a query
that returns the offending rows of the table's raw view (`raw_<table>`, whose rows are
identified by `_source` file and `_row` number). Rows that break a rule are excluded from
scoring and counted per rule with up to five example ids, so that for every table
accepted + excluded = rows read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from scoring.data.sql import ident, literal, literal_list
from scoring.registry.contract import (
    OWNER_TYPES,
    PERIOD_PATTERN,
    REVIEWER_ROLES,
    STAGES,
    TABLES_BY_NAME,
    VALID_RANGES,
)

EXAMPLES_PER_RULE = 5
# Tables are validated in this order: a rule may read the accepted rows of earlier tables.
EVALUATION_ORDER = (
    "agents",
    "tickets",
    "surveys",
    "training",
    "feedback_360",
    "objectives",
    "kano_responses",
    "employee_survey",
)


@dataclass(frozen=True)
class Rule:
    id: str
    table: str
    description: str  # English
    # SELECT returning `_source`, `_row`, `example` for each offending row of raw_<table>.
    offending_sql: str
    needs: tuple[str, ...] = ()  # other tables the rule reads (skipped when absent)
    columns: tuple[str, ...] = ()  # optional columns the rule reads (skipped when absent)
    description_zh: str = ""
    warns: bool = False  # a warning: its rows are counted and shown, but kept


def _example_of(table: str) -> str:
    """The row's id, or file:row when it has none (no id column, or an empty id)."""
    position = "regexp_extract(_source, '[^/]+$') || ':' || CAST(_row AS VARCHAR)"
    key = TABLES_BY_NAME[table].key
    if key:
        return f"coalesce(CAST({ident(key)} AS VARCHAR), {position})"
    return position


def _select_where(table: str, condition: str) -> str:
    return (
        f"SELECT _source, _row, {_example_of(table)} AS example "
        f"FROM {ident('raw_' + table)} WHERE {condition}"
    )


def _null_rules(table: str) -> list[Rule]:
    return [
        Rule(
            f"{table}.null_{col}",
            table,
            f"required value {col} is empty",
            _select_where(table, f"{ident(col)} IS NULL"),
            description_zh=f"必填字段 {col} 为空",
        )
        for col in TABLES_BY_NAME[table].required_columns
    ]


def _duplicate_rule(table: str) -> Rule:
    """Later copies of a repeated id are excluded; the first copy (by file and row) is kept."""
    key = ident(TABLES_BY_NAME[table].key)
    raw = ident("raw_" + table)
    sql = (
        f"SELECT _source, _row, CAST({key} AS VARCHAR) AS example FROM {raw} "
        f"WHERE {key} IN (SELECT {key} FROM {raw} GROUP BY {key} HAVING count(*) > 1) "
        f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _source, _row) > 1"
    )
    key_name = TABLES_BY_NAME[table].key
    return Rule(
        f"{table}.duplicate_id",
        table,
        f"duplicate {key_name}",
        sql,
        description_zh=f"{key_name} 重复",
    )


def _range_rules() -> list[Rule]:
    rules = []
    for (table, col), (lo, hi) in VALID_RANGES.items():
        checks = []
        if lo is not None:
            checks.append(f"{ident(col)} < {lo}")
        if hi is not None:
            checks.append(f"{ident(col)} > {hi}")
        bounds = f"{lo if lo is not None else '-∞'}..{hi if hi is not None else '∞'}"
        optional = () if TABLES_BY_NAME[table].column(col).required else (col,)
        rules.append(
            Rule(
                f"{table}.range_{col}",
                table,
                f"{col} outside {bounds}",
                _select_where(table, " OR ".join(checks)),
                columns=optional,
                description_zh=f"{col} 超出范围 {bounds}",
            )
        )
    return rules


def _unknown_agent_rule(table: str, column: str) -> Rule:
    """An agent id that names no accepted row of agents."""
    condition = (
        f"{ident(column)} IS NOT NULL AND {ident(column)} NOT IN "
        "(SELECT agent_id FROM agents WHERE agent_id IS NOT NULL)"
    )
    return Rule(
        f"{table}.unknown_agent",
        table,
        "unknown agent",
        _select_where(table, condition),
        needs=("agents",),
        description_zh="员工不存在",
    )


def _stage_order_rule() -> Rule:
    """Stage timestamps, where present, never run backwards (any earlier stage vs any later)."""
    stamps = [column for _, column, _ in STAGES]
    pairs = [(a, b) for i, a in enumerate(stamps) for b in stamps[i + 1 :]]
    pairs.append(("created_at", "first_response_at"))
    checks = " OR ".join(f"coalesce({ident(a)} > {ident(b)}, false)" for a, b in pairs)
    return Rule(
        "tickets.stages_backwards",
        "tickets",
        "stage timestamps run backwards (created ≤ accepted ≤ work started ≤ resolved ≤ "
        "followed up; created ≤ first response)",
        _select_where("tickets", checks),
        description_zh="环节时间倒序（应为 创建 ≤ 受理 ≤ 开始处理 ≤ 解决 ≤ 回访；创建 ≤ 首次响应）",
    )


def _survey_ticket_rules() -> list[Rule]:
    unknown = (
        "ticket_id IS NOT NULL AND ticket_id NOT IN "
        "(SELECT ticket_id FROM raw_tickets WHERE ticket_id IS NOT NULL)"
    )
    excluded = (
        "ticket_id IN (SELECT ticket_id FROM raw_tickets) "
        "AND ticket_id NOT IN (SELECT ticket_id FROM tickets)"
    )
    return [
        Rule(
            "surveys.unknown_ticket",
            "surveys",
            "survey for an unknown ticket",
            _select_where("surveys", unknown),
            description_zh="问卷对应的工单不存在",
        ),
        Rule(
            "surveys.ticket_excluded",
            "surveys",
            "survey of a ticket that was itself excluded",
            _select_where("surveys", excluded),
            description_zh="问卷对应的工单已被排除",
        ),
    ]


def _allowed_values_rule(rule_id: str, table: str, column: str, allowed: tuple[str, ...]) -> Rule:
    condition = f"{ident(column)} NOT IN (SELECT unnest({literal_list(allowed)}))"
    listed = ", ".join(allowed)
    return Rule(
        rule_id,
        table,
        f"{column} not one of {listed}",
        _select_where(table, condition),
        description_zh=f"{column} 不在允许值之内（{listed}）",
    )


def _period_rule(table: str) -> Rule:
    return Rule(
        f"{table}.bad_period",
        table,
        "period not written as YYYY-Qn or YYYY-MM",
        _select_where(table, f"NOT regexp_full_match(period, {literal(PERIOD_PATTERN)})"),
        description_zh="期间格式不是 YYYY-Qn 或 YYYY-MM",
    )


def _objective_rules(kpi_ids: tuple[str, ...]) -> list[Rule]:
    unknown_owner = (
        "(owner_type = 'agent' AND owner_id NOT IN (SELECT agent_id FROM agents)) OR "
        "(owner_type = 'team' AND owner_id NOT IN (SELECT team FROM agents))"
    )
    # one objective per owner, KPI and period: later copies of a complete row are excluded
    # (the first kept; a row with an empty required value breaks its null rule instead)
    key = "owner_type, owner_id, kpi, period_start, period_end"
    complete = " AND ".join(f"{ident(c)} IS NOT NULL" for c in (*key.split(", "), "target"))
    duplicate = (
        f"SELECT _source, _row, {_example_of('objectives')} AS example FROM raw_objectives "
        f"WHERE {complete} "
        f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _source, _row) > 1"
    )
    return [
        _allowed_values_rule("objectives.bad_owner_type", "objectives", "owner_type", OWNER_TYPES),
        Rule(
            "objectives.duplicate",
            "objectives",
            "a second objective for the same owner, KPI and period",
            duplicate,
            description_zh="同一对象、指标和期间的目标重复",
        ),
        Rule(
            "objectives.unknown_owner",
            "objectives",
            "objective for an unknown agent or team",
            _select_where("objectives", unknown_owner),
            description_zh="目标对应的员工或班组不存在",
        ),
        _allowed_values_rule("objectives.unknown_kpi", "objectives", "kpi", kpi_ids),
        Rule(
            "objectives.period_backwards",
            "objectives",
            "period_end before period_start",
            _select_where("objectives", "period_end < period_start"),
            description_zh="period_end 早于 period_start",
        ),
        # attainment divides by the target (scoring/methods/attainment.py)
        Rule(
            "objectives.target_not_positive",
            "objectives",
            "target not above 0",
            _select_where("objectives", "target <= 0"),
            description_zh="目标值不大于 0",
        ),
    ]


def _implausible_dates_rule(earliest_year: int) -> Rule:
    """Ticket times before `earliest_year` or more than a day in the future: most likely a
    wrong date format or a placeholder (1900-01-01), worth a look, not proof of a bad row."""
    stamps = [c.name for c in TABLES_BY_NAME["tickets"].columns if c.type == "timestamp"]
    checks = " OR ".join(
        f"coalesce(year({ident(c)}) < {int(earliest_year)} "
        f"OR {ident(c)} > now()::TIMESTAMP + INTERVAL 1 DAY, false)"
        for c in stamps
    )
    return Rule(
        "tickets.implausible_dates",
        "tickets",
        f"a ticket time before {int(earliest_year)} or in the future (kept: check the date "
        "format of the export)",
        _select_where("tickets", checks),
        description_zh=f"工单时间早于 {int(earliest_year)} 年或晚于当前时间"
        "（已保留：请检查导出文件的日期格式）",
        warns=True,
    )


def rules(kpi_ids: tuple[str, ...], earliest_year: int = 2000) -> list[Rule]:
    """All row rules, in the order they are evaluated (references read accepted rows)."""
    by_table: list[Rule] = []
    by_table += _null_rules("agents") + [_duplicate_rule("agents")]
    by_table += _null_rules("tickets") + [_duplicate_rule("tickets"), _stage_order_rule()]
    by_table.append(_implausible_dates_rule(earliest_year))
    by_table.append(_unknown_agent_rule("tickets", "agent_id"))
    by_table += _null_rules("surveys") + [_duplicate_rule("surveys")] + _survey_ticket_rules()
    for table, column in (
        ("training", "agent_id"),
        ("feedback_360", "reviewee_id"),
        ("employee_survey", "agent_id"),
    ):
        by_table += _null_rules(table)
        by_table.append(_unknown_agent_rule(table, column))
    by_table.append(
        _allowed_values_rule(
            "feedback_360.bad_role", "feedback_360", "reviewer_role", REVIEWER_ROLES
        )
    )
    by_table += [_period_rule("feedback_360"), _period_rule("employee_survey")]
    by_table += _null_rules("objectives") + _objective_rules(kpi_ids)
    by_table += _null_rules("kano_responses")
    by_table += _range_rules()
    return sorted(by_table, key=lambda r: EVALUATION_ORDER.index(r.table))


@dataclass
class RuleResult:
    rule: str
    table: str
    description: str
    count: int
    examples: list[str]
    description_zh: str = ""
    warns: bool = False  # counted and shown, the rows kept

    def description_in(self, lang: str) -> str:
        return (self.description_zh or self.description) if lang == "zh" else self.description


NOTICES = {  # in English; the dashboard words each code from its own catalog
    "optional_table_missing": (
        "{table}: optional table missing; features that need {columns} are unavailable"
    ),
    "table_empty": "{table}: the table is empty",
    "rows_excluded": (
        "{table}: {excluded:,} of {read:,} rows excluded (see the data-quality report)"
    ),
}


# Problems that stop loading, in English (the command line); the dashboard words each code
# from its own catalog (`problem_<code>`). `type` is a contract type, worded by TYPE_WORDS.
PROBLEMS = {
    "folder_missing": "{path}: dataset folder not found (expected a folder of tables)",
    "table_missing": (
        "{table}: required table missing (expected {path}.parquet or a folder {path}/ of Parquet)"
    ),
    "file_unreadable": "{file}: unreadable Parquet file ({error})",
    "column_missing": (
        "{file}: required column '{column}' missing (expected {type_words}: {meaning})"
    ),
    "bad_values": (
        "{file}: column '{column}' holds {found} values such as {example} that cannot be read "
        "as {type_words} ({sql_type})"
    ),
    "no_usable_rows": (
        "{table}: none of its {read:,} rows can be used (each breaks a rule, or there are "
        "none), so nothing can be measured"
    ),
}
TYPE_WORDS = {
    "string": "text",
    "timestamp": "a timestamp",
    "date": "a date",
    "int": "a whole number",
    "float": "a number",
    "bool": "true/false",
}


@dataclass(frozen=True)
class Problem:
    """Something that stops the dataset from loading (code: a key of PROBLEMS)."""

    code: str
    values: dict

    def text(self) -> str:
        words = {"type_words": TYPE_WORDS[self.values["type"]]} if "type" in self.values else {}
        return PROBLEMS[self.code].format(**self.values, **words)


@dataclass(frozen=True)
class Notice:
    """Something to know about a table that does not stop loading (code: a key of NOTICES)."""

    code: str
    table: str
    values: dict = field(default_factory=dict)

    def text(self) -> str:
        return NOTICES[self.code].format(table=self.table, **self.values)


@dataclass
class TableReport:
    table: str
    present: bool
    required: bool
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    accepted: int = 0
    excluded: int = 0
    missing_columns: list[str] = field(default_factory=list)
    # Optional columns present in the files without one value (an export's unmapped columns
    # are written empty): treated as not supplied, like the missing ones.
    empty_columns: list[str] = field(default_factory=list)


@dataclass
class QualityReport:
    dataset: str
    tables: dict[str, TableReport]
    rules: list[RuleResult]
    notices: list[Notice]
    errors: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [notice.text() for notice in self.notices]

    @property
    def usable(self) -> bool:
        return not self.errors

    @property
    def excluded_rows(self) -> int:
        return sum(t.excluded for t in self.tables.values())

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "usable": self.usable,
            "errors": self.errors,
            "warnings": self.warnings,
            "tables": {name: asdict(t) for name, t in self.tables.items()},
            "rules": [asdict(r) for r in self.rules],
        }

    def to_text(self) -> str:
        lines = [f"Dataset: {self.dataset}", f"Usable: {'yes' if self.usable else 'NO'}"]
        lines += [f"ERROR: {e}" for e in self.errors]
        lines += [f"warning: {w}" for w in self.warnings]
        lines.append("")
        if not self.rules:  # rows are only counted once every table loads
            lines += [
                f"{t.table:<16} {'found' if t.present else '(missing)'}"
                for t in self.tables.values()
            ]
            return "\n".join(lines)
        lines.append(f"{'table':<16} {'read':>10} {'accepted':>10} {'excluded':>9}")
        for t in self.tables.values():
            if t.present:
                lines.append(f"{t.table:<16} {t.rows_read:>10,} {t.accepted:>10,} {t.excluded:>9,}")
            else:
                lines.append(f"{t.table:<16} {'(missing)':>10}")
        broken = [r for r in self.rules if r.count]
        if broken:
            lines.append("")
            lines.append(
                "Rows excluded (or kept with a warning), by rule (a row may break several):"
            )
            for r in broken:
                lines.append(f"  {r.rule:<34} {r.count:>8,}  {r.description}")
                lines.append(f"  {'':<34} {'':>8}  e.g. {', '.join(r.examples)}")
        return "\n".join(lines)
