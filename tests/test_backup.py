"""store/backup.py: making, verifying, listing, pruning and restoring backups; the automatic ones."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from store import backup as bk
from store.backup import BackupError
from store.db import LAST_DAILY_BACKUP_KEY, open_store
from store.migrations import LATEST_VERSION
from tests.conftest import NOW

TOMORROW = NOW + timedelta(days=1)
POSIX = os.name != "nt"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """Each test has its own keyring file path and no memory of failed daily backups."""
    monkeypatch.setenv("RESGUARDO_LLAVERO", str(tmp_path / "llavero-resguardo.json"))
    monkeypatch.setattr(bk, "_failed_daily", set())


def _make_db(path: Path, entries: int = 5):
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    store.settings.set_profile("ine")
    if entries:
        store.bitacora.append_many([{"kind": "nota", "text": f"Nota {n}"} for n in range(entries)])
    return store


@pytest.fixture
def db(tmp_path):
    store = _make_db(tmp_path / "datos" / "resguardo.db")
    yield store
    store.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM bitacora").fetchone()[0])
    finally:
        conn.close()


def _backup(store, **kwargs) -> bk.Backup:
    return bk.create_backup(store.conn, store.path, now=kwargs.pop("now", NOW), **kwargs)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- creating ---------------------------------------------------------------------


def test_a_backup_has_its_manifest_keyring_copy_and_private_modes(db, tmp_path):
    keyring = tmp_path / "llavero-resguardo.json"
    keyring.write_bytes(b'{"cifrado": true}')
    made = _backup(db)
    folder = Path(db.path).parent / "respaldos"
    assert made.path == folder / "resguardo-2026-03-12-1000.db"
    manifest = json.loads((folder / "resguardo-2026-03-12-1000.db.json").read_text("utf-8"))
    seal = db.bitacora.seal()
    assert list(manifest) == list(bk.MANIFEST_KEYS)
    assert manifest == {
        "format": "resguardo-respaldo/1",
        "created_at": "2026-03-12T10:00:00-06:00",
        "source": str(Path(db.path).resolve()),
        "schema_version": LATEST_VERSION,
        "entries": 5,
        "head_id": seal.head_id,
        "head_hash": seal.head,
        "sha256": _sha(made.path),
        "keyring_file": "resguardo-2026-03-12-1000.db.llavero.json",
        "reason": "manual",
    }
    assert (folder / manifest["keyring_file"]).read_bytes() == b'{"cifrado": true}'
    assert made.size == made.path.stat().st_size
    # one self-contained file, not in WAL mode, nothing else left in the folder
    assert made.path.read_bytes()[18:20] == b"\x01\x01"
    assert sorted(p.name for p in folder.iterdir()) == [
        "resguardo-2026-03-12-1000.db",
        "resguardo-2026-03-12-1000.db.json",
        "resguardo-2026-03-12-1000.db.llavero.json",
    ]
    if POSIX:
        assert _mode(folder) == 0o700
        for path in folder.iterdir():
            assert _mode(path) == 0o600, path


def test_without_keyring_file_the_manifest_says_null(db):
    made = _backup(db)
    assert made.keyring is None and made.manifest["keyring_file"] is None
    assert not bk.keyring_copy_path(made.path).exists()


def test_an_empty_bitacora_has_no_head(tmp_path):
    store = _make_db(tmp_path / "vacia.db", entries=0)
    try:
        made = _backup(store)
    finally:
        store.close()
    assert (made.manifest["entries"], made.manifest["head_id"], made.manifest["head_hash"]) == (0, None, None)


def test_backups_in_the_same_minute_get_a_counter(db):
    first, second, third = (_backup(db) for _ in range(3))
    assert [p.path.name for p in (first, second, third)] == [
        "resguardo-2026-03-12-1000.db",
        "resguardo-2026-03-12-1000-2.db",
        "resguardo-2026-03-12-1000-3.db",
    ]
    assert bk.verify_backup(third.path).ok


def test_an_explicit_destination_file_or_folder(db, tmp_path):
    target = tmp_path / "usb" / "copia.db"
    target.parent.mkdir()
    made = _backup(db, destination=target)
    assert made.path == target and bk.manifest_path(target).exists()
    with pytest.raises(BackupError, match="Ya existe .*copia.db: elija otro nombre"):
        _backup(db, destination=target)
    assert bk.verify_backup(target).ok  # the refusal left the first one alone
    into_folder = _backup(db, destination=target.parent)
    assert into_folder.path == target.parent / "resguardo-2026-03-12-1000.db"
    with pytest.raises(BackupError, match="La carpeta .*no existe"):
        _backup(db, destination=tmp_path / "no-existe" / "copia.db")
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "copia.db",
        "copia.db.json",
        "resguardo-2026-03-12-1000.db",
        "resguardo-2026-03-12-1000.db.json",
    ]


def test_a_failed_backup_leaves_nothing_under_a_final_name(db, monkeypatch):
    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bk, "_write_atomic", full_disk)
    with pytest.raises(BackupError, match="disco lleno"):
        _backup(db)
    assert list((Path(db.path).parent / "respaldos").iterdir()) == []


def test_the_backup_is_a_snapshot_despite_writes_on_another_connection(db):
    other = open_store(db.path, clock=lambda: NOW)
    try:
        seen = []
        original = bk._copy_database

        def copy_then_write(source, target):
            contents = original(source, target)
            other.bitacora.append(kind="nota", text="Escrita durante el respaldo")
            seen.append(contents)
            return contents

        bk._copy_database = copy_then_write  # type: ignore[assignment]
        try:
            made = _backup(db)
        finally:
            bk._copy_database = original  # type: ignore[assignment]
    finally:
        other.close()
    assert made.contents.entries == 5 and _count(made.path) == 5
    assert db.bitacora.count() == 6


def test_open_source_refuses_what_is_not_a_resguardo_database(tmp_path):
    with pytest.raises(BackupError, match="No existe la base de datos"):
        bk.open_source(tmp_path / "nada.db")
    assert not (tmp_path / "nada.db").exists()
    with pytest.raises(BackupError, match="es una carpeta"):
        bk.open_source(tmp_path)
    (tmp_path / "vacio.db").write_bytes(b"")
    with pytest.raises(BackupError, match="está vacío"):
        bk.open_source(tmp_path / "vacio.db")
    (tmp_path / "texto.db").write_text("hola")
    with pytest.raises(BackupError, match="no es una base de datos SQLite"):
        bk.open_source(tmp_path / "texto.db")
    foreign = tmp_path / "otro.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE fotos (id INTEGER)")
    conn.commit()
    conn.close()
    before = _sha(foreign)
    with pytest.raises(BackupError, match="de otro programa"):
        bk.open_source(foreign)
    assert _sha(foreign) == before


# -- verifying --------------------------------------------------------------------


def test_verify_a_sound_backup_without_changing_it(db):
    made = _backup(db)
    before = _sha(made.path)
    check = bk.verify_backup(made.path)
    assert check.ok, check.problem
    assert check.contents is not None and check.contents.entries == 5
    assert check.contents.last_recorded == NOW
    assert bk.describe_last(check.contents) == "5 entradas, la última del 12/03/2026 10:00"
    assert check.manifest is not None and check.manifest["reason"] == "manual"
    assert _sha(made.path) == before
    assert sorted(p.name for p in made.path.parent.iterdir()) == [made.path.name, made.path.name + ".json"]


def test_verify_a_wal_mode_copy_leaves_no_side_files(db, tmp_path):
    """A copy of a WAL-mode file (made by hand, closed): SQLite would leave -wal/-shm beside it."""
    db.close()
    copy = tmp_path / "a-mano.db"
    shutil.copyfile(db.path, copy)
    assert copy.read_bytes()[18:20] == b"\x02\x02"
    before = _sha(copy)
    check = bk.verify_backup(copy)
    assert check.ok, check.problem
    assert check.manifest is None and "No tiene manifiesto" in check.notes[0]
    assert _sha(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("a-mano")) == ["a-mano.db"]


def _tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS bitacora_no_update")
    conn.execute("DROP TRIGGER IF EXISTS bitacora_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def test_verify_finds_an_edited_backup_by_its_manifest_and_its_chain(db):
    made = _backup(db)
    _tamper(made.path, "UPDATE bitacora SET text = 'Otra cosa' WHERE id = 3")
    check = bk.verify_backup(made.path)
    assert not check.ok and "alterada" in (check.problem or "")  # the chain first
    bk.manifest_path(made.path).unlink()
    assert "La entrada 3 fue alterada" in (bk.verify_backup(made.path).problem or "")


def test_verify_finds_a_changed_file_whose_chain_still_holds(db):
    made = _backup(db)
    # A table outside the record chain (a covered one refuses a plain sqlite3 write: store.integrity).
    _tamper(made.path, "UPDATE schema_migrations SET applied_at = 'otra fecha' WHERE version = 1")
    assert "no coincide con su manifiesto" in (bk.verify_backup(made.path).problem or "")


def test_verify_finds_a_truncated_log_only_through_the_manifest(db):
    made = _backup(db)
    _tamper(made.path, "DELETE FROM bitacora WHERE id > 3")
    manifest = json.loads(bk.manifest_path(made.path).read_text("utf-8"))
    manifest["sha256"] = _sha(made.path)  # even with the hash redone, the head is not the recorded one
    bk.manifest_path(made.path).write_text(json.dumps(manifest), "utf-8")
    assert "su dato «entries» no coincide" in (bk.verify_backup(made.path).problem or "")


def test_verify_refuses_a_damaged_manifest(db):
    made = _backup(db)
    bk.manifest_path(made.path).write_text("{no es json", "utf-8")
    assert "El manifiesto resguardo-2026-03-12-1000.db.json está dañado" in (bk.verify_backup(made.path).problem or "")


def test_verify_finds_a_damaged_file(db):
    made = _backup(db)
    data = bytearray(made.path.read_bytes())
    page = 4096
    for offset in range(3 * page, len(data) - page, page):  # scribble over every page but the first
        data[offset + 8 : offset + 300] = os.urandom(292)
    made.path.write_bytes(bytes(data))
    problem = bk.verify_backup(made.path).problem or ""
    assert "dañad" in problem or "no se puede leer" in problem


def test_verify_refuses_a_newer_schema_and_a_foreign_database(db, tmp_path):
    made = _backup(db)
    bk.manifest_path(made.path).unlink()
    conn = sqlite3.connect(made.path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert "versión más reciente de resguardo (esquema 99" in (bk.verify_backup(made.path).problem or "")
    foreign = tmp_path / "otro.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE fotos (id INTEGER)")
    conn.commit()
    conn.close()
    assert "de otro programa" in (bk.verify_backup(foreign).problem or "")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "No existe el archivo"),
        (lambda p: p.mkdir(), "es una carpeta, no un respaldo"),
        (lambda p: p.write_bytes(b""), "está vacío"),
        (lambda p: p.write_text("hola, no soy una base de datos"), "no es una base de datos SQLite"),
    ],
)
def test_verify_refuses_paths_that_are_not_backups(tmp_path, make, message):
    path = tmp_path / "respaldo.db"
    make(path)
    with pytest.raises(BackupError, match=message):
        bk.verify_backup(path)


def test_an_older_schema_backup_verifies(tmp_path, monkeypatch):
    from store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 1)
    old = open_store(tmp_path / "v1.db", clock=lambda: NOW, create=True)
    old.settings.set_profile("ine")
    made = _backup(old)
    old.close()
    monkeypatch.undo()
    check = bk.verify_backup(made.path)
    assert check.ok, check.problem
    assert check.contents is not None and (check.contents.schema_version, check.contents.entries) == (1, 0)


# -- listing and pruning ----------------------------------------------------------


def test_listing_is_newest_first_and_tolerates_bad_manifests(db):
    for day in range(3):
        _backup(db, now=NOW + timedelta(days=day), reason=bk.DAILY)
    folder = Path(db.path).parent / "respaldos"
    bk.manifest_path(folder / "resguardo-2026-03-13-1000.db").write_text("roto", "utf-8")
    bk.manifest_path(folder / "resguardo-2026-03-12-1000.db").unlink()
    listed = bk.list_backups(folder)
    # without a readable manifest the file's own time counts (today's, later than the test clock)
    assert [b.manifest_state for b in listed][-1] == "ok"
    assert {b.path.name: b.manifest_state for b in listed} == {
        "resguardo-2026-03-14-1000.db": "ok",
        "resguardo-2026-03-13-1000.db": "dañado",
        "resguardo-2026-03-12-1000.db": "falta",
    }
    assert listed[-1].entries == 5 and listed[-1].reason == "diaria" and listed[0].entries is None
    assert bk.list_backups(folder / "no-existe") == []


def test_pruning_keeps_the_newest_automatic_ones_only(db):
    folder = Path(db.path).parent / "respaldos"
    manual = _backup(db, now=NOW - timedelta(days=30))
    aside = _backup(db, now=NOW - timedelta(days=29), reason=bk.RESTORE, prefix=bk.ASIDE_PREFIX)
    foreign = folder / "mi-copia.db"
    shutil.copyfile(manual.path, foreign)
    daily = [_backup(db, now=NOW + timedelta(days=n), reason=bk.DAILY) for n in range(5)]
    migration = _backup(db, now=NOW + timedelta(days=5), reason=bk.MIGRATION)
    removed = bk.prune_automatic(folder, 3)
    assert removed == [daily[2].path, daily[1].path, daily[0].path]
    left = {p.name for p in folder.iterdir()}
    for kept in (manual.path, aside.path, foreign, daily[3].path, daily[4].path, migration.path):
        assert kept.name in left
    for gone in daily[:3]:
        assert not gone.path.exists() and not bk.manifest_path(gone.path).exists()
    # a manifest left alone by an interrupted prune goes next time
    daily[3].path.unlink()
    bk.prune_automatic(folder, 3)
    assert not bk.manifest_path(daily[3].path).exists()
    assert bk.manifest_path(manual.path).exists()


def test_max_automatic_reads_the_setting(db):
    assert bk.max_automatic(db) == 10
    db.settings.set_override("backups_max", 3)
    assert bk.max_automatic(db) == 3


def test_the_setting_is_validated():
    from policy.errors import PolicyError
    from policy.profile import load_profile, validate_setting

    assert load_profile("iecm").settings.backups_max == 10
    assert validate_setting("backups_max", 25) == 25
    with pytest.raises(PolicyError, match="al menos 1"):
        validate_setting("backups_max", 0)


# -- automatic backups ------------------------------------------------------------


def test_a_new_database_is_not_backed_up_the_day_it_is_created(db):
    assert db.settings.get(LAST_DAILY_BACKUP_KEY) == "2026-03-12"
    again = open_store(db.path, clock=lambda: NOW)
    again.close()
    assert not (Path(db.path).parent / "respaldos").exists()


def test_the_first_opening_of_a_day_backs_up_once(db):
    folder = Path(db.path).parent / "respaldos"
    for _ in range(3):
        open_store(db.path, clock=lambda: TOMORROW).close()
    listed = bk.list_backups(folder)
    assert [(b.path.name, b.reason) for b in listed] == [("resguardo-2026-03-13-1000.db", "diaria")]
    assert db.settings.get(LAST_DAILY_BACKUP_KEY) == "2026-03-13"
    assert bk.verify_backup(listed[0].path).ok
    open_store(db.path, clock=lambda: TOMORROW + timedelta(days=1)).close()
    assert len(bk.list_backups(folder)) == 2


def test_daily_backups_are_pruned_to_the_setting(db):
    db.settings.set_override("backups_max", 2)
    manual = _backup(db)
    for n in range(1, 5):
        open_store(db.path, clock=lambda n=n: NOW + timedelta(days=n)).close()
    names = [b.path.name for b in bk.list_backups(Path(db.path).parent / "respaldos")]
    assert names == ["resguardo-2026-03-16-1000.db", "resguardo-2026-03-15-1000.db", manual.path.name]


def test_a_database_that_cannot_record_the_day_still_opens_with_a_warning(db, capsys, monkeypatch):
    from store.errors import StoreReadOnlyError
    from store.settings import Settings

    def read_only(self, key, value):
        raise StoreReadOnlyError(f"La base de datos es de solo lectura ({db.path}): no se guardó nada.")

    monkeypatch.setattr(Settings, "set", read_only)
    store = open_store(db.path, clock=lambda: TOMORROW)
    try:
        assert store.bitacora.count() == 5
    finally:
        store.close()
    assert capsys.readouterr().err == (
        f"resguardo: aviso: no se pudo hacer el respaldo diario: La base de datos es de solo lectura ({db.path}):"
        " no se guardó nada. Se continúa sin él.\n"
    )
    assert not (Path(db.path).parent / "respaldos").exists()


def test_no_automatic_backup_of_a_memory_store():
    store = open_store(":memory:", clock=lambda: NOW)
    try:
        assert store.settings.get(LAST_DAILY_BACKUP_KEY) is None
        assert bk.daily_backup(store) is None
    finally:
        store.close()


def test_a_failed_daily_backup_warns_and_the_command_goes_on(db, capsys):
    folder = Path(db.path).parent / "respaldos"
    folder.write_text("un archivo donde iría la carpeta")
    store = open_store(db.path, clock=lambda: TOMORROW)
    try:
        assert store.bitacora.count() == 5  # the command carries on
    finally:
        store.close()
    err = capsys.readouterr().err
    assert err.startswith("resguardo: aviso: no se pudo hacer el respaldo diario:")
    assert "es un archivo, no una carpeta" in err and "Se continúa sin él." in err
    # the day is released: the next process tries again (this one does not retry on every opening)
    assert db.settings.get(LAST_DAILY_BACKUP_KEY) == "2026-03-12"
    open_store(db.path, clock=lambda: TOMORROW).close()
    assert capsys.readouterr().err == ""
    bk._failed_daily.clear()
    folder.unlink()
    open_store(db.path, clock=lambda: TOMORROW).close()
    assert len(bk.list_backups(folder)) == 1


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (OSError(30, "Read-only file system"), "el disco es de solo lectura"),
        (OSError(13, "Permission denied"), "permiso denegado"),
        (sqlite3.OperationalError("database or disk is full"), "no queda espacio en el disco"),
    ],
)
def test_a_read_only_folder_or_full_disk_does_not_block_the_command(db, capsys, monkeypatch, failure, message):
    def fail(*args, **kwargs):
        raise failure

    target = "_copy_database" if isinstance(failure, sqlite3.Error) else "_temp_file"
    monkeypatch.setattr(bk, target, fail)
    store = open_store(db.path, clock=lambda: TOMORROW)
    try:
        assert store.bitacora.count() == 5
    finally:
        store.close()
    err = capsys.readouterr().err
    assert "no se pudo hacer el respaldo diario" in err and message in err, err
    assert not list((Path(db.path).parent / "respaldos").glob("resguardo-*"))


def _version_1_database(path: Path, monkeypatch) -> None:
    from store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 1)
    old = open_store(path, clock=lambda: NOW, create=True)
    old.settings.set_profile("ine")
    old.accounts.add(network="x", handle="@INEMexico")
    old.close()
    monkeypatch.undo()


def test_a_schema_migration_is_preceded_by_a_backup(tmp_path, monkeypatch, capsys):
    path = tmp_path / "v1.db"
    _version_1_database(path, monkeypatch)
    monkeypatch.setenv("RESGUARDO_LLAVERO", str(tmp_path / "llavero-resguardo.json"))
    store = open_store(path, clock=lambda: NOW)
    try:
        assert store.query_one("PRAGMA user_version")[0] == LATEST_VERSION
    finally:
        store.close()
    listed = bk.list_backups(tmp_path / "respaldos")
    assert [(b.reason, b.path.name) for b in listed] == [("migracion", "resguardo-2026-03-12-1000.db")]
    check = bk.verify_backup(listed[0].path)
    assert check.ok and check.contents is not None and check.contents.schema_version == 1
    assert "se respaldó la base de datos antes de actualizar su esquema" in capsys.readouterr().err


def test_no_migration_without_its_backup(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    _version_1_database(path, monkeypatch)
    (tmp_path / "respaldos").write_text("estorbo")
    with pytest.raises(BackupError, match="No se actualizó el esquema de la base de datos .*es un archivo"):
        open_store(path, clock=lambda: NOW)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


# -- restoring --------------------------------------------------------------------


def _state(path: Path) -> tuple[int, bool]:
    store = open_store(path, clock=lambda: NOW, auto_backup=False)
    try:
        result = store.bitacora.verify()
        return result.total, result.ok
    finally:
        store.close()


def test_restore_replaces_the_database_and_sets_the_current_one_aside(db, monkeypatch):
    made = _backup(db)
    db.bitacora.append_many([{"kind": "nota", "text": f"Después {n}"} for n in range(3)])
    db.close()
    hooked = []
    monkeypatch.setattr(bk, "_after_restore", lambda store: hooked.append(store.bitacora.count()))
    result = bk.restore_backup(made.path, db.path, now=NOW + timedelta(minutes=5))
    assert _state(Path(db.path)) == (5, True)
    assert hooked == [5]
    assert result.aside is not None and result.aside.name == "antes-de-restaurar-2026-03-12-1005.db"
    aside = bk.verify_backup(result.aside)
    assert aside.ok and aside.manifest is not None and aside.manifest["reason"] == "restauracion"
    assert aside.contents is not None and aside.contents.entries == 8
    folder = Path(db.path).parent
    # No temp, -wal or -shm (the witness of the bitácora's head is beside it).
    assert sorted(p.name for p in folder.iterdir()) == ["resguardo.db", "resguardo.db.testigo", "respaldos"]
    if POSIX:
        assert _mode(Path(db.path)) == 0o600
    assert result.keyring == "none"


def test_restore_refuses_a_broken_backup_and_changes_nothing(db):
    made = _backup(db)
    _tamper(made.path, "UPDATE bitacora SET text = 'Otra' WHERE id = 2")
    db.close()
    before = _sha(Path(db.path))
    with pytest.raises(
        BackupError, match="No se restauró nada: La bitácora del respaldo no es íntegra: La entrada 2 fue alterada"
    ):
        bk.restore_backup(made.path, db.path, now=NOW)
    assert _sha(Path(db.path)) == before
    assert [b.path.name for b in bk.list_backups(made.path.parent)] == [made.path.name]


def test_restore_refuses_while_another_process_holds_the_database(db):
    made = _backup(db)
    db.bitacora.append(kind="nota", text="Posterior")
    with pytest.raises(BackupError, match="ciérrela en las otras ventanas"):
        bk.restore_backup(made.path, db.path, now=NOW)
    assert db.bitacora.count() == 6  # the open connection still works on the same file
    db.bitacora.append(kind="nota", text="Y otra más")
    db.close()
    assert _state(Path(db.path)) == (7, True)
    assert sorted(p.name for p in Path(db.path).parent.iterdir()) == [
        "resguardo.db",
        "resguardo.db.testigo",
        "respaldos",
    ]


def test_restore_never_overwrites_the_current_keyring(db, tmp_path):
    keyring = tmp_path / "llavero-resguardo.json"
    keyring.write_bytes(b"viejo")
    made = _backup(db)
    keyring.write_bytes(b"nuevo: contrasenas guardadas despues del respaldo")
    db.close()
    result = bk.restore_backup(made.path, db.path, now=NOW)
    assert result.keyring == "kept" and result.keyring_path == keyring
    assert keyring.read_bytes() == b"nuevo: contrasenas guardadas despues del respaldo"


def test_restore_puts_back_a_missing_keyring(db, tmp_path):
    keyring = tmp_path / "llavero-resguardo.json"
    keyring.write_bytes(b"cifrado")
    made = _backup(db)
    keyring.unlink()
    db.close()
    result = bk.restore_backup(made.path, db.path, now=NOW)
    assert result.keyring == "restored" and keyring.read_bytes() == b"cifrado"
    if POSIX:
        assert _mode(keyring) == 0o600


def test_restore_over_a_damaged_database(db):
    made = _backup(db)
    db.close()
    Path(db.path).write_bytes(b"basura" * 1000)
    Path(f"{db.path}-wal").write_bytes(b"wal viejo")
    result = bk.restore_backup(made.path, db.path, now=NOW)
    assert _state(Path(db.path)) == (5, True)
    assert result.aside is not None and result.aside.read_bytes() == b"basura" * 1000
    assert Path(f"{result.aside}-wal").read_bytes() == b"wal viejo"


def test_restore_over_a_database_damaged_inside(db):
    db.bitacora.append_many([{"kind": "nota", "text": "x" * 2000} for _ in range(200)])
    made = _backup(db)
    db.close()
    data = bytearray(Path(db.path).read_bytes())
    for offset in range(4096 * 3, len(data), 4096):
        data[offset : offset + 100] = b"\xff" * 100
    Path(db.path).write_bytes(bytes(data))
    result = bk.restore_backup(made.path, db.path, now=NOW)
    assert _state(Path(db.path)) == (205, True)
    assert result.aside is not None and result.aside.read_bytes() == bytes(data)


def test_restore_where_there_is_no_database(db, tmp_path):
    made = _backup(db)
    target = tmp_path / "equipo-nuevo" / "resguardo.db"
    result = bk.restore_backup(made.path, target, now=NOW)
    assert result.aside is None and _state(target) == (5, True)


def test_restore_an_older_schema_migrates_it(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    _version_1_database(path, monkeypatch)
    monkeypatch.setenv("RESGUARDO_LLAVERO", str(tmp_path / "llavero-resguardo.json"))
    conn = sqlite3.connect(path)
    made = bk.create_backup(conn, path, now=NOW, destination=tmp_path / "v1-respaldo.db")
    conn.close()
    target = tmp_path / "otra" / "resguardo.db"
    bk.restore_backup(made.path, target, now=NOW)
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


@pytest.mark.skipif(not POSIX, reason="POSIX: the replaced file stays reachable through open descriptors")
def test_a_process_waiting_on_the_old_file_cannot_write_into_it(db):
    """Opened before the swap, it must not write into the file that was replaced."""
    made = _backup(db)
    db.close()
    waiting = os.open(db.path, os.O_RDWR)  # the old file, as a process blocked on its lock holds it
    try:
        bk.restore_backup(made.path, db.path, now=NOW)
        assert os.pread(waiting, 16, 0) == b"\0" * 16
    finally:
        os.close(waiting)
    assert _state(Path(db.path)) == (5, True)


def test_verify_chain_and_after_restore_are_the_merge_points(db):
    assert bk._verify_chain(db).ok
    assert bk._after_restore(db) is None


def test_the_backup_module_stays_off_the_everyday_path(cli):
    """Once the day's backup is done, ``pendientes`` pays one indexed read and never imports it."""
    import subprocess

    assert cli("iniciar", "--perfil", "ine").code == 0
    code = (
        "import contextlib, io, os, sys, tui.cli\n"
        f"os.environ['RESGUARDO_DB'] = {str(cli.db)!r}\n"
        "os.environ['RESGUARDO_NOW'] = sys.argv[1]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert tui.cli.main(['pendientes']) == 0\n"
        "print('store.backup' in sys.modules)\n"
    )

    def imported(moment) -> bool:
        out = subprocess.run(
            [sys.executable, "-c", code, moment.isoformat()], capture_output=True, text=True, check=True
        ).stdout
        return out.strip() == "True"

    assert imported(NOW) is False
    assert imported(TOMORROW) is True  # the first run of a new day backs up
    assert imported(TOMORROW) is False
