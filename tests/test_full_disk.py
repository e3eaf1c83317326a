"""A full disk: every read command still works, every write fails with «disco lleno» and
loses nothing. Tried for real on a tiny tmpfs (Linux, as root) and, portably, by making
SQLite or the operating system report a full disk."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import open_store
from store.errors import StoreDiskFullError
from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run

#: Commands that only read; each must work on a full disk.
READS = [
    ("pendientes",),
    ("pendientes", "--json", "--dias", "90"),
    ("cuentas", "listar"),
    ("cuentas", "mostrar", "1", "--json"),
    ("personas", "listar"),
    ("rotaciones", "listar", "1"),
    ("bitacora", "buscar", "contraseña"),
    ("bitacora", "verificar"),
    ("bitacora", "exportar", "--formato", "json"),
    ("exportar",),
    ("inhabiles", "listar", "--anio", "2031"),  # a year whose holidays are not stored yet
    ("procesos", "listar"),
    ("incidentes", "listar"),
    ("avisos", "listar"),
    ("dispensas", "listar"),
    ("consultas", "listar"),
    ("ajustes", "listar"),
    ("credencial", "revisar", "--json"),
    ("llavero", "estado"),
]

#: Commands that write; each must fail with «disco lleno» on a full disk.
WRITES = [
    ("bitacora", "agregar", "1", "--tipo", "nota", "--texto", "Nota escrita con el disco lleno " + "x" * 3000),
    ("personas", "agregar", "--nombre", "Persona Nueva de Prueba"),
    ("rotaciones", "registrar", "1", "--fecha", "2026-03-11", "--motivo", "z" * 900),
]

TABLES = ("accounts", "people", "rotations", "bitacora", "settings", "official_holidays")


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)


def counts(db: Path) -> dict[str, int]:
    # read-write on purpose: the last connection to close removes the -wal and -shm, which a
    # read-only one would leave, ready, for the commands under test to find on the full disk
    conn = sqlite3.connect(db)
    try:
        return {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        conn.close()


def fill(folder: Path) -> Path:
    """Write a file until the file system has no space left; returns it (delete it to free the space).

    Pages of files deleted just before (a checkpointed -wal) may come back a moment later:
    top up until statvfs reports no block free at all.
    """
    filler = folder / "relleno"
    with open(filler, "ab", buffering=0) as handle:
        for _ in range(50):
            for size in (65536, 4096, 512, 1):
                while True:
                    try:
                        handle.write(b"\0" * size)
                    except OSError as exc:
                        assert exc.errno == errno.ENOSPC, exc
                        break
            if os.statvfs(folder).f_bavail == 0:
                time.sleep(0.05)
                if os.statvfs(folder).f_bavail == 0:
                    return filler
            time.sleep(0.05)
    raise AssertionError("the file system never filled up")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MiB tmpfs mounted under tmp_path (skipped where mounting is not permitted)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs Linux and root")
    mount = tmp_path / "disco"
    mount.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.fixture
def full_demo(tiny_disk: Path) -> Iterator[tuple[Path, Path, dict[str, int]]]:
    """A demo database on a disk then filled up: its path, the filler, and its row counts."""
    db = tiny_disk / "resguardo.db"
    assert run("demo", "--perfil", "ine", "--db", str(db)).code == 0
    assert (
        run("bitacora", "agregar", "1", "--tipo", "nota", "--texto", "Antes de llenar el disco", "--db", str(db)).code
        == 0
    )
    before = counts(db)
    # No -shm ready to use (the witness of the bitácora's head is beside it).
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["resguardo.db", "resguardo.db.testigo"]
    yield db, fill(tiny_disk), before


def test_reads_work_on_a_full_disk(full_demo: tuple[Path, Path, dict[str, int]]):
    db, filler, before = full_demo
    failures = {}
    for argv in READS:
        result = run(*argv, "--db", str(db))
        if result.code != 0:
            failures[" ".join(argv)] = result.err.strip()
    assert failures == {}
    filler.unlink()
    assert counts(db) == before


def test_the_workbench_starts_on_a_full_disk(full_demo: tuple[Path, Path, dict[str, int]]):
    from tui.workspace import Workspace

    db, _, _ = full_demo
    startup = Workspace(db, lambda: NOW).startup()
    assert startup.status.initialized and startup.agenda is not None
    assert startup.build_institution is not None and startup.build_institution().accounts


@pytest.mark.parametrize("argv", WRITES, ids=lambda argv: " ".join(argv[:2]))
def test_writes_on_a_full_disk_say_so_and_lose_nothing(
    full_demo: tuple[Path, Path, dict[str, int]], argv: tuple[str, ...]
):
    db, filler, before = full_demo
    refused(run(*argv, "--db", str(db)), "disco lleno")
    filler.unlink()
    assert counts(db) == before
    assert run("bitacora", "verificar", "--db", str(db)).code == 0
    result = run(*argv, "--db", str(db))  # with space again, the same write succeeds
    assert result.code == 0, result.err


def test_a_write_while_another_connection_is_open_on_a_full_disk(tiny_disk: Path):
    db = tiny_disk / "resguardo.db"
    assert run("demo", "--perfil", "ine", "--db", str(db)).code == 0
    holder = sqlite3.connect(db)  # as an open workbench: the -wal and -shm exist already
    holder.execute("SELECT count(*) FROM accounts").fetchone()
    try:
        before = counts(db)
        filler = fill(tiny_disk)
        assert run("pendientes", "--db", str(db)).code == 0
        refused(run(*WRITES[0], "--db", str(db)), "disco lleno")
        refused(run(*WRITES[1], "--db", str(db)), "disco lleno")
        filler.unlink()
        assert counts(db) == before
    finally:
        holder.close()


def test_iniciar_on_a_full_disk_says_so_and_leaves_nothing(tiny_disk: Path):
    filler = fill(tiny_disk)
    refused(run("iniciar", "--perfil", "ine", "--db", str(tiny_disk / "nueva" / "r.db")), "disco lleno")
    assert sorted(p.name for p in tiny_disk.iterdir()) == [filler.name]


def test_an_export_to_a_full_disk_says_so(full_demo: tuple[Path, Path, dict[str, int]]):
    db, _, _ = full_demo
    target = db.parent / "inventario.csv"
    refused(run("exportar", "--salida", str(target), "--db", str(db)), "disco lleno")
    refused(run("bitacora", "exportar", "--formato", "csv", "--salida", str(target), "--db", str(db)), "disco lleno")
    assert not target.exists()
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".resguardo-")]


# -- portable: SQLite or the operating system says the disk is full -----------------------


def test_sqlite_full_becomes_disco_lleno_and_rolls_back(tmp_path: Path):
    with open_store(tmp_path / "r.db", create=True, clock=lambda: NOW) as store:
        store.settings.set_profile("ine")
        pages = int(store.query_one("PRAGMA page_count")[0])  # type: ignore[index]
        store.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreDiskFullError, match="disco lleno"):
            store.settings.set("relleno", "x" * 200_000)
        assert store.settings.get("relleno") is None
        assert store.settings.profile_id == "ine"


def _refuse_read_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every read-write connection fail as SQLite does when the -shm cannot grow."""
    import store.db as db_module

    real = db_module._connect

    def connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
        if not uri:
            raise sqlite3.OperationalError("database or disk is full")
        return real(target, uri=uri)

    monkeypatch.setattr(db_module, "_connect", connect)


