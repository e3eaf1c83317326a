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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from policy.clock import local
from policy.codes import Status
from policy.obligations import Obligation
from policy.profile import PROFILE_IDS, Profile, load_profile
from store.db import Store, open_store
from store.errors import StoreMissingError
from tui.core.records import (
    DEFAULT_IDLE_LOCK_MINUTES,
    Institution,
    idle_lock_minutes,
    institution,
)
from tui.core.records import (
    fold as fold,  # re-exported: tui/screens/workflows.py filters with it
)

if TYPE_CHECKING:
    from store.secrets import Secrets

P = ParamSpec("P")
R = TypeVar("R")


def error_text(exc: BaseException) -> str:
    """The Spanish sentence the workbench shows for an error raised by a worker."""
    from policy.errors import ResguardoError

    if isinstance(exc, ResguardoError):
        return exc.message
    return f"Error inesperado ({type(exc).__name__}: {exc}). No se guardó nada."


@dataclass(frozen=True, slots=True)
class ProfileChoice:
    id: str
    short_name: str
    name: str


def profile_choices() -> list[ProfileChoice]:
    profiles = [load_profile(pid) for pid in PROFILE_IDS]
    return [ProfileChoice(p.id, p.short_name, p.name) for p in profiles]


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    path: str
    profile_id: str | None
    accounts: int
    people: int

    @property
    def initialized(self) -> bool:
        return self.profile_id is not None


