"""What the workbench reads and writes, as plain snapshots; never imports Textual.

The workbench runs database work in thread workers. SQLite connections must not
be shared between threads, so every call here opens its own short-lived
connection on the same file (``session()``, ~1 ms) and closes it at the end.
Snapshots are immutable dataclasses the UI thread can read freely.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from policy.clock import local
from policy.errors import ResguardoError
from store.agenda_cache import KeptAgendaDamaged  # noqa: F401  (the workbench catches it from here)
from store.db import Store, default_path, open_store
from store.errors import StoreError, StoreMissingError
from store.files import sweep_stale_temp_files
from tui.core.agenda import Agenda, keep_agenda, prepare_soon, recent_agenda, settle_kept_agenda
from tui.core.records import (
    DEFAULT_IDLE_LOCK_MINUTES,
    Institution,
    idle_lock_minutes,
    institution,
)
from tui.core.setup import DatabaseStatus, database_status

if TYPE_CHECKING:
    from store.secrets import Secrets

P = ParamSpec("P")
R = TypeVar("R")


def error_text(exc: BaseException) -> str:
    """The Spanish sentence the workbench shows for an error raised by a worker."""
    if isinstance(exc, ResguardoError):
        return exc.message
    return f"Error inesperado ({type(exc).__name__}: {exc}). No se guardó nada."


@contextlib.contextmanager
def _collector_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Reading the state allocates tens of thousands of objects that all outlive the
    read; the collections they trigger find nothing to free (~15 ms of the
    workbench's start on 2,000 accounts). Collection resumes at the end.

    With ``freeze``, what is alive at the end is moved out of the collector's
    generations (``gc.freeze``) before collection resumes: the allocations of the
    block still count towards the next collection, and re-enabling first made the
    next allocation traverse every object the read made (~60 ms at 20,000 accounts).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class Startup:
    """What the first frame needs: the database status, the idle lock, and the agenda."""

    status: DatabaseStatus
    idle_minutes: int
    agenda: Agenda | None
    build_institution: Callable[[], Institution] | None


class Workspace:
    """One database file and one clock, shared by every screen of the workbench."""

    def __init__(self, db_path: str | Path | None, clock: Callable[[], datetime]) -> None:
        if db_path is None:
            db_path = default_path()
        self.db_path = str(db_path)
        self.clock = clock
        #: set on a worker's thread while ``rehearse`` runs (each thread its own)
        self._rehearsing = threading.local()
        #: the keyring, once opened (and unlocked, for the encrypted file): see ``open_secrets``
        self._secrets: Secrets | None = None
        #: the connections open now, and whether the file is being replaced (``database_closed``)
        self._gate = threading.Condition()
        self._open_sessions = 0
        self._replacing = False

    def now(self) -> datetime:
        return local(self.clock())

    @contextlib.contextmanager
    def session(self, *, create: bool = False) -> Iterator[Store]:
        """A connection of this thread's own, closed when the block ends.

        Only the first-run wizard (``initialize``) passes ``create``: everything
        else needs the database to exist already.
        """
        with self._gate:
            self._gate.wait_for(lambda: not self._replacing)  # a restore is replacing the file: after it
            self._open_sessions += 1
        try:
            store = open_store(self.db_path, clock=self.now, create=create)
            try:
                yield store
            finally:
                store.close()
        finally:
            with self._gate:
                self._open_sessions -= 1
                self._gate.notify_all()

    @contextlib.contextmanager
    def database_closed(self, wait: float = 30.0) -> Iterator[None]:
        """No connection of the workbench is open on the database inside the block (a restore replaces the
        file: Windows cannot replace a file held open, and a connection left on the old file would read a
        file nobody sees). Waits up to ``wait`` seconds for the open ones to close; a ``session`` started
        meanwhile waits for the block to end, then opens the file found then.

        StoreError (Spanish) when the workbench's connections did not close in time.
        """
        with self._gate:
            if self._replacing:
                raise StoreError("Ya se está reemplazando la base de datos; espere a que termine.")
            self._replacing = True
            if not self._gate.wait_for(lambda: self._open_sessions == 0, wait):
                self._replacing = False
                self._gate.notify_all()
                raise StoreError(
                    "La mesa de trabajo sigue leyendo la base de datos; vuelva a intentarlo en un momento."
                    " No se cambió nada."
                )
        try:
            yield
        finally:
            with self._gate:
                self._replacing = False
                self._gate.notify_all()

    def run(self, use_case: Callable[Concatenate[Store, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call a use case of the core (``tui.core``) on a connection of this thread's own.

        The workbench's workers call this: one connection per call, opened and
        closed on the worker's thread, with the workspace's clock as the store's.
        Inside ``rehearse`` the call runs in a transaction that is rolled back.
        """
        with self.session() as store:
            if getattr(self._rehearsing, "on", False):
                with store.rehearsal():
                    return use_case(store, *args, **kwargs)
            return use_case(store, *args, **kwargs)

    @property
    def rehearsing(self) -> bool:
        """True inside ``rehearse`` on this thread: a call that also touches something outside SQLite (the
        keyring) must then leave it alone, since only the database's changes are rolled back."""
        return bool(getattr(self._rehearsing, "on", False))

    def rehearse(self, call: Callable[[], R]) -> R:
        """Run ``call`` (which calls ``run``) with every change rolled back: it raises what the real
        call would raise, and records nothing. Forms use it to validate before asking to confirm."""
        self._rehearsing.on = True
        try:
            return call()
        finally:
            self._rehearsing.on = False

    # -- first run ---------------------------------------------------------

    def startup(self) -> Startup:
        """Status (the core's ``database_status``), idle minutes and, on an initialized database,
        the agenda (see ``load``). A missing database is not initialized, and stays uncreated
        until the wizard creates it."""
        # The read ``resguardo`` makes before importing Textual: what is alive then (the modules,
        # this state) lives for the session. Frozen out of the collector's generations, importing
        # Textual and drawing the first frame do not traverse it on every collection (~30 ms on
        # 2,000 accounts).
        with _collector_paused(freeze="textual" not in sys.modules):
            try:
                status = self.run(database_status)
            except StoreMissingError:
                status = DatabaseStatus(path=self.db_path, profile_id=None, accounts=0, people=0)
            sweep_stale_temp_files(Path(self.db_path).parent)  # the exports' leftovers of a crash
            if not status.initialized:
                return Startup(status, DEFAULT_IDLE_LOCK_MINUTES, None, None)
            agenda, build_institution = self.load()
            startup = Startup(status, self.run(idle_lock_minutes), agenda, build_institution)
        return startup

    def create_database(self) -> None:
        """Create the database (empty, no profile yet) if it does not exist: the first-run wizard
        does it as it opens, since the keyring names its entries after the database's id."""
        with self.session(create=True):
            pass

    @staticmethod
    def keyring_backend() -> str:
        """The name of the keyring backend in use (deferred import: keyring costs ~60 ms).

        Hook for the credentials issue: when the backend is the encrypted file
        fallback, the wizard and the idle lock will ask for its passphrase.
        """
        try:
            import keyring  # lazy: ~60 ms, not for the first frame

            backend = keyring.get_keyring()
        except Exception as exc:  # keyring reports broken back-ends with many exception types
            return f"no disponible ({type(exc).__name__})"
        from policy.labels import keyring_label  # lazy: only the wizard asks

        cls = type(backend)
        if cls.__module__.endswith((".fail", ".null")):
            return "ninguno disponible en este sistema; las contraseñas no podrán guardarse todavía"
        return keyring_label(f"{cls.__module__}.{cls.__qualname__}")

    # -- reading -----------------------------------------------------------

    def load(self) -> tuple[Agenda, Callable[[], Institution]]:
        """Hoy's agenda (the core's ``recent_agenda``: the kept one when it holds, else computed),
        and a function that builds the Institution (the core's ``institution``) for the other screens.

        The caller shows the agenda first and builds the rest afterwards, off the
        first frame: from the state the agenda was computed from, or read then when
        the agenda was the kept one. A computed agenda is kept at that point too
        (``keep_agenda``), for the next start and the next ``pendientes``.
        """
        with self.session() as store:
            snapshot, key = recent_agenda(store)

        def build_institution() -> Institution:
            if key is None and not self.run(settle_kept_agenda, snapshot):
                raise KeptAgendaDamaged(
                    "La agenda guardada junto a la base de datos estaba dañada: se descartó y se calcula de nuevo."
                )
            built = self.run(institution, now=snapshot.now, state=snapshot.state)
            if key is not None:
                self.run(keep_agenda, snapshot, key)
            # the agenda of tomorrow's start, computed in advance in another process (if needed)
            self.run(prepare_soon)
            return built

        return snapshot, build_institution

    # -- passwords (the secret goes to the keyring only, never to SQLite) ----------------------

    def open_secrets(self, passphrase: str | None = None) -> Secrets:
        """The installation's keyring (``tui.core.credentials.open_keyring``), kept for the session.

        The encrypted-file fallback is unlocked with ``passphrase`` and stays
        unlocked until ``lock_secrets``. Raises KeyringLockedError when it needs
        a passphrase that was not given, WrongPassphraseError when it does not
        open the file.
        """
        from store.secrets import KeyringLockedError  # lazy: the keyring is not for the first frame
        from tui.core.credentials import open_keyring  # lazy: the keyring is not for the first frame

        cached = self._secrets
        if cached is not None and not cached.needs_passphrase():
            return cached
        if cached is None:
            cached = self.run(open_keyring)
        if cached.needs_passphrase():
            if not passphrase:
                self._secrets = cached
                raise KeyringLockedError("El llavero cifrado de resguardo está bloqueado: escriba su frase maestra.")
            cached.unlock(lambda _new: passphrase)
            self._secrets = cached
            self._checkpoint(cached)
        self._secrets = cached
        return cached

    def _checkpoint(self, secrets: Secrets) -> None:
        """A keyed checkpoint of the bitácora now that the keyring is open (never raises; store.integrity).

        Not on an encrypted file that does not exist yet: opening it must not
        create it (the first password does).
        """
        from store.integrity import checkpoint  # lazy: only once the keyring is open

        if secrets.encrypted_file and not secrets.backend.exists:
            return
        with self.session() as store:
            checkpoint(store, secrets)

    def keyring_fallback(self) -> tuple[bool, bool]:
        """(the keyring in use is resguardo's encrypted file and is locked, that file exists yet)."""
        from store.secrets import KeyringLockedError  # lazy: the keyring is not for the first frame

        try:
            self.open_secrets()
        except KeyringLockedError:
            secrets = self._secrets
            return True, bool(secrets is not None and secrets.backend.exists)
        return False, True

    def keyring_file_missing(self) -> bool:
        """The keyring opened so far is resguardo's encrypted file and the file does not exist yet:
        the passphrase typed next creates it (cheap: no keyring import)."""
        secrets = self._secrets
        return bool(secrets is not None and secrets.encrypted_file and not secrets.backend.exists)

    def lock_secrets(self) -> bool:
        """Forget the encrypted file's key (the idle lock); True when there was one to forget."""
        secrets = self._secrets
        if secrets is None or not secrets.encrypted_file or not secrets.backend.unlocked:
            return False
        secrets.backend.lock()
        return True

    def secrets_or_problem(self) -> tuple[Secrets | None, str | None]:
        """The keyring open in this session, or None and why (Spanish), for work whose keyed part is
        optional (verifying the bitácora skips the keyed checkpoints without it)."""
        from store.secrets import KeyringLockedError, SecretStoreError, keyring_problem  # lazy: keyring, ~60 ms

        try:
            return self.open_secrets(), None
        except KeyringLockedError:
            return None, "el llavero está bloqueado (se abre al guardar o copiar una contraseña)"
        except SecretStoreError as exc:
            return None, keyring_problem(exc.message)
