"""Opening the database safely: only the creating commands create one, refused files stay
byte-identical (no -wal or -shm made beside them), and the files are private."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from store import open_store
from store.errors import StoreCorruptError, StoreMissingError, StoreNewerSchemaError
from store.migrations import LATEST_VERSION
from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run

POSIX = os.name == "posix"


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)


def initialized(path: Path, profile: str = "ine") -> Path:
    result = run("iniciar", "--perfil", profile, "--db", str(path))
    assert result.code == 0, result.err
    return path


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``folder``: its mode and bytes (folders: their mode)."""
    found: dict[str, tuple[int, bytes]] = {}
    for item in sorted(folder.rglob("*")):
        mode = item.stat().st_mode & 0o777
        found[str(item.relative_to(folder))] = (mode, item.read_bytes() if item.is_file() else b"")
    return found


#: Commands that must never create a database, each with the standard input it may read.
NON_CREATING = [
    (("pendientes",), ""),
    (("cuentas", "listar"), ""),
    (("bitacora", "agregar", "1", "--tipo", "nota", "--texto", "Una nota"), ""),
    (("credencial", "fijar", "1"), "Una-clave-muy-larga-y-segura-2026\n"),
    (("bitacora", "verificar"), ""),
    (("ajustes", "listar"), ""),
]


# -- only the creating commands create a database ------------------------------------


@pytest.mark.parametrize(("argv", "stdin"), NON_CREATING, ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
def test_a_mistyped_path_creates_no_folder_and_no_file(tmp_path: Path, argv: tuple[str, ...], stdin: str):
    target = tmp_path / "no" / "existe" / "x.db"
    line = refused(run(*argv, "--db", str(target), stdin=stdin), "no existe", "iniciar")
    assert str(target) in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("argv", "stdin"), NON_CREATING, ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
def test_a_missing_file_in_an_existing_folder_is_not_created(tmp_path: Path, argv: tuple[str, ...], stdin: str):
    refused(run(*argv, "--db", str(tmp_path / "x.db"), stdin=stdin), "no existe")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("argv", "stdin"), NON_CREATING, ids=lambda v: " ".join(v) if isinstance(v, tuple) else None)
def test_an_empty_file_is_not_initialised(tmp_path: Path, argv: tuple[str, ...], stdin: str):
    target = tmp_path / "vacia.db"
    target.touch()
    refused(run(*argv, "--db", str(target), stdin=stdin), "vacío", "iniciar")
    assert target.stat().st_size == 0
    assert sidecars(target) == []


