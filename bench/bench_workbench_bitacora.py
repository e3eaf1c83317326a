"""The Bitácora screen's search on 1,000,000 entries (goal: a result ≤ 200 ms after typing stops).

Reuses the cached database of ``bench/bench_bitacora.py`` (built once, ~2 min) and
times what runs once the 250 ms debounce fires: ``tui.core.bitacora.search_entries`` in
the worker (its own SQLite connection, 200 rows, newest first) plus building the
table rows on the UI side. Median and maximum of N runs per query after one
warm-up. The goal holds when both are within it.

The synthetic entries draw 8-30 words from a vocabulary of 120, so every word is
common (each is in ~14% of the entries); the references ``INE/CNCS/<n>/2026`` of
one entry in ten give the rare terms. Entries are spread evenly over three years
(2023-03-13 to 2026-03-12) and 2,000 accounts (~500 each).

Usage: .venv/bin/python bench/bench_workbench_bitacora.py [--entries 1000000] [--runs 10] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_bitacora import DATA, NOW, build  # noqa: E402
from reference import load_average  # noqa: E402

from policy.clock import local  # noqa: E402
from tui.core.bitacora import search_entries  # noqa: E402
from tui.workspace import Workspace  # noqa: E402

GOAL_MS = 200.0


CASES: dict[str, dict[str, object]] = {
    "sin texto (las 200 más recientes)": {"text": ""},
    "una palabra común «rotacion»": {"text": "rotacion"},
    "dos palabras «publicacion contrasena»": {"text": "publicacion contrasena"},
    "dos palabras «escrutinio acta»": {"text": "escrutinio acta"},
    "un término raro «123450» (una entrada)": {"text": "123450"},
    "un término raro + cuenta 17": {"text": "123450", "account": 17},
    "texto + cuenta 17": {"text": "rotacion", "account": 17},
    "dos palabras + cuenta 17": {"text": "publicacion contrasena", "account": 17},
    "prefijo «rot*» + cuenta 17": {"text": "rot*", "account": 17},
    "solo la cuenta 17": {"text": "", "account": 17},
    "sin texto, cuenta 17, 3 filas (panel de Cuentas)": {"text": "", "account": 17, "limit": 3},
    "solo el tipo «nota»": {"text": "", "kind": "nota"},
    "solo fechas: junio de 2023": {"text": "", "since": date(2023, 6, 1), "until": date(2023, 6, 30)},
    "solo fechas: marzo de 2023 a diciembre de 2024": {
        "text": "",
        "since": date(2023, 3, 1),
        "until": date(2024, 12, 31),
    },
    "solo fechas: hasta el 31 de diciembre de 2023": {"text": "", "until": date(2023, 12, 31)},
    "solo fechas: desde el 1 de enero de 2025": {"text": "", "since": date(2025, 1, 1)},
    "palabra común + junio de 2023": {"text": "rotacion", "since": date(2023, 6, 1), "until": date(2023, 6, 30)},
    "texto + cuenta 17 + 2024": {
        "text": "rotacion",
        "account": 17,
        "since": date(2024, 1, 1),
        "until": date(2024, 12, 31),
    },
    "texto + tipo + fechas": {
        "text": "consulta",
        "kind": "nota",
        "since": date(2025, 1, 1),
        "until": date(2025, 12, 31),
    },
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--db", type=Path, help="otra copia de la base (por omisión, la de bench/.data)")
    options = parser.parse_args()
    db = options.db or DATA / f"bitacora-{options.entries}.db"
    meta = DATA / f"bitacora-{options.entries}.json"
    if options.db is None and (not db.exists() or not meta.exists()):
        print(f"Construyendo {options.entries:,} entradas en {db} …")
        meta.write_text(json.dumps(build(db, options.entries)), encoding="utf-8")
    workspace = Workspace(db, lambda: NOW)
    workspace.run(search_entries, "")  # opens (and, the first time, migrates) the database
    print(f"Carga del equipo antes de medir: {load_average()}")
    failed = False
    for label, args in CASES.items():
        times = []
        for run in range(options.runs + 1):
            started = time.perf_counter()
            # (the Bitácora screen lists its SEARCH_LIMIT, 200, newest entries)
            entries = workspace.run(search_entries, **{"limit": 200, **args})  # type: ignore[arg-type]
            rows = [(local(e.occurred).strftime("%Y-%m-%d %H:%M"), e.account or "—", e.kind, e.text) for e in entries]
            elapsed = (time.perf_counter() - started) * 1000
            if run:
                times.append(elapsed)
        median, worst = statistics.median(times), max(times)
        met = worst <= GOAL_MS
        failed |= not met
        print(
            f"Búsqueda {label}: mediana {median:.1f} ms, máx {worst:.1f} ms, {len(rows)} filas"
            f" ({'cumple' if met else 'NO CUMPLE'} ≤ {GOAL_MS:.0f} ms tras la pausa de 250 ms)"
        )
    print(f"Carga del equipo al terminar: {load_average()}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
