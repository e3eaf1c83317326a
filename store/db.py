"""Opening the database, the one transaction helper, and translating SQLite errors.

Every statement the project runs goes through ``Store.execute`` /
``Store.query`` so that SQLite's English errors become one Spanish message.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import sqlite3
import stat
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy.clock import ZONE
from store import faults, migrations
from store.errors import (
    ConflictError,
    StoreCorruptError,
    StoreDiskFullError,
    StoreError,
    StoreLockedError,
    StoreMissingError,
    StoreNewerSchemaError,
    StoreReadOnlyError,
    os_error_text,
)
from store.files import PRIVATE_FILE, PRIVATE_FOLDER, create_private_file, make_private_folders, remove_quietly, tighten
from store.integrity import Changes, after_commit, register_functions

if TYPE_CHECKING:
    from store.accounts import Accounts, Assignments, People
    from store.admin_changes import AdminChanges  # lazy: a command loads only the repositories it uses
    from store.bitacora import Bitacora  # lazy: a command loads only the repositories it uses
    from store.calendar import Calendar  # lazy: a command loads only the repositories it uses
    from store.closings import Closings  # lazy: a command loads only the repositories it uses
    from store.consultations import Consultations  # lazy: a command loads only the repositories it uses
    from store.credentials import Credentials  # lazy: a command loads only the repositories it uses
    from store.duties import Duties
    from store.events import Events  # lazy: a command loads only the repositories it uses
    from store.history import Evaluations, Rotations, Trainings
    from store.holiday_notices import HolidayNotices  # lazy: a command loads only the repositories it uses
    from store.incidents import Incidents  # lazy: a command loads only the repositories it uses
    from store.information_requests import InformationRequests  # lazy: a command loads only the repositories it uses
    from store.openings import Openings  # lazy: a command loads only the repositories it uses
    from store.person_documents import PersonDocuments  # lazy: a command loads only the repositories it uses
    from store.preflight import PreflightLists  # lazy: a command loads only the repositories it uses
    from store.settings import Settings  # lazy: a command loads only the repositories it uses
    from store.waivers import Waivers  # lazy: a command loads only the repositories it uses

ENV_DB = "RESGUARDO_DB"
ENV_LOCK_TIMEOUT = "RESGUARDO_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0
MEMORY = ":memory:"
#: Messages of RAISE() in our triggers start with this; the rest is Spanish for the user.
TRIGGER_PREFIX = "resguardo:"
#: ``settings`` key: the day (JSON ``"YYYY-MM-DD"``) of the last daily automatic backup (store/backup.py).
LAST_DAILY_BACKUP_KEY = "backup_last_daily"

Params = Sequence[Any] | dict[str, Any]

#: The folder ``default_path`` took from platformdirs in this process: made private (0700)
#: on open. A folder named with ``--db`` or RESGUARDO_DB is the user's and keeps its mode.
_default_folder: Path | None = None


def default_path() -> Path:
    """The database file: ``RESGUARDO_DB`` if set, else the user data dir (platformdirs)."""
    global _default_folder
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        try:
            env.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 (POSIX): no message could show the path
            raise StoreError(f"La variable {ENV_DB} no es texto UTF-8 válido; corríjala.") from None
        return Path(env).expanduser()
    from platformdirs import user_data_path  # lazy: ~20 ms, only when no path is given

    _default_folder = user_data_path("resguardo", appauthor=False)
    return _default_folder / "resguardo.db"


def _lock_timeout() -> float:
    raw = os.environ.get(ENV_LOCK_TIMEOUT, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _system_now() -> datetime:
    return datetime.now(ZONE)


def _os_user() -> str:
    import getpass  # lazy: only when no author is given

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name on some service accounts
        return "desconocido"


def disk_full_message(path: str) -> str:
    where = "" if path == MEMORY else f" ({path})"
    return f"No se pudo guardar: disco lleno{where}. No se guardó nada; libere espacio y repita la operación."


def _out_of_space(exc: sqlite3.Error, path: str) -> bool:
    """An I/O error of SQLite that the lack of space explains (SQLite reports ENOSPC as
    SQLITE_FULL, except when the -shm file cannot grow: SQLITE_IOERR_SHMSIZE)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_IOERR_SHMSIZE":
        return True
    if path == MEMORY or not (name.startswith("SQLITE_IOERR") or "disk i/o" in str(exc).lower()):
        return False
    import shutil  # lazy: only after an I/O error, to tell a full disk

    try:
        return shutil.disk_usage(Path(path).parent).free < 64 * 1024
    except (OSError, ValueError):
        return False


