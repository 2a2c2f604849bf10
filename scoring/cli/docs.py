"""Reference documentation generated from the declarations.

`docs/DATA_CONTRACT.md` is rendered from scoring/registry/contract.py and the row rules of
scoring/data/quality.py; `docs/KPIS.md` from the KPI registry in scoring/registry/kpis.py. A
test checks that the files in docs/ match what this module renders; after changing a
declaration, run

    python -m scoring.cli.docs
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from scoring.data import quality
from scoring.methods import calibration
from scoring.registry.contract import (
    OWNER_TYPES,
    PERIOD_PATTERN,
    REVIEWER_ROLES,
    STAGE_INTERVALS,
    STAGES,
    TABLES,
    VALID_RANGES,
    Table,
)
from scoring.registry.kpis import KPI, KPI_IDS, KPIS, PERSPECTIVES
from scoring.stores import targets as target_store

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
REGENERATE = "python -m scoring.cli.docs"
GENERATED_NOTE = (
    f"<!-- Generated from the declarations in scoring/ by `{REGENERATE}`; do not edit. -->"
)


def _cell(value: object) -> str:
    """A Markdown table cell: pipes escaped, line breaks flattened, empty shown as —."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ").strip() or "—"


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _code(text: str) -> str:
    return f"`{text}`"


def _required(flag: bool) -> str:
    return "required" if flag else "optional"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


# --------------------------------------------------------------------------------------
# Data contract


def _contract_intro() -> list[str]:
    required = ", ".join(_code(t.name) for t in TABLES if t.required)
    return [
        "# Data contract (v1)",
        "",
        GENERATED_NOTE,
        "",
        "A dataset is a folder holding, per table, one Parquet file (`<table>.parquet`) or a "
        "folder of Parquet files (`<table>/`, hive partitioning such as `month=2026-01/` "
        "allowed; partition keys are not read as columns). Column names are lower_snake_case. "
        "Timestamps are timezone-naive local time or timezone-aware (read as UTC wall time). "
        "Id columns may be stored as text or whole numbers; both load as text.",
        "",
        f"Required tables: {required}. Every other table is optional: a feature that needs a "
        "missing optional table or column says which one would enable it, and the rest works. "
        "An optional column that is present without a single value (an export's unmapped "
        "column, written empty) counts as missing.",
        "",
    ]


def _tables_overview() -> list[str]:
    rows = [
        (_code(t.name), t.zh, _required(t.required), t.meaning, _code(t.key) if t.key else "")
        for t in TABLES
    ]
    return ["## Tables", "", *_table(("table", "中文", "req.", "meaning", "unique id"), rows), ""]


def _valid_values(table: str, column: str) -> str:
    if (table, column) in VALID_RANGES:
        lo, hi = VALID_RANGES[(table, column)]
        return f"{_number(lo) or '−∞'} … {_number(hi) or '∞'}"
    allowed = {
        ("feedback_360", "reviewer_role"): REVIEWER_ROLES,
        ("objectives", "owner_type"): OWNER_TYPES,
        ("objectives", "kpi"): ("a KPI id of docs/KPIS.md",),
    }.get((table, column))
    if allowed:
        return ", ".join(allowed)
    if column == "period":
        return "YYYY-Qn or YYYY-MM"
    return ""


def _table_section(table: Table) -> list[str]:
    title = f"## `{table.name}` — {table.zh} ({_required(table.required)})"
    lines = [title, "", f"{table.meaning[0].upper()}{table.meaning[1:]}."]
    if table.key:
        lines[-1] += f" Unique id: `{table.key}`."
    rows = [
        (
            _code(c.name),
            c.type,
            _required(c.required),
            c.meaning,
            c.zh,
            _valid_values(table.name, c.name),
        )
        for c in table.columns
    ]
    header = ("column", "type", "req.", "meaning", "中文", "valid values")
    return [*lines, "", *_table(header, rows), ""]


