"""Benchmark of the bitácora: bulk load, ``agregar``, ``buscar`` and ``verificar``.

Builds (once, cached under ``bench/.data/`` by size) a database with N entries
(1,000,000 by default) over 2,000 accounts, then times whole processes of the
``resguardo`` console script:

- ``bitacora agregar`` (goal: median of 10 <= 200 ms);
- ``bitacora buscar`` for a two-word query, top 50 (goal: median of 10 <= 150 ms);
- ``bitacora verificar`` over the whole chain (goal: <= 15 s).

Usage: ``.venv/bin/python bench/bench_bitacora.py [--entries N] [--runs 10] [--rebuild]``.
Each run of ``agregar`` adds one entry to the cached database; the cache is
keyed by the size it was built with.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reference import load_average  # noqa: E402

from policy.clock import ZONE  # noqa: E402
from store import open_store  # noqa: E402

DATA = Path(__file__).resolve().parent / ".data"
ACCOUNTS = 2000
NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
CHUNK = 50_000
KINDS = ("publicacion", "respuesta", "comentario_usuario", "solicitud", "moderacion", "consulta", "nota")
VOCABULARY = (  # noqa: SIM905 (a paragraph reads better than 120 quoted words)
    "publicación respuesta comentario bitácora contraseña rotación cuenta institucional jornada electoral"
    " consejo general sesión votación credencial módulo atención ciudadanía solicitud información oficio"
    " coordinación comunicación social difusión campaña cívica participación consulta popular boleta"
    " casilla instalación capacitación funcionarios observadores debate candidaturas registro padrón"
    " lista nominal cartografía distrito sección municipio estado transparencia acceso datos personales"
    " protección privacidad seguridad verificación autenticidad administrador suplente titular enlace"
    " usuario seguidores mensaje privado transmisión vivo video imagen infografía enlace calendario"
    " horario inhábil vacaciones monitoreo reporte evaluación semestral indicador alcance interacción"
    " respuesta pregunta queja sugerencia agradecimiento aclaración corrección error ortografía"
    " convocatoria plazo fecha límite trámite reposición domicilio cambio actualización aviso"
    " incidente acceso indebido recuperación soporte plataforma red social institucional periodo"
    " proceso local federal resultados conteo rápido programa preliminar cómputo acta escrutinio"
).split()
RESGUARDO = Path(sys.executable).with_name("resguardo")


def _texts(rng: random.Random) -> Iterator[str]:
    words = VOCABULARY
    while True:
        yield " ".join(rng.choices(words, k=rng.randint(8, 30))) + "."


def build(path: Path, entries: int) -> dict[str, float]:
    """Create the database with ``entries`` entries; returns the load figures."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(20260312)
    store = open_store(path, clock=lambda: NOW, author="bench", create=True)
    try:
        store.settings.set_profile("ine")
        # A bulk load touches the account index at random: give SQLite room (bench only).
        store.execute("PRAGMA cache_size = -262144")
        networks = ("x", "facebook", "instagram", "tiktok", "youtube")
        with store.atomic():
            for i in range(ACCOUNTS):
                store.accounts.add(
                    network=networks[i % len(networks)], handle=f"@cuenta{i:04d}", email=f"cuenta{i:04d}@ine.mx"
                )
        before = store.bitacora.count()  # the accounts' own entries are none, but be exact
        texts = _texts(rng)
        start_moment = NOW - timedelta(days=3 * 365)
        step = timedelta(days=3 * 365) / max(entries, 1)
        started = time.perf_counter()
        done = 0
        while done < entries:
            size = min(CHUNK, entries - done)
            items = (
                {
                    "kind": KINDS[rng.randrange(len(KINDS))],
                    "text": next(texts),
                    "account_id": rng.randint(1, ACCOUNTS),
                    "occurred_at": start_moment + step * (done + k),
                    "refs": [f"INE/CNCS/{done + k}/2026"] if (done + k) % 10 == 0 else (),
                    "author": "bench",
                }
                for k in range(size)
            )
            store.bitacora.append_many(items)
            done += size
            print(f"  … {done:,} entradas", end="\r", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
        print(file=sys.stderr)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.execute("ANALYZE")
        total = store.bitacora.count() - before
    finally:
        store.close()
    return {"entries": total, "seconds": elapsed, "rate": total / elapsed if elapsed else 0.0}


def _env() -> dict[str, str]:
    env = {**os.environ, "RESGUARDO_NOW": NOW.isoformat(), "COLUMNS": "120"}
    # Timed as installed: with compiled bytecode (the first warm-up run writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("RESGUARDO_DEBUG", None)
    return env


CPU_TIMES: list[float] = []


def _children_cpu() -> float:
    """User + system CPU seconds of finished children (POSIX; 0 where unavailable)."""
    try:
        import resource
    except ImportError:  # Windows: only wall-clock figures
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of one whole process; its CPU seconds go to CPU_TIMES."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run([str(RESGUARDO), *args], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    CPU_TIMES.append(_children_cpu() - cpu_before)
    if proc.returncode != 0:
        raise SystemExit(f"falló «resguardo {' '.join(args)}»: {proc.stderr.strip()}")
    return elapsed


def _cpu_median(count: int) -> str:
    recent = CPU_TIMES[-count:]
    if not any(recent):
        return ""
    return f"; CPU mediana {statistics.median(recent) * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entradas de la bitácora (1,000,000)")
    parser.add_argument("--runs", type=int, default=10, help="repeticiones para las medianas (10)")
    parser.add_argument("--rebuild", action="store_true", help="reconstruir la base aunque exista")
    options = parser.parse_args()

    db = DATA / f"bitacora-{options.entries}.db"
    meta = DATA / f"bitacora-{options.entries}.json"
    if options.rebuild or not db.exists() or not meta.exists():
        print(f"Construyendo {options.entries:,} entradas sobre {ACCOUNTS:,} cuentas en {db} …")
        figures = build(db, options.entries)
        meta.write_text(json.dumps(figures), encoding="utf-8")
        cached = ""
    else:
        figures = json.loads(meta.read_text(encoding="utf-8"))
        cached = " (medida al construir la base en caché)"
    print(
        f"Carga masiva: {figures['entries']:,.0f} entradas en {figures['seconds']:.1f} s"
        f" = {figures['rate']:,.0f} entradas/s{cached}"
    )

    env = _env()
    base = ["--db", str(db), "bitacora"]
    query = "publicacion contrasena"
    # Warm-up: writes the bytecode and warms the page cache, as a day of use would.
    timed([*base, "buscar", query, "--limite", "50"], env)
    timed([*base, "sello"], env)

    print(f"Carga del equipo antes de medir: {load_average()}")
    adds = [
        timed(
            [
                *base,
                "agregar",
                str(1 + run % ACCOUNTS),
                "--tipo",
                "nota",
                "--texto",
                f"Entrada de la medición {run}: revisión de la contraseña y la publicación.",
            ],
            env,
        )
        for run in range(options.runs)
    ]
    add_cpu = _cpu_median(options.runs)
    searches = [timed([*base, "buscar", query, "--limite", "50"], env) for _ in range(options.runs)]
    search_cpu = _cpu_median(options.runs)
    verify = timed([*base, "verificar"], env)

    def verdict(value: float, goal: float) -> str:
        return "cumple" if value <= goal else "NO CUMPLE"

    add_median = statistics.median(adds) * 1000
    search_median = statistics.median(searches) * 1000
    print(
        f"bitacora agregar (proceso completo): mediana {add_median:.0f} ms de {options.runs}"
        f" (meta ≤ 200 ms: {verdict(add_median, 200)}); mín {min(adds) * 1000:.0f}, máx {max(adds) * 1000:.0f}"
        f"{add_cpu}"
    )
    print(
        f"bitacora buscar «{query}» top 50 (proceso completo): mediana {search_median:.0f} ms de"
        f" {options.runs} (meta ≤ 150 ms: {verdict(search_median, 150)}); mín {min(searches) * 1000:.0f},"
        f" máx {max(searches) * 1000:.0f}{search_cpu}"
    )
    print(f"bitacora verificar: {verify:.1f} s (meta ≤ 15 s: {verdict(verify, 15)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
