"""The write paths this round added, killed at each write and run two at a time.

A draft's review kept with its consultation (migration 9), a handover that becomes an
administrator change (migration 10) and the preflight's lists (migration 8): each command
is traced to learn its write points (``store.faults``), then run once per point on a fresh
copy and killed there. Afterwards the database opens, its record chain verifies, and it
holds either everything the command writes or nothing of it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW

from store import faults, integrity, open_store

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(Path(sys.executable).with_name("resguardo"))


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (faults.ENV, faults.ENV_TRACE, "RESGUARDO_DEBUG")}
    env.update(RESGUARDO_DB=str(db), RESGUARDO_NOW=NOW.isoformat(), RESGUARDO_LOCK_TIMEOUT="30")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _run(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], env=_env(db, **extra), capture_output=True, text=True, encoding="utf-8", check=False
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("plantilla") / "resguardo.db"
    for args in (
        ("iniciar", "--perfil", "iecm"),
        ("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD05"),
        ("personas", "agregar", "--nombre", "Ana Pérez"),
        ("personas", "agregar", "--nombre", "Luis Gómez"),
        ("cuentas", "asignar", "x/@IECM_DD05", "Ana Pérez", "--rol", "enlace", "--desde", "2026-01-05"),
    ):
        done = _run(db, *args)
        assert done.returncode == 0, (args, done.stderr)
    return db


def _copy(template: Path, folder: Path) -> Path:
    folder.mkdir()
    for file in template.parent.iterdir():
        if file.is_file():
            shutil.copyfile(file, folder / file.name)
    return folder / template.name


def _snapshot(db: Path) -> tuple[int, ...]:
    with open_store(db, clock=lambda: NOW) as store:
        assert integrity.check_records(store.conn).problems == []
        return tuple(
            store.query_one(f"SELECT count(*) FROM {table}")[0]
            for table in ("consultations", "admin_changes", "assignments", "preflight_lists", "bitacora")
        )


DRAFT = "Consulta tu CURP HEGG560427MVZRRL04 en nuestra página"
COMMANDS = {
    "consulta con borrador": ("consultas", "agregar", "x/@IECM_DD05", "--asunto", "Cartel", "--texto", DRAFT),
    "relevo": ("cuentas", "desasignar", "x/@IECM_DD05", "Ana Pérez", "--fecha", "2026-11-20"),
    "lista del borrador": ("candidatos", "agregar", "María López"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_kill_at_every_write_leaves_all_or_nothing(template: Path, tmp_path: Path, name: str) -> None:
    args = COMMANDS[name]
    before = _snapshot(template)
    traced = _copy(template, tmp_path / "traza")
    trace = tmp_path / "traza.txt"
    done = _run(traced, *args, **{faults.ENV_TRACE: str(trace)})
    assert done.returncode == 0, done.stderr
    after = _snapshot(traced)
    assert after != before
    points = trace.read_text("utf-8").splitlines()
    assert points
    for number in range(1, len(points) + 1):
        db = _copy(template, tmp_path / f"corte-{number}")
        killed = _run(db, *args, **{faults.ENV: f"kill:{number}"})
        assert killed.returncode == faults.KILLED_STATUS, (number, points[number - 1], killed.stderr)
        assert _snapshot(db) in (before, after), (number, points[number - 1])


def test_two_writers_at_once_lose_nothing(template: Path, tmp_path: Path) -> None:
    db = _copy(template, tmp_path / "dos")
    names = [[f"Persona {side}{i}" for i in range(8)] for side in "AB"]

    def writer(batch: list[str]) -> subprocess.Popen[str]:
        script = ";".join(f"{SCRIPT!r} candidatos agregar {name!r}" for name in batch)
        return subprocess.Popen(["/bin/sh", "-c", script.replace(";", " && ")], env=_env(db), text=True)

    procs = [writer(batch) for batch in names]
    consultations = [
        subprocess.Popen(
            [SCRIPT, "consultas", "agregar", "x/@IECM_DD05", "--asunto", f"Cartel {i}", "--texto", DRAFT], env=_env(db)
        )
        for i in range(4)
    ]
    assert [p.wait(timeout=300) for p in procs + consultations] == [0] * 6
    with open_store(db, clock=lambda: NOW) as store:
        listed = {row[0] for row in store.query("SELECT value FROM preflight_lists WHERE list = 'candidatos'")}
        kept = store.query("SELECT review FROM consultations")
    assert listed == set(names[0] + names[1])
    assert len(kept) == 4 and all(row[0] and "curp" in row[0] for row in kept)
    assert _snapshot(db)[0] == 4