def translate(exc: sqlite3.Error, path: str) -> StoreError:
    """Turn a SQLite error into a StoreError with a Spanish message."""
    text = str(exc).lower()
    where = "" if path == MEMORY else f" ({path})"
    if "locked" in text or "busy" in text:
        return StoreLockedError(
            f"La base de datos está ocupada por otro proceso{where}; intente de nuevo en unos segundos."
        )
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StoreReadOnlyError(f"La base de datos es de solo lectura{where}: no se guardó nada.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreCorruptError(f"El archivo{where} no es una base de datos de resguardo o está dañado.")
    if "unable to open" in text:
        return StoreError(f"No se pudo abrir la base de datos{where}.")
    if "full" in text or _out_of_space(exc, path):
        return StoreDiskFullError(disk_full_message(path))
    if "disk i/o" in text:
        return StoreError(f"Error de escritura en disco{where}: no se guardó nada.")
    if str(exc).startswith(TRIGGER_PREFIX):
        # Our own triggers refuse with a Spanish sentence: show it as is.
        message = str(exc)[len(TRIGGER_PREFIX) :].strip()
        return StoreError(message[:1].upper() + message[1:] + ".")
    if isinstance(exc, sqlite3.IntegrityError):
        # The repositories check first; these are races with another process or bugs.
        if "unique" in text:
            return ConflictError("Ya existe un registro con esos mismos datos: no se guardó nada.")
        if "foreign key" in text:
            return StoreError("El registro se refiere a otro que no existe: no se guardó nada.")
        return StoreError("Los datos no cumplen una regla de la base de datos: no se guardó nada.")
    return StoreError(f"Error de la base de datos{where}: {exc}.")


class Store:
    """A connection to one resguardo database.

    ``clock`` and ``author`` stamp what is recorded (tests and the command line
    inject them); ``atomic()`` wraps a unit of work.

    The repositories (``store.accounts``…) are built on first use, and each
    imports its module only then: a command pays only for the areas it touches
    (``bitacora buscar``, 150 ms over a million entries, loads the bitácora's alone).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: str,
        *,
        clock: Callable[[], datetime] = _system_now,
        author: str | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self.author = author or _os_user()
        #: Set when the file could only be opened read-only (a full disk): what a write raises.
        self.unwritable: StoreReadOnlyError | None = None
        self._savepoints = itertools.count(1)
        # The functions the record-chain triggers call (a connection without them cannot
        # write those tables), and whether a transaction moved a head the witness records.

        self._changes = Changes()
        register_functions(conn, self._changes)

    # -- repositories -----------------------------------------------------

    @cached_property
    def settings(self) -> Settings:
        from store.settings import Settings  # lazy: a command loads only the repositories it uses

        return Settings(self)

    @cached_property
    def accounts(self) -> Accounts:
        from store.accounts import Accounts  # lazy: a command loads only the repositories it uses

        return Accounts(self)

    @cached_property
    def people(self) -> People:
        from store.accounts import People  # lazy: a command loads only the repositories it uses

        return People(self)

    @cached_property
    def assignments(self) -> Assignments:
        from store.accounts import Assignments  # lazy: a command loads only the repositories it uses

        return Assignments(self)

    @cached_property
    def rotations(self) -> Rotations:
        from store.history import Rotations  # lazy: a command loads only the repositories it uses

        return Rotations(self)

    @cached_property
    def evaluations(self) -> Evaluations:
        from store.history import Evaluations  # lazy: a command loads only the repositories it uses

        return Evaluations(self)

    @cached_property
    def trainings(self) -> Trainings:
        from store.history import Trainings  # lazy: a command loads only the repositories it uses

        return Trainings(self)

    @cached_property
    def calendar(self) -> Calendar:
        from store.calendar import Calendar  # lazy: a command loads only the repositories it uses

        return Calendar(self)

    @cached_property
    def bitacora(self) -> Bitacora:
        from store.bitacora import Bitacora  # lazy: a command loads only the repositories it uses

        return Bitacora(self)

    @cached_property
    def duties(self) -> Duties:
        from store.duties import Duties  # lazy: a command loads only the repositories it uses

        return Duties(self)

    @cached_property
    def incidents(self) -> Incidents:
        from store.incidents import Incidents  # lazy: a command loads only the repositories it uses

        return Incidents(self)

    @cached_property
    def credentials(self) -> Credentials:
        from store.credentials import Credentials  # lazy: a command loads only the repositories it uses

        return Credentials(self)

    @cached_property
    def events(self) -> Events:
        from store.events import Events  # lazy: a command loads only the repositories it uses

        return Events(self)

    @cached_property
    def consultations(self) -> Consultations:
        from store.consultations import Consultations  # lazy: a command loads only the repositories it uses

        return Consultations(self)

    @cached_property
    def information_requests(self) -> InformationRequests:
        from store.information_requests import (
            InformationRequests,
        )  # lazy: a command loads only the repositories it uses

        return InformationRequests(self)

    @cached_property
    def openings(self) -> Openings:
        from store.openings import Openings  # lazy: a command loads only the repositories it uses

        return Openings(self)

    @cached_property
    def closings(self) -> Closings:
        from store.closings import Closings  # lazy: a command loads only the repositories it uses

        return Closings(self)

    @cached_property
    def admin_changes(self) -> AdminChanges:
        from store.admin_changes import AdminChanges  # lazy: a command loads only the repositories it uses

        return AdminChanges(self)

    @cached_property
    def person_documents(self) -> PersonDocuments:
        from store.person_documents import PersonDocuments  # lazy: a command loads only the repositories it uses

        return PersonDocuments(self)

    @cached_property
    def holiday_notices(self) -> HolidayNotices:
        from store.holiday_notices import HolidayNotices  # lazy: a command loads only the repositories it uses

        return HolidayNotices(self)

    @cached_property
    def waivers(self) -> Waivers:
        from store.waivers import Waivers  # lazy: a command loads only the repositories it uses

        return Waivers(self)

    @cached_property
    def preflight_lists(self) -> PreflightLists:
        from store.preflight import PreflightLists  # lazy: a command loads only the repositories it uses

        return PreflightLists(self)

    # -- statements -------------------------------------------------------

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run one statement; SQLite errors become StoreError."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Run a SELECT and return every row (``sqlite3.Row``, addressable by name)."""
        return self.execute(sql, params).fetchall()

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Run a SELECT and return plain tuples, read by position.

        For the loads that build thousands of records per run (the agenda's
        state): a tuple costs about half of a ``sqlite3.Row``.
        """
        try:
            cursor = self.conn.cursor()
            cursor.row_factory = None
            return cursor.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> StoreError:
        error = translate(exc, self.path)
        if self.unwritable is not None and isinstance(error, StoreReadOnlyError):
            return type(self.unwritable)(self.unwritable.message)
        return error

    def query_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.execute(sql, params).fetchone()
        return row

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """INSERT one row and return its id. ``table`` and keys are code, never user input."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        return int(cursor.lastrowid or 0)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Store]:
        """One transaction; nested calls become savepoints.

        The outermost block takes the write lock at once (BEGIN IMMEDIATE), so
        two processes never interleave a read-modify-write. Any exception rolls
        the block back before it propagates.
        """
        conn = self.conn
        if conn.in_transaction:
            name = f"sp_{next(self._savepoints)}"
            self.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.execute("BEGIN IMMEDIATE")
        changes = self._changes
        changes.due = False
        try:
            yield self
        except BaseException:
            changes.due = False
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            faults.point("base de datos: antes de COMMIT")
            self.execute("COMMIT")
            faults.point("base de datos: después de COMMIT")
        except BaseException:
            changes.due = False
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if changes.due:
            changes.due = False

            after_commit(self)

    @contextlib.contextmanager
    def rehearsal(self) -> Iterator[Store]:
        """A transaction that is always rolled back: run a change in it to learn whether it would
        be refused (the workbench asks before an irreversible record only once it would succeed).

        Nothing of it is committed, no witness or backup is written, and an error raised inside
        propagates as it would from the real change.
        """
        if self.conn.in_transaction:
            raise RuntimeError("a rehearsal cannot run inside another transaction")
        self.execute("BEGIN IMMEDIATE")
        try:
            yield self
        finally:
            self._changes.due = False
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def witness_due(self) -> None:
        """Mark the current transaction as one that moves the bitácora's head (the witness follows it)."""
        self._changes.due = True

    # -- stamps -----------------------------------------------------------

    def now(self) -> datetime:
        """The injected clock, aware, in Mexico City."""
        moment = self.clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=ZONE)

    def stamp(self) -> str:
        """``now()`` as stored: ISO 8601 in UTC, so text order is time order."""
        return to_db_datetime(self.now())

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def among(column: str, ids: Collection[int] | None) -> tuple[str, tuple[Any, ...]]:
    """``column``'s condition to be one of ``ids``, bound as one parameter (a JSON array: any number
    of ids, one statement), and its parameters; for None, a condition every row meets."""
    if ids is None:
        return "1", ()
    return f"{column} IN (SELECT value FROM json_each(?))", (json.dumps(sorted(ids)),)


