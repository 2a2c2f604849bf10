"""Hand-made datasets for tests: write rows (dicts) as contract-typed Parquet tables."""

from __future__ import annotations

import base64
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scoring.registry.contract import ARROW_TYPE, TABLES_BY_NAME
from scoring.synthetic import bad_rows

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def sample_missing_segments(root: Path, every: int = 10) -> Path:
    """A copy of the bundled sample under `root` in which every `every`-th ticket of each
    file has no customer segment."""
    data = root / "data"
    shutil.copytree(SAMPLE, data)
    for path in (data / "tickets").rglob("*.parquet"):
        tickets = pq.read_table(path).to_pandas()
        tickets.loc[tickets.index % every == 0, "customer_segment"] = None
        pq.write_table(pa.Table.from_pandas(tickets, preserve_index=False), path)
    return data


def table_of(name: str, rows: list[dict], columns: list[str] | None = None) -> pa.Table:
    """Rows as an Arrow table with the contract's types (columns: given, or those used)."""
    spec = TABLES_BY_NAME[name]
    used = columns or [c.name for c in spec.columns if any(c.name in r for r in rows)]
    if not used:
        used = list(spec.required_columns)
    fields = [pa.field(c, ARROW_TYPE[spec.column(c).type]) for c in used]
    data = {c: [r.get(c) for r in rows] for c in used}
    return pa.table(data, schema=pa.schema(fields))


def write_table(root: Path, name: str, rows: list[dict], columns: list[str] | None = None):
    root.mkdir(parents=True, exist_ok=True)
    pq.write_table(table_of(name, rows, columns), root / f"{name}.parquet")


def write_dataset(root: Path, **tables: list[dict]) -> Path:
    """Write each given table; agents/tickets/surveys default to empty if not given."""
    for name in ("agents", "tickets", "surveys"):
        tables.setdefault(name, [])
    for name, rows in tables.items():
        write_table(root, name, rows)
    return root


def agent(agent_id: str, team: str = "T1", name: str | None = None, **extra) -> dict:
    return {"agent_id": agent_id, "name": name or f"Agent {agent_id}", "team": team, **extra}


def ticket(ticket_id: str, agent_id: str, minutes_after_t0: float = 0, **extra) -> dict:
    """A ticket created `minutes_after_t0` after T0; timestamps in `extra` as minutes offsets."""
    created = T0 + timedelta(minutes=minutes_after_t0)
    row = {
        "ticket_id": ticket_id,
        "agent_id": agent_id,
        "created_at": created,
        "channel": extra.pop("channel", "phone"),
        "category": extra.pop("category", "repair"),
    }
    for key, value in extra.items():
        if key.endswith("_at") and isinstance(value, int | float):
            row[key] = created + timedelta(minutes=value)
        else:
            row[key] = value
    return row


def survey(survey_id: str, ticket_id: str, csat: int, **extra) -> dict:
    return {
        "survey_id": survey_id,
        "ticket_id": ticket_id,
        "submitted_at": T0 + timedelta(days=5),
        "csat": csat,
        **extra,
    }


def read_generated(data: Path, name: str) -> pd.DataFrame:
    """A table of a generated dataset as the generator wrote it, without the rows planted to
    break the contract (`generate --bad-rows` puts them in `bad_rows.BAD_FILE`; the app
    excludes every one of them, see tests/test_bad_rows.py). Read straight from the Parquet
    files, independently of the app's validation."""
    single = data / f"{name}.parquet"
    files = [single] if single.exists() else sorted((data / name).rglob("*.parquet"))
    generated = [f for f in files if f.name != bad_rows.BAD_FILE]
    return pd.concat([pq.read_table(f).to_pandas() for f in generated], ignore_index=True)


def plotly_values(values) -> list:
    """A figure's data array as a list, from a list or plotly's typed-array JSON encoding."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)
