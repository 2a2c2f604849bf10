"""Weight schemes (权重方案) stored as data: built-in presets and user-saved schemes.

A scheme is a JSON file: name, labels, description, weights by KPI id and the normalisation
its KPIs are scored with (`method`, one of `normalise.METHODS`; target-based when absent).
Built-in presets live in `scoring/engine/weight_schemes/`; saved schemes go to
`<state_dir>/schemes/` and are written atomically (temporary file, then rename) so a crash
never leaves half a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from scoring.engine.policy import weight_problems
from scoring.files import write_atomically
from scoring.methods import normalise
from scoring.settings import setting

BUILT_IN_DIR = Path(__file__).parent / "weight_schemes"
DEFAULT_SCHEME = "balanced"
_NAME = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass(frozen=True)
class Scheme:
    name: str
    label_en: str
    label_zh: str
    description: str
    weights: dict[str, float]
    description_zh: str = ""  # optional in saved schemes: English is shown instead
    method: str = "target"  # the normalisation to 0–100 (optional: older files have none)

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def describe(self, lang: str) -> str:
        return (self.description_zh or self.description) if lang == "zh" else self.description


def _checked(data: dict, source: str) -> Scheme:
    try:
        scheme = Scheme(**data)
    except TypeError as exc:
        raise ValueError(f"{source}: not a weight scheme ({exc})") from None
    problems = weight_problems("weights", scheme.weights)
    if scheme.method not in normalise.METHODS:
        problems.append(f"method: unknown normalisation {scheme.method!r} ({normalise.METHODS})")
    if problems:
        raise ValueError(f"{source}: " + "; ".join(problems))
    return scheme


def _folders(state_dir: Path | None) -> list[Path]:
    """Built-in presets, then saved schemes (default state folder: the state_dir setting)."""
    return [BUILT_IN_DIR, Path(state_dir or setting("state_dir")) / "schemes"]


def list_schemes(state_dir: Path | None = None) -> list[Scheme]:
    """Built-in presets first, then saved schemes (a saved name overrides nothing built in)."""
    found: dict[str, Scheme] = {}
    for folder in _folders(state_dir):
        for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            found.setdefault(file.stem, load_file(file))
    return list(found.values())


def fingerprint(state_dir: Path | None = None) -> tuple[tuple[str, int], ...]:
    """Every scheme file with its modification time: changes when a scheme is saved."""
    return tuple(
        (str(file), file.stat().st_mtime_ns)
        for folder in _folders(state_dir)
        if folder.is_dir()
        for file in sorted(folder.glob("*.json"))
    )


def load_file(path: Path) -> Scheme:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read weight scheme ({exc})") from None
    return _checked(data, str(path))


def load(name: str, state_dir: Path | None = None) -> Scheme:
    for folder in _folders(state_dir):
        path = folder / f"{name}.json"
        if path.is_file():
            return load_file(path)
    known = ", ".join(s.name for s in list_schemes(state_dir))
    raise KeyError(f"unknown weight scheme '{name}' (known: {known})")


def save(scheme: Scheme, state_dir: Path) -> Path:
    """Write a scheme atomically under state_dir/schemes; built-in names are refused."""
    if not _NAME.match(scheme.name):
        raise ValueError("scheme name: use 1–64 lowercase letters, digits or underscores")
    if (BUILT_IN_DIR / f"{scheme.name}.json").exists():
        raise ValueError(f"'{scheme.name}' is a built-in scheme; choose another name")
    _checked(asdict(scheme), scheme.name)
    folder = state_dir / "schemes"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{scheme.name}.json"
    write_atomically(target, json.dumps(asdict(scheme), ensure_ascii=False, indent=2))
    return target