def to_db_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZONE)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(ZONE)


class StoredMoments(Mapping[int, datetime]):
    """id -> moment, kept as stored and converted on first access.

    For the agenda's sources that only a few accounts are ever asked about
    (the abandoned-account rule reads them only for accounts with no recent
    rotation or evaluation): converting thousands of times nobody reads costs
    more than the query.
    """

    __slots__ = ("_raw", "_done")

    def __init__(self, raw: dict[int, str]) -> None:
        self._raw = raw
        self._done: dict[int, datetime] = {}

    def __getitem__(self, key: int) -> datetime:
        moment = self._done.get(key)
        if moment is None:
            moment = self._done[key] = from_db_datetime(self._raw[key])
        return moment

    def __iter__(self) -> Iterator[int]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw


#: The first bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
#: Where the header keeps the file format's write version (2: WAL) and ``user_version``.
_WRITE_VERSION_OFFSET = 18
_USER_VERSION_OFFSET = 60

_START_HINT = "Para crear una use «resguardo iniciar --perfil PERFIL» (o «resguardo demo»)"


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    """A connection (SQLite errors propagate); ``uri`` for the read-only ``file:`` forms."""
    return sqlite3.connect(target, timeout=_lock_timeout(), isolation_level=None, check_same_thread=False, uri=uri)


