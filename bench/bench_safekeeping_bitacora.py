"""What tamper evidence costs: ``bitacora agregar`` before and after ``store.integrity``, side by side.

Builds (once, cached under ``bench/.data/``) a realistic institution with the
code BEFORE the change (commit eb0f381, checked out as a git worktree in the
temporary folder): 2,000 accounts with their people, assignments, rotations and
evaluations (``bench/synthetic.py``) and 120,000 bitácora entries. A copy is
opened once with the current code (migration 7 records every row: its time is
printed), then both are timed as whole processes, interleaved run by run so
that the machine's load weighs on both alike:

- ``resguardo bitacora agregar`` (goal: median <= 200 ms after the change);
- ``resguardo bitacora verificar`` once each (for reference: after, it also
  walks the record chain and checks every covered row).

With ``--instituciones 2000,20000`` it also times building the synthetic
institutions of ``bench_pendientes.py`` with each code (every row now goes
through the record triggers).

Usage: ``.venv/bin/python bench/bench_safekeeping_bitacora.py [--runs 15] [--entries 120000]
[--antes RUTA] [--instituciones 2000,20000] [--rebuild]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from reference import load_average  # noqa: E402

BEFORE_COMMIT = "eb0f381"
DATA = HERE / ".data"
NOW = "2026-11-23T09:00:00-06:00"  # synthetic.NOW: entries may not lie in the future
GOAL_MS = 200.0
LAUNCH = "import sys; sys.argv[0] = 'resguardo'; from tui.cli import run; run()"

#: Run with the code under test on sys.path: the synthetic institution, then the entries.
BUILD = """
import random, sys, time
from datetime import timedelta
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from synthetic import NOW, build
from store import open_store
target, entries = Path(sys.argv[1]), int(sys.argv[2])
started = time.perf_counter()
build(2000, path=target)
store = open_store(target, clock=lambda: NOW, author="bench")
rng = random.Random(20261123)
words = ("publicación respuesta comentario contraseña rotación cuenta jornada electoral consejo sesión"
         " credencial módulo ciudadanía solicitud oficio difusión campaña consulta casilla boleta").split()
start = NOW - timedelta(days=3 * 365)
step = timedelta(days=3 * 365) / entries
done = 0
while done < entries:
    size = min(20000, entries - done)
    store.bitacora.append_many(
        {"kind": "nota", "text": " ".join(rng.choices(words, k=12)) + ".", "account_id": rng.randint(1, 2000),
         "occurred_at": start + step * (done + k), "author": "bench"}
        for k in range(size)
    )
    done += size
store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
store.close()
print(time.perf_counter() - started)
"""

#: Run with a code on sys.path: build one synthetic institution and print the seconds.
INSTITUTION = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from synthetic import build
started = time.perf_counter()
build(int(sys.argv[2]), path=Path(sys.argv[1]))
print(time.perf_counter() - started)
"""


def before_checkout(path: Path | None) -> Path:
    """The code before the change: a detached git worktree at eb0f381 (created when missing)."""
    target = path or Path(tempfile.gettempdir()) / f"resguardo-antes-{BEFORE_COMMIT}"
    if not (target / "store" / "db.py").exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), BEFORE_COMMIT],
            check=True,
            capture_output=True,
        )
    return target


def env_for(code: Path) -> dict[str, str]:
    """The environment that runs ``code``: first on the path. (The interpreter also runs with ``-P``
    and from bench/.data: started from the repository, ``-c`` would put the current code first.)"""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "RESGUARDO_NOW": NOW,
        "COLUMNS": "120",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed: with compiled bytecode
    env.pop("RESGUARDO_DEBUG", None)
    return env


def _children_cpu() -> float:
    """User + system CPU seconds of finished children (POSIX; 0 where unavailable)."""
    try:
        import resource
    except ImportError:  # Windows: only wall-clock figures
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, list[float]] = {}


