"""Benchmark of the draft preflight (issue #15).

- a 280-character post, in-process (goal: median <= 20 ms);
- ``resguardo borrador revisar`` as a whole process on that post (goal: median <= 250 ms);
- a 5,000-character text, in-process (goal: median <= 200 ms).

In-process figures are of a warm process (the dictionary and the profile loaded once, as the
workbench has them after its first review); the whole-process figure pays everything.

Usage: ``.venv/bin/python bench/bench_preflight.py [--runs 20]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reference import bare_start_ms, describe, load_average  # noqa: E402

from policy.clock import ZONE  # noqa: E402
from store import open_store  # noqa: E402
from tui.core.preflight import review_draft  # noqa: E402

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
RESGUARDO = Path(sys.executable).with_name("resguardo")
POST = (
    "La Dirección Distrital 14 invita a los ciudadanos a la Consulta de Presupuesto Participativo este domingo."
    " Ubica tu mesa en https://www.iecm.mx/consulta o llama al 55 5483 3800. La informacion también está en"
    " bit.ly/abc #ConsultaCDMX #ParticipaCDMX"
)
PARAGRAPH = (
    "Durante la sesión ordinaria, el Consejo Distrital aprobó el programa de capacitación para las personas"
    " funcionarias de mesa y presentó el informe de actividades de educación cívica. Invitamos a los vecinos"
    " a consultar los acuerdos en la sede, en Calle Manuel Gutiérrez Nájera 196, o en iecm.mx. "
)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    post = POST[:280]
    long_text = (PARAGRAPH * (5000 // len(PARAGRAPH) + 1))[:5000]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        store = open_store(str(db), clock=lambda: NOW, create=True)
        store.settings.set_profile("iecm")
        store.accounts.add(network="x", handle="@IECM_DD14")
        store.preflight_lists.add("candidatos", "Ana Torres")
        review_draft(store, post)  # warm: dictionary, profile, patterns
        results = {}
        for label, text in (
            ("post de 280 caracteres (en proceso)", post),
            ("texto de 5,000 caracteres (en proceso)", long_text),
        ):
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                review_draft(store, text, network="x")
                samples.append(time.perf_counter() - started)
            results[label] = median_ms(samples)
        store.close()
        draft = Path(folder) / "borrador.txt"
        draft.write_text(post, encoding="utf-8")
        env = {**os.environ, "RESGUARDO_DB": str(db), "RESGUARDO_NOW": NOW.isoformat()}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed resguardo runs from bytecode
        samples, beside, yardstick = [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            proc = subprocess.run(
                [str(RESGUARDO), "borrador", "revisar", str(draft), "--red", "x"], env=env, capture_output=True
            )
            samples.append(time.perf_counter() - started)
            if proc.returncode not in (0, 1):
                print(proc.stderr.decode(), file=sys.stderr)
                return 1
            started = time.perf_counter()
            subprocess.run([str(RESGUARDO), "pendientes", "--json"], env=env, capture_output=True, check=True)
            beside.append(time.perf_counter() - started)
            yardstick.append(bare_start_ms(env))
        results["borrador revisar (proceso completo)"] = median_ms(samples)
        print(describe(yardstick))
        print(f"pendientes --json on the same database, interleaved: median {median_ms(beside):.1f} ms")
        print(f"carga: {load_average(five=True)}")
    goals = {
        "post de 280 caracteres (en proceso)": 20,
        "texto de 5,000 caracteres (en proceso)": 200,
        "borrador revisar (proceso completo)": 250,
    }
    failed = False
    for label, value in results.items():
        ok = value <= goals[label]
        failed |= not ok
        print(f"{label:<42} mediana {value:7.1f} ms  (meta {goals[label]} ms){'' if ok else '  EXCEDE'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
