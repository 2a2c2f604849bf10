"""Server time of a rerun of every page on the bundled sample (AppTest, nothing changed).

A rerun is what each click costs once the data are cached (a widget change reruns the page;
the What-if lab reruns only its fragment in the browser). The Data page, the lightest page,
is the same-run baseline: the machine's speed varies from one hour to the next.

    python bench/bench_pages.py --repeats 15
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scoring import median_seconds  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = ("data", "overview", "scorecard", "diagnostics", "whatif", "capability")
WARM_UP = 3


def open_page(page: str) -> AppTest:
    """The app on this page (English), run once and checked to render without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun_seconds(page: str, repeats: int) -> float:
    """Median time of a rerun with nothing changed, after a few warm-up reruns."""
    at = open_page(page)
    for _ in range(WARM_UP):
        at.run()
    return median_seconds(at.run, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("SPD_STATE_DIR", tempfile.mkdtemp(prefix="bench_pages_"))
    os.environ["SPD_DATA_DIR"] = str(ROOT / "data" / "sample")
    times = {page: rerun_seconds(page, args.repeats) for page in PAGES}
    print(f"# {time.strftime('%Y-%m-%d')} · bundled sample · median of {args.repeats}")
    print("| page | AppTest rerun | × Data page |")
    print("|---|---:|---:|")
    for page, seconds in times.items():
        print(f"| {page} | {seconds * 1000:.0f} ms | {seconds / times['data']:.1f}× |")


if __name__ == "__main__":
    main()
