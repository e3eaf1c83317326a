"""The duties' write paths (migration 11), killed at each write and run two at a time.

Each command is traced to learn its write points (``store.faults``), then run once per point on a
fresh copy and killed there. Afterwards the database opens, its record chain verifies, and it holds
either everything the command writes or nothing of it.
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
        (
            "mensajes",
            "registrar",
            "x/@IECM_DD05",
            "--asunto",
            "Convocatoria",
            "--desde",
            "2026-03-12",
            "--hasta",
            "2026-03-14",
        ),
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
            store.query_one(sql)[0]
            for sql in (
                "SELECT count(*) FROM duties",
                "SELECT count(*) FROM duties WHERE done_at IS NOT NULL",
                "SELECT count(*) FROM bitacora",
            )
        )


COMMANDS = {
    "mensaje": ("mensajes", "registrar", "x/@IECM_DD05", "--asunto", "Otro", "--desde", "2026-03-12", "--hasta", "2026-03-20"),
    "publicar": ("mensajes", "publicar", "1"),
    "asunto": ("asuntos", "registrar", "x/@IECM_DD05", "--descripcion", "Circula una imagen falsa"),
    "personas": (
        "bitacora", "agregar", "x/@IECM_DD05", "--tipo", "publicacion", "--texto", "Foto",
        "--personas", "Ana López, Juan Ruiz", "--modalidad", "cobertura",
    ),
}  # fmt: skip


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
    before = _snapshot(db)
    matters = [
        subprocess.Popen([SCRIPT, "asuntos", "registrar", "-", "--descripcion", f"Asunto {i}"], env=_env(db), text=True)
        for i in range(4)
    ]
    posts = [
        subprocess.Popen(
            [SCRIPT, "bitacora", "agregar", "x/@IECM_DD05", "--tipo", "publicacion", "--texto", f"Foto {i}",
             "--personas", f"Persona {i}"],
            env=_env(db),
            text=True,
        )
        for i in range(4)
    ]  # fmt: skip
    assert [p.wait(timeout=300) for p in matters + posts] == [0] * 8
    duties, done, entries = _snapshot(db)
    # three notices per matter (iecm §7.H), one letter per post; one entry each
    assert duties == before[0] + 4 * 3 + 4 and done == before[1] and entries == before[2] + 8
    with open_store(db, clock=lambda: NOW) as store:
        letters = {row[0] for row in store.query("SELECT subject FROM duties WHERE kind = 'carta_descargo'")}
    assert letters == {f"Persona {i}" for i in range(4)}


def test_a_refused_fulfilment_writes_nothing(template: Path, tmp_path: Path) -> None:
    db = _copy(template, tmp_path / "rechazo")
    before = _snapshot(db)
    refused = _run(db, "bitacora", "agregar", "x/@IECM_DD05", "--tipo", "nota", "--texto", "Ya", "--atiende", "1")
    assert refused.returncode != 0 and "publicacion" in refused.stderr and "Traceback" not in refused.stderr
    missing = _run(db, "deberes", "cumplir", "99")
    assert missing.returncode != 0 and "No existe el deber con id 99" in missing.stderr
    assert _snapshot(db) == before
