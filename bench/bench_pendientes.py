"""Benchmark of ``resguardo pendientes --json`` as a whole process.

Builds synthetic institutions of 200, 2,000 and 20,000 accounts (2,000 is the
reference: 3,000 people, 50,000 rotations and evaluations) and prints the
median of 10 runs for each, plus the growth per account. Goal: median at most
250 ms for 2,000 accounts, growing no worse than linearly.

    python bench/bench_pendientes.py [--runs 10] [--sizes 200,2000,20000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import bare_start_ms, describe  # noqa: E402
from synthetic import NOW, build  # noqa: E402

GOAL_MS = 250.0


def time_command(db: Path, runs: int, yardstick: list[float]) -> tuple[float, float, float, int]:
    exe = Path(sys.executable).with_name("resguardo")
    env = {**os.environ, "RESGUARDO_DB": str(db), "RESGUARDO_NOW": NOW.isoformat()}
    # Time the tool as installed: with bytecode caching (some sandboxes disable it,
    # which makes every run recompile the whole program).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [str(exe), "pendientes", "--json"]
    for _ in range(2):  # warm the page cache and the bytecode cache
        subprocess.run(command, env=env, check=True, capture_output=True)
    samples, cpu = [], []
    size = 0
    for _ in range(runs):
        before = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.run(command, env=env, check=True, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((_children_cpu() - before) * 1000)
        size = len(proc.stdout)
        yardstick.append(bare_start_ms(env))
    return statistics.median(samples), min(samples), statistics.median(cpu), size


def _children_cpu() -> float:
    """CPU seconds used by finished child processes (0 where the OS does not say: Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except (AttributeError, OSError):  # Windows
        return "n/d"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="200,2000,20000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"resguardo pendientes --json, median of {args.runs} whole-process runs (load average now: {_load()})")
    results = {}
    yardstick: list[float] = []
    for size in sizes:
        start = time.perf_counter()
        db = build(size)
        built = time.perf_counter() - start
        median, fastest, cpu, out = time_command(db, args.runs, yardstick)
        results[size] = median
        print(
            f"  {size:>6} accounts: {median:7.1f} ms wall (min {fastest:.1f}), {cpu:7.1f} ms CPU"
            f"  (output {out / 1024:.0f} KiB, data ready in {built:.1f} s)"
        )
    print(f"  {describe(yardstick)}")
    if 2000 in results:
        verdict = "OK" if results[2000] <= GOAL_MS else "OVER GOAL"
        print(f"  goal for 2,000 accounts: <= {GOAL_MS:.0f} ms -> {verdict}")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        per_small = results[small] / small
        per_large = results[large] / large
        print(
            f"  ms per account: {per_small:.3f} at {small}, {per_large:.3f} at {large}"
            f" ({'sub-linear or linear' if per_large <= per_small * 1.1 else 'worse than linear'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
