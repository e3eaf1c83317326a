"""tui.core.backup: make, check, restore and list backups of a database file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from store import open_store
from store.backup import BackupError
from store.secrets import Secrets
from tests.conftest import NOW
from tests.memory_keyring import MemoryKeyring
from tui.core.backup import backups, check_backup, database_path, make_backup, restore_backup, rewitness_keyring
from tui.core.bitacora import add_entry, verify_journal

LATER = NOW + timedelta(minutes=7)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with the ine profile and two office notes."""
    path = tmp_path / "datos" / "resguardo.db"
    path.parent.mkdir()
    with open_store(path, clock=lambda: NOW, create=True, auto_backup=False) as store:
        store.settings.set_profile("ine")
        for n in (1, 2):
            add_entry(store, kind="nota", text=f"Nota {n}")
    return path


def test_the_default_database_is_resguardo_db_or_the_given_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RESGUARDO_DB", str(tmp_path / "de-entorno.db"))
    assert database_path(None) == tmp_path / "de-entorno.db"
    assert database_path("~/x.db") == Path.home() / "x.db"


def test_a_manual_backup_goes_beside_the_database_named_by_the_moment(db: Path) -> None:
    made = make_backup(db, now=NOW)
    assert made.path == db.parent / "respaldos" / "resguardo-2026-03-12-1000.db"
    assert (made.contents.entries, made.manifest["reason"], made.keyring) == (2, "manual", None)
    listing = backups(db)
    assert listing.folder == db.parent / "respaldos"
    assert [(b.path, b.reason, b.entries, b.manifest_state) for b in listing.backups] == [
        (made.path, "manual", 2, "ok")
    ]
    assert check_backup(made.path).contents == made.contents


def test_a_backup_to_a_chosen_file_never_replaces_one(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copia.db"
    assert make_backup(db, destination=target, now=NOW).path == target
    with pytest.raises(BackupError, match="Ya existe"):
        make_backup(db, destination=target, now=NOW)
    assert backups(db).backups == []  # respaldos/ beside the database holds none


def test_nothing_to_back_up_and_a_damaged_backup_are_refused_in_spanish(db: Path, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="No existe la base de datos"):
        make_backup(tmp_path / "no-hay.db", now=NOW)
    made = make_backup(db, now=NOW)
    with made.path.open("r+b") as handle:  # one byte changed inside the file: the manifest's hash disagrees
        handle.seek(made.size - 10)
        handle.write(b"\x01")
    with pytest.raises(BackupError, match="^El respaldo no es válido. ") as refused:
        check_backup(made.path)
    assert "--" not in refused.value.message


def test_a_restore_brings_the_backup_back_and_the_keyrings_witness_follows_it(db: Path) -> None:
    made = make_backup(db, now=NOW)
    with open_store(db, clock=lambda: NOW, auto_backup=False) as store:
        add_entry(store, kind="nota", text="Después del respaldo")
    restored = restore_backup(made.path, db, clock=lambda: LATER)
    assert restored.database == db.resolve() and restored.keyring == "none"
    assert restored.aside == db.parent.resolve() / "respaldos" / "antes-de-restaurar-2026-03-12-1007.db"
    with open_store(db, clock=lambda: LATER, auto_backup=False) as store:
        assert store.bitacora.count() == 2
        keyring = MemoryKeyring()
        secrets = Secrets(keyring, store.credentials.installation_id())
        assert keyring.entries == {}
        assert rewitness_keyring(store, secrets) is None
        assert len(keyring.entries) == 1  # the keyring's witness of the restored head
        keyring.fail = "set"
        assert rewitness_keyring(store, secrets) is not None  # why it could not, in Spanish
        report = verify_journal(store, secrets)
    assert report.ok, report.all_problems
