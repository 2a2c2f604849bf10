"""The generated reference docs are up to date and name every table, column, rule and KPI."""

from __future__ import annotations

import re

import pytest

from scoring.cli import docs
from scoring.data import quality
from scoring.registry.contract import STAGES, TABLES, VALID_RANGES
from scoring.registry.kpis import KPI_IDS, KPIS, PERSPECTIVES

STALE = "{name} is out of date with the declarations in scoring/: run `python -m scoring.cli.docs`"


@pytest.mark.parametrize("name", sorted(docs.DOCS))
def test_doc_is_up_to_date(name: str):
    path = docs.DOCS_DIR / name
    assert path.is_file(), f"{path} is missing: run `python -m scoring.cli.docs`"
    assert path.read_text(encoding="utf-8") == docs.DOCS[name](), STALE.format(name=name)


def _rows(markdown: str, section: str) -> list[list[str]]:
    """Cells of the Markdown table rows under a `## ` heading (header and rule skipped)."""
    body = markdown.split(f"\n{section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def test_contract_lists_every_table_and_column():
    text = docs.contract_markdown()
    for table in TABLES:
        title = f"## `{table.name}` — {table.zh} ({'required' if table.required else 'optional'})"
        rows = {row[0]: row for row in _rows(text, title)}
        assert list(rows) == [f"`{c.name}`" for c in table.columns], table.name
        for column in table.columns:
            _, type_, required, meaning, zh, _ = rows[f"`{column.name}`"]
            assert (type_, meaning, zh) == (column.type, column.meaning, column.zh)
            assert required == ("required" if column.required else "optional")


def test_contract_lists_stages_ranges_and_every_rule():
    text = docs.contract_markdown()
    for _, column, zh in STAGES:
        assert f"`{column}` | {zh}" in text
    ranges = {(t, c) for t, c, *_ in _rows(text, "## Valid values")}
    assert ranges == {(f"`{t}`", f"`{c}`") for t, c in VALID_RANGES}
    rules = {row[0]: row[2] for row in _rows(text, "## Bad data")}
    expected = {f"`{r.id}`": r.description.replace("|", "\\|") for r in quality.rules(KPI_IDS)}
    assert rules == expected


def test_kpi_doc_lists_every_kpi():
    text = docs.kpi_markdown()
    overview = {row[0]: row for row in _rows(text, "## Indicators")}
    definitions = {row[0]: row for row in _rows(text, "## Definitions")}
    assert list(overview) == list(definitions) == [f"`{k}`" for k in KPI_IDS]
    for kpi in KPIS:
        row = overview[f"`{kpi.id}`"]
        assert row[1:3] == [kpi.label_en, kpi.label_zh]
        assert PERSPECTIVES[kpi.perspective]["en"] in row[3]
        assert ("higher" if kpi.higher_is_better else "lower") in row[5]
        assert re.fullmatch(r"[0-9.]+", row[-1]) and float(row[-1]) == kpi.weight
        assert definitions[f"`{kpi.id}`"][1:3] == [kpi.description, kpi.formula]


def test_main_writes_both_files(tmp_path):
    assert docs.main(tmp_path) == 0
    assert (tmp_path / "DATA_CONTRACT.md").read_text(encoding="utf-8") == docs.contract_markdown()
    assert (tmp_path / "KPIS.md").read_text(encoding="utf-8") == docs.kpi_markdown()