def _stat(file: Path, target: str) -> os.stat_result | None:
    """The file's status, None when it does not exist; StoreError for a path that cannot be used."""
    try:
        return file.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # an embedded NUL
        raise StoreError("La ruta de la base de datos contiene un carácter nulo.") from None
    except OSError as exc:
        raise StoreError(f"No se pudo usar la ruta de la base de datos {target}: {os_error_text(exc)}.") from None


def _read_header(file: Path, target: str) -> bytes:
    try:
        with open(file, "rb") as handle:
            return handle.read(_HEADER_SIZE)
    except OSError as exc:
        raise StoreError(f"No se pudo leer la base de datos {target}: {os_error_text(exc)}.") from None


def _file_uri(file: Path, *, immutable: bool) -> str:
    """``file:`` URI opening ``file`` read-only; ``immutable`` also skips locks, -wal and -shm."""
    return file.absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def _wal_is_empty(target: str) -> bool:
    try:
        return os.stat(f"{target}-wal").st_size == 0
    except OSError:
        return True


def _newer_schema(version: int, latest: int) -> StoreNewerSchemaError:
    return StoreNewerSchemaError(
        f"La base de datos es de una versión más reciente de resguardo (esquema {version};"
        f" esta versión conoce hasta el {latest}). Actualice resguardo."
    )