def test_a_database_that_cannot_be_opened_for_writing_is_read_on_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = tmp_path / "r.db"
    assert run("demo", "--perfil", "ine", "--db", str(db)).code == 0
    before = counts(db)
    _refuse_read_write(monkeypatch)
    for argv in (("pendientes",), ("cuentas", "listar"), ("inhabiles", "listar", "--anio", "2031")):
        result = run(*argv, "--db", str(db))
        assert result.code == 0, (argv, result.err)
    refused(run(*WRITES[0], "--db", str(db)), "disco lleno")
    refused(run("iniciar", "--perfil", "ine", "--db", str(tmp_path / "otra.db")), "disco lleno")
    assert not (tmp_path / "otra.db").exists()
    monkeypatch.undo()
    assert counts(db) == before


@pytest.mark.parametrize("argv", [("exportar",), ("bitacora", "exportar", "--formato", "csv")])
def test_enospc_of_an_export_says_disco_lleno(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]):
    db = tmp_path / "r.db"
    assert run("demo", "--perfil", "ine", "--db", str(db)).code == 0

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    target = tmp_path / "salida.csv"
    refused(run(*argv, "--salida", str(target), "--db", str(db)), "disco lleno")
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".resguardo-")]


def test_enospc_anywhere_else_is_a_spanish_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import tui.cli.agenda

    db = tmp_path / "r.db"
    assert run("iniciar", "--perfil", "ine", "--db", str(db)).code == 0

    def no_space(*args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tui.cli.agenda, "show_agenda", no_space)
    refused(run("pendientes", "--db", str(db)), "disco lleno")
