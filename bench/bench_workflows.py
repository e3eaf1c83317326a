"""Benchmark: the agenda of the synthetic institution with its workflows.

Extends the foundation's synthetic institution (``synthetic.build``: 2,000
accounts, 3,000 people, 50,000 rotations and evaluations) with 20,000
consultations before publishing and 5,000 information requests (each with its
history rows), the ine designation forms and responsivas, a few administrator
changes and waivers, and the holiday calendar with the institution's declared
periods; then times ``resguardo pendientes --json`` as a whole process, median
of 10 runs after a warm-up. Goal: <= 250 ms.

    python bench/bench_workflows.py [--runs 10] [--accounts 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import bare_start_ms, describe  # noqa: E402
from synthetic import DATA, NOW, build  # noqa: E402

from store import open_store  # noqa: E402
from store.bulk import bulk_insert  # noqa: E402

GOAL_MS = 250.0
CONSULTATIONS = 20_000
REQUESTS = 5_000


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def build_workflows(accounts: int = 2000) -> Path:
    """The synthetic institution plus its workflows (cached under ``bench/.data/``)."""
    target = DATA / f"workflows-ine-{accounts}.db"
    if target.exists():
        return target
    base = build(accounts)
    partial = target.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    partial.write_bytes(base.read_bytes())
    rng = random.Random(accounts + 4)
    store = open_store(partial, clock=lambda: NOW, author="bench")  # migrates to the workflows schema
    stamp = _utc(NOW)
    people = int(store.query_one("SELECT count(*) FROM people")[0])  # type: ignore[index]
    with store.atomic():
        for start, end, label in (
            (date(2026, 3, 30), date(2026, 4, 3), "Semana Santa"),
            (date(2026, 7, 20), date(2026, 7, 31), "Primer periodo vacacional"),
            (date(2026, 12, 21), date(2027, 1, 5), "Segundo periodo vacacional"),
            (date(2027, 3, 22), date(2027, 3, 26), "Semana Santa"),
        ):
            store.calendar.add_non_working(start, end, label)
        consultations, requests, events = [], [], []
        for n in range(1, CONSULTATIONS + 1):
            sent = NOW - timedelta(minutes=rng.randrange(30, 60 * 24 * 365))
            # What stays pending: the last three days, and a few forgotten ones.
            pending = sent >= NOW - timedelta(days=3) or rng.random() < 0.005
            answered = None if pending else min(NOW, sent + timedelta(hours=rng.randrange(1, 47)))
            state = "pendiente" if pending else rng.choice(("aprobada", "rechazada"))
            consultations.append(
                {
                    "id": n,
                    "account_id": rng.randrange(1, accounts + 1),
                    "subject": f"Publicación {n}",
                    "body": "Borrador de la publicación institucional.",
                    "office": "Coordinación Nacional de Comunicación Social (CNCS)",
                    "sent_at": _utc(sent),
                    "state": state,
                    "answered_at": _utc(answered) if answered else None,
                    "author": "bench",
                    "created_at": _utc(sent),
                }
            )
            events.append(
                {
                    "entity": "consultation",
                    "entity_id": n,
                    "action": "registrada",
                    "to_state": "pendiente",
                    "author": "bench",
                    "at": _utc(sent),
                }
            )
            if answered:
                events.append(
                    {
                        "entity": "consultation",
                        "entity_id": n,
                        "action": "resuelta",
                        "from_state": "pendiente",
                        "to_state": state,
                        "author": "bench",
                        "at": _utc(answered),
                    }
                )
        for n in range(1, REQUESTS + 1):
            received = NOW - timedelta(minutes=rng.randrange(30, 60 * 24 * 180))
            open_ = received >= NOW - timedelta(days=3) or rng.random() < 0.01
            closed = None if open_ else min(NOW, received + timedelta(days=1))
            requests.append(
                {
                    "id": n,
                    "account_id": rng.randrange(1, accounts + 1),
                    "requester": f"@usuario{n}",
                    "subject": "¿Dónde puedo consultar la información?",
                    "received_at": _utc(received),
                    "state": "abierta" if open_ else "canalizada",
                    "closed_at": _utc(closed) if closed else None,
                    "office": None if open_ else "INETEL o la Plataforma Nacional de Transparencia",
                    "author": "bench",
                    "created_at": _utc(received),
                }
            )
        documents = [
            {"person_id": p, "kind": kind, "signed_on": "2024-02-01", "author": "bench", "created_at": stamp}
            for p in range(1, people + 1)
            for kind in ("designation_form", "responsiva")
            if rng.random() < 0.97
        ]
        bulk_insert(store, "consultations", consultations)
        bulk_insert(store, "information_requests", requests)
        bulk_insert(store, "workflow_events", events)
        bulk_insert(store, "person_documents", documents)
        away: set[int] = set()
        for account_id in range(1, 41):
            titular = next(a.person_id for a in store.assignments.for_account(account_id) if a.role == "titular")
            if titular not in away:
                away.add(titular)
                store.admin_changes.record(
                    store.people.get(titular),
                    "vacaciones",
                    start=NOW.date() - timedelta(days=3),
                    until=NOW.date() + timedelta(days=10),
                )
        for account_id in range(1, 21):
            store.waivers.add(
                until=NOW.date() + timedelta(days=60),
                reason="Dispensa de prueba",
                kind="verification",
                account=store.accounts.get(account_id),
            )
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(target)
    return target


def time_command(db: Path, runs: int, yardstick: list[float]) -> tuple[list[float], int, int]:
    exe = Path(sys.executable).with_name("resguardo")
    env = {**os.environ, "RESGUARDO_DB": str(db), "RESGUARDO_NOW": NOW.isoformat()}
    # An installed resguardo runs from compiled bytecode; a sandbox that forbids writing
    # it would make every run recompile the whole program and measure that instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [str(exe), "pendientes", "--json"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # warm-up: page cache, bytecode
    samples = []
    out = b""
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(command, env=env, check=True, capture_output=True).stdout
        samples.append((time.perf_counter() - start) * 1000)
        yardstick.append(bare_start_ms(env))
    return samples, len(out), out.count(b'"kind"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--accounts", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    db = build_workflows(args.accounts)
    built = time.perf_counter() - started
    yardstick: list[float] = []
    samples, size, items = time_command(db, args.runs, yardstick)
    median = statistics.median(samples)
    print(
        f"resguardo pendientes --json with workflows: {args.accounts} accounts, {CONSULTATIONS} consultations,"
        f" {REQUESTS} requests (data ready in {built:.1f} s)"
    )
    print(
        f"  median {median:.1f} ms over {args.runs} runs (min {min(samples):.1f}, max {max(samples):.1f});"
        f" {items} obligations, output {size / 1024:.0f} KiB"
    )
    print(f"  {describe(yardstick)}")
    print(f"  goal <= {GOAL_MS:.0f} ms -> {'OK' if median <= GOAL_MS else 'OVER GOAL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
