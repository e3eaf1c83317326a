"""The write paths this round added, killed at each write and run two at a time.

A draft's review kept with its consultation (migration 9), a handover that becomes an
administrator change (migration 10) and the preflight's lists (migration 8): each command
is traced to learn its write points (``store.faults``), then run once per point on a fresh
copy and killed there. Afterwards the database opens, its record chain verifies, and it
holds either everything the command writes or nothing of it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import NOW
from write_harness import SCRIPT, copy, env, kill_at_every_write, make_template

from store import integrity, open_store


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(
        tmp_path_factory.mktemp("plantilla"),
        (
            ("iniciar", "--perfil", "iecm"),
            ("cuentas", "agregar", "--red", "x", "--usuario", "@IECM_DD05"),
            ("personas", "agregar", "--nombre", "Ana Pérez"),
            ("personas", "agregar", "--nombre", "Luis Gómez"),
            ("cuentas", "asignar", "x/@IECM_DD05", "Ana Pérez", "--rol", "enlace", "--desde", "2026-01-05"),
        ),
    )


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
    kill_at_every_write(template, tmp_path, COMMANDS[name], _snapshot)


def test_two_writers_at_once_lose_nothing(template: Path, tmp_path: Path) -> None:
    db = copy(template, tmp_path / "dos")
    names = [[f"Persona {side}{i}" for i in range(8)] for side in "AB"]

    def writer(batch: list[str]) -> subprocess.Popen[str]:
        script = ";".join(f"{SCRIPT!r} candidatos agregar {name!r}" for name in batch)
        return subprocess.Popen(["/bin/sh", "-c", script.replace(";", " && ")], env=env(db), text=True)

    procs = [writer(batch) for batch in names]
    consultations = [
        subprocess.Popen(
            [SCRIPT, "consultas", "agregar", "x/@IECM_DD05", "--asunto", f"Cartel {i}", "--texto", DRAFT], env=env(db)
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
