"""Benchmark: the agenda of a large synthetic institution with its workflows.

Builds 2,000 accounts (titular and suplente each), 20,000 consultations, 5,000
information requests, rotations, evaluations, a few administrator changes and
waivers, and the holiday calendar with declared non-working periods; then
times ``resguardo pendientes --json`` as a whole process (interpreter start
included), median of 10 runs after one warm-up. Goal: <= 250 ms.

    .venv/bin/python bench/bench_workflows.py [--perfil ine] [--db RUTA] [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy.clock import ZONE  # noqa: E402
from store.db import open_store  # noqa: E402

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
GOAL_MS = 250.0
ACCOUNTS = 2_000
CONSULTATIONS = 20_000
REQUESTS = 5_000
NETWORKS = ("facebook", "x", "instagram", "tiktok", "youtube")
DOMAINS = {"ine": "ine.mx", "ieeags": "ieeags.mx", "ieesonora": "ieesonora.org.mx", "iecm": "iecm.mx"}


def build(path: Path, profile_id: str, seed: int = 7) -> dict[str, int]:
    """Fill ``path`` with the synthetic institution (deterministic)."""
    rng = random.Random(seed)
    store = open_store(path, clock=lambda: NOW, author="bench")
    counts = {"accounts": 0, "people": 0, "consultations": 0, "requests": 0}
    try:
        store.settings.set_profile(profile_id)
        profile = store.settings.profile()
        token = str(profile.setting("handle_token") or "")
        domain = DOMAINS[profile_id]
        with store.atomic():
            store.calendar.ensure_years(2020, 2028)
            store.calendar.add_non_working(date(2026, 3, 30), date(2026, 4, 3), "Semana Santa")
            store.calendar.add_non_working(date(2026, 7, 20), date(2026, 7, 31), "Primer periodo vacacional")
            store.calendar.add_non_working(date(2026, 12, 21), date(2027, 1, 5), "Segundo periodo vacacional")
            accounts = []
            for n in range(ACCOUNTS):
                network = NETWORKS[n % len(NETWORKS)]
                account = store.accounts.add(
                    network=network, handle=f"@{token}Area{n:04d}", area=f"Área {n // 5:03d}",
                    email=f"area{n // 5:03d}.redes@{domain}", email_generic=rng.random() < 0.9,
                    verification="verificada" if rng.random() < 0.7 else "no",
                    opened_on=date(2020, 1, 1) + timedelta(days=rng.randrange(0, 1500)),
                )
                accounts.append(account)
                for role, rank in (("titular", "mando_medio"), ("suplente", "operativo")):
                    if profile_id == "iecm" and role == "suplente":
                        continue
                    person = store.people.add(name=f"Persona {n:04d} {role}", rank=rank)
                    counts["people"] += 1
                    store.assignments.assign(account, person, "enlace" if profile_id == "iecm" else role,
                                             date(2024, 1, 1) + timedelta(days=rng.randrange(0, 600)))
                    if rng.random() < 0.95:
                        store.trainings.record(person, NOW.date() - timedelta(days=rng.randrange(1, 330)))
                    if profile_id == "ine" and rng.random() < 0.97:
                        store.person_documents.record(person, "designation_form", on=date(2025, 6, 1))
                        store.person_documents.record(person, "responsiva", on=date(2025, 6, 1))
                store.rotations.record(account, NOW - timedelta(days=rng.randrange(1, 62)), reason="Periódica")
                store.evaluations.record(account, NOW.date() - timedelta(days=rng.randrange(1, 185)))
            counts["accounts"] = len(accounts)
            for n in range(CONSULTATIONS):
                account = accounts[rng.randrange(len(accounts))]
                sent = NOW - timedelta(minutes=rng.randrange(30, 60 * 24 * 365))
                item = store.consultations.add(account, subject=f"Publicación {n}", sent_at=sent,
                                               text="Borrador de la publicación institucional.")
                # What stays pending: the last three days, and a few forgotten ones.
                if sent < NOW - timedelta(days=3) and rng.random() < 0.995:
                    answered = min(NOW, sent + timedelta(hours=rng.randrange(1, 47)))
                    store.consultations.resolve(item.id, rng.choice(("aprobada", "rechazada")), at=answered)
            counts["consultations"] = CONSULTATIONS
            for n in range(REQUESTS):
                account = accounts[rng.randrange(len(accounts))]
                received = NOW - timedelta(minutes=rng.randrange(30, 60 * 24 * 180))
                request = store.information_requests.add(account, requester=f"@usuario{n}",
                                                         subject="¿Dónde puedo consultar la información?",
                                                         received_at=received)
                if received < NOW - timedelta(days=3) and rng.random() < 0.99:
                    store.information_requests.resolve(request.id, "canalizada", at=min(NOW, received + timedelta(days=1)))
            counts["requests"] = REQUESTS
            for n in range(40):
                person = store.people.get(1 + 2 * n)
                store.admin_changes.record(person, "vacaciones", start=date(2026, 3, 2), until=date(2026, 3, 20))
            for n in range(20):
                store.waivers.add(until=date(2026, 6, 30), reason="Dispensa de prueba", kind="verification",
                                  account=accounts[n])
    finally:
        store.close()
    return counts


def time_agenda(path: Path, runs: int) -> list[float]:
    script = Path(sys.executable).with_name("resguardo")
    env = {**os.environ, "RESGUARDO_DB": str(path), "RESGUARDO_NOW": NOW.isoformat()}
    # An installed resguardo runs from compiled bytecode; a sandbox that forbids writing
    # it would make every run recompile the whole program (~100 ms) and measure that.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [str(script), "pendientes", "--json"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # warm-up
    if not first.stdout.startswith("["):
        raise SystemExit(f"unexpected output: {first.stdout[:200]!r} {first.stderr[:200]!r}")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perfil", default="ine", choices=sorted(DOMAINS))
    parser.add_argument("--db", help="keep the database here (default: a temporary folder)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "bench.db"
        if path.exists():
            path.unlink()
        started = time.perf_counter()
        counts = build(path, args.perfil)
        built = time.perf_counter() - started
        timings = time_agenda(path, args.runs)
        median = statistics.median(timings)
        print(f"bench_workflows ({args.perfil}): {counts} built in {built:.1f} s")
        print(f"resguardo pendientes --json: median {median:.0f} ms over {args.runs} runs"
              f" (min {min(timings):.0f}, max {max(timings):.0f}); goal <= {GOAL_MS:.0f} ms:"
              f" {'OK' if median <= GOAL_MS else 'OVER'}")
        return 0 if median <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
