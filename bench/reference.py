"""How fast the machine is while a benchmark runs: its load, and a yardstick.

On a shared host the same program can take twice as long from one minute to
the next (neighbours, CPU frequency), and CPU time moves with wall time. The
benchmarks of ``resguardo pendientes`` therefore time, interleaved with their
own runs, the start of a bare interpreter from the same environment
(``python -c pass``, with the same site-packages): when it is slow, everything
measured beside it is slow by about the same factor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def bare_start_ms(env: dict[str, str] | None = None) -> float:
    """Wall milliseconds of one ``python -c pass`` from the running environment."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env or dict(os.environ), check=True)
    return (time.perf_counter() - start) * 1000


def describe(samples: list[float]) -> str:
    """The line the benchmarks print for the yardstick."""
    return (
        f"machine yardstick, interleaved: bare interpreter start median {statistics.median(samples):.1f} ms"
        f" (min {min(samples):.1f})"
    )


def load_average(five: bool = False) -> str:
    """The 1-minute load average (and the 5-minute one) with the CPU count, in Spanish;
    «desconocida» where the OS does not say (Windows)."""
    try:
        one, five_minutes, _ = os.getloadavg()
    except (AttributeError, OSError):
        return "desconocida"
    extra = f" (5 min {five_minutes:.2f})" if five else ""
    return f"{one:.2f}{extra} con {os.cpu_count()} CPU"