def _stages_section() -> list[str]:
    stages = [(i + 1, name, _code(column), zh) for i, (name, column, zh) in enumerate(STAGES)]
    stage_zh = {name: zh for name, _, zh in STAGES}
    intervals = [
        (name, stage_zh[name], _code(start), _code(end)) for name, start, end in STAGE_INTERVALS
    ]
    return [
        "## Service stages (服务流程)",
        "",
        "Stage timestamps of `tickets`, where present, must not run backwards. "
        "`first_response_at` must not precede `created_at`.",
        "",
        *_table(("#", "stage", "timestamp", "中文"), stages),
        "",
        "Stage intervals: the time a ticket spends in a stage, from its timestamp to the next.",
        "",
        *_table(("interval", "中文", "from", "to"), intervals),
        "",
    ]


def _ranges_section() -> list[str]:
    ranges = [
        (_code(table), _code(column), _number(lo) or "—", _number(hi) or "—")
        for (table, column), (lo, hi) in VALID_RANGES.items()
    ]
    return [
        "## Valid values",
        "",
        "Numeric ranges are inclusive; a value outside breaks the table's range rule.",
        "",
        *_table(("table", "column", "min", "max"), ranges),
        "",
        f"- `feedback_360.reviewer_role`: {', '.join(REVIEWER_ROLES)}.",
        f"- `objectives.owner_type`: {', '.join(OWNER_TYPES)}; `owner_id` is the department's "
        "name (any name: every agent), a team name or an agent id of `agents`; one objective "
        "per owner, KPI and period.",
        "- `objectives.kpi`: a KPI id of the registry (see docs/KPIS.md).",
        f"- `period` columns: a quarter (`2026-Q3`) or a month (`2026-07`), "
        f"pattern `{PERIOD_PATTERN}`.",
        "",
    ]


def _rules_section() -> list[str]:
    rules = [(_code(r.id), _code(r.table), r.description) for r in quality.rules(KPI_IDS)]
    return [
        "## Bad data",
        "",
        "Nothing is dropped silently. Each row that breaks a rule is counted per rule, "
        f"excluded from scoring and listed in the data-quality report with up to "
        f"{quality.EXAMPLES_PER_RULE} example ids (`python -m scoring validate DIR`). For "
        "every table, accepted + excluded = rows read; a row that breaks several rules is "
        "counted by each but excluded once. Of a repeated id, the first copy (by file and "
        "row) is kept. References (agent, ticket, owner) must name an accepted row.",
        "",
        *_table(("rule", "table", "a row is excluded when"), rules),
        "",
        "Loading stops, with every problem listed at once, when a required table is missing, "
        "a file is not readable Parquet, a required column is missing, or a column holds "
        "values that cannot be read as its type. Each message names the file, the column and "
        "what was expected.",
        "",
    ]


def contract_markdown() -> str:
    """docs/DATA_CONTRACT.md: every table and column, stages, valid values and rules."""
    lines = _contract_intro() + _tables_overview()
    for table in TABLES:
        lines += _table_section(table)
    lines += _stages_section() + _ranges_section() + _rules_section()
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------
# KPI registry


def _direction(kpi: KPI) -> str:
    return "higher is better ↑" if kpi.higher_is_better else "lower is better ↓"


def _perspective(kpi: KPI) -> str:
    names = PERSPECTIVES[kpi.perspective]
    return f"{names['en']} ({names['zh']})"


def _perspectives_section() -> list[str]:
    rows = []
    for key, names in PERSPECTIVES.items():
        members = [k for k in KPIS if k.perspective == key]
        rows.append(
            (
                names["en"],
                names["zh"],
                ", ".join(_code(k.id) for k in members),
                _number(sum(k.weight for k in members)),
            )
        )
    return [
        "## Balanced-scorecard perspectives",
        "",
        *_table(("perspective", "中文", "KPIs", "default weight"), rows),
        "",
    ]


