"""The duties' write paths (migration 11), killed at each write and run two at a time.

Each command is traced to learn its write points (``store.faults``), then run once per point on a
fresh copy and killed there. Afterwards the database opens, its record chain verifies, and it holds
either everything the command writes or nothing of it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import NOW
from write_harness import SCRIPT, copy, env, kill_at_every_write, make_template, run

from store import integrity, open_store


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(
        tmp_path_factory.mktemp("plantilla"),
        (
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
        ),
    )


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
    kill_at_every_write(template, tmp_path, COMMANDS[name], _snapshot)


def test_two_writers_at_once_lose_nothing(template: Path, tmp_path: Path) -> None:
    db = copy(template, tmp_path / "dos")
    before = _snapshot(db)
    matters = [
        subprocess.Popen([SCRIPT, "asuntos", "registrar", "-", "--descripcion", f"Asunto {i}"], env=env(db), text=True)
        for i in range(4)
    ]
    posts = [
        subprocess.Popen(
            [SCRIPT, "bitacora", "agregar", "x/@IECM_DD05", "--tipo", "publicacion", "--texto", f"Foto {i}",
             "--personas", f"Persona {i}"],
            env=env(db),
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
    db = copy(template, tmp_path / "rechazo")
    before = _snapshot(db)
    refused = run(db, "bitacora", "agregar", "x/@IECM_DD05", "--tipo", "nota", "--texto", "Ya", "--atiende", "1")
    assert refused.returncode != 0 and "publicacion" in refused.stderr and "Traceback" not in refused.stderr
    missing = run(db, "deberes", "cumplir", "99")
    assert missing.returncode != 0 and "No existe el deber con id 99" in missing.stderr
    assert _snapshot(db) == before