def _foreign_rollback(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE clientes (id INTEGER PRIMARY KEY, nombre TEXT)")
    conn.execute("INSERT INTO clientes (nombre) VALUES ('Ana')")
    conn.commit()
    conn.close()


def _foreign_wal(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notas (id INTEGER PRIMARY KEY, texto TEXT)")
    conn.execute("INSERT INTO notas (texto) VALUES ('hola')")
    conn.commit()
    conn.close()


def _foreign_with_a_version(path: Path) -> None:
    # Another program that numbers its own schema: user_version 3 must not look like resguardo's.
    _foreign_rollback(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()


def _garbage(path: Path) -> None:
    path.write_bytes(b"esto no es una base de datos " * 200)


def _short_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite")


def _newer_schema(path: Path) -> None:
    open_store(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()


def _newer_schema_rollback(path: Path) -> None:
    # as a newer resguardo might leave it after a VACUUM INTO or a copy: not in WAL mode
    _newer_schema(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _empty_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("DROP TABLE t")
    conn.commit()
    conn.close()


REFUSED_FILES = {
    "another program's SQLite": (_foreign_rollback, "otro programa"),
    "another program's SQLite in WAL mode": (_foreign_wal, "otro programa"),
    "another program's SQLite with a user_version": (_foreign_with_a_version, "otro programa"),
    "not SQLite": (_garbage, "no es una base de datos"),
    "a few bytes": (_short_garbage, "no es una base de datos"),
    "a newer schema": (_newer_schema, "más reciente"),
    "a newer schema in rollback mode": (_newer_schema_rollback, "más reciente"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED_FILES))
@pytest.mark.parametrize(
    ("argv", "stdin"),
    [*NON_CREATING, (("iniciar", "--perfil", "ine"), ""), (("demo",), "")],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_a_refused_file_stays_byte_identical(tmp_path: Path, kind: str, argv: tuple[str, ...], stdin: str):
    make, words = REFUSED_FILES[kind]
    target = tmp_path / "ajena.db"
    make(target)
    before = snapshot(tmp_path)
    refused(run(*argv, "--db", str(target), stdin=stdin), words)
    assert snapshot(tmp_path) == before
    assert sidecars(target) == []


@pytest.mark.parametrize("kind", sorted(REFUSED_FILES))
def test_open_store_refuses_before_writing(tmp_path: Path, kind: str):
    make, _ = REFUSED_FILES[kind]
    target = tmp_path / "ajena.db"
    make(target)
    before = snapshot(tmp_path)
    with pytest.raises((StoreCorruptError, StoreNewerSchemaError)):
        open_store(target)
    with pytest.raises((StoreCorruptError, StoreNewerSchemaError)):
        open_store(target, create=True)
    assert snapshot(tmp_path) == before


def test_an_empty_sqlite_file_is_refused_by_reads_and_initialised_by_iniciar(tmp_path: Path):
    target = tmp_path / "vacia.db"
    _empty_sqlite(target)
    before = target.read_bytes()
    refused(run("pendientes", "--db", str(target)), "vacía")
    assert target.read_bytes() == before and sidecars(target) == []
    initialized(target)
    assert run("cuentas", "listar", "--db", str(target)).code == 0


def test_open_store_needs_create_for_a_missing_file(tmp_path: Path):
    with pytest.raises(StoreMissingError):
        open_store(tmp_path / "x.db")
    assert list(tmp_path.iterdir()) == []
    with open_store(tmp_path / "x.db", create=True) as store:
        assert int(store.query_one("PRAGMA user_version")[0]) == LATEST_VERSION  # type: ignore[index]


def test_iniciar_creates_the_folders_and_a_private_database(tmp_path: Path):
    target = tmp_path / "nueva" / "carpeta" / "resguardo.db"
    initialized(target)
    assert target.is_file()
    assert run("pendientes", "--db", str(target)).code == 0
    if POSIX:
        assert target.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "nueva").stat().st_mode & 0o777 == 0o700
        assert (tmp_path / "nueva" / "carpeta").stat().st_mode & 0o777 == 0o700


def test_demo_creates_a_database_and_initialises_an_empty_file(tmp_path: Path):
    created = tmp_path / "otra" / "demo.db"
    assert run("demo", "--db", str(created)).code == 0
    assert run("cuentas", "listar", "--db", str(created)).out.strip()
    empty = tmp_path / "vacia.db"
    empty.touch()
    assert run("demo", "--db", str(empty)).code == 0
    assert empty.stat().st_size > 0


def test_a_failed_creation_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from store import migrations

    def broken(store, current):  # type: ignore[no-untyped-def]
        raise StoreCorruptError("migración rota")

    monkeypatch.setattr(migrations, "apply_migrations", broken)
    with pytest.raises(StoreCorruptError):
        open_store(tmp_path / "a" / "b.db", create=True)
    assert list(tmp_path.iterdir()) == []


def test_a_read_command_still_migrates_an_older_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from store import migrations

    target = tmp_path / "v1.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 1)
    with open_store(target, create=True) as old:
        old.settings.set_profile("ine")
    monkeypatch.undo()
    cli_environment(monkeypatch)
    result = run("pendientes", "--db", str(target))
    assert result.code == 0, result.err
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


def test_a_folder_is_refused(tmp_path: Path):
    refused(run("pendientes", "--db", str(tmp_path)), "carpeta")
    refused(run("iniciar", "--perfil", "ine", "--db", str(tmp_path)), "carpeta")


def test_a_path_through_a_file_is_refused(tmp_path: Path):
    (tmp_path / "archivo").write_text("x")
    refused(run("pendientes", "--db", str(tmp_path / "archivo" / "x.db")), "no existe")
    refused(run("iniciar", "--perfil", "ine", "--db", str(tmp_path / "archivo" / "x.db")), "carpeta")
    assert [p.name for p in tmp_path.iterdir()] == ["archivo"]


def test_the_environment_variable_is_not_a_creating_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "env" / "x.db"
    monkeypatch.setenv("RESGUARDO_DB", str(target))
    refused(run("pendientes"), "no existe")
    assert list(tmp_path.iterdir()) == []
    assert run("iniciar", "--perfil", "ine").code == 0
    assert target.is_file()


# -- the workbench: a missing database runs the wizard, which creates it ---------------


def test_the_workbench_status_of_a_missing_database_creates_nothing(tmp_path: Path):
    from tui.core.setup import choose_profile, database_status
    from tui.workspace import Workspace

    target = tmp_path / "nueva" / "x.db"
    workspace = Workspace(target, lambda: NOW)
    startup = workspace.startup()
    assert not startup.status.initialized
    assert list(tmp_path.iterdir()) == []
    workspace.create_database()
    workspace.run(choose_profile, "ine")
    assert target.is_file()
    assert workspace.run(database_status).profile_id == "ine"


def test_the_workbench_refuses_a_foreign_file_untouched(tmp_path: Path):
    from tui.workspace import Workspace

    target = tmp_path / "ajena.db"
    _foreign_wal(target)
    before = snapshot(tmp_path)
    with pytest.raises(StoreCorruptError, match="otro programa"):
        Workspace(target, lambda: NOW).startup()
    assert snapshot(tmp_path) == before


def test_the_workbench_command_refuses_a_foreign_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import tui.app

    def never(*args: object) -> int:
        raise AssertionError("the workbench must not start on a refused file")

    monkeypatch.setattr(tui.app, "run_workbench", never)
    target = tmp_path / "ajena.db"
    _garbage(target)
    before = snapshot(tmp_path)
    refused(run("--db", str(target)), "no es una base de datos")
    assert snapshot(tmp_path) == before


# -- permissions ---------------------------------------------------------------------


posix_only = pytest.mark.skipif(not POSIX, reason="file modes are POSIX; Windows keeps ACLs")


@posix_only
def test_a_loose_database_and_its_sidecars_become_private_on_open(tmp_path: Path):
    target = initialized(tmp_path / "r.db")
    holder = sqlite3.connect(target)  # keeps the -wal and -shm files while the command runs
    holder.execute("SELECT count(*) FROM accounts").fetchone()
    try:
        for name in ("r.db", "r.db-wal", "r.db-shm"):
            os.chmod(tmp_path / name, 0o644)
        assert run("cuentas", "listar", "--db", str(target)).code == 0
        modes = {name: (tmp_path / name).stat().st_mode & 0o777 for name in ("r.db", "r.db-wal", "r.db-shm")}
    finally:
        holder.close()
    assert modes == {"r.db": 0o600, "r.db-wal": 0o600, "r.db-shm": 0o600}


@posix_only
def test_a_folder_the_user_chose_keeps_its_mode(tmp_path: Path):
    folder = tmp_path / "compartida"
    folder.mkdir()
    os.chmod(folder, 0o755)
    target = initialized(folder / "r.db")
    assert run("pendientes", "--db", str(target)).code == 0
    assert folder.stat().st_mode & 0o777 == 0o755
    assert target.stat().st_mode & 0o777 == 0o600


@posix_only
@pytest.mark.skipif(sys.platform != "linux", reason="platformdirs follows XDG_DATA_HOME on Linux only")
def test_the_default_data_folder_becomes_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "datos"))
    assert run("iniciar", "--perfil", "ine").code == 0
    folder = tmp_path / "datos" / "resguardo"
    assert (folder / "resguardo.db").is_file()
    assert folder.stat().st_mode & 0o777 == 0o700
    os.chmod(folder, 0o755)
    os.chmod(folder / "resguardo.db", 0o644)
    assert run("pendientes").code == 0
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "resguardo.db").stat().st_mode & 0o777 == 0o600


@posix_only
def test_a_read_only_database_is_not_made_writable(tmp_path: Path):
    target = initialized(tmp_path / "r.db")
    os.chmod(target, 0o400)
    try:
        run("pendientes", "--db", str(target))
        assert target.stat().st_mode & 0o777 == 0o400
    finally:
        os.chmod(target, 0o600)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null here")
def test_a_device_is_refused(tmp_path: Path):
    refused(run("pendientes", "--db", "/dev/null"), "no es un archivo normal")
    refused(run("iniciar", "--perfil", "ine", "--db", "/dev/null"), "no es un archivo normal")
