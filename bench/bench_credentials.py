"""Benchmark of the credentials work (issue 3).

Prints:
1. the median time of one strength check (``policy.strength.check_password``)
   for passwords of 8, 16, 32, 64, 128 and 10,000 characters (goal: ≤ 50 ms up
   to 64, bounded above that), and the one-off cost of the first check
   (zxcvbn's import and the Spanish list);
2. the whole-process time of ``resguardo credencial revisar --json`` over a
   synthetic institution of 2,000 accounts (goal: ≤ 0.5 s), and of
   ``--completo``, which reads every secret back from a test keyring.

It builds its own data in a temporary folder; nothing else is touched.
Run: ``.venv/bin/python bench/bench_credentials.py``.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import statistics
import string
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNTS = 2000
NOW = "2026-03-12T10:00:00-06:00"
NETWORKS = ("x", "facebook", "instagram", "tiktok", "youtube")
ALPHABET = string.ascii_letters + string.digits + "!#$%&*+-.:;=?@_~"


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_strength() -> None:
    started = time.perf_counter()
    from policy.strength import check_password

    check_password("primer-uso-1A!", min_length=12)
    first = time.perf_counter() - started
    print("Fortaleza (policy.strength.check_password), mediana de 31 contraseñas aleatorias:")
    print(f"  primera llamada (importa zxcvbn y registra la lista en español): {first * 1000:.1f} ms")
    rng = random.Random(20260312)
    for length in (8, 16, 32, 64, 128, 10_000):
        samples = []
        for _ in range(31):
            password = "".join(rng.choice(ALPHABET) for _ in range(length))
            t0 = time.perf_counter()
            check_password(password, handle="@INEMexico")
            samples.append(time.perf_counter() - t0)
        worst = []
        for pattern in (
            "a" * length,
            ("1234567890" * (length // 10 + 1))[:length],
            ("Democracia2026!" * (length // 15 + 1))[:length],
        ):
            t0 = time.perf_counter()
            check_password(pattern)
            worst.append(time.perf_counter() - t0)
        print(
            f"  {length:>6} caracteres: mediana {_median_ms(samples):6.2f} ms; peor patrón repetitivo"
            f" {max(worst) * 1000:6.2f} ms"
        )


def build_institution(folder: Path) -> tuple[Path, Path]:
    """2,000 accounts with people, assignments, rotations, recorded checks and a keyring file."""
    from policy.clock import ZONE
    from policy.strength import StrengthReport
    from store import open_store
    from store.secrets import SERVICE, fingerprint

    now = datetime.fromisoformat(NOW).astimezone(ZONE)
    db = folder / "bench.db"
    store = open_store(db, clock=lambda: now, author="bench", create=True)
    store.settings.set_profile("ine")
    from policy.profile import load_profile
    from store.state import calendar_years

    first, last = calendar_years(load_profile("ine"), now)
    store.calendar.ensure_years(first, last + 1)  # as «resguardo iniciar» does
    rng = random.Random(7)
    key = secrets.token_bytes(32)
    installation = store.credentials.installation_id()
    keyring: dict[str, str] = {
        f"{SERVICE}\x00{installation}:fingerprint-key": __import__("base64").b64encode(key).decode()
    }
    shared = "".join(rng.choice(ALPHABET) for _ in range(20))
    with store.atomic():
        people = [store.people.add(name=f"Persona {i:04d} Apellido", rank="mando_medio") for i in range(600)]
        for index in range(ACCOUNTS):
            network = NETWORKS[index % len(NETWORKS)]
            account = store.accounts.add(
                network=network,
                handle=f"@INEcuenta{index:04d}",
                area=f"Área {index % 40}",
                email=f"cuenta{index:04d}@ine.mx",
                email_generic=True,
                opened_on=date(2024, 1, 1),
            )
            store.assignments.assign(account, people[index % 600], "titular", date(2025, 1, 1))
            store.assignments.assign(account, people[(index + 1) % 600], "suplente", date(2025, 1, 1))
            if index % 10 == 9:
                continue  # never set
            password = shared if index % 50 == 1 else "".join(rng.choice(ALPHABET) for _ in range(20))
            score = 2 if index % 37 == 0 else 4
            report = StrengthReport(
                score=score,
                min_score=3,
                min_length=12,
                reasons=("low_score",) if score < 3 else (),
                warning="",
                suggestions=(),
                crack_seconds=1e12,
                analysed_length=20,
                length=20,
            )
            at = now - timedelta(days=rng.randint(1, 120))
            store.credentials.record(
                account,
                report,
                fingerprint(key, password),
                at=at,
                source="bench",
                reason="carga",
                author="bench",
                reference=None,
            )
            keyring[f"{SERVICE}\x00{installation}:account-{account.id}"] = password
            if index % 3:
                store.credentials.set_second_factor(account, "app", recovery_location="caja fuerte")
    store.close()
    keyring_file = folder / "keyring.json"
    keyring_file.write_text(json.dumps(keyring), "utf-8")
    return db, keyring_file


def bench_review() -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        t0 = time.perf_counter()
        db, keyring_file = build_institution(folder)
        print(f"\nInstitución sintética: {ACCOUNTS} cuentas construidas en {time.perf_counter() - t0:.1f} s.")
        env = {
            **os.environ,
            "RESGUARDO_DB": str(db),
            "RESGUARDO_NOW": NOW,
            "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring",
            "RESGUARDO_TEST_KEYRING": str(keyring_file),
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        script = Path(sys.executable).with_name("resguardo")

        def timed(*args: str) -> tuple[float, str]:
            t_start = time.perf_counter()
            proc = subprocess.run([str(script), *args], capture_output=True, text=True, env=env, check=False)
            elapsed = time.perf_counter() - t_start
            if proc.returncode != 0:
                raise SystemExit(f"falló {' '.join(args)}: {proc.stderr}")
            return elapsed, proc.stdout

        timed("credencial", "revisar", "--json")  # warm the OS file cache
        runs = [timed("credencial", "revisar", "--json") for _ in range(7)]
        items = json.loads(runs[0][1])
        counts: dict[str, int] = {}
        for item in items:
            for code in item["issues"]:
                counts[code] = counts.get(code, 0) + 1
        print(
            f"resguardo credencial revisar --json (proceso completo, mediana de 7): "
            f"{_median_ms([r[0] for r in runs]):.0f} ms; {len(items)} cuentas con problemas {counts}"
        )
        full = [timed("credencial", "revisar", "--json", "--completo") for _ in range(3)]
        print(
            f"resguardo credencial revisar --json --completo (relee {ACCOUNTS - ACCOUNTS // 10} secretos"
            f" y los evalúa, mediana de 3): {_median_ms([r[0] for r in full]):.0f} ms"
        )
        agenda = [timed("pendientes", "--json") for _ in range(3)]
        print(
            f"resguardo pendientes --json (con los tipos de contraseña, mediana de 3): "
            f"{_median_ms([r[0] for r in agenda]):.0f} ms"
        )


if __name__ == "__main__":
    bench_strength()
    bench_review()
