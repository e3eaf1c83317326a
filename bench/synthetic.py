"""A synthetic institution at realistic scale, for the benchmarks.

``build(path, accounts=2000)`` creates a database with that many accounts,
1.5 people per account, a titular and a suplente each, and 25 rotations and
evaluations per account (50,000 for 2,000 accounts), dated like a working
office's history.
Deterministic; cached by size under ``bench/.data/``.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from policy.clock import ZONE  # noqa: E402
from store import open_store  # noqa: E402
from store.bulk import bulk_insert  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)
DATA = Path(__file__).resolve().parent / ".data"
NETWORKS = ("facebook", "x", "instagram", "tiktok", "youtube")


def build(accounts: int = 2000, profile: str = "ine", path: Path | None = None) -> Path:
    """Build (or reuse) the synthetic database for ``accounts`` accounts; returns its path."""
    target = path or DATA / f"institution-{profile}-{accounts}.db"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    rng = random.Random(accounts)
    store = open_store(partial, clock=lambda: NOW, author="bench", create=True)
    store.settings.set_profile(profile)
    store.calendar.ensure_years(2021, NOW.year + 2)
    stamp = NOW.astimezone(UTC).isoformat(timespec="seconds")
    people_count = accounts * 3 // 2
    with store.atomic():
        # Odd ids are mandos (titulares), even ids operativos or mandos medios (suplentes).
        bulk_insert(
            store,
            "people",
            (
                {
                    "id": i,
                    "name": f"Persona {i:06d}",
                    "email": f"persona{i}@ine.mx",
                    "rank": rng.choice(["mando_superior", "mando_medio"])
                    if i % 2
                    else rng.choice(["mando_medio", "operativo"]),
                    "created_at": stamp,
                }
                for i in range(1, people_count + 1)
            ),
        )
        bulk_insert(
            store,
            "accounts",
            (
                {
                    "id": i,
                    "network": NETWORKS[i % len(NETWORKS)],
                    "handle": f"@INE_cuenta{i:06d}",
                    "area": f"Área {i % 300:03d}",
                    "email": f"cuenta{i}@ine.mx",
                    "email_generic": int(i % 17 != 0),
                    "status": "activa",
                    "verification": "verificada" if i % 9 else "no",
                    "public": 1,
                    "private_messages": 1,
                    "opened_on": "2020-01-15",
                    "created_at": stamp,
                }
                for i in range(1, accounts + 1)
            ),
        )
        assignments = []
        for i in range(1, accounts + 1):
            titular = rng.randrange(1, people_count, 2)
            suplente = rng.randrange(2, people_count, 2)
            assignments.append(
                {
                    "account_id": i,
                    "person_id": titular,
                    "role": "titular",
                    "start_date": "2022-01-01",
                    "created_at": stamp,
                }
            )
            if i % 23:
                assignments.append(
                    {
                        "account_id": i,
                        "person_id": suplente,
                        "role": "suplente",
                        "start_date": "2022-01-01",
                        "created_at": stamp,
                    }
                )
        bulk_insert(store, "assignments", assignments)
        # A working office: rotations about every two months for two years and
        # evaluations about every six months for six years, the latest of each
        # recent enough that roughly one account in five is overdue.
        rotations, evaluations = [], []
        for i in range(1, accounts + 1):
            last = NOW - timedelta(days=rng.randint(0, 75), hours=rng.randint(0, 8))
            for k in range(13):
                when = last - timedelta(days=61 * k + rng.randint(0, 5))
                rotations.append(
                    {
                        "account_id": i,
                        "rotated_at": when.astimezone(UTC).isoformat(timespec="seconds"),
                        "reason": "Rotación periódica",
                        "author": "bench",
                        "created_at": stamp,
                    }
                )
            last_eval = NOW.date() - timedelta(days=rng.randint(0, 200))
            for k in range(12):
                evaluations.append(
                    {
                        "account_id": i,
                        "evaluated_on": (last_eval - timedelta(days=182 * k)).isoformat(),
                        "note": "Evaluación",
                        "author": "bench",
                        "created_at": stamp,
                    }
                )
        bulk_insert(store, "rotations", rotations)
        bulk_insert(store, "evaluations", evaluations)
        # Passwords set and checked (the status row, never a secret), 2FA on most
        # accounts, and the administrators' signed documents (ine).
        bulk_insert(
            store,
            "credential_status",
            (
                {
                    "account_id": i,
                    "set_at": stamp,
                    "score": 3 + (i % 2),
                    "weak": 0,
                    "reasons": "",
                    "fingerprint": f"{rng.getrandbits(128):032x}",
                    "source": "fijar",
                    "author": "bench",
                    "checked_at": stamp,
                }
                for i in range(1, accounts + 1)
                if i % 40
            ),
        )
        bulk_insert(
            store,
            "second_factors",
            (
                {
                    "account_id": i,
                    "method": "app",
                    "recovery_location": "Caja fuerte del área",
                    "codes_in_keyring": 0,
                    "author": "bench",
                    "updated_at": stamp,
                }
                for i in range(1, accounts + 1)
                if i % 25
            ),
        )
        bulk_insert(
            store,
            "person_documents",
            (
                {
                    "person_id": p,
                    "kind": kind,
                    "signed_on": "2022-01-10",
                    "reference": "Oficio",
                    "author": "bench",
                    "created_at": stamp,
                }
                for p in range(1, people_count + 1)
                if p % 50
                for kind in ("designation_form", "responsiva")
            ),
        )
        bulk_insert(
            store,
            "trainings",
            (
                {
                    "person_id": p,
                    "trained_on": (NOW - timedelta(days=rng.randint(1, 400))).date().isoformat(),
                    "note": "Curso",
                    "author": "bench",
                    "created_at": stamp,
                }
                for p in range(1, people_count + 1)
            ),
        )
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(target)
    return target
