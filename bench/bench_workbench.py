"""Workbench benchmark on a synthetic 2,000-account institution.

Prints:
- process start to the first full frame of Hoy (median of several runs, in a
  pseudo-terminal of 120×40, the way a user starts it; goal ≤ 0.6 s);
- the accounts filter per keystroke (goal ≤ 50 ms): the filter and table
  update itself, and the whole keystroke-to-idle time under Textual's Pilot,
  next to Pilot's own cost for a keystroke on a bare app;
- the time to load the agenda and the institution snapshot.

Usage: .venv/bin/python bench/bench_workbench.py [--accounts 2000] [--runs 7]
The database is built once in bench/.data/ (ignored by git).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy.clock import ZONE, start_of_day  # noqa: E402

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)
NETWORKS = ("x", "facebook", "instagram", "tiktok", "youtube")
STATES = ("Aguascalientes", "Chiapas", "Chihuahua", "Guerrero", "Jalisco", "Oaxaca", "Puebla", "Sonora",
          "Veracruz", "Yucatán", "Zacatecas", "Tabasco", "Morelos", "Nayarit", "Colima", "Durango")
NAMES = ("María", "José", "Ana", "Juan", "Lucía", "Jorge", "Sofía", "Luis", "Elena", "Raúl", "Itzel", "Óscar")
SURNAMES = ("Hernández", "García", "López", "Martínez", "Pérez", "Sánchez", "Ramírez", "Cruz", "Flores", "Ríos")


def build_institution(path: Path, accounts: int) -> None:
    """An INE-like institution: ``accounts`` accounts in 400 areas, two people per area, history."""
    import random

    from policy.profile import load_profile
    from store.db import open_store
    from store.state import calendar_years

    rng = random.Random(2000)
    with open_store(path, clock=lambda: NOW, author="bench") as store:
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
                    name = (f"{NAMES[(area_index + role_index) % len(NAMES)]} "
                            f"{SURNAMES[area_index % len(SURNAMES)]} {SURNAMES[(area_index // 10) % len(SURNAMES)]}"
                            f" {area_index:03d}{'ab'[role_index]}")
                    people.append(store.people.add(name=name, email=f"p{area_index}{role_index}@ine.mx", rank=rank))
                for network_index in range(5):
                    number = area_index * 5 + network_index
                    if number >= accounts:
                        break
                    network = NETWORKS[network_index]
                    handle = f"@INE_JD{area_index + 1:03d}" if network in ("x", "tiktok") else f"INEJD{area_index + 1:03d}"
                    opened = today - timedelta(days=rng.randint(400, 2000))
                    account = store.accounts.add(
                        network=network, handle=handle, area=area, email=f"jd{area_index}.redes@ine.mx",
                        email_generic=True, verification="verificada", opened_on=opened,
                    )
                    store.assignments.assign(account, people[0], "titular", opened)
                    store.assignments.assign(account, people[1], "suplente", opened)
                    for age in sorted(rng.sample(range(5, 400), 3), reverse=True):
                        store.rotations.record(account, start_of_day(today - timedelta(days=age)), reason="bench")
                    store.evaluations.record(account, today - timedelta(days=rng.randint(10, 200)))
                for person in people:
                    store.trainings.record(person, today - timedelta(days=rng.randint(10, 400)))


BARE_APP = """
import os, sys, time
from pathlib import Path
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("hola")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self._done)

    def _done(self):
        Path(os.environ["RESGUARDO_FIRST_FRAME_FILE"]).write_text(f"{time.time():.6f}")
        self.exit()

Bare().run()
"""


def first_frame_once(db: Path | None, size: tuple[int, int] = (120, 40)) -> float:
    """Seconds from spawning ``resguardo --db`` in a pty to the first full frame of Hoy
    (``db`` None: a bare Textual app with a Footer, for scale)."""
    import fcntl
    import pty
    import struct
    import subprocess
    import termios
    import threading

    script = Path(sys.executable).with_name("resguardo")
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "frame"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = {**os.environ, "RESGUARDO_NOW": NOW.isoformat(), "RESGUARDO_FIRST_FRAME_FILE": str(marker),
               "RESGUARDO_EXIT_AFTER_FIRST_FRAME": "1", "TERM": "xterm-256color"}
        stop = threading.Event()

        def drain() -> None:  # the app blocks if nobody reads its output
            while not stop.is_set():
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        started = time.time()
        command = [str(script), "--db", str(db)] if db is not None else [sys.executable, "-c", BARE_APP]
        proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
        try:
            proc.wait(timeout=60)
        finally:
            stop.set()
            os.close(slave)
            os.close(master)
        if not marker.exists():
            raise SystemExit(f"la aplicación terminó sin dibujar Hoy (código {proc.returncode})")
        return float(marker.read_text().strip()) - started


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
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = ROOT / "bench" / ".data"
    data.mkdir(parents=True, exist_ok=True)
    db = data / f"workbench-{args.accounts}.db"
    if not db.exists():
        started = time.perf_counter()
        build_institution(db, args.accounts)
        print(f"institución sintética: {args.accounts} cuentas en {time.perf_counter() - started:.1f} s ({db})")

    from tui.workspace import Workspace

    workspace = Workspace(db, lambda: NOW)
    started = time.perf_counter()
    agenda = workspace.agenda()
    agenda_s = time.perf_counter() - started
    started = time.perf_counter()
    workspace.institution()
    institution_s = time.perf_counter() - started
    print(f"agenda ({len(agenda.items)} pendientes): {agenda_s * 1000:.0f} ms;"
          f" cuentas y personas con sus plazos: {institution_s * 1000:.0f} ms (en hilos, tras el primer cuadro)")

    if sys.platform != "win32":
        frames = [first_frame_once(db) for _ in range(args.runs)]
        bare = [first_frame_once(None) for _ in range(args.runs)]
        print(f"inicio del proceso → primer cuadro de Hoy (pty 120×40, {args.runs} corridas):"
              f" mediana {statistics.median(frames):.3f} s (mín {min(frames):.3f}, máx {max(frames):.3f});"
              f" meta ≤ 0.6 s; una app Textual vacía en esta máquina: {statistics.median(bare):.3f} s")
    else:
        print("primer cuadro: se mide en Linux o macOS (usa una pseudoterminal)")

    filter_ms, key_ms, bare_ms = asyncio.run(filter_keystrokes(db, "jd 12 ver"))
    print(f"filtro de cuentas por tecla ({len(filter_ms)} teclas): filtrar y actualizar la tabla"
          f" mediana {statistics.median(filter_ms):.2f} ms (máx {max(filter_ms):.2f}); meta ≤ 50 ms")
    print(f"tecla → pantalla en reposo bajo Pilot: mediana {statistics.median(key_ms):.0f} ms"
          f" (máx {max(key_ms):.0f}); Pilot en una app vacía: {bare_ms:.0f} ms por tecla")


if __name__ == "__main__":
    main()
