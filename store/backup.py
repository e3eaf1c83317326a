"""Backups of the database: made, checked, listed and restored.

A backup is made with SQLite's online backup API in one step: a single read
transaction on the source, so the copy is the database as of one instant even
while other processes write (in WAL mode they are not held up). It is written
under a temporary name in the destination folder, switched out of WAL mode (one
self-contained file), fsynced, and only then given its final name, never over
another file. Beside it go ``<backup>.json`` (the manifest: what the copy holds
and its SHA-256, a witness against later edits) and, when the encrypted keyring
file exists, ``<backup>.llavero.json`` (it is encrypted already).

Automatic backups (``diaria``: the first opening of each day; ``migracion``:
before a schema change) go to ``respaldos/`` beside the database, and only the
newest ``backups_max`` of them are kept; manual backups and the copies set
aside by a restore are never pruned.

A restore verifies the backup first, sets the current file aside (with the
backup API too), copies the backup to a temporary file beside the database,
fsyncs it and swaps it in with one atomic rename, holding an exclusive lock on
the current database meanwhile: another process using it makes the restore
stop before anything changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy.clock import ZONE
from policy.errors import ResguardoError
from policy.profile import DEFAULT_SETTINGS
from store.db import LAST_DAILY_BACKUP_KEY, MEMORY, Store, _lock_timeout, from_db_datetime, open_store
from store.errors import StoreError, os_error_text
from store.files import sync_folder
from store.integrity import rewitness
from store.migrations import LATEST_VERSION

if TYPE_CHECKING:
    from collections.abc import Callable

    from store.bitacora import Verification

FORMAT = "resguardo-respaldo/1"
#: The folder, beside the database, of the backups made without a destination.
FOLDER = "respaldos"
NAME_PREFIX = "resguardo-"
ASIDE_PREFIX = "antes-de-restaurar-"
SUFFIX = ".db"
MANIFEST_SUFFIX = ".json"
KEYRING_SUFFIX = ".llavero.json"
#: Temporary names: in the backup folder, and beside the database while restoring.
TEMP_PREFIX = ".respaldo-"
RESTORE_TEMP_PREFIX = ".resguardo-restaurar-"
TEMP_SUFFIX = ".tmp"
#: A temporary file older than this was left by a process that died (backups take seconds).
STALE_TEMP_SECONDS = 3600

MANUAL = "manual"
DAILY = "diaria"
MIGRATION = "migracion"
RESTORE = "restauracion"
#: Why a backup was made -> how the listing says it.
REASONS: dict[str, str] = {
    MANUAL: "manual",
    DAILY: "diario",
    MIGRATION: "antes de actualizar el esquema",
    RESTORE: "antes de restaurar",
}
AUTOMATIC = frozenset({DAILY, MIGRATION})
#: The setting (``resguardo ajustes fijar respaldos_max N``) and its value when unset.
MAX_SETTING = "backups_max"
DEFAULT_MAX = DEFAULT_SETTINGS.backups_max
#: How long a restore waits for another process to finish its statement before giving up.
LOCK_WAIT = 2.0
SQLITE_MAGIC = b"SQLite format 3\x00"
#: The manifest's keys, exactly (another reader relies on them).
MANIFEST_KEYS = (
    "format",
    "created_at",
    "source",
    "schema_version",
    "entries",
    "head_id",
    "head_hash",
    "sha256",
    "keyring_file",
    "reason",
)
IN_USE = (
    "La base de datos {path} está abierta en otro programa o ventana de resguardo:"
    " ciérrela en las otras ventanas y vuelva a intentarlo. No se cambió nada."
)

#: Databases whose automatic backup failed in this process: not retried on every
#: opening (the workbench opens the database for each operation), retried by the next process.
_failed_daily: set[str] = set()


class BackupError(StoreError):
    """A backup could not be made, verified or restored; the message says why in Spanish."""

    title = "Respaldo"


# -- results ------------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """What a database file holds, as the manifest records it."""

    schema_version: int
    entries: int
    head_id: int | None
    head_hash: str | None
    last_recorded: datetime | None


@dataclass(frozen=True)
class Backup:
    """A backup just made."""

    path: Path
    size: int
    contents: Contents
    manifest: dict[str, Any]
    keyring: Path | None
    seconds: float


@dataclass
class Check:
    """The verdict on a backup file; ``problem`` is None when it is sound."""

    path: Path
    size: int = 0
    sha256: str = ""
    contents: Contents | None = None
    manifest: dict[str, Any] | None = None
    manifest_path: Path | None = None
    keyring: Path | None = None
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Restored:
    backup: Check
    database: Path
    #: Where the database that was replaced now lives (None when there was none).
    aside: Path | None
    #: "kept": the current keyring file was left as is; "restored": there was none and the
    #: backup's was put in place; "none": neither exists.
    keyring: str
    keyring_path: Path


@dataclass(frozen=True)
class Listed:
    """One backup in a folder, as its manifest describes it (tolerating a missing or damaged one)."""

    path: Path
    created: datetime
    size: int
    #: "ok", "falta" (no manifest) or "dañado".
    manifest_state: str
    reason: str | None = None
    entries: int | None = None
    keyring: bool = False


def reason_text(listed: Listed) -> str:
    """Why a listed backup was made, as both faces say it («diario», «manual»…), or what is wrong with its
    manifest («sin manifiesto», «manifiesto dañado»)."""
    if listed.manifest_state == "ok":
        return REASONS.get(listed.reason or "", listed.reason or "")
    return "sin manifiesto" if listed.manifest_state == "falta" else "manifiesto dañado"


# -- hooks the lead wires at merge ------------------------------------------------


def _verify_chain(store: Store) -> Verification:
    """The bitácora's chain check on a backup or restored database: the one place to extend."""
    return store.bitacora.verify()


