"""Benchmark of the dataset generator: wall time, peak memory and output size.

    python bench/bench_generate.py --tickets 10000000 --out /tmp/gen10m

Peak memory is the process's maximum resident set size (ru_maxrss), which counts NumPy and
Arrow buffers that tracemalloc does not see.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.synthetic.generate import generate  # noqa: E402


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def peak_rss_mib() -> float:
    """ru_maxrss is in KiB on Linux."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_generate"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    def report(done: int, total: int) -> None:
        print(f"\r  {done:,} / {total:,} tickets", end="", file=sys.stderr)

    baseline = peak_rss_mib()
    began = time.perf_counter()
    manifest = generate(args.out, tickets=args.tickets, seed=args.seed, progress=report)
    seconds = time.perf_counter() - began
    print(file=sys.stderr)

    counts = manifest["counts"]
    rows = [
        ("tickets", f"{counts['tickets']:,}"),
        ("surveys", f"{counts['surveys']:,}"),
        ("wall time", f"{seconds:.1f} s"),
        ("tickets / s", f"{counts['tickets'] / seconds:,.0f}"),
        ("peak RSS", f"{peak_rss_mib():,.0f} MiB (after imports: {baseline:,.0f} MiB)"),
        ("output size", f"{folder_bytes(args.out) / 2**20:,.0f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
