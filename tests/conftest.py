"""Shared fixtures: datasets generated once per test session (per xdist worker).

- `small_dataset`: a complete generated dataset (every contract table, no bad rows).
- `core_only_dataset`: the same without any optional table.
- `invalid_dataset`: unusable: agents lacks the required column `team` and
  training.parquet is not a Parquet file.
- `bad_rows_dataset`: the small dataset plus one extra tickets file holding copies of
  existing tickets (duplicate ids) and tickets of an agent that does not exist.

The fixtures describe what they planted (`BadRows`), so tests know the expected counts
without asking the application.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import settings

from scoring.data import catalog
from scoring.settings import setting
from scoring.synthetic.generate import generate

# Property tests are judged on what they find, not on their speed: on a busy 2-core machine
# one example can take longer than Hypothesis' default 200 ms deadline (a flaky failure).
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATASET = ROOT / "data" / "sample"
OPTIONAL_TABLES = ("training", "feedback_360", "objectives", "kano_responses", "employee_survey")


@dataclass(frozen=True)
class BadRows:
    path: Path
    base_rows: int  # tickets rows of the clean dataset it was copied from
    duplicate_ids: tuple[str, ...]  # ticket ids written a second time
    unknown_agent_ids: tuple[str, ...]  # ticket ids of rows naming an agent that does not exist

    @property
    def excluded(self) -> int:
        return len(self.duplicate_ids) + len(self.unknown_agent_ids)


def _copy(source: Path, tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    target = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(source, target)
    return target


@pytest.fixture(autouse=True)
def _state_in_a_temporary_folder(tmp_path_factory, monkeypatch) -> None:
    """What the app saves while a test runs (every AppTest page view goes to the access log)
    lands in a fresh folder, never in the project's state/. A test may name its own."""
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path_factory.mktemp("state")))


def saved_state() -> Path:
    """The state folder of the dataset the app opens by default (the SPD_DATA_DIR and
    SPD_STATE_DIR of the test): where its actions, scenarios and access log are kept."""
    state_dir, data_dir = setting("state_dir"), setting("data_dir")
    entries = catalog.list_datasets(state_dir, data_dir)
    return catalog.state_folder(state_dir, catalog.default_entry(entries, data_dir))


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small") / "data"
    generate(out, tickets=4000, agents=24, teams=4, months=6, seed=7)
    return out


@pytest.fixture(scope="session")
def core_only_dataset(small_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = _copy(small_dataset, tmp_path_factory, "core_only")
    for name in OPTIONAL_TABLES:
        (out / f"{name}.parquet").unlink(missing_ok=True)
        shutil.rmtree(out / name, ignore_errors=True)
    assert not any((out / f"{name}.parquet").exists() for name in OPTIONAL_TABLES)
    return out


@pytest.fixture(scope="session")
def invalid_dataset(small_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = _copy(small_dataset, tmp_path_factory, "invalid")
    agents = pq.read_table(out / "agents.parquet")
    pq.write_table(agents.drop_columns(["team"]), out / "agents.parquet")
    (out / "training.parquet").write_bytes(b"this is not a parquet file\n")
    return out


@pytest.fixture(scope="session")
def bad_rows_dataset(small_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> BadRows:
    out = _copy(small_dataset, tmp_path_factory, "bad_rows")
    files = sorted((out / "tickets").rglob("*.parquet"))
    base_rows = sum(pq.read_metadata(f).num_rows for f in files)
    # The last month's tickets, so the copies fall into the default (last quarter) view.
    source = pq.read_table(files[-1])
    duplicates = source.slice(0, 3)
    unknown = source.slice(3, 4)
    new_ids = [f"BAD-{i}" for i in range(unknown.num_rows)]
    unknown = unknown.set_column(
        unknown.schema.get_field_index("ticket_id"), "ticket_id", pa.array(new_ids)
    )
    unknown = unknown.set_column(
        unknown.schema.get_field_index("agent_id"),
        "agent_id",
        pa.array(["NOBODY"] * unknown.num_rows),
    )
    # "zz_" sorts after the month folders: the copies, not the originals, are the repeats.
    pq.write_table(pa.concat_tables([duplicates, unknown]), out / "tickets" / "zz_extra.parquet")
    return BadRows(
        path=out,
        base_rows=base_rows,
        duplicate_ids=tuple(duplicates.column("ticket_id").to_pylist()),
        unknown_agent_ids=tuple(new_ids),
    )


# Browser fixtures (server, browser, page) for every page's browser tests.
from tests.browser_support import browser, page, server  # noqa: E402, F401
