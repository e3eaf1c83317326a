"""Side by side: a single office's ``resguardo pendientes --json`` against Taskwarrior's ``task export``.

Issue #17 asks that, at 10,000 accounts, the agenda be no slower than
Taskwarrior exporting 10,000 tasks. Both datasets are built here: the
synthetic institution of ``bench/synthetic.py`` (cached in ``bench/.data/``)
and 10,000 pending tasks imported with ``task import`` into a temporary
TASKDATA (a private TASKRC with ``confirmation=off``: the user's own
Taskwarrior data is never read). Then both commands run alternately, whole
processes with their output captured, and the medians of wall and CPU time
are printed with the ratio and the load average (the machine is shared: read
the ratio, not the absolute figures).

    python bench/bench_taskwarrior.py [--accounts 10000] [--runs 9] [--baseline CHECKOUT]

``--baseline`` times another checkout of resguardo in the same rotation (a
plain checkout of an earlier commit, run with this interpreter through
``PYTHONPATH``), so a change is measured against the version before it.
resguardo is timed three times: as it runs again while nothing changed (the
agenda kept beside the database, ``store.agenda_cache``); after a change to
one account (a bitácora entry recorded before each run: the kept agenda
patched, ``tui.core.agenda.patched_agenda``); and with no agenda kept (the
file removed before each run, as after an update or a change beyond a few
accounts: the agenda computed in full). Nothing is prepared in the background
(``RESGUARDO_PREPARAR=0``), so each run is what its label says.
Needs Taskwarrior (``apt-get install taskwarrior``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from reference import load_average  # noqa: E402

NOW = "2026-11-23T10:00:00-06:00"
ENTRY = "import sys; from tui.cli import run; sys.argv[0] = 'resguardo'; run()"
NETWORKS = ("facebook", "x", "instagram", "tiktok", "youtube")


def taskwarrior_data(folder: Path, tasks: int) -> dict[str, str]:
    """``tasks`` pending tasks imported into ``folder``; returns the environment that selects them."""
    data = folder / "taskdata"
    data.mkdir()
    rc = folder / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\n", encoding="utf-8")
    rng = random.Random(tasks)
    base = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    items = [
        {
            "description": f"Rotar la contraseña de @INE_cuenta{i:06d}",
            "project": f"area{i % 300:03d}",
            "status": "pending",
            "entry": "20261101T000000Z",
            "due": (base + timedelta(days=rng.randint(-60, 120))).strftime("%Y%m%dT%H%M%SZ"),
            "tags": ["rotacion", NETWORKS[i % len(NETWORKS)]],
            "priority": "H" if i % 5 == 0 else "M",
        }
        for i in range(1, tasks + 1)
    ]
    source = folder / "tasks.json"
    source.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    subprocess.run(["task", "rc.confirmation=off", "import", str(source)], env=env, check=True, capture_output=True)
    exported = subprocess.run(["task", "export"], env=env, check=True, capture_output=True).stdout
    if len(json.loads(exported)) != tasks:
        raise SystemExit("Taskwarrior no exportó todas las tareas importadas")
    return env


def resguardo_env(tree: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "RESGUARDO_NOW": NOW, "RESGUARDO_PREPARAR": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed, with compiled bytecode
    return env


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall ms, CPU ms of the child, bytes written) of one run."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    wall = (time.perf_counter() - started) * 1000
    after = os.times()
    cpu = ((after.children_user - before.children_user) + (after.children_system - before.children_system)) * 1000
    return wall, cpu, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10000, help="cuentas de la institución y tareas de Taskwarrior")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline", type=Path, help="otra copia de resguardo, medida en la misma rotación")
    args = parser.parse_args()
    if shutil.which("task") is None:  # an optional yardstick: make bench goes on without it
        print("Sin Taskwarrior en este sistema (apt-get install taskwarrior): no se mide.")
        return
    from synthetic import build

    db = build(args.accounts, "ine")
    with tempfile.TemporaryDirectory(prefix="resguardo-taskwarrior-") as folder:
        task_env = taskwarrior_data(Path(folder), args.accounts)
        contenders: dict[str, tuple[list[str], dict[str, str], Path | None]] = {
            "task export": (["task", "export"], task_env, None),
        }
        # The agenda kept beside the database (store.agenda_cache) is shown again while nothing
        # changed; «tras un cambio» records a bitácora entry before each run (outside the timing);
        # «sin agenda guardada» removes the kept file before each run.
        kept_db = Path(folder) / "kept.db"
        changed_db = Path(folder) / "changed.db"
        fresh_db = Path(folder) / "fresh.db"
        for copy in (kept_db, changed_db, fresh_db):
            shutil.copy(db, copy)
        trees = [
            ("resguardo", ROOT, kept_db),
            ("resguardo tras un cambio", ROOT, changed_db),
            ("resguardo sin agenda", ROOT, fresh_db),
        ]
        if args.baseline is not None:
            baseline_db = Path(folder) / "baseline.db"
            shutil.copy(db, baseline_db)
            trees.append(("resguardo (anterior)", args.baseline.resolve(), baseline_db))
        for label, tree, target in trees:
            command = [sys.executable, "-c", ENTRY, "pendientes", "--json", "--db", str(target)]
            contenders[label] = (command, resguardo_env(tree), tree)
        forget = Path(f"{fresh_db}-agenda")
        entries = iter(range(1, 10**6))

        def change() -> None:
            """A publication of one account, recorded from the command line (not timed)."""
            account = str(1 + next(entries) * 7919 % args.accounts)
            command = [sys.executable, "-c", ENTRY, "bitacora", "agregar", "--db", str(changed_db)]
            command += ["--tipo", "publicacion", "--texto", "Aviso.", account]
            timed(command, resguardo_env(ROOT), ROOT)

        # the agenda kept once before the first change (as the runs before it would have)
        timed(contenders["resguardo tras un cambio"][0], resguardo_env(ROOT), ROOT)
        for label, (command, env, cwd) in contenders.items():  # warm the caches (and compile the bytecode)
            if label == "resguardo tras un cambio":
                change()
            timed(command, env, cwd)
        walls: dict[str, list[float]] = {label: [] for label in contenders}
        cpus: dict[str, list[float]] = {label: [] for label in contenders}
        sizes: dict[str, int] = {}
        load = load_average()
        for _ in range(args.runs):
            for label, (command, env, cwd) in contenders.items():
                forget.unlink(missing_ok=True)
                if label == "resguardo tras un cambio":
                    change()
                wall, cpu, size = timed(command, env, cwd)
                walls[label].append(wall)
                cpus[label].append(cpu)
                sizes[label] = size
        print(
            f"{args.accounts} cuentas / tareas, {args.runs} corridas alternadas;"
            f" carga: {load} al empezar, {load_average()} al terminar"
        )
        reference = statistics.median(walls["task export"])
        reference_cpu = statistics.median(cpus["task export"])
        for label in contenders:
            wall, cpu = statistics.median(walls[label]), statistics.median(cpus[label])
            print(
                f"  {label:22s} mediana {wall:6.0f} ms (CPU {cpu:5.0f} ms), {sizes[label] / 1e6:5.1f} MB;"
                f" razón frente a task export {wall / reference:.2f} (CPU {cpu / reference_cpu:.2f})"
            )


if __name__ == "__main__":
    main()
