"""The import rules between folders (docs/ARCHITECTURE.md), read from every module's imports.

- scoring/ never imports the dashboard, the pages or streamlit; within scoring/, a layer
  imports only its own folder and the layers below it;
- a dashboard journey never imports another journey; the shell (dashboard/app) and the
  shared UI (dashboard/ui) import a journey's `texts` only (the one text catalog);
- nothing imports a page.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Lower layers first; a module may import its own layer and the layers before it.
SCORING_LAYERS = (
    (
        "foundation",
        ("scoring.settings", "scoring.scope", "scoring.access", "scoring.export", "scoring.files"),
    ),  # fmt: skip
    ("registry", ("scoring.registry",)),
    ("data", ("scoring.data",)),
    ("ingest", ("scoring.ingest",)),
    ("measures", ("scoring.measures",)),
    ("spark", ("scoring.spark",)),
    ("synthetic", ("scoring.synthetic",)),
    ("methods", ("scoring.methods",)),
    ("engine", ("scoring.engine",)),
    ("analyses", ("scoring.analyses",)),
    ("stores", ("scoring.stores",)),
    ("reports", ("scoring.reports",)),
    ("cli", ("scoring.cli", "scoring.__main__")),
)
JOURNEYS = (
    "dashboard.diagnostics",
    "dashboard.whatif",
    "dashboard.capability",
    "dashboard.targets",
    "dashboard.kano",
    "dashboard.effect",
    "dashboard.balanced",
    "dashboard.objectives",
    "dashboard.appraisal",
)
SHARED = ("dashboard.app", "dashboard.ui")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports (relative imports resolved; `from a import b` gives a.b
    too, since b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def within(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layer_of(module: str) -> int | None:
    for rank, (_, prefixes) in enumerate(SCORING_LAYERS):
        if within(module, prefixes):
            return rank
    return None


def sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_every_scoring_module_has_a_layer():
    assert [module_name(p) for p in sources("scoring") if layer_of(module_name(p)) is None] == [
        "scoring"
    ]


@pytest.mark.parametrize("path", sources("scoring"), ids=lambda p: module_name(p))
def test_scoring_imports_only_its_own_layer_and_those_below(path):
    module = module_name(path)
    own = layer_of(module)
    for imported in imports_of(path):
        assert not within(imported, ("dashboard", "app_pages", "streamlit", "app")), imported
        rank = layer_of(imported)
        if rank is not None and own is not None:
            assert rank <= own, f"{module} ({SCORING_LAYERS[own][0]}) imports {imported}"


@pytest.mark.parametrize("path", sources("dashboard"), ids=lambda p: module_name(p))
def test_a_journey_never_imports_another_and_the_shell_only_their_texts(path):
    module = module_name(path)
    mine = [j for j in JOURNEYS if within(module, (j,))]
    for imported in imports_of(path):
        assert not within(imported, ("app_pages",)), imported
        for journey in JOURNEYS:
            if not within(imported, (journey,)) or within(imported, mine) or imported == journey:
                continue  # (`from dashboard.whatif import texts` names the package too)
            assert within(module, SHARED) and imported == f"{journey}.texts", (
                f"{module} imports {imported}"
            )


def test_nothing_imports_a_page():
    importers = sources("scoring", "dashboard", "app_pages", "tests", "bench")
    offenders = [
        module_name(p) for p in importers if any(within(i, ("app_pages",)) for i in imports_of(p))
    ]
    assert offenders == []


def test_the_rules_see_a_violation():
    """The reader of imports is not blind: it finds the imports these rules are about."""
    shell = imports_of(ROOT / "dashboard" / "app" / "shell.py")
    assert "dashboard.ui.i18n" in shell and "scoring.engine.schemes" in shell
    capability = imports_of(ROOT / "dashboard" / "capability" / "sections.py")
    assert any(within(i, ("dashboard.capability",)) for i in capability)
    assert layer_of("scoring.engine.scorecard") > layer_of("scoring.measures.metrics")
    assert layer_of("scoring.registry.kpis") < layer_of("scoring.data.dataset")


def test_the_pages_modules_import_no_scipy_stats():
    """scipy.stats takes about a second to import, half of the first page's load: the shell
    and every page's imports get by with scipy.special (scoring/methods/stats.py)."""
    pages = sorted((ROOT / "app_pages").glob("*.py"))
    imports = [
        ast.unparse(node)
        for page in pages
        for node in ast.parse(page.read_text(encoding="utf-8")).body
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    code = "\n".join(["import dashboard.app.shell", *imports, "import sys"])
    code += "\nprint('scipy.stats' in sys.modules, 'scoring.methods.stats' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.split() == ["False", "True"], found.stderr
