"""``resguardo informe estado`` as a user runs it: the whole process, on the demo institution and on
a synthetic one of 2,000 accounts (bench/synthetic.py), PDF and DOCX.

Budgets (issue #16): the demo's PDF within 2 s, the 2,000 accounts' within 15 s. Also
``calendario exportar`` for the 2,000 accounts, for reference.

    python bench/bench_reports.py [--runs 3] [--accounts 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from synthetic import NOW, build  # noqa: E402

BUDGETS = {"demo": 2.0, "synthetic": 15.0}


def _env() -> dict[str, str]:
    env = {
        **os.environ,
        "RESGUARDO_NOW": NOW.isoformat(),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed, with compiled bytecode
    return env


def demo_db(folder: Path) -> Path:
    from tui.core.setup import load_demo
    from tui.workspace import Workspace

    path = folder / "demo.db"
    workspace = Workspace(path, lambda: NOW)
    workspace.create_database()
    workspace.run(load_demo, "ine")
    return path


def timed(db: Path, args: list[str], runs: int) -> tuple[float, float, str]:
    times = []
    out = ""
    exe = Path(sys.executable).with_name("resguardo")  # the console script, as a user runs it
    subprocess.run([str(exe), "--db", str(db), *args], env=_env(), capture_output=True, check=False)  # warm caches
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(
            [str(exe), "--db", str(db), *args],
            env=_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise SystemExit(f"failed: {proc.stderr.strip()}")
        out = proc.stdout.strip()
    return statistics.median(times), min(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()
    status = 0
    with tempfile.TemporaryDirectory(prefix="resguardo-bench-reports-") as name:
        folder = Path(name)
        cases = [("demo", demo_db(folder)), ("synthetic", build(args.accounts))]
        print(f"resguardo informe estado, whole process, median (min) of {args.runs} runs")
        for label, db in cases:
            for suffix in (".pdf", ".docx"):
                target = folder / f"{label}{suffix}"
                median, fastest, out = timed(db, ["informe", "estado", "--salida", str(target)], args.runs)
                size_kb = target.stat().st_size / 1e3
                budget = BUDGETS[label] if suffix == ".pdf" else None
                verdict = "" if budget is None else (" ok" if median <= budget else f" OVER {budget:g} s")
                status |= bool(budget is not None and median > budget)
                pages = ""
                if suffix == ".pdf":
                    try:
                        from pypdf import PdfReader  # lazy: a test dependency, for the page count only

                        pages = f", {len(PdfReader(target).pages)} pages"
                    except ImportError:
                        pass
                print(f"  {label:<10} {suffix:<5} {median:6.2f} s ({fastest:.2f}){verdict}  {size_kb:,.0f} kB{pages}")
                print(f"    {out.split(' SHA-256')[0]}")
        db = cases[1][1]
        median, fastest, out = timed(db, ["calendario", "exportar", "--salida", str(folder / "a.ics")], args.runs)
        print(f"  calendario exportar ({args.accounts} accounts): {median:.2f} s ({fastest:.2f}) — {out}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