def _probe(file: Path, target: str, header: bytes) -> tuple[int, bool, bool]:
    """Read ``(user_version, has tables, has schema_migrations)`` without writing anything.

    Read-only (``mode=ro``): nothing is created beside a file in rollback mode. A file
    in WAL mode with no -wal beside it has no connection open, so its bytes are the
    whole truth and it is read ``immutable`` (no -wal or -shm made either).
    """
    wal_mode = header[_WRITE_VERSION_OFFSET] == 2
    immutable = wal_mode and not os.path.exists(f"{target}-wal")
    sql = (
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'),"
        " EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')"
    )
    while True:
        try:
            conn = _connect(_file_uri(file, immutable=immutable), uri=True)
            try:
                version, tables, migrations = conn.execute(sql).fetchone()
            finally:
                conn.close()
            return int(version), bool(tables), bool(migrations)
        except sqlite3.Error as exc:
            error = translate(exc, target)
            retry = wal_mode and not immutable and _wal_is_empty(target)
            if not retry or isinstance(error, StoreCorruptError | StoreLockedError):
                raise error from None
            immutable = True  # e.g. a full disk: the -shm cannot grow, and the -wal holds nothing


def _check_existing(file: Path, target: str, create: bool) -> None:
    """Refuse a file that is not a resguardo database before any connection may write to it."""

    header = _read_header(file, target)
    if not header:
        if create:
            return  # nothing to lose: initialised as a new database
        raise StoreMissingError(f"El archivo {target} está vacío: no es una base de datos de resguardo. {_START_HINT}.")
    if len(header) < _HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise StoreCorruptError(f"El archivo {target} no es una base de datos de resguardo o está dañado.")
    version = int.from_bytes(header[_USER_VERSION_OFFSET : _USER_VERSION_OFFSET + 4], "big")
    if version > migrations.LATEST_VERSION:
        raise _newer_schema(version, migrations.LATEST_VERSION)
    version, tables, has_migrations_table = _probe(file, target, header)
    if version > migrations.LATEST_VERSION:
        raise _newer_schema(version, migrations.LATEST_VERSION)
    if (version == 0 and tables) or (version > 0 and not has_migrations_table):
        raise StoreCorruptError(f"El archivo {target} es una base de datos SQLite de otro programa, no de resguardo.")
    if version == 0 and not create:
        raise StoreMissingError(f"El archivo {target} es una base de datos vacía, no una de resguardo. {_START_HINT}.")


def _prepare_file(file: Path, target: str, create: bool) -> list[Path]:
    """Check (or, with ``create``, make) the database file; returns the paths this call created."""
    info = _stat(file, target)
    if info is None:
        if not create:
            raise StoreMissingError(f"No existe la base de datos {target}. {_START_HINT}.")

        created: list[Path] = []
        try:
            created = make_private_folders(file.parent)
            if create_private_file(file):
                created.append(file)
        except OSError as exc:
            remove_quietly(created)
            raise StoreError(f"No se pudo crear la base de datos en {target}: {os_error_text(exc)}.") from None
        return created
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"La ruta {target} es una carpeta, no una base de datos.")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"La ruta {target} no es un archivo normal, no una base de datos.")
    _check_existing(file, target, create)
    return []


def _make_private(file: Path, target: str) -> None:
    """The database and its -wal and -shm 0600, the default data folder 0700 (POSIX; best-effort)."""

    for path in (file, Path(f"{target}-wal"), Path(f"{target}-shm")):
        tighten(path, PRIVATE_FILE)
    if _default_folder is not None and file.parent == _default_folder:
        tighten(_default_folder, PRIVATE_FOLDER)


def _configure(store: Store, *, wal: bool) -> int:
    """The connection's settings; returns the schema version."""
    store.execute("PRAGMA foreign_keys = ON")
    version = int(store.execute("PRAGMA user_version").fetchone()[0])
    if wal:
        mode = store.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            with contextlib.suppress(StoreReadOnlyError):  # a read-only file or a full disk: reads still work
                store.execute("PRAGMA journal_mode = WAL")
        store.execute("PRAGMA synchronous = NORMAL")
    if store.path != MEMORY:
        # Reads through the OS page cache: cold starts of the CLI read less.
        store.execute("PRAGMA mmap_size = 268435456")
    return version