def _after_restore(store: Store) -> None:
    """Called with the restored database open, after a successful restore.

    The bitácora legitimately moved back to the backup's head: the witness file
    beside the database is rewritten from it (``store.integrity.rewitness``),
    remembering the head it had, so ``verificar`` does not report the entries
    after the backup as deleted. The keyring's witness is the command's to
    update (it needs the keyring).
    """

    rewitness(store)


# -- small file helpers -------------------------------------------------------------


def backup_folder(db_path: str | Path) -> Path:
    """``respaldos/`` beside the database."""
    return Path(db_path).expanduser().resolve().parent / FOLDER


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def keyring_copy_path(backup: Path) -> Path:
    return backup.with_name(backup.name + KEYRING_SUFFIX)


def _private(path: Path) -> None:
    with contextlib.suppress(OSError):  # Windows keeps ACLs instead of modes
        os.chmod(path, 0o600)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _temp_file(folder: Path, prefix: str = TEMP_PREFIX) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=folder)
    os.close(fd)
    return Path(name)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` under a temporary name, fsync, then rename it to ``path`` (0600)."""
    temp = _temp_file(path.parent)
    try:
        with temp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _private(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _place(temp: Path, final: Path) -> bool:
    """Give ``temp`` the name ``final`` unless that name exists; True when done.

    A hard link fails when the name exists (a rename would silently replace it
    on POSIX); Windows' rename already refuses.
    """
    if os.name == "nt":
        try:
            os.rename(temp, final)
        except FileExistsError:
            return False
        return True
    try:
        os.link(temp, final)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (FAT, some network shares)
        if final.exists():
            return False
        os.rename(temp, final)
        return True
    temp.unlink()
    return True


def _ensure_folder(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"{folder} es un archivo, no una carpeta: no se puede guardar ahí el respaldo.")
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    return folder


def _clean_stale_temps(folder: Path, prefix: str = TEMP_PREFIX) -> None:
    """Remove what a killed backup or restore left behind (only old ones: another may be running)."""
    limit = time.time() - STALE_TEMP_SECONDS
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"{prefix}*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < limit:
                    leftover.unlink()


def _sqlite_text(exc: sqlite3.Error) -> str:
    """A short Spanish description of a SQLite error met while copying."""
    text = str(exc).lower()
    if "full" in text:
        return "no queda espacio en el disco"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "el disco o la carpeta son de solo lectura"
    if "locked" in text or "busy" in text:
        return "la base de datos está ocupada por otro proceso"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "la base de datos está dañada"
    if "unable to open" in text:
        return "no se pudo abrir el archivo"
    if "disk i/o" in text:
        return "error de lectura o escritura en el disco"
    return f"error de SQLite ({getattr(exc, 'sqlite_errorname', type(exc).__name__)})"


def _local_text(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%d/%m/%Y %H:%M")


# -- reading a database file ----------------------------------------------------------


def _check_file(path: Path, what: str) -> None:
    """Refuse, in Spanish, a path that is missing, a folder, empty or not SQLite (reads its header).

    ``what``: «un respaldo» or «una base de datos».
    """
    if not path.exists():
        raise BackupError(f"No existe el archivo {path}.")
    if path.is_dir():
        raise BackupError(f"La ruta {path} es una carpeta, no {what}.")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise BackupError(f"No se pudo leer {path}: {os_error_text(exc)}.") from None
    if not header:
        raise BackupError(f"El archivo {path} está vacío: no es {what} de resguardo.")
    if not header.startswith(SQLITE_MAGIC):
        raise BackupError(f"El archivo {path} no es una base de datos SQLite: no es {what} de resguardo.")


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _read_only_uri(path: Path) -> str:
    """``mode=ro``; for a WAL-mode file with no ``-wal`` beside it also ``immutable=1``:
    SQLite would otherwise create (and leave) ``-wal`` and ``-shm`` files to read it."""
    uri = path.resolve().as_uri() + "?mode=ro"
    with contextlib.suppress(OSError), path.open("rb") as handle:
        header = handle.read(20)
        if len(header) == 20 and header[18] == 2 and not Path(f"{path}-wal").exists():
            uri += "&immutable=1"
    return uri


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to ``path`` that creates no file beside it (see _read_only_uri).

    Nothing beside the file is ever deleted afterwards: a ``-wal`` or ``-shm``
    that appears meanwhile belongs to another process using that database.
    """
    conn = sqlite3.connect(_read_only_uri(path), uri=True, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def _contents(conn: sqlite3.Connection) -> Contents:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if not _has_table(conn, "bitacora"):
        return Contents(version, 0, None, None, None)
    entries = int(conn.execute("SELECT count(*) FROM bitacora").fetchone()[0])
    last = conn.execute("SELECT id, hash, recorded_at FROM bitacora ORDER BY id DESC LIMIT 1").fetchone()
    if last is None:
        return Contents(version, entries, None, None, None)
    recorded = None
    with contextlib.suppress(TypeError, ValueError):
        recorded = from_db_datetime(last[2])
    return Contents(version, entries, int(last[0]), str(last[1]), recorded)


def _schema_problem(conn: sqlite3.Connection, path: Path, what: str) -> str | None:
    """Why ``conn`` is not a resguardo database this version can use, or None (``what`` as in _check_file)."""

    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == 0 or not _has_table(conn, "settings"):
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if not tables:
            return f"El archivo {path} es una base de datos SQLite sin datos: no es {what} de resguardo."
        return f"El archivo {path} es una base de datos SQLite de otro programa, no {what} de resguardo."
    if version > LATEST_VERSION:
        return (
            f"El archivo {path} es de una versión más reciente de resguardo (esquema {version};"
            f" esta versión conoce hasta el {LATEST_VERSION}). Actualice resguardo."
        )
    if version >= 4 and not _has_table(conn, "bitacora"):  # 4: the migration that adds the bitácora
        return f"El archivo {path} es una base de datos de resguardo incompleta: le falta la bitácora."
    return None


def open_source(db_path: str | Path) -> sqlite3.Connection:
    """A connection to an existing resguardo database to back up (never creates one).

    BackupError in Spanish for a missing path, a folder, an empty or foreign
    file or a newer schema. Opening reads only; nothing is written.
    """
    path = Path(db_path).expanduser()
    if not path.exists():
        raise BackupError(f"No existe la base de datos {path}: no hay nada que respaldar.")
    _check_file(path, "una base de datos")
    try:
        conn = sqlite3.connect(
            path.resolve().as_uri() + "?mode=rw",
            uri=True,
            timeout=_lock_timeout(),
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise BackupError(f"No se pudo abrir la base de datos {path}: {_sqlite_text(exc)}.") from None
    try:
        problem = _schema_problem(conn, path, "una base de datos")
    except sqlite3.Error as exc:
        conn.close()
        raise BackupError(f"No se pudo leer la base de datos {path}: {_sqlite_text(exc)}.") from None
    if problem:
        conn.close()
        raise BackupError(problem)
    return conn


# -- making a backup ------------------------------------------------------------------


def _copy_database(source: sqlite3.Connection, target: Path) -> Contents:
    """Copy ``source`` into the (empty) file ``target`` in one step; returns what the copy holds."""
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        # pages=-1 (the default): the whole database in one step, within one read
        # transaction of the source: a snapshot, whatever other connections write.
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # the copy is one self-contained file
        return _contents(dest)
    finally:
        dest.close()


def _keyring_file(db_path: Path) -> Path | None:
    from store.secrets import default_file_path  # lazy: store.secrets is not for the agenda's daily backup

    path = default_file_path(str(db_path))
    return path if path.is_file() else None


def _stem(prefix: str, now: datetime) -> str:
    return f"{prefix}{now.astimezone(ZONE):%Y-%m-%d-%H%M}"


def _names(folder: Path, stem: str) -> Iterator[Path]:
    yield folder / f"{stem}{SUFFIX}"
    for n in range(2, 10_000):
        yield folder / f"{stem}-{n}{SUFFIX}"


def create_backup(
    source: sqlite3.Connection,
    db_path: str | Path,
    *,
    now: datetime,
    reason: str = MANUAL,
    destination: str | Path | None = None,
    prefix: str = NAME_PREFIX,
) -> Backup:
    """Back up the database open on ``source`` (whose file is ``db_path``).

    ``destination``: a file name (refused if it exists) or a folder; by default
    ``respaldos/`` beside the database. The file name carries the date and time
    (``resguardo-2026-12-03-0915.db``; ``-2``, ``-3``… when taken). BackupError
    in Spanish when it cannot be made; nothing is left under a final name then.
    """
    if reason not in REASONS:
        raise ValueError(reason)
    started = time.perf_counter()
    db_file = Path(db_path).expanduser().resolve()
    explicit: Path | None = None
    try:
        if destination is None:
            folder = _ensure_folder(backup_folder(db_file))
        else:
            target = Path(destination).expanduser()
            if target.is_dir():
                folder = target
            else:
                if not target.parent.is_dir():
                    raise BackupError(f"La carpeta {target.parent} no existe: no se creó el respaldo.")
                folder, explicit = target.parent, target
                taken = [p for p in (target, manifest_path(target), keyring_copy_path(target)) if p.exists()]
                if taken:
                    raise BackupError(
                        f"Ya existe {taken[0]}: elija otro nombre (un respaldo nunca reemplaza otro archivo)."
                    )
        _clean_stale_temps(folder)
        temp = _temp_file(folder)
    except OSError as exc:
        raise BackupError(
            f"No se pudo crear el respaldo en {destination or backup_folder(db_file)}: {os_error_text(exc)}."
        ) from None
    final: Path | None = None
    written: list[Path] = []
    try:
        contents = _copy_database(source, temp)
        _fsync_file(temp)
        _private(temp)
        size = temp.stat().st_size
        digest = _sha256(temp)
        keyring_source = _keyring_file(db_file)
        keyring_bytes = keyring_source.read_bytes() if keyring_source else None
        if explicit is not None:
            if not _place(temp, explicit):
                raise BackupError(
                    f"Ya existe {explicit}: elija otro nombre (un respaldo nunca reemplaza otro archivo)."
                )
            final = explicit
        else:
            for candidate in _names(folder, _stem(prefix, now)):
                if manifest_path(candidate).exists() or keyring_copy_path(candidate).exists():
                    continue
                if _place(temp, candidate):
                    final = candidate
                    break
            else:  # pragma: no cover - ten thousand backups in one minute
                raise BackupError(f"No queda un nombre libre para el respaldo en {folder}.")
        written.append(final)
        keyring_path: Path | None = None
        if keyring_bytes is not None:
            keyring_path = keyring_copy_path(final)
            _write_atomic(keyring_path, keyring_bytes)
            written.append(keyring_path)
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(ZONE).isoformat(timespec="seconds"),
            "source": str(db_file),
            "schema_version": contents.schema_version,
            "entries": contents.entries,
            "head_id": contents.head_id,
            "head_hash": contents.head_hash,
            "sha256": digest,
            "keyring_file": keyring_path.name if keyring_path else None,
            "reason": reason,
        }
        _write_atomic(manifest_path(final), (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
        written.append(manifest_path(final))
        sync_folder(folder)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        for path in written:  # all or nothing: no backup without its manifest
            with contextlib.suppress(OSError):
                path.unlink()
        if isinstance(exc, OSError):
            raise BackupError(f"No se pudo crear el respaldo en {folder}: {os_error_text(exc)}.") from None
        if isinstance(exc, sqlite3.Error):
            raise BackupError(f"No se pudo copiar la base de datos: {_sqlite_text(exc)}.") from None
        raise
    return Backup(final, size, contents, manifest, keyring_path, time.perf_counter() - started)


# -- verifying a backup -----------------------------------------------------------------


def _read_manifest(path: Path) -> dict[str, Any]:
    """The manifest's content; ValueError when it is not one (damaged, another format)."""
    data = json.loads(path.read_text("utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a manifest")
    return data


def _compare_manifest(check: Check) -> str | None:
    path = manifest_path(check.path)
    if not path.exists():
        check.notes.append("No tiene manifiesto (se creó fuera de resguardo o se borró): no se comparó su huella.")
        return None
    check.manifest_path = path
    try:
        manifest = _read_manifest(path)
    except (OSError, ValueError):
        return f"El manifiesto {path.name} está dañado: no se puede confirmar que el respaldo sea el original."
    check.manifest = manifest
    if manifest.get("sha256") != check.sha256:
        return f"El respaldo no coincide con su manifiesto ({path.name}): el archivo cambió después de crearse."
    contents = check.contents
    assert contents is not None
    for key, actual in (
        ("schema_version", contents.schema_version),
        ("entries", contents.entries),
        ("head_id", contents.head_id),
        ("head_hash", contents.head_hash),
    ):
        if manifest.get(key) != actual:
            return f"El manifiesto {path.name} no corresponde al respaldo (su dato «{key}» no coincide)."
    return None


def verify_backup(path: str | Path) -> Check:
    """Check a backup without changing it: SQLite's integrity check, a resguardo
    schema this version knows, the bitácora's chain, and the manifest's SHA-256.

    BackupError for a path that is not a database file at all (missing, a
    folder, empty, not SQLite); otherwise a Check whose ``problem`` says, in
    Spanish, the first thing wrong. The file is opened read-only and stays
    byte-identical; no ``-wal``/``-shm`` files are left beside it.
    """
    file = Path(path).expanduser()
    _check_file(file, "un respaldo")
    check = Check(path=file)
    try:
        check.size = file.stat().st_size
        check.sha256 = _sha256(file)
    except OSError as exc:
        raise BackupError(f"No se pudo leer {file}: {os_error_text(exc)}.") from None
    try:
        with _read_only(file) as conn:
            conn.row_factory = sqlite3.Row
            check.problem = _examine(conn, file, check)
    except sqlite3.Error as exc:
        check.problem = f"El respaldo {file} no se puede leer: {_sqlite_text(exc)}."
    if check.problem is None:
        check.problem = _compare_manifest(check)
    keyring = keyring_copy_path(file)
    if keyring.exists():
        check.keyring = keyring
    elif check.manifest and check.manifest.get("keyring_file"):
        check.notes.append(
            f"El manifiesto menciona la copia del llavero {check.manifest['keyring_file']}, pero no está junto al"
            " respaldo."
        )
    try:
        unchanged = _sha256(file) == check.sha256
    except OSError:
        unchanged = False
    if not unchanged and check.problem is None:
        check.problem = f"El archivo {file} cambió mientras se verificaba: vuelva a intentarlo."
    return check


def _examine(conn: sqlite3.Connection, file: Path, check: Check) -> str | None:
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        return (
            f"El respaldo {file} está dañado: la revisión de integridad de SQLite encontró"
            f" {len(rows)} problema{'s' if len(rows) != 1 else ''}."
        )
    problem = _schema_problem(conn, file, "un respaldo")
    if problem:
        return problem
    check.contents = _contents(conn)
    if _has_table(conn, "bitacora"):
        store = Store(conn, str(file), author="respaldo")
        result = _verify_chain(store)
        if not result.ok:
            return f"La bitácora del respaldo no es íntegra: {result.message}"
    return None


# -- listing and pruning ----------------------------------------------------------------


def list_backups(folder: str | Path) -> list[Listed]:
    """The backups in ``folder``, newest first; missing or damaged manifests are tolerated."""
    where = Path(folder)
    if not where.is_dir():
        return []
    found: list[Listed] = []
    for path in where.glob(f"*{SUFFIX}"):
        if path.name.startswith(".") or not path.is_file():
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        created = datetime.fromtimestamp(stat.st_mtime, ZONE)
        item = Listed(
            path=path,
            created=created,
            size=stat.st_size,
            manifest_state="falta",
            keyring=keyring_copy_path(path).exists(),
        )
        mpath = manifest_path(path)
        if mpath.exists():
            try:
                manifest = _read_manifest(mpath)
                moment = datetime.fromisoformat(str(manifest["created_at"]))
                entries = manifest.get("entries")
                item = Listed(
                    path=path,
                    created=moment if moment.tzinfo else moment.replace(tzinfo=ZONE),
                    size=stat.st_size,
                    manifest_state="ok",
                    reason=str(manifest.get("reason")),
                    entries=entries if isinstance(entries, int) else None,
                    keyring=item.keyring,
                )
            except (OSError, ValueError, KeyError, TypeError):
                item = Listed(
                    path=path, created=created, size=stat.st_size, manifest_state="dañado", keyring=item.keyring
                )
        found.append(item)
    found.sort(key=lambda b: (b.created, b.path.name), reverse=True)
    return found


def prune_automatic(folder: str | Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups in ``folder``; returns what went.

    Only files named ``resguardo-…`` whose manifest says ``diaria`` or
    ``migracion``: manual backups, copies set aside by a restore and files
    without a readable manifest are never touched. The backup goes first and its
    manifest last, so an interrupted prune leaves at worst a manifest alone,
    removed next time.
    """
    where = Path(folder)
    automatic = [
        b
        for b in list_backups(where)
        if b.manifest_state == "ok" and b.reason in AUTOMATIC and b.path.name.startswith(NAME_PREFIX)
    ]
    removed: list[Path] = []
    for old in automatic[max(0, keep) :]:
        for path in (old.path, keyring_copy_path(old.path), manifest_path(old.path)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed.append(old.path)
    with contextlib.suppress(OSError):  # manifests left alone by an interrupted prune
        for orphan in where.glob(f"{NAME_PREFIX}*{SUFFIX}{MANIFEST_SUFFIX}"):
            backup = orphan.with_name(orphan.name[: -len(MANIFEST_SUFFIX)])
            if backup.exists():
                continue
            with contextlib.suppress(OSError, ValueError):
                if _read_manifest(orphan).get("reason") in AUTOMATIC:
                    keyring_copy_path(backup).unlink(missing_ok=True)
                    orphan.unlink()
    return removed


def max_automatic(store: Store) -> int:
    """The ``backups_max`` setting (the profile's value or the override), DEFAULT_MAX without a profile."""
    try:
        value = store.settings.profile().settings.backups_max
    except ResguardoError:
        value = store.settings.overrides().get(MAX_SETTING, DEFAULT_MAX)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return DEFAULT_MAX


# -- automatic backups ------------------------------------------------------------------


def _warn(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"resguardo: aviso: {message}\n")


def daily_backup(store: Store) -> Backup | None:
    """The backup of the first opening of the day (``open_store`` calls it when due).

    Claims the day in ``settings`` first (two processes starting together make
    one backup), then backs up and prunes. Never raises: a failure is a warning
    on stderr and the day is released, so the next command tries again.
    """
    if store.path == MEMORY or store.path in _failed_daily:
        return None
    today = store.now().date().isoformat()
    try:
        with store.atomic():
            previous = store.settings.get(LAST_DAILY_BACKUP_KEY)
            if previous == today:
                return None
            store.settings.set(LAST_DAILY_BACKUP_KEY, today)
    except ResguardoError as exc:
        _failed_daily.add(store.path)
        _warn(f"no se pudo hacer el respaldo diario: {exc.message} Se continúa sin él.")
        return None
    try:
        backup = create_backup(store.conn, store.path, now=store.now(), reason=DAILY)
    except ResguardoError as exc:
        _failed_daily.add(store.path)
        with contextlib.suppress(ResguardoError), store.atomic():
            if previous is None:
                store.execute("DELETE FROM settings WHERE key = ?", (LAST_DAILY_BACKUP_KEY,))
            else:
                store.settings.set(LAST_DAILY_BACKUP_KEY, previous)
        _warn(f"no se pudo hacer el respaldo diario: {exc.message} Se continúa sin él.")
        return None
    _prune_quietly(store, backup.path.parent)
    return backup


def backup_before_migration(store: Store, version: int) -> Backup:
    """The backup ``open_store`` makes before changing the schema of a database in use.

    Raises BackupError (and then nothing is migrated) when it cannot be made.
    """

    try:
        backup = create_backup(store.conn, store.path, now=store.now(), reason=MIGRATION)
    except ResguardoError as exc:
        raise BackupError(
            f"No se actualizó el esquema de la base de datos (del {version} al {LATEST_VERSION}): antes hay que"
            f" respaldarla y no se pudo. {exc.message}"
        ) from None
    _warn(f"se respaldó la base de datos antes de actualizar su esquema: {backup.path}")
    _prune_quietly(store, backup.path.parent)
    return backup


def _prune_quietly(store: Store, folder: Path) -> None:
    try:
        prune_automatic(folder, max_automatic(store))
    except (ResguardoError, OSError) as exc:
        text = exc.message if isinstance(exc, ResguardoError) else os_error_text(exc)
        _warn(f"no se pudieron borrar los respaldos automáticos más antiguos ({text}).")


# -- restoring --------------------------------------------------------------------------


class _Live:
    """The database being replaced, locked so that no other process uses it meanwhile.

    Leaving WAL mode needs every other connection closed (SQLite refuses while
    one is open, even idle): that is how another window is detected. Then
    ``locking_mode = EXCLUSIVE`` and an exclusive transaction keep the file's
    exclusive lock until ``close``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None
        #: False when the file is not a readable SQLite database (a damaged one).
        self.readable = True

    def acquire(self) -> None:
        try:
            conn = sqlite3.connect(self.path.as_uri() + "?mode=rw", uri=True, timeout=LOCK_WAIT, isolation_level=None)
        except sqlite3.Error as exc:
            raise BackupError(f"No se pudo abrir la base de datos {self.path}: {_sqlite_text(exc)}.") from None
        self.conn = conn
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")  # the lock stays: exclusive locking mode keeps it until close
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "delete":
                raise sqlite3.OperationalError("database is locked")  # another process switched it back
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            self.close()
            if "locked" in text or "busy" in text:
                raise BackupError(IN_USE.format(path=self.path)) from None
            if "readonly" in text or "read-only" in text:
                raise BackupError(
                    f"La base de datos {self.path} es de solo lectura: no se puede restaurar sobre ella."
                ) from None
            raise BackupError(f"No se pudo preparar la base de datos {self.path}: {_sqlite_text(exc)}.") from None
        except sqlite3.DatabaseError:  # damaged: nobody can be using it
            # Kept open until the swap: closing now could delete its -wal before it is copied aside.
            self.readable = False

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.close()
            self.conn = None


def _set_aside_raw(db: Path, now: datetime) -> Path:
    """Copy an unreadable database (and its ``-wal``) aside byte for byte; there is no manifest."""
    import shutil  # lazy: ~2 ms the agenda's daily backup does not need

    folder = _ensure_folder(backup_folder(db))
    temp = _temp_file(folder)
    try:
        shutil.copyfile(db, temp)
        _fsync_file(temp)
        _private(temp)
        for candidate in _names(folder, _stem(ASIDE_PREFIX, now)):
            if _place(temp, candidate):
                break
        wal = Path(f"{db}-wal")
        if wal.exists():
            _write_atomic(Path(f"{candidate}-wal"), wal.read_bytes())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return candidate


def _retire(old_fd: int, db: Path) -> None:
    """Blank the header of the database file that was just replaced (POSIX).

    A process that opened the old file before the rename and waits for its lock
    would otherwise read and write a file nobody will ever see again, and share
    ``-wal`` with the restored one. With no header it stops at its first read
    («no es una base de datos») and the next attempt opens the restored file.
    """
    with contextlib.suppress(OSError):
        if os.fstat(old_fd).st_ino == db.stat().st_ino:
            return  # the rename did not happen: never touch the live file
        os.pwrite(old_fd, b"\0" * 100, 0)
        os.fsync(old_fd)


def restore_backup(
    backup: str | Path,
    db_path: str | Path,
    *,
    now: datetime,
    clock: Callable[[], datetime] | None = None,
) -> Restored:
    """Replace the database at ``db_path`` with the backup, after verifying it.

    The current database is set aside in ``respaldos/antes-de-restaurar-….db``.
    The backup is copied to a temporary file beside the database and fsynced,
    then renamed over it in one step: a crash leaves the old database or the
    new one, never a mix. The current keyring file is never overwritten (it may
    hold passwords set after the backup); when there is none and the backup has
    one, that copy is put in place.
    """
    check = verify_backup(backup)
    if not check.ok:
        raise BackupError(f"No se restauró nada: {check.problem}")
    db = Path(db_path).expanduser().resolve()
    if db.is_dir():
        raise BackupError(f"La ruta {db} es una carpeta, no una base de datos.")
    if check.path.resolve() == db:
        raise BackupError("El respaldo es la misma base de datos que se quiere restaurar.")
    folder = db.parent
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True)
        _clean_stale_temps(folder, RESTORE_TEMP_PREFIX)
        temp = _temp_file(folder, RESTORE_TEMP_PREFIX)
    except OSError as exc:
        raise BackupError(f"No se pudo preparar la restauración en {folder}: {os_error_text(exc)}.") from None
    aside: Path | None = None
    live = _Live(db)
    try:
        _copy_backup(check, temp)
        if db.exists():
            if _is_sqlite(db):
                live.acquire()
            else:  # garbage where the database was: set it aside as it is
                live.readable = False
            aside = _set_aside(live, db, now)
            _swap(temp, db, live)
        else:
            for stale in (Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
                stale.unlink(missing_ok=True)  # they belong to no database: never replay them onto this one
            os.replace(temp, db)
        sync_folder(folder)
    except BaseException as exc:
        live.close()
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackupError(f"No se restauró nada: {os_error_text(exc)}.") from None
        if isinstance(exc, sqlite3.Error):
            raise BackupError(f"No se restauró nada: {_sqlite_text(exc)}.") from None
        raise
    keyring_state, keyring_path = _restore_keyring(check, db)
    _finish(db, clock or (lambda: now))
    return Restored(check, db, aside, keyring_state, keyring_path)


def _set_aside(live: _Live, db: Path, now: datetime) -> Path:
    """Keep the database being replaced in ``respaldos/antes-de-restaurar-….db``.

    With the backup API (and its manifest) when SQLite can read it; byte for
    byte when it cannot (a damaged database is what one restores over). The
    exclusive lock is held: the file does not change meanwhile.
    """
    try:
        if live.readable and live.conn is not None:
            try:
                return create_backup(live.conn, db, now=now, reason=RESTORE, prefix=ASIDE_PREFIX).path
            except BackupError:
                if _damaged(live.conn):
                    return _set_aside_raw(db, now)
                raise
        return _set_aside_raw(db, now)
    except BackupError as exc:
        raise BackupError(
            f"No se restauró nada: no se pudo poner a salvo la base de datos actual. {exc.message}"
        ) from None
    except OSError as exc:
        raise BackupError(
            f"No se restauró nada: no se pudo poner a salvo la base de datos actual ({os_error_text(exc)})."
        ) from None


def _damaged(conn: sqlite3.Connection) -> bool:
    try:
        return bool(conn.execute("PRAGMA quick_check").fetchone()[0] != "ok")
    except sqlite3.DatabaseError:
        return True


def _copy_backup(check: Check, temp: Path) -> None:
    """The backup, copied with the backup API into ``temp`` and checked again there."""
    with _read_only(check.path) as source:
        contents = _copy_database(source, temp)
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        quick = conn.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        conn.close()
    expected = check.contents
    if quick != "ok" or expected is None or contents.entries != expected.entries:
        raise BackupError("No se restauró nada: la copia del respaldo no salió idéntica; vuelva a intentarlo.")
    _fsync_file(temp)
    _private(temp)


def _swap(temp: Path, db: Path, live: _Live) -> None:
    """Rename ``temp`` over ``db`` while ``live`` holds its lock (Windows: just after closing it)."""
    if os.name == "nt":
        live.close()  # Windows cannot rename over an open file
        try:
            os.replace(temp, db)
        except PermissionError:
            raise BackupError(IN_USE.format(path=db)) from None
    else:
        old_fd = os.open(db, os.O_RDWR)
        try:
            os.replace(temp, db)
            _retire(old_fd, db)
        finally:
            os.close(old_fd)  # (this also drops the lock: POSIX locks belong to the process)
            live.close()
    if not live.readable:  # a damaged database's own journal files must not meet the restored one
        for leftover in (Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _restore_keyring(check: Check, db: Path) -> tuple[str, Path]:
    from store.secrets import default_file_path  # lazy: store.secrets is not for the agenda's daily backup

    current = default_file_path(str(db))
    if current.exists():
        return "kept", current
    if check.keyring is None:
        return "none", current
    try:
        current.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(current, check.keyring.read_bytes())
    except OSError as exc:
        raise BackupError(
            f"La base de datos se restauró, pero no se pudo poner en su lugar la copia del llavero"
            f" ({os_error_text(exc)}): cópiela a mano de {check.keyring} a {current}."
        ) from None
    return "restored", current


def _finish(db: Path, clock: Callable[[], datetime]) -> None:
    """Open the restored database (migrating an older schema) and run the after-restore hook."""

    try:
        store = open_store(db, clock=clock, auto_backup=False)
    except ResguardoError as exc:
        raise BackupError(f"La base de datos se restauró, pero no se pudo abrir después: {exc.message}") from None
    try:
        _after_restore(store)
    finally:
        store.close()


def describe_last(contents: Contents | None) -> str:
    """«12 entradas, la última del 03/12/2026 09:15» (Spanish, for the command line)."""
    if contents is None:
        return "sin datos"
    if contents.entries == 0:
        return "la bitácora está vacía"
    count = f"{contents.entries} entrada{'s' if contents.entries != 1 else ''}"
    if contents.last_recorded is None:
        return count
    return f"{count}, la última del {_local_text(contents.last_recorded)}"
