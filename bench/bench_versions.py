"""Side by side: ``pendientes --json`` and Hoy's first frame, this checkout against another one.

The machine is shared and noisy, so the two versions are timed in alternation
(A, B, A, B…) on the same synthetic institution and the ratio of the medians
is what to read. The database is built by the baseline's own code (its schema
is the older one); the current version gets a copy, migrated once before
timing.

    python bench/bench_versions.py --baseline /path/to/older/checkout [--accounts 2000] [--runs 9]

The baseline is a plain checkout of an earlier commit (``git worktree add
/tmp/old <commit>``); both run with this interpreter and its installed
dependencies, the baseline through ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

NOW = "2026-11-23T10:00:00-06:00"
ENTRY = "import sys; from tui.cli import run; sys.argv[0] = 'resguardo'; run()"


def _env(tree: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "RESGUARDO_NOW": NOW, "TERM": "xterm-256color"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed, with compiled bytecode
    return env


def build(baseline: Path, accounts: int, folder: Path) -> Path:
    """The synthetic institution, written by the baseline's code (bench/synthetic.py of that tree)."""
    target = folder / f"institution-{accounts}.db"
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, 'bench');"
        f" from synthetic import build; build({accounts}, 'ine', Path({str(target)!r}))"
    )
    subprocess.run([sys.executable, "-c", code], cwd=baseline, env=_env(baseline), check=True)
    return target


def pendientes_once(tree: Path, db: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", ENTRY, "pendientes", "--json", "--db", str(db)],
        cwd=tree,
        env=_env(tree),
        check=True,
        capture_output=True,
    )
    return (time.perf_counter() - started) * 1000


def first_frame_once(tree: Path, db: Path) -> float:
    from bench_workbench import hoy_is_whole
    from terminal import first_frame

    # ``python -c`` puts the working directory first on sys.path, before PYTHONPATH: name the tree
    # there, or each version would run the code of the directory the benchmark was started from
    entry = f"import sys; sys.path[0] = {str(tree)!r}; {ENTRY}"
    frame = first_frame([sys.executable, "-c", entry, "--db", str(db)], _env(tree), hoy_is_whole, (120, 40))
    if frame is None:
        raise SystemExit(f"{tree}: la aplicación no llegó a dibujar Hoy completa")
    return frame.seconds * 1000


def alternate(label: str, runs: int, old: object, new: object) -> None:
    olds, news = [], []
    for _ in range(runs):
        olds.append(old())  # type: ignore[operator]
        news.append(new())  # type: ignore[operator]
    a, b = statistics.median(olds), statistics.median(news)
    print(f"{label}: anterior {a:.0f} ms · actual {b:.0f} ms · razón actual/anterior {b / a:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="checkout de la versión anterior")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    baseline = args.baseline.resolve()
    with tempfile.TemporaryDirectory(prefix="resguardo-versiones-") as folder:
        old_db = build(baseline, args.accounts, Path(folder))
        new_db = Path(folder) / "current.db"
        shutil.copy(old_db, new_db)
        for tree, db in ((baseline, old_db), (ROOT, new_db)):  # warm caches; the current one migrates here
            pendientes_once(tree, db)
            pendientes_once(tree, db)
        print(f"{args.accounts} cuentas, {args.runs} corridas alternadas; carga: {os.getloadavg()[0]:.1f}")
        alternate(
            "pendientes --json",
            args.runs,
            lambda: pendientes_once(baseline, old_db),
            lambda: pendientes_once(ROOT, new_db),
        )
        alternate(
            "primer cuadro de Hoy",
            args.runs,
            lambda: first_frame_once(baseline, old_db),
            lambda: first_frame_once(ROOT, new_db),
        )


if __name__ == "__main__":
    main()
