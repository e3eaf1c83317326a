"""Backups of the database: make one, check one, restore one, list them (``respaldo crear|verificar|
restaurar|listar``).

Unlike the other use cases these take the database's *path*, not an open
``Store``: a backup is of the file (opened read-only, without migrating or
making the daily backup), a restore replaces the file, and either must work on
a database that would not open as a store. ``None`` is the default database
(``RESGUARDO_DB`` or the user's data folder), as everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from store import backup as backups_store
from store.backup import MANUAL, Backup, BackupError, Check, Listed, Restored
from store.db import default_path
from store.integrity import rewitness
from tui.clock import system_now

if TYPE_CHECKING:
    from store.db import Store
    from store.secrets import Secrets

__all__ = ["backups", "check_backup", "make_backup", "restore_backup", "rewitness_keyring"]

#: every use case has both faces: ``respaldo`` and the workbench's «Respaldos» dialog (tui/forms/backups.py)
ONE_SIDED: dict[str, str] = {}


class BackupListing(NamedTuple):
    """The backups of the ``respaldos/`` folder beside the database, newest first."""

    folder: Path
    backups: list[Listed]


def database_path(db_path: str | Path | None) -> Path:
    """The database file a face names (``~`` expanded), or the default one for None."""
    return Path(db_path).expanduser() if db_path else default_path()


def make_backup(
    db_path: str | Path | None,
    *,
    destination: str | Path | None = None,
    now: datetime | None = None,
) -> Backup:
    """Back up the database now (a manual backup), to ``destination`` (a file or a folder) or by default
    to ``respaldos/`` beside it; ``now`` (by default the clock's) names the file and dates the manifest.

    BackupError (Spanish) when the database is missing, not resguardo's, or the copy cannot be made.
    """
    db = database_path(db_path)
    source = backups_store.open_source(db)
    try:
        return backups_store.create_backup(
            source, db, now=system_now() if now is None else now, reason=MANUAL, destination=destination
        )
    finally:
        source.close()


def check_backup(path: str | Path) -> Check:
    """Verify a backup without changing it (SQLite's integrity, the schema, the bitácora's chain, the
    manifest's SHA-256). BackupError, naming the first problem, when it is not sound."""
    check = backups_store.verify_backup(path)
    if not check.ok:
        raise BackupError(f"El respaldo no es válido. {check.problem}")
    return check


def restore_backup(
    backup: str | Path,
    db_path: str | Path | None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> Restored:
    """Replace the database with the backup, after verifying it; the current file is set aside in
    ``respaldos/`` and the witness file follows the restored bitácora. ``clock`` (by default the
    system's) dates the copy set aside and the restored database's first opening.

    BackupError (Spanish) when nothing could be restored, or when it was restored but not opened after.
    """
    now = clock or system_now
    return backups_store.restore_backup(backup, database_path(db_path), now=now(), clock=now)


def rewitness_keyring(store: Store, secrets: Secrets) -> str | None:
    """After a restore, move the keyring's witness of the bitácora's head to the restored one.

    None when both witnesses (file and keyring) are up to date, else why the keyring's is not.
    """
    from store.secrets import SecretStoreError, keyring_problem  # lazy: building the parser must not load it

    try:
        rewitness(store, secrets)
    except SecretStoreError as exc:
        return keyring_problem(exc.message)
    return None


def backups(db_path: str | Path | None) -> BackupListing:
    """The backups in ``respaldos/`` beside the database, newest first (a missing manifest is tolerated)."""
    folder = backups_store.backup_folder(database_path(db_path))
    return BackupListing(folder, backups_store.list_backups(folder))