def _overview_section() -> list[str]:
    rows = [
        (
            _code(k.id),
            k.label_en,
            k.label_zh,
            _perspective(k),
            k.unit,
            _direction(k),
            k.min_sample,
            k.format(k.floor),
            k.format(k.target),
            k.format(k.stretch),
            _number(k.weight),
        )
        for k in KPIS
    ]
    header = (
        "id",
        "English",
        "中文",
        "perspective",
        "unit",
        "direction",
        "min sample",
        "floor",
        "target",
        "stretch",
        "default weight",
    )
    return [
        "## Indicators",
        "",
        "Target-based score: 0 at or beyond the floor, 100 at the target, and on towards a "
        "capped bonus (120) at the stretch value (mirrored when lower is better). Min sample: "
        "below this many observations an agent's value is shown but left out of the "
        "composite, its weight spread over the agent's other KPIs. "
        "A default weight of 0 shows the KPI without counting it in the composite score.",
        "",
        *_table(header, rows),
        "",
    ]


def _definitions_section() -> list[str]:
    rows = [
        (
            _code(k.id),
            k.description,
            k.formula,
            f"{k.kind} per {k.grain}",
            ", ".join(f"{table}.{column}" for table, column in k.requires),
        )
        for k in KPIS
    ]
    header = ("id", "description", "formula", "kind", "needs")
    return [
        "## Definitions",
        "",
        "A KPI whose table or columns are absent from the dataset is unavailable, never zero.",
        "",
        *_table(header, rows),
        "",
    ]


def _targets_section() -> list[str]:
    """Where floor, target and stretch come from: defaults, a dataset's set, calibration."""
    return [
        "## Where targets come from",
        "",
        "The floor, target and stretch in the table above are the registry's after-sales "
        "defaults. They are checked against the synthetic generator (scoring/synthetic) and the "
        "sample: on the sample and on five generated datasets no KPI weighted by default has "
        f"more than {calibration.MOST_AT_THE_ENDS:.0%} of its agents at the cap or at the "
        "floor, and the default grades span at least three bands "
        "(tests/scoring/test_default_targets.py).",
        "",
        "Each dataset has its own target set, set on the Targets page (目标值设定) and kept as "
        "versions — author, date, how it was made, a note — in the dataset's state folder "
        f"(`{target_store.FOLDER}/v000001.json`, …; scoring/stores/targets.py). Every page scores "
        "with its latest version; a KPI the set does not name keeps its default. The What-if "
        "lab starts from it and saves its own targets, and its normalisation, with each "
        "scenario.",
        "",
        "Suggestions — on the Targets page, and the targets of a dataset imported without a "
        "saved set, which are used (and the pages say so) until someone saves one — are "
        "direction-aware percentiles of the agents' shrunk values in a reference period: "
        f"floor at the {calibration.FLOOR_PERCENTILE:g}th percentile of performance, target at "
        f"the {calibration.TARGET_PERCENTILE:g}th (the median agent), stretch at the "
        f"{calibration.STRETCH_PERCENTILE:g}th; none with fewer than {calibration.MIN_AGENTS} "
        "agents measured or when floor and target coincide "
        '(docs/METHODS.md, "Calibrating targets from a reference period").',
        "",
    ]


def kpi_markdown() -> str:
    """docs/KPIS.md: the KPI registry."""
    lines = [
        "# KPI registry",
        "",
        GENERATED_NOTE,
        "",
        f"{len(KPIS)} indicators, declared once in scoring/registry/kpis.py.",
        "",
    ]
    lines += _perspectives_section() + _overview_section() + _targets_section()
    lines += _definitions_section()
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------

DOCS: dict[str, Callable[[], str]] = {
    "DATA_CONTRACT.md": contract_markdown,
    "KPIS.md": kpi_markdown,
}


def main(docs_dir: Path = DOCS_DIR) -> int:
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name, render in DOCS.items():
        path = docs_dir / name
        path.write_text(render(), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
