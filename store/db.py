"""Opening the database, the one transaction helper, and translating SQLite errors.

Every statement the project runs goes through ``Store.execute`` /
``Store.query`` so that SQLite's English errors become one Spanish message.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy.clock import ZONE
from store.errors import (
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreNewerSchemaError,
    StoreReadOnlyError,
    os_error_text,
)

if TYPE_CHECKING:
    from store.accounts import Accounts, Assignments, People
    from store.bitacora import Bitacora
    from store.calendar import Calendar
    from store.credentials import Credentials
    from store.history import Evaluations, Rotations, Trainings
    from store.incidents import Incidents
    from store.settings import Settings
    from store.workflows import (
        AdminChanges,
        Closings,
        Consultations,
        Events,
        HolidayNotices,
        InformationRequests,
        Openings,
        PersonDocuments,
        Waivers,
    )

ENV_DB = "RESGUARDO_DB"
ENV_LOCK_TIMEOUT = "RESGUARDO_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 5.0
MEMORY = ":memory:"
#: Messages of RAISE() in our triggers start with this; the rest is Spanish for the user.
TRIGGER_PREFIX = "resguardo:"

Params = Sequence[Any] | dict[str, Any]


def default_path() -> Path:
    """The database file: ``RESGUARDO_DB`` if set, else the user data dir (platformdirs)."""
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path  # deferred: ~20 ms, only when no path is given

    return user_data_path("resguardo", appauthor=False) / "resguardo.db"


def _lock_timeout() -> float:
    raw = os.environ.get(ENV_LOCK_TIMEOUT, "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _system_now() -> datetime:
    return datetime.now(ZONE)


def _os_user() -> str:
    import getpass  # deferred: only when no author is given

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name on some service accounts
        return "desconocido"


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
        return StoreCorruptError(
            f"El archivo{where} no es una base de datos de resguardo o está dañado."
        )
    if "unable to open" in text:
        return StoreError(f"No se pudo abrir la base de datos{where}.")
    if "disk i/o" in text or "full" in text:
        return StoreError(f"Error de escritura en disco{where}: no se guardó nada.")
    if str(exc).startswith(TRIGGER_PREFIX):
        # Our own triggers refuse with a Spanish sentence: show it as is.
        message = str(exc)[len(TRIGGER_PREFIX):].strip()
        return StoreError(message[:1].upper() + message[1:] + ".")
    if isinstance(exc, sqlite3.IntegrityError):
        # The repositories check first; these are races with another process or bugs.
        if "unique" in text:
            from store.errors import ConflictError

            return ConflictError("Ya existe un registro con esos mismos datos: no se guardó nada.")
        if "foreign key" in text:
            return StoreError("El registro se refiere a otro que no existe: no se guardó nada.")
        return StoreError("Los datos no cumplen una regla de la base de datos: no se guardó nada.")
    return StoreError(f"Error de la base de datos{where}: {exc}.")


class Store:
    """A connection to one resguardo database.

    ``clock`` and ``author`` stamp what is recorded (tests and the command line
    inject them); ``atomic()`` wraps a unit of work.
    """

    # Repositories, created on first use from ``store.repos.REPOSITORIES``.
    settings: Settings
    accounts: Accounts
    people: People
    assignments: Assignments
    rotations: Rotations
    evaluations: Evaluations
    trainings: Trainings
    calendar: Calendar
    bitacora: Bitacora
    incidents: Incidents
    credentials: Credentials
    events: Events
    consultations: Consultations
    information_requests: InformationRequests
    openings: Openings
    closings: Closings
    admin_changes: AdminChanges
    person_documents: PersonDocuments
    holiday_notices: HolidayNotices
    waivers: Waivers

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
        self._savepoints = itertools.count(1)
        # The functions the record-chain triggers call (a connection without them cannot
        # write those tables), and whether a transaction moved a head the witness records.
        from store.integrity import Changes, register_functions

        self._changes = Changes()
        register_functions(conn, self._changes)
        from store.repos import attach_repositories

        attach_repositories(self)

    def __getattr__(self, name: str) -> Any:
        """Create a repository (``store.accounts``…) the first time it is used."""
        if name.startswith("_"):
            raise AttributeError(name)
        from store.repos import create_repository

        return create_repository(self, name)

    # -- statements -------------------------------------------------------

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run one statement; SQLite errors become StoreError."""
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None

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
            raise translate(exc, self.path) from None

    def query_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self.execute(sql, params).fetchone()

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
            self.execute("COMMIT")
        except BaseException:
            changes.due = False
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if changes.due:
            changes.due = False
            from store.integrity import after_commit

            after_commit(self)

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


def _create_private_file(path: Path) -> None:
    """Create an empty file readable only by its owner (0600 where the OS has modes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    with contextlib.suppress(OSError):  # Windows keeps ACLs instead of modes
        os.chmod(path, 0o600)


def open_store(
    path: str | Path | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
    author: str | None = None,
    migrate: bool = True,
) -> Store:
    """Open (creating if needed) the database and bring its schema up to date.

    ``path`` may be ``":memory:"``. Raises StoreCorruptError for a file that is
    not a resguardo database, StoreNewerSchemaError for one written by a newer
    version, StoreLockedError / StoreReadOnlyError when it cannot be written.
    """
    target = str(path) if path is not None else str(default_path())
    if target != MEMORY:
        file = Path(target)
        if file.exists() and file.is_dir():
            raise StoreError(f"La ruta {target} es una carpeta, no una base de datos.")
        if not file.exists():
            try:
                _create_private_file(file)
            except OSError as exc:
                raise StoreError(
                    f"No se pudo crear la base de datos en {target}: {os_error_text(exc)}."
                ) from None
    try:
        conn = sqlite3.connect(
            target, timeout=_lock_timeout(), isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise translate(exc, target) from None
    conn.row_factory = sqlite3.Row
    store = Store(conn, target, clock=clock or _system_now, author=author)
    try:
        store.execute("PRAGMA foreign_keys = ON")
        version = int(store.query_one("PRAGMA user_version")[0])  # type: ignore[index]
        if target != MEMORY:
            mode = store.query_one("PRAGMA journal_mode")[0]  # type: ignore[index]
            if str(mode).lower() != "wal":
                with contextlib.suppress(StoreReadOnlyError):
                    store.execute("PRAGMA journal_mode = WAL")
            store.execute("PRAGMA synchronous = NORMAL")
            # Reads through the OS page cache: cold starts of the CLI read less.
            store.execute("PRAGMA mmap_size = 268435456")
        from store.migrations import LATEST_VERSION, apply_migrations

        if version > LATEST_VERSION:
            raise StoreNewerSchemaError(
                f"La base de datos es de una versión más reciente de resguardo (esquema {version};"
                f" esta versión conoce hasta el {LATEST_VERSION}). Actualice resguardo."
            )
        if version < LATEST_VERSION:
            if not migrate:
                raise StoreError("La base de datos necesita actualizar su esquema.")
            apply_migrations(store, version)
    except BaseException:
        conn.close()
        raise
    return store