def _open_read_only(
    file: Path, target: str, reason: StoreReadOnlyError, make: Callable[[sqlite3.Connection], Store]
) -> tuple[Store, int]:
    """The file read-only, for reading when it cannot be opened for writing (a full disk).

    With ``mode=ro`` when another connection keeps the -wal and -shm ready; else, when
    the -wal holds nothing, ``immutable`` (the file's own bytes are the whole database).
    Writes then raise ``reason`` again.
    """
    for immutable in (False, True):
        if immutable and not _wal_is_empty(target):
            break  # committed pages wait in the -wal: the file alone would show an older state
        try:
            conn = _connect(_file_uri(file, immutable=immutable), uri=True)
        except sqlite3.Error:
            continue
        store = make(conn)
        store.unwritable = reason
        try:
            return store, _configure(store, wal=False)
        except StoreError:
            conn.close()
    raise reason


def _daily_backup(store: Store, *, fresh: bool) -> None:
    """The first opening of a day backs the database up: here only the one indexed read that
    finds it done (the everyday commands pay nothing else); a new database has nothing to save yet."""
    today = f'"{store.now().date().isoformat()}"'
    if fresh:
        with contextlib.suppress(StoreError):  # a read-only file: the next opening tries the backup
            store.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (LAST_DAILY_BACKUP_KEY, today))
        return
    row = store.query_one("SELECT value FROM settings WHERE key = ?", (LAST_DAILY_BACKUP_KEY,))
    if row is None or row[0] != today:
        from store.backup import daily_backup  # lazy: store.backup imports this module

        daily_backup(store)


def open_store(
    path: str | Path | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    author: str | None = None,
    migrate: bool = True,
    create: bool = False,
    auto_backup: bool = True,
) -> Store:
    """Open the database and bring its schema up to date.

    Only ``create=True`` (``iniciar``, ``demo``, the workbench's first-run wizard)
    makes a missing file (and its missing folders, 0700) or initialises an empty
    one; otherwise StoreMissingError, and nothing is created. Before any connection
    may write, the file is checked (its header, then a read-only look at its
    schema): StoreCorruptError for a file that is not a resguardo database,
    StoreNewerSchemaError for one written by a newer version; a refused file stays
    byte-identical, with no -wal or -shm left beside it. The database and its
    -wal/-shm are made 0600 on open. When the file cannot be opened for writing
    (a full disk) it is opened read-only: reads work, and writes raise
    StoreDiskFullError («disco lleno»). ``path`` may be ``":memory:"``.
    A file in use is backed up before its schema changes and, with
    ``auto_backup``, on its first writable opening of each day (store/backup.py).
    """

    target = str(path) if path is not None else str(default_path())
    stamp_clock = clock or _system_now

    def make(conn: sqlite3.Connection) -> Store:
        conn.row_factory = sqlite3.Row
        return Store(conn, target, clock=stamp_clock, author=author)

    file = Path(target)
    created: list[Path] = []
    if target != MEMORY:
        created = _prepare_file(file, target, create)
        _make_private(file, target)
    try:
        writable: Store | None = None
        try:
            try:
                writable = make(_connect(target))
            except sqlite3.Error as exc:
                raise translate(exc, target) from None
            store, version = writable, _configure(writable, wal=target != MEMORY)
        except BaseException as exc:
            if writable is not None:
                writable.close()
            if not isinstance(exc, StoreReadOnlyError) or create or target == MEMORY:
                raise
            # a full disk (or a read-only file): reading needs no write
            store, version = _open_read_only(file, target, exc, make)
        try:
            if version > migrations.LATEST_VERSION:
                raise _newer_schema(version, migrations.LATEST_VERSION)
            if version < migrations.LATEST_VERSION:
                if not migrate:
                    raise StoreError("La base de datos necesita actualizar su esquema.")
                if version > 0 and target != MEMORY:
                    from store.backup import backup_before_migration  # lazy: store.backup imports this module

                    backup_before_migration(store, version)  # refuses (raises) when it cannot be made
                migrations.apply_migrations(store, version)
            if target != MEMORY and auto_backup and not store.unwritable:
                _daily_backup(store, fresh=version == 0)
        except BaseException:
            store.close()
            raise
    except BaseException:
        if created:
            remove_quietly(created)
        raise
    return store