def timed(code: Path, db: Path, args: list[str], label: str = "") -> float:
    """Wall seconds of one whole process; its CPU milliseconds go to ``CPU[label]``."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-P", "-c", LAUNCH, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env_for(code),
        cwd=DATA,
    )
    elapsed = time.perf_counter() - started
    CPU.setdefault(label, []).append((_children_cpu() - cpu) * 1000)
    if proc.returncode != 0:
        raise SystemExit(f"falló «resguardo {' '.join(args)}» ({code}): {proc.stderr.strip()}")
    return elapsed


def seconds(code: Path, script: str, *args: str) -> float:
    proc = subprocess.run(
        [sys.executable, "-P", "-c", script, *args, str(code / "bench")],
        capture_output=True,
        text=True,
        env=env_for(code),
        cwd=DATA,
    )
    if proc.returncode != 0:
        raise SystemExit(f"falló la construcción con {code}: {proc.stderr.strip()[-500:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".testigo"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="repeticiones de «agregar» con cada código (15)")
    parser.add_argument("--entries", type=int, default=120_000, help="entradas de la bitácora (120,000)")
    parser.add_argument(
        "--antes", type=Path, help=f"checkout del código anterior (por omisión, worktree de {BEFORE_COMMIT})"
    )
    parser.add_argument("--instituciones", default="", help="tamaños a construir con cada código, p. ej. 2000,20000")
    parser.add_argument("--rondas", type=int, default=2, help="construcciones de cada institución con cada código (2)")
    parser.add_argument("--rebuild", action="store_true", help="reconstruir la base aunque exista")
    options = parser.parse_args()

    before = before_checkout(options.antes)
    after = ROOT
    DATA.mkdir(parents=True, exist_ok=True)
    base = DATA / f"safekeeping-antes-{options.entries}.db"
    meta = DATA / f"safekeeping-antes-{options.entries}.json"
    if options.rebuild or not base.exists() or not meta.exists():
        remove_db(base)
        print(f"Construyendo con {BEFORE_COMMIT}: 2,000 cuentas y {options.entries:,} entradas …", flush=True)
        meta.write_text(json.dumps({"seconds": seconds(before, BUILD, str(base), str(options.entries))}), "utf-8")
    version = sqlite3.connect(base).execute("PRAGMA user_version").fetchone()[0]
    if version != 5:
        raise SystemExit(f"{base} tiene el esquema {version}, no el 5 de {BEFORE_COMMIT}: use --rebuild.")
    built = json.loads(meta.read_text("utf-8"))["seconds"]
    print(f"Base de {BEFORE_COMMIT}: {built:.1f} s de construcción (en caché: {base.name}).")

    work = DATA / "safekeeping-trabajo"
    work.mkdir(exist_ok=True)
    old_db, new_db = work / "antes.db", work / "despues.db"
    for target in (old_db, new_db):
        remove_db(target)
        shutil.copyfile(base, target)
    migration = timed(after, new_db, ["bitacora", "sello"])  # the first open with the new code runs migration 7
    print(f"Primera apertura con el código nuevo (migración 7: registra cada fila): {migration:.1f} s.")

    for code, db in ((before, old_db), (after, new_db)):  # warm-up: bytecode and page cache
        timed(code, db, ["bitacora", "buscar", "oficio", "--limite", "5"])
    for db, expected in ((old_db, 5), (new_db, 7)):
        version = sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0]
        assert version == expected, f"{db.name}: esquema {version}, se esperaba {expected}"
    print(f"Carga del equipo antes de medir: {load_average(five=True)}")
    CPU.clear()
    samples: dict[str, list[float]] = {"antes": [], "después": []}
    for run in range(options.runs):
        for label, code, db in (("antes", before, old_db), ("después", after, new_db)):
            samples[label].append(
                timed(
                    code,
                    db,
                    [
                        "bitacora",
                        "agregar",
                        str(1 + run % 2000),
                        "--tipo",
                        "nota",
                        "--texto",
                        f"Entrada de la medición {run}: revisión de la contraseña y la publicación.",
                    ],
                    label,
                )
                * 1000
            )
    old_ms, new_ms = statistics.median(samples["antes"]), statistics.median(samples["después"])
    verdict = "cumple" if new_ms <= GOAL_MS else "NO CUMPLE"
    old_cpu, new_cpu = statistics.median(CPU["antes"]), statistics.median(CPU["después"])
    print(f"bitacora agregar (proceso completo), mediana de {options.runs}, intercalados:")
    print(
        f"  antes ({BEFORE_COMMIT}): {old_ms:6.0f} ms (mín {min(samples['antes']):.0f}, máx {max(samples['antes']):.0f};"
        f" CPU mediana {old_cpu:.0f} ms)"
    )
    print(
        f"  después:        {new_ms:6.0f} ms (mín {min(samples['después']):.0f}, máx {max(samples['después']):.0f};"
        f" CPU mediana {new_cpu:.0f} ms)"
    )
    ratio_cpu = f", CPU ×{new_cpu / old_cpu:.2f}" if old_cpu else ""
    print(f"  razón ×{new_ms / old_ms:.2f}{ratio_cpu}; meta ≤ {GOAL_MS:.0f} ms: {verdict}")
    verify_old = timed(before, old_db, ["bitacora", "verificar"])
    verify_new = timed(after, new_db, ["bitacora", "verificar"])
    print(
        f"bitacora verificar: antes {verify_old:.1f} s, después {verify_new:.1f} s (×{verify_new / verify_old:.2f};"
        " después también recorre los registros de cambios y compara cada fila)"
    )
    print(f"Carga del equipo al terminar: {load_average(five=True)}")

    sizes = [int(s) for s in options.instituciones.split(",") if s.strip()]
    for size in sizes:
        times: dict[Path, list[float]] = {before: [], after: []}
        for _ in range(options.rondas):  # alternated; the least of each: the one the machine disturbed least
            for code in (before, after):
                target = work / f"institucion-{size}.db"
                remove_db(target)
                times[code].append(seconds(code, INSTITUTION, str(target), str(size)))
                remove_db(target)
        old_s, new_s = min(times[before]), min(times[after])
        print(
            f"Construcción de la institución sintética de {size:,} cuentas (bench_pendientes), la menor de"
            f" {options.rondas}: antes {old_s:.1f} s, después {new_s:.1f} s (×{new_s / old_s:.2f})"
        )
    return 0 if new_ms <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
