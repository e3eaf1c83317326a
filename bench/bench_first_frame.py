"""Hoy's first frame at 2,000 and 20,000 accounts, with the kept agenda and without it.

Issue #14 asks that Hoy's first frame stay ≤ 0.5 s at 2,000 accounts and issue
#17 that it be ≤ 0.5 s at 20,000. The workbench starts from the agenda kept
beside the database (``store.agenda_cache``) when it still holds, and computes
it otherwise (the first start after a change, or of a day). Both are timed:

- «guardada»: the kept agenda holds (a ``pendientes`` run made it, at the same
  moment);
- «tras un cambio»: a bitácora entry recorded by ``resguardo bitacora agregar``
  before each run (outside the timing), nothing prepared since: the kept agenda
  is patched with the items of the account the entry names
  (``tui.core.agenda.patched_agenda``);
- «sin agenda guardada»: the kept file removed before each run (outside the
  timing): the agenda computed whole, as after an update of resguardo, a
  restore, or a change beyond a few accounts;
- «preparada la víspera»: the first start of a day, the agenda of the day's
  start prepared the evening before (``python -m tui.cli.prepare``, which a
  change or the workbench starts in the background).

Each run spawns ``resguardo --db`` in a pseudo-terminal of 120×40 and stops at
the first frame that draws Hoy whole (``bench_workbench.hoy_is_whole``); a bare
Textual app (a Static and a Footer) is timed in the same rotation for scale.
The synthetic institutions of ``bench/synthetic.py`` are built once in
``bench/.data/`` and copied. Prints the medians of wall and CPU time, the load
average, and the ratio to the bare app (read the ratios: the machine is shared).

    python bench/bench_first_frame.py [--accounts 2000 20000] [--runs 7]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_workbench import BARE_APP, hoy_is_whole  # noqa: E402
from reference import load_average  # noqa: E402

NOW = "2026-11-23T10:00:00-06:00"
#: The evening before NOW, when the agenda of NOW's day is prepared in advance.
EVENING = "2026-11-22T19:00:00-06:00"
ROOT = HERE.parent


def _env() -> dict[str, str]:
    # nothing prepared in the background: each scenario is what it says at every run
    env = {**os.environ, "RESGUARDO_NOW": NOW, "TERM": "xterm-256color", "RESGUARDO_PREPARAR": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed, with compiled bytecode
    return env


def frame(command: list[str]) -> tuple[float, float]:
    from terminal import first_frame

    found = first_frame(command, _env(), hoy_is_whole, (120, 40))
    if found is None:
        raise SystemExit(f"{' '.join(command)}: no llegó a dibujar Hoy completa")
    return found.seconds * 1000, found.cpu * 1000


def _record_entry(script: Path, db: Path, accounts: int) -> None:
    """A publication of one of the institution's accounts, recorded from the command line."""
    account = str(1 + len(_entries) * 7919 % accounts)
    _entries.append(account)
    subprocess.run(
        [str(script), "bitacora", "agregar", "--db", str(db), "--tipo", "publicacion", "--texto", "Aviso.", account],
        env=_env(),
        check=True,
        capture_output=True,
    )


_entries: list[str] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if sys.platform == "win32":
        print("Esta medición necesita una terminal POSIX (pty).")
        return
    from synthetic import build

    script = Path(sys.executable).with_name("resguardo")
    with tempfile.TemporaryDirectory(prefix="resguardo-primer-cuadro-") as folder:
        #: label -> (the command timed, what to do before each run)
        contenders: dict[str, tuple[list[str], Callable[[], object] | None]] = {
            "app de Textual vacía": ([sys.executable, "-c", BARE_APP], None)
        }
        for accounts in args.accounts:
            source = build(accounts, "ine")
            for label, slug in (("guardada", "guardada"), ("tras un cambio", "cambio"), ("sin agenda guardada", "sin")):
                db = Path(folder) / f"{accounts}-{slug}.db"
                shutil.copy(source, db)
                subprocess.run(
                    [str(script), "pendientes", "--json", "--db", str(db)], env=_env(), check=True, capture_output=True
                )
                if not Path(f"{db}-agenda").exists():
                    raise SystemExit("pendientes no guardó la agenda")
                before: Callable[[], object] | None = None
                if slug == "cambio":
                    before = functools.partial(_record_entry, script, db, accounts)
                elif slug == "sin":
                    before = functools.partial(Path(f"{db}-agenda").unlink, missing_ok=True)
                contenders[f"Hoy, {accounts} cuentas, {label}"] = ([str(script), "--db", str(db)], before)
            # The first start of a day: the agenda was prepared the evening before (as the process
            # that a change or the workbench starts in the background does), for this day's start.
            db = Path(folder) / f"{accounts}-vispera.db"
            shutil.copy(source, db)
            evening = {**_env(), "RESGUARDO_NOW": EVENING}
            subprocess.run([sys.executable, "-m", "tui.cli.prepare", str(db)], env=evening, check=True, cwd=ROOT)
            if not Path(f"{db}-agenda-next").exists():
                raise SystemExit("no se preparó la agenda del día siguiente")
            contenders[f"Hoy, {accounts} cuentas, preparada la víspera"] = ([str(script), "--db", str(db)], None)
        for command, before in contenders.values():  # warm the caches
            if before is not None:
                before()
            frame(command)
        walls: dict[str, list[float]] = {label: [] for label in contenders}
        cpus: dict[str, list[float]] = {label: [] for label in contenders}
        start = load_average()
        for _ in range(args.runs):
            for label, (command, before) in contenders.items():
                if before is not None:
                    before()
                wall, cpu = frame(command)
                walls[label].append(wall)
                cpus[label].append(cpu)
        print(
            f"Primer cuadro de Hoy, {args.runs} corridas alternadas; carga: {start} al empezar, {load_average()} al terminar"
        )
        bare_wall = statistics.median(walls["app de Textual vacía"])
        bare_cpu = statistics.median(cpus["app de Textual vacía"])
        for label in contenders:
            wall, cpu = statistics.median(walls[label]), statistics.median(cpus[label])
            print(
                f"  {label:46s} mediana {wall:5.0f} ms (mín {min(walls[label]):5.0f}), CPU {cpu:5.0f} ms;"
                f" razón frente a la app vacía {wall / bare_wall:.2f} (CPU {cpu / bare_cpu:.2f})"
            )


if __name__ == "__main__":
    main()
