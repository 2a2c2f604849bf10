"""What the suite itself relies on: `--dist loadgroup` keeps an xdist group on one worker
(the browser tests share one server and one Chromium per worker; pytest 9.2 broke this
silently, see requirements.txt)."""

from __future__ import annotations

import re
import subprocess
import sys


def test_loadgroup_keeps_a_group_on_one_worker(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_grouped.py").write_text(
        "import pytest\n"
        'pytestmark = [pytest.mark.xdist_group("browser")]\n'
        + "".join(f"def test_{i}():\n    pass\n" for i in range(6)),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v",
         "-p", "no:cacheprovider", "test_grouped.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    workers = re.findall(r"^\[(gw\d)\] .* PASSED", run.stdout, re.M)
    assert len(workers) == 6 and len(set(workers)) == 1, run.stdout