@dataclass(frozen=True, slots=True)
class Agenda:
    """The agenda as of ``now`` and the counts of the header line."""

    now: datetime
    profile: Profile
    items: Sequence[Obligation]
    accounts: int
    open_incidents: int = 0

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status is status)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.

    Reading the state allocates tens of thousands of objects that all outlive the
    read; the collections they trigger find nothing to free (~15 ms of the
    workbench's start on 2,000 accounts). Collection resumes at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What the workbench says after verifying the bitácora."""

    ok: bool
    message: str


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
            from store.db import default_path

            db_path = default_path()
        self.db_path = str(db_path)
        self.clock = clock
        #: the keyring, once opened (and unlocked, for the encrypted file): see ``open_secrets``
        self._secrets: Secrets | None = None

    def now(self) -> datetime:
        return local(self.clock())

    @contextlib.contextmanager
    def session(self, *, create: bool = False) -> Iterator[Store]:
        """A connection of this thread's own, closed when the block ends.

        Only the first-run wizard (``initialize``) passes ``create``: everything
        else needs the database to exist already.
        """
        store = open_store(self.db_path, clock=self.now, create=create)
        try:
            yield store
        finally:
            store.close()

    def run(self, use_case: Callable[Concatenate[Store, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call a use case of the core (``tui.core``) on a connection of this thread's own.

        The workbench's workers call this: one connection per call, opened and
        closed on the worker's thread, with the workspace's clock as the store's.
        """
        with self.session() as store:
            return use_case(store, *args, **kwargs)

    # -- first run ---------------------------------------------------------

    def status(self) -> DatabaseStatus:
        """What the first frame shows; a missing (or empty) database is not initialized, and
        stays uncreated until the wizard's ``initialize``."""
        try:
            store = open_store(self.db_path, clock=self.now)
        except StoreMissingError:
            return DatabaseStatus(path=self.db_path, profile_id=None, accounts=0, people=0)
        with store:
            return DatabaseStatus(
                path=store.path,
                profile_id=store.settings.profile_id,
                accounts=store.accounts.count(),
                people=store.people.count(),
            )

    def startup(self) -> Startup:
        """Status, idle minutes and, on an initialized database, the agenda (see ``load``)."""
        from store.files import sweep_stale_temp_files

        with _collector_paused():
            status = self.status()
            sweep_stale_temp_files(Path(self.db_path).parent)  # the exports' leftovers of a crash
            if not status.initialized:
                return Startup(status, DEFAULT_IDLE_LOCK_MINUTES, None, None)
            agenda, build_institution = self.load()
            startup = Startup(status, self.run(idle_lock_minutes), agenda, build_institution)
        if "textual" not in sys.modules:
            # The read ``resguardo`` makes before importing Textual: what is alive now (the
            # modules, this state) lives for the session. Out of the collector's generations,
            # importing Textual and drawing the first frame do not traverse it on every
            # collection (~30 ms on 2,000 accounts).
            gc.freeze()
        return startup

    def create_database(self) -> None:
        """Create the database (empty, no profile yet) if it does not exist: the first-run wizard
        does it as it opens, since the keyring names its entries after the database's id."""
        with self.session(create=True):
            pass

    def initialize(self, profile_id: str, *, demo: bool) -> str:
        """Choose the profile (and load the demo institution); returns a Spanish summary.

        Raises UsageError for an unknown profile, ConflictError when the demo
        meets a database that already has data.
        """
        from store.state import calendar_years

        with self.session(create=True) as store:
            if demo:
                from store.demo import build_demo

                summary = build_demo(store, profile_id, self.now())
                message = (
                    f"Institución de ejemplo cargada ({summary['profile']}): {summary['accounts']} cuentas,"
                    f" {summary['people']} personas."
                )
            else:
                store.settings.set_profile(profile_id)
                message = f"Perfil {load_profile(profile_id).short_name} listo."
            first, last = calendar_years(load_profile(profile_id), self.now())
            store.calendar.ensure_years(first, last + 1)
        return message

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
        name = str(getattr(backend, "name", "") or type(backend).__name__)
        module = type(backend).__module__
        if module.endswith((".fail", ".null")):
            return f"ninguno disponible en este sistema ({name}); las contraseñas no podrán guardarse todavía"
        return name

    # -- reading -----------------------------------------------------------

    def load(self, horizon_days: int = 30) -> tuple[Agenda, Callable[[], Institution]]:
        """The agenda as of now, and a function that builds the Institution from the same state.

        One read of the database and one run of the engine serve both: the
        caller shows the agenda first and builds the rest afterwards.
        """

        from policy.engine import agenda
        from store.state import load_state

        now = self.now()
        with self.session() as store:
            state = load_state(store, now)
            open_incidents = store.incidents.open_count()
        # Hoy needs only its window: the engine's agenda for horizon_days, the very list
        # ``resguardo pendientes --dias`` prints (whole days: up to the end of the last one).
        # The year ahead of every account and person, and their trainings, are for the other
        # screens, built after the first frame.
        near = agenda(state, now, horizon_days)
        snapshot = Agenda(
            now=now, profile=state.profile, items=near, accounts=len(state.accounts), open_incidents=open_incidents
        )

        def build_institution() -> Institution:
            return self.run(institution, now=now, state=state)

        return snapshot, build_institution

    def agenda(self, horizon_days: int = 30) -> Agenda:
        return self.load(horizon_days)[0]

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

    # -- bitácora ----------------------------------------------------------

    def search_bitacora(
        self,
        text: str,
        account_id: int | None = None,
        kind: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 200,
    ) -> list[Any]:
        """Entries newest first (the store folds diacritics); dates are local days, inclusive,
        as in ``resguardo bitacora buscar --desde/--hasta``."""
        from policy.clock import end_of_day, start_of_day

        with self.session() as store:
            return store.bitacora.search(
                text or None,
                account_id=account_id,
                kind=kind,
                since=start_of_day(since) if since else None,
                until=end_of_day(until) if until else None,
                limit=limit,
            )

    def add_bitacora_entry(self, account_id: int | None, kind: str, text: str, occurred_at: datetime | None) -> str:
        with self.session() as store:
            entry = store.bitacora.append(kind=kind, text=text, account=account_id, occurred_at=occurred_at)
        return f"Entrada {entry.id} agregada a la bitácora."

    def verify_bitacora(self) -> VerifyResult:
        """``bitacora verificar``'s checks (store.integrity): the chain, the records, the witnesses and,
        when the keyring is open in this session, the keyed checkpoints (one more is signed then)."""
        from store import integrity
        from store.secrets import KeyringLockedError, SecretStoreError, keyring_problem

        secrets, problem = None, None
        try:
            secrets = self.open_secrets()
        except KeyringLockedError:
            problem = "el llavero está bloqueado (se abre al guardar o copiar una contraseña)"
        except SecretStoreError as exc:
            problem = keyring_problem(exc.message)
        with self.session() as store:
            report = integrity.verify(store, secrets, keyring_problem=problem)
        if report.ok:
            message = report.chain.message
            if not report.keyed and report.keyed_skipped:
                message += f" Comprobaciones con la clave del llavero omitidas: {report.keyed_skipped}."
            return VerifyResult(True, message)
        problems = report.all_problems
        more = len(problems) - 1
        return VerifyResult(False, problems[0] + (f" (y {more} problema{'s' if more > 1 else ''} más)" if more else ""))

    def latest_entries(self, account_id: int, limit: int = 5) -> list[Any]:
        with self.session() as store:
            return store.bitacora.search(None, account_id=account_id, limit=limit)
