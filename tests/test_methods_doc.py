"""The methods are documented inside the repository, and the code's references point there.

Docstrings cite a method by the document's path, docs/METHODS.md, then a comma and the
heading of its section in double quotes. These tests check that every heading so cited exists,
that code names the document by its path in the repository, and that no file refers to a
document outside the repository.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
METHODS = ROOT / "docs/METHODS.md"

# A section reference: the document's name, a comma, then the heading in double quotes (the
# heading may wrap onto the next docstring line).
SECTION_REFERENCE = re.compile(r'METHODS\.md`?,\s*"([^"]+)"')
# Documents of the method and the domain, by name; code must name them by repository path.
DOCUMENT_NAME = re.compile(r"(\S*?)\b((?:METHODS|DOMAIN)\.md)")
# Built from parts so that this file does not match itself.
OUTSIDE_PATHS = ("/work/" + "shared", "../" + "shared")
# Where the walk fallback never looks (the same folders .gitignore leaves out).
SKIPPED_DIRS = {".git", ".venv", ".hypothesis", ".pytest_cache", ".ruff_cache", "__pycache__"}


@cache
def repository_files() -> tuple[Path, ...]:
    """Every file of the repository: tracked and new ones, not the ignored ones."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            text=True,
        ).stdout.split("\0")
        files = [ROOT / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):
        files = [
            path
            for path in ROOT.rglob("*")
            if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
        ]
    return tuple(sorted(path for path in files if path.is_file()))


def text_of(path: Path) -> str | None:
    """The file as text, or None for a binary file (Parquet, images)."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def texts(suffix: str | None = None) -> dict[str, str]:
    """Repository-relative path → text of every text file (optionally with this suffix)."""
    found = {}
    for path in repository_files():
        if suffix is not None and path.suffix != suffix:
            continue
        text = text_of(path)
        if text is not None:
            found[path.relative_to(ROOT).as_posix()] = text
    return found


def headings() -> set[str]:
    """The text of every Markdown heading of docs/METHODS.md (any level)."""
    lines = METHODS.read_text(encoding="utf-8").splitlines()
    return {
        match.group(1).strip()
        for line in lines
        if (match := re.match(r"#{1,6}\s+(.+?)\s*#*\s*$", line))
    }


def code_references() -> list[tuple[str, int, str]]:
    """(file, line, heading) of every section reference in the repository's Python files."""
    found = []
    for name, text in texts(".py").items():
        for match in SECTION_REFERENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((name, line, " ".join(match.group(1).split())))
    return found


def test_methods_document_exists_with_sections():
    assert METHODS.is_file(), "docs/METHODS.md is missing"
    assert len(headings()) > 10


def test_code_references_sections():
    """The code cites the document at all, so the next test has something to check."""
    cited = {name for name, _, _ in code_references()}
    assert {
        "scoring/methods/stats.py",
        "scoring/methods/grading.py",
        "scoring/methods/incentives.py",
    } <= cited


def test_every_section_reference_names_a_heading():
    known = headings()
    broken = [
        f'{name}:{line}: "{heading}"'
        for name, line, heading in code_references()
        if heading not in known
    ]
    assert not broken, "no such heading in docs/METHODS.md:\n" + "\n".join(broken)


def test_code_names_the_documents_by_their_path_in_the_repository():
    """The method and domain documents are named as docs/<name>.md files that exist: a bare
    name, or a path on another machine, is a reference a reader cannot follow."""
    wrong = []
    for name, text in texts(".py").items():
        for number, line in enumerate(text.splitlines(), 1):
            for prefix, document in DOCUMENT_NAME.findall(line):
                path = prefix.lstrip("`'\"([") + document
                if not (path.startswith("docs/") and (ROOT / path).is_file()):
                    wrong.append(f"{name}:{number}: {line.strip()}")
    assert not wrong, "cite the document as docs/METHODS.md:\n" + "\n".join(wrong)


@pytest.mark.parametrize("outside", OUTSIDE_PATHS)
def test_no_file_refers_to_a_path_outside_the_repository(outside: str):
    found = [
        f"{name}:{text.count(chr(10), 0, text.index(outside)) + 1}"
        for name, text in texts().items()
        if outside in text
    ]
    assert not found, f"{outside} is outside the repository, referred to in: {found}"
