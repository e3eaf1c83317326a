"""Workbench benchmark on a synthetic 2,000-account institution with 1,000,000 bitácora entries.

Prints:
- process start to the first full frame of Hoy with its rows (median, min and
  max of several runs, the process's CPU time, and the load average; goal
  ≤ 0.6 s). Each run spawns ``resguardo --db`` in a pseudo-terminal of 120×40,
  the way a user starts it (``bench/terminal.py``: synchronized output answered
  as supported, so each frame is counted once whole), and stops at the first
  frame that draws Hoy whole: the counts, the first section heading over its
  rows, the selected item's clause and the key bindings. A bare Textual app (a
  Static and a Footer) is measured the same way, interleaved, for scale;
- the accounts filter per keystroke (goal ≤ 50 ms): the filter and table
  update itself, and the whole keystroke-to-idle time under Textual's Pilot,
  next to Pilot's own cost for a keystroke on a bare app;
- the time to load the agenda and the institution snapshot.

Usage: .venv/bin/python bench/bench_workbench.py [--accounts 2000] [--entries 1000000] [--runs 9]
The database is built once in bench/.data/ (ignored by git; ~2 min with the bitácora).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reference import load_average  # noqa: E402

from policy.clock import ZONE, start_of_day  # noqa: E402

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
NETWORKS = ("x", "facebook", "instagram", "tiktok", "youtube")
STATES = (
    "Aguascalientes",
    "Chiapas",
    "Chihuahua",
    "Guerrero",
    "Jalisco",
    "Oaxaca",
    "Puebla",
    "Sonora",
    "Veracruz",
    "Yucatán",
    "Zacatecas",
    "Tabasco",
    "Morelos",
    "Nayarit",
    "Colima",
    "Durango",
)
NAMES = ("María", "José", "Ana", "Juan", "Lucía", "Jorge", "Sofía", "Luis", "Elena", "Raúl", "Itzel", "Óscar")
SURNAMES = ("Hernández", "García", "López", "Martínez", "Pérez", "Sánchez", "Ramírez", "Cruz", "Flores", "Ríos")


def build_institution(path: Path, accounts: int, entries: int) -> None:
    """An INE-like institution: ``accounts`` accounts in 400 areas, two people per area, history,
    and ``entries`` bitácora entries spread over the accounts and the last three years."""
    import random

    from policy.profile import load_profile
    from store.db import open_store
    from store.state import calendar_years

    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    rng = random.Random(2000)
    with open_store(partial, clock=lambda: NOW, author="bench", create=True) as store:
        store.settings.set_profile("ine")
        first, last = calendar_years(load_profile("ine"), NOW)
        store.calendar.ensure_years(first, last + 1)
        areas = max(1, accounts // 5)
        today = NOW.date()
        with store.atomic():
            for area_index in range(areas):
                area = f"Junta Distrital {area_index + 1:03d} {STATES[area_index % len(STATES)]}"
                people = []
                for role_index, rank in enumerate(("mando_medio", "mando_medio")):
                    name = (
                        f"{NAMES[(area_index + role_index) % len(NAMES)]} "
                        f"{SURNAMES[area_index % len(SURNAMES)]} {SURNAMES[(area_index // 10) % len(SURNAMES)]}"
                        f" {area_index:03d}{'ab'[role_index]}"
                    )
                    people.append(store.people.add(name=name, email=f"p{area_index}{role_index}@ine.mx", rank=rank))
                for network_index in range(5):
                    number = area_index * 5 + network_index
                    if number >= accounts:
                        break
                    network = NETWORKS[network_index]
                    handle = (
                        f"@INE_JD{area_index + 1:03d}" if network in ("x", "tiktok") else f"INEJD{area_index + 1:03d}"
                    )
                    opened = today - timedelta(days=rng.randint(400, 2000))
                    account = store.accounts.add(
                        network=network,
                        handle=handle,
                        area=area,
                        email=f"jd{area_index}.redes@ine.mx",
                        email_generic=True,
                        verification="verificada",
                        opened_on=opened,
                    )
                    store.assignments.assign(account, people[0], "titular", opened)
                    store.assignments.assign(account, people[1], "suplente", opened)
                    for age in sorted(rng.sample(range(5, 400), 3), reverse=True):
                        store.rotations.record(account, start_of_day(today - timedelta(days=age)), reason="bench")
                    store.evaluations.record(account, today - timedelta(days=rng.randint(10, 200)))
                for person in people:
                    store.trainings.record(person, today - timedelta(days=rng.randint(10, 400)))
        _fill_bitacora(store, accounts, entries, rng)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.execute("ANALYZE")
    partial.rename(path)


def _fill_bitacora(store: Any, accounts: int, entries: int, rng: Any) -> None:
    """``entries`` chained bitácora entries (the store's own ``append_many``), oldest first."""
    from bench_bitacora import KINDS, VOCABULARY

    store.execute("PRAGMA cache_size = -262144")  # a bulk load touches the indexes at random
    start = NOW - timedelta(days=3 * 365)
    step = timedelta(days=3 * 365) / max(entries, 1)
    done = 0
    while done < entries:
        size = min(50_000, entries - done)
        store.bitacora.append_many(
            {
                "kind": KINDS[rng.randrange(len(KINDS))],
                "account_id": rng.randint(1, accounts),
                "text": " ".join(rng.choices(VOCABULARY, k=rng.randint(8, 30))) + ".",
                "occurred_at": start + step * (done + k),
                "author": "bench",
            }
            for k in range(size)
        )
        done += size
        print(f"  … {done:,} entradas de bitácora", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("0 vencidos\\nVENCIDOS (0)\\n«cita»")
        yield Footer()

Bare().run()
"""


def hoy_is_whole(lines: list[str]) -> bool:
    """Hoy as a user sees it once its first frame is complete: the counts on the status line,
    the first section's heading over its rows, the selected item's clause in the preview pane,
    and the key bindings on the last line."""
    return (
        "vencidos" in lines[0]
        and any("VENCIDOS (" in line for line in lines)
        and any("«" in line for line in lines)
        and bool(lines[-1].strip())
    )


def first_frame_once(db: Path | None, size: tuple[int, int] = (120, 40)) -> tuple[float, float]:
    """Seconds from spawning ``resguardo --db`` in a pseudo-terminal to the first frame that
    draws Hoy whole (``hoy_is_whole``), and the CPU seconds the process used until then
    (``db`` None: a bare Textual app, for scale). See ``bench/terminal.py``."""
    from terminal import first_frame

    script = Path(sys.executable).with_name("resguardo")
    command = [str(script), "--db", str(db)] if db is not None else [sys.executable, "-c", BARE_APP]
    env = {**os.environ, "RESGUARDO_NOW": NOW.isoformat(), "TERM": "xterm-256color"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # timed as installed, with compiled bytecode
    frame = first_frame(command, env, hoy_is_whole, size)
    if frame is None:
        raise SystemExit("la aplicación no llegó a dibujar Hoy completa")
    return frame.seconds, frame.cpu


async def filter_keystrokes(db: Path, query: str) -> tuple[list[float], list[float], float]:
    from textual.app import App
    from textual.widgets import Footer, Static

    from tui.app import Workbench
    from tui.screens.cuentas import CuentasScreen

    class Bare(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("hola")
            yield Footer()

    bare_times = []
    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(10):
            started = time.perf_counter()
            await pilot.press("x")
            bare_times.append(time.perf_counter() - started)

    app = Workbench(db, clock=lambda: NOW)
    filter_ms: list[float] = []
    key_ms: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(8):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("2")
        for _ in range(4):
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CuentasScreen) and screen.table.selectable_count > 0
        await pilot.press("slash")
        for _ in range(2):
            for char in query:
                started = time.perf_counter()
                await pilot.press(char if char != " " else "space")
                key_ms.append((time.perf_counter() - started) * 1000)
                filter_ms.append(screen.last_filter_ms)
            for _ in query:
                started = time.perf_counter()
                await pilot.press("backspace")
                key_ms.append((time.perf_counter() - started) * 1000)
                filter_ms.append(screen.last_filter_ms)
    return filter_ms, key_ms, statistics.median(bare_times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=1_000_000, help="entradas de la bitácora")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    data = ROOT / "bench" / ".data"
    data.mkdir(parents=True, exist_ok=True)
    db = data / f"workbench-{args.accounts}-{args.entries}.db"
    if not db.exists():
        started = time.perf_counter()
        build_institution(db, args.accounts, args.entries)
        print(
            f"institución sintética: {args.accounts:,} cuentas y {args.entries:,} entradas de bitácora"
            f" en {time.perf_counter() - started:.1f} s ({db})"
        )

    from tui.workspace import Workspace

    workspace = Workspace(db, lambda: NOW)
    workspace.load()  # warm the page cache, as the first run below will
    started = time.perf_counter()
    agenda, build = workspace.load()
    agenda_s = time.perf_counter() - started
    started = time.perf_counter()
    build()
    institution_s = time.perf_counter() - started
    print(
        f"estado y agenda ({len(agenda.items)} pendientes, load_state + agenda): {agenda_s * 1000:.0f} ms"
        f" (antes del primer cuadro); cuentas y personas con sus plazos: {institution_s * 1000:.0f} ms"
        f" (en un hilo, después del primer cuadro)"
    )

    if sys.platform != "win32":
        first_frame_once(db)  # warm-up: bytecode and page cache, as any second start has them
        first_frame_once(None)
        print(f"carga del equipo antes: {load_average(five=True)}")
        frames, cpu, bare, bare_cpu = [], [], [], []
        for _ in range(args.runs):  # interleaved, so a busy moment weighs on both alike
            seen, used = first_frame_once(db)
            frames.append(seen)
            cpu.append(used)
            seen, used = first_frame_once(None)
            bare.append(seen)
            bare_cpu.append(used)
        median = statistics.median(frames)
        print(
            f"inicio del proceso → primer cuadro completo de Hoy con sus filas (pty 120×40, {args.runs} corridas):"
            f" mediana {median:.3f} s (mín {min(frames):.3f}, máx {max(frames):.3f});"
            f" meta ≤ 0.6 s: {'cumple' if median <= 0.6 else 'NO CUMPLE'}"
        )
        print(f"  CPU del proceso hasta ese cuadro: mediana {statistics.median(cpu):.3f} s")
        print(
            f"  app Textual vacía (Static + Footer, mismo criterio) igual medida: mediana {statistics.median(bare):.3f} s"
            f" (mín {min(bare):.3f}, máx {max(bare):.3f}); CPU mediana {statistics.median(bare_cpu):.3f} s"
        )
        print(f"carga del equipo después: {load_average(five=True)}")
    else:
        print("primer cuadro: se mide en Linux o macOS (usa una pseudoterminal)")

    filter_ms, key_ms, bare_ms = asyncio.run(filter_keystrokes(db, "jd 12 ver"))
    print(
        f"filtro de cuentas por tecla ({len(filter_ms)} teclas): filtrar y actualizar la tabla"
        f" mediana {statistics.median(filter_ms):.2f} ms (máx {max(filter_ms):.2f}); meta ≤ 50 ms"
    )
    print(
        f"tecla → pantalla en reposo bajo Pilot: mediana {statistics.median(key_ms):.0f} ms"
        f" (máx {max(key_ms):.0f}); Pilot en una app vacía: {bare_ms:.0f} ms por tecla"
    )


if __name__ == "__main__":
    main()
