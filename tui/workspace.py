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
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from policy.clock import format_date, local
from policy.codes import Status
from policy.engine import agenda
from policy.obligations import Obligation, State
from policy.profile import Profile
from policy.records import Account, Assignment, Person
from store.db import Store, open_store
from store.errors import StoreMissingError
from store.files import sweep_stale_temp_files
from tui.core.agenda import Agenda, compute_agenda
from tui.core.setup import DatabaseStatus, database_status

P = ParamSpec("P")
R = TypeVar("R")

#: Setting (in the ``settings`` table) with the idle minutes before the workbench locks; 0 disables it.
IDLE_LOCK_KEY = "workbench_idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
#: How far ahead the account and person tables look for their next deadline.
DETAIL_HORIZON_DAYS = 365


def error_text(exc: BaseException) -> str:
    """The Spanish sentence the workbench shows for an error raised by a worker."""
    from policy.errors import ResguardoError

    if isinstance(exc, ResguardoError):
        return exc.message
    return f"Error inesperado ({type(exc).__name__}: {exc}). No se guardó nada."


def fold(text: str) -> str:
    """Lower-case and strip accents, so «mexico» finds «México» when filtering."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(haystack: str, query: str) -> bool:
    """Every word of ``query`` (already folded) appears somewhere in ``haystack`` (folded)."""
    return all(word in haystack for word in query.split())


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: Account
    #: role -> names of the people who hold it today
    holders: Mapping[str, str]
    last_rotation: datetime | None
    last_evaluation: date | None
    next_due: Obligation | None
    worst: Status | None
    #: folded text the filter searches: network, handle, area, e-mail, administrators
    haystack: str

    @property
    def state_label(self) -> str:
        if self.account.status != "activa":
            return self.account.status
        if self.worst is Status.OVERDUE:
            return "vencido"
        if self.worst is Status.DUE_SOON:
            return "por vencer"
        return "al día"


@dataclass(frozen=True, slots=True)
class PersonRow:
    person: Person
    roles: Sequence[tuple[Assignment, Account]]
    last_training: date | None
    next_due: Obligation | None
    worst: Status | None
    haystack: str


@dataclass(frozen=True, slots=True)
class Institution:
    """Everything the Cuentas and Personas screens show, loaded in one pass."""

    now: datetime
    profile: Profile
    #: the two roles the account table shows (``titular``/``suplente``, or ``enlace``/``coadministrador``)
    table_roles: tuple[str, str]
    accounts: Sequence[AccountRow]
    people: Sequence[PersonRow]
    people_by_id: Mapping[int, Person]
    assignments_by_account: Mapping[int, Sequence[Assignment]]
    obligations_by_account: Mapping[int, Sequence[Obligation]]
    obligations_by_person: Mapping[int, Sequence[Obligation]]
    trainings_by_person: Mapping[int, Sequence[date]] = field(default_factory=dict)
    #: account id -> what the strength and reuse checks found (never the secret)
    credentials: Mapping[int, Any] = field(default_factory=dict)
    #: account id -> its second factor, when recorded
    second_factors: Mapping[int, Any] = field(default_factory=dict)
    #: account id -> its ``red/usuario`` (the workflow listings name thousands of records by it)
    account_refs: Mapping[int, str] = field(default_factory=dict)


_STATUS_RANK = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2}


def _worst(items: Sequence[Obligation]) -> Status | None:
    if not items:
        return None
    return min((item.status for item in items), key=_STATUS_RANK.__getitem__)


def _first_due(items: Sequence[Obligation]) -> Obligation | None:
    dated = [item for item in items if not item.standing]
    return min(dated, key=lambda item: item.due) if dated else None


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
        self._secrets: Any = None

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

    def startup(self) -> Startup:
        """Status (the core's ``database_status``), idle minutes and, on an initialized database,
        the agenda (see ``load``). A missing database is not initialized, and stays uncreated
        until the wizard creates it."""
        with _collector_paused():
            try:
                status = self.run(database_status)
            except StoreMissingError:
                status = DatabaseStatus(path=self.db_path, profile_id=None, accounts=0, people=0)
            sweep_stale_temp_files(Path(self.db_path).parent)  # the exports' leftovers of a crash
            if not status.initialized:
                return Startup(status, DEFAULT_IDLE_LOCK_MINUTES, None, None)
            agenda, build_institution = self.load()
            startup = Startup(status, self.idle_lock_minutes(), agenda, build_institution)
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

    @staticmethod
    def keyring_backend() -> str:
        """The name of the keyring backend in use (deferred import: keyring costs ~60 ms).

        Hook for the credentials issue: when the backend is the encrypted file
        fallback, the wizard and the idle lock will ask for its passphrase.
        """
        try:
            import keyring

            backend = keyring.get_keyring()
        except Exception as exc:  # keyring reports broken back-ends with many exception types
            return f"no disponible ({type(exc).__name__})"
        name = str(getattr(backend, "name", "") or type(backend).__name__)
        module = type(backend).__module__
        if module.endswith((".fail", ".null")):
            return f"ninguno disponible en este sistema ({name}); las contraseñas no podrán guardarse todavía"
        return name

    # -- settings of the workbench --------------------------------------------

    def idle_lock_minutes(self) -> int:
        with self.session() as store:
            value = store.settings.get(IDLE_LOCK_KEY, DEFAULT_IDLE_LOCK_MINUTES)
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return DEFAULT_IDLE_LOCK_MINUTES

    def set_idle_lock_minutes(self, minutes: int) -> None:
        from policy.errors import UsageError

        if minutes < 0 or minutes > 24 * 60:
            raise UsageError("Los minutos de inactividad deben estar entre 0 (sin bloqueo) y 1440.")
        with self.session() as store:
            store.settings.set(IDLE_LOCK_KEY, int(minutes))

    # -- reading -----------------------------------------------------------

    def load(self) -> tuple[Agenda, Callable[[], Institution]]:
        """Hoy's agenda (the core's ``compute_agenda``), and a function that builds the Institution
        from the same state.

        One read of the database and one run of the engine serve both: the
        caller shows the agenda first and builds the rest afterwards.
        """
        with self.session() as store:
            snapshot = compute_agenda(store)
        # The year ahead of every account and person, and their trainings, are for the other
        # screens, built after the first frame.

        def build_institution() -> Institution:
            with self.session() as store:
                trainings = store.trainings.days_by_subject()
            state, now = snapshot.state, snapshot.now
            return self._institution(state, agenda(state, now, DETAIL_HORIZON_DAYS), trainings, now)

        return snapshot, build_institution

    def institution(self) -> Institution:
        """Accounts and people with their administrators, history and deadlines."""
        return self.load()[1]()

    def _institution(
        self, state: State, items: Sequence[Obligation], trainings: Mapping[int, Sequence[date]], now: datetime
    ) -> Institution:
        today = now.date()
        by_account: dict[int, list[Obligation]] = {}
        by_person: dict[int, list[Obligation]] = {}
        for item in items:
            if item.account is not None:
                by_account.setdefault(item.account.id, []).append(item)
            if item.person is not None:
                by_person.setdefault(item.person.id, []).append(item)
        assignments: dict[int, list[Assignment]] = {}
        for assignment in state.assignments:
            assignments.setdefault(assignment.account_id, []).append(assignment)
        accounts_by_id = {acc.id: acc for acc in state.accounts}
        people = state.people

        def holders(account_id: int) -> dict[str, str]:
            found: dict[str, list[str]] = {}
            for a in assignments.get(account_id, ()):
                if a.active_on(today) and a.person_id in people:
                    found.setdefault(a.role, []).append(people[a.person_id].name)
            return {role: ", ".join(names) for role, names in found.items()}

        account_rows = []
        for acc in state.accounts:
            pending = by_account.get(acc.id, [])
            current = [
                people[a.person_id].name
                for a in assignments.get(acc.id, ())
                if a.active_on(today) and a.person_id in people
            ]
            haystack = fold(" ".join([acc.network, acc.handle, acc.area or "", acc.email or "", acc.status, *current]))
            account_rows.append(
                AccountRow(
                    account=acc,
                    holders=holders(acc.id),
                    last_rotation=state.last_rotation.get(acc.id),
                    last_evaluation=state.last_evaluation.get(acc.id),
                    next_due=_first_due(pending),
                    worst=_worst(pending),
                    haystack=haystack,
                )
            )
        roles_by_person: dict[int, list[tuple[Assignment, Account]]] = {}
        for assignment in state.assignments:
            held = accounts_by_id.get(assignment.account_id)
            if held is not None:
                roles_by_person.setdefault(assignment.person_id, []).append((assignment, held))
        person_rows = []
        for person in sorted(people.values(), key=lambda p: fold(p.name)):
            person_roles = roles_by_person.get(person.id, [])
            pending = by_person.get(person.id, [])
            haystack = fold(
                " ".join(
                    [
                        person.name,
                        person.email or "",
                        person.rank or "",
                        *(held.ref for a, held in person_roles if a.active_on(today)),
                    ]
                )
            )
            person_rows.append(
                PersonRow(
                    person=person,
                    roles=person_roles,
                    last_training=state.last_training.get(person.id),
                    next_due=_first_due(pending),
                    worst=_worst(pending),
                    haystack=haystack,
                )
            )
        admin_roles = list(state.profile.settings.admin_roles)
        table_roles = (admin_roles[0], admin_roles[1] if len(admin_roles) > 1 else "coadministrador")
        return Institution(
            now=now,
            profile=state.profile,
            table_roles=table_roles,
            accounts=account_rows,
            people=person_rows,
            people_by_id=dict(people),
            assignments_by_account=assignments,
            obligations_by_account=by_account,
            obligations_by_person=by_person,
            trainings_by_person=trainings,
            credentials=dict(state.credentials or {}),
            second_factors=dict(state.second_factors or {}),
            account_refs={acc.id: acc.ref for acc in state.accounts},
        )

    def people(self) -> list[Person]:
        with self.session() as store:
            return store.people.list()

    # -- writing (each store call is one transaction) ------------------------------

    def record_rotation(self, account_id: int, at: datetime, reason: str | None, reference: str | None) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            store.rotations.record(account, at, reason=reason, reference=reference)
        return f"Rotación de {account.ref} registrada."

    def record_evaluation(self, account_id: int, day: date, note: str | None) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            store.evaluations.record(account, day, note=note)
        return f"Evaluación de {account.ref} registrada."

    def record_training(self, person_id: int, day: date, note: str | None) -> str:
        with self.session() as store:
            person = store.people.get(person_id)
            store.trainings.record(person, day, note=note)
        return f"Capacitación de {person.name} registrada."

    def save_account(self, account_id: int | None, fields: dict[str, Any]) -> str:
        """Add (``account_id`` None) or update an account; the store validates every field."""
        with self.session() as store:
            if account_id is None:
                account = store.accounts.add(**fields)
                return f"Cuenta {account.ref} agregada."
            account = store.accounts.update(account_id, **fields)
            return f"Cuenta {account.ref} actualizada."

    def assign(self, account_id: int, person_name: str, role: str, start: date) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            person = store.people.resolve(person_name)
            store.assignments.assign(account, person, role, start)
        return f"{person.name} es {role} de {account.ref}."

    def unassign(self, account_id: int, person_id: int, end: date) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            person = store.people.get(person_id)
            store.assignments.unassign(account, person, end)
        return f"{person.name} deja la administración de {account.ref}."

    def add_person(self, name: str, email: str | None, rank: str | None) -> str:
        with self.session() as store:
            person = store.people.add(name=name, email=email, rank=rank)
        return f"Persona {person.name} agregada."

    def update_person(self, person_id: int, email: str | None, rank: str | None) -> str:
        with self.session() as store:
            person = store.people.update(person_id, email=email, rank=rank)
        return f"Persona {person.name} actualizada."

    # -- resolving the agenda's workflow items (each store call is one transaction) --------------

    def tick_incident_notice(self, notice_id: int, at: datetime) -> str:
        """Tick one recipient of an incident's checklist (``notice_id`` is the agenda item's ``ref_id``)."""
        from store.errors import NotFoundError

        with self.session() as store:
            pending = {n.id: n for n in store.incidents.pending_notices()}
            notice = pending.get(notice_id)
            if notice is None:
                raise NotFoundError("Ese aviso ya no está pendiente: actualice la agenda (F5).")
            incident = store.incidents.get(notice.incident_id)
            position = next(n.position for n in incident.notices if n.id == notice_id)
            store.incidents.notify(notice.incident_id, str(position), at=at)
        return f"Incidente {notice.incident_id}: aviso a {notice.recipient} registrado."

    def resolve_consultation(self, consultation_id: int, result: str, at: datetime, note: str | None) -> str:
        with self.session() as store:
            done = store.consultations.resolve(consultation_id, result, at=at, note=note)
        return f"Consulta {done.id} «{done.subject}»: {done.state}."

    def resolve_request(self, request_id: int, result: str, at: datetime, note: str | None, area: str | None) -> str:
        with self.session() as store:
            done = store.information_requests.resolve(request_id, result, at=at, note=note, area=area)
        return f"Solicitud {done.id} de {done.requester}: {done.state}."

    def notify_admin_change(self, change_id: int, on: date, reference: str | None) -> str:
        with self.session() as store:
            store.admin_changes.notify(change_id, on=on, reference=reference)
        return f"Aviso del cambio de administración {change_id} registrado."

    def mark_holiday_notice(self, period_id: int, on: date, note: str | None) -> str:
        """Mark done the notice of the non-working period ``period_id`` (``YYYYMMDD`` of its first day)."""
        from tui.core.notices import mark_holiday_notice

        start = date(period_id // 10000, period_id // 100 % 100, period_id % 100)
        with self.session() as store:
            period = mark_holiday_notice(store, self.now(), start, on, note)
        return f"Aviso de {period.label} marcado como dado."

    def record_person_document(self, person_id: int, kind: str, on: date, reference: str | None) -> str:
        from policy.labels import KIND_LABELS

        with self.session() as store:
            person = store.people.get(person_id)
            store.person_documents.record(person, kind, on=on, reference=reference)
        return f"{KIND_LABELS.get(kind, kind)} de {person.name} registrado."

    def add_waiver(self, key: str, until: date, reason: str, reference: str | None) -> str:
        """Waive the obligation with ``key`` (``Obligation.key``) until ``until`` inclusive."""
        with self.session() as store:
            waiver = store.waivers.add(until=until, reason=reason, key=key, reference=reference)
        return f"Dispensa {waiver.id} registrada hasta el {until.isoformat()}."

    # -- passwords (the secret goes to the keyring only, never to SQLite) ----------------------

    def open_secrets(self, passphrase: str | None = None) -> Any:
        """The installation's keyring; unlocks the encrypted-file fallback with ``passphrase``.

        The unlocked keyring is kept for the session (until ``lock_secrets``).
        Raises KeyringLockedError when the fallback needs a passphrase that was
        not given, WrongPassphraseError when it does not open the file.
        """
        from store.secrets import KeyringLockedError, Secrets, resolve_backend

        cached = self._secrets
        if cached is not None and not cached.needs_passphrase():
            return cached
        if cached is None:
            with self.session() as store:
                installation = store.credentials.installation_id()
            cached = Secrets(resolve_backend(self.db_path), installation)
        if cached.needs_passphrase():
            if not passphrase:
                self._secrets = cached
                raise KeyringLockedError("El llavero cifrado de resguardo está bloqueado: escriba su frase maestra.")
            cached.unlock(lambda _new: passphrase)
            self._secrets = cached
            self._checkpoint(cached)
        self._secrets = cached
        return cached

    def _checkpoint(self, secrets: Any) -> None:
        """A keyed checkpoint of the bitácora now that the keyring is open (never raises; store.integrity).

        Not on an encrypted file that does not exist yet: opening it must not
        create it (the first password does).
        """
        from store.integrity import checkpoint

        if secrets.encrypted_file and not secrets.backend.exists:
            return
        with self.session() as store:
            checkpoint(store, secrets)

    def secrets_or_problem(self) -> tuple[Any, str | None]:
        """The keyring open in this session, or None and why (Spanish), for work whose keyed part is
        optional (verifying the bitácora skips the keyed checkpoints without it)."""
        from store.secrets import KeyringLockedError, SecretStoreError, keyring_problem  # lazy: keyring, ~60 ms

        try:
            return self.open_secrets(), None
        except KeyringLockedError:
            return None, "el llavero está bloqueado (se abre al guardar o copiar una contraseña)"
        except SecretStoreError as exc:
            return None, keyring_problem(exc.message)

    def keyring_fallback(self) -> tuple[bool, bool]:
        """(the keyring in use is resguardo's encrypted file and is locked, that file exists yet)."""
        from store.secrets import KeyringLockedError

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

    def check_password(self, account_id: int, password: str, secrets: Any | None = None) -> PasswordCheck:
        """Strength (zxcvbn score and Spanish feedback) and reuse of a candidate; slow (~0.15 s): call in a worker."""
        from store.credentials import evaluate, reuse_refusal
        from store.secrets import fingerprint

        with self.session() as store:
            account = store.accounts.get(account_id)
            report = evaluate(store, account, password, store.settings.profile())
            reuse = None
            key = secrets.fingerprint_key() if secrets is not None else None
            if key is not None and password:
                refusal = reuse_refusal(store, account, fingerprint(key, password))
                reuse = f"{refusal[0].upper()}{refusal[1:]}." if refusal else None
        return PasswordCheck(report, reuse)

    def generate_password(self, account_id: int) -> str:
        from policy.generator import DEFAULT_LENGTH
        from policy.generator import generate_password as make_password
        from store.credentials import strength_inputs

        with self.session() as store:
            account = store.accounts.get(account_id)
            profile = store.settings.profile()
            inputs = strength_inputs(store, account, profile)
        return make_password(
            max(DEFAULT_LENGTH, profile.settings.min_length),
            min_length=profile.settings.min_length,
            min_score=profile.settings.min_zxcvbn_score,
            handle=account.handle,
            user_inputs=inputs,
        )

    def set_password(
        self,
        account_id: int,
        password: str,
        secrets: Any,
        reason: str | None,
        reference: str | None,
        *,
        generated: bool = False,
    ) -> str:
        """The path of ``credencial fijar`` (``generar`` when ``generated``): checks, then the rotation
        with its reason and oficio and the keyring write in one transaction, all or nothing."""
        from store.credentials import set_password

        with self.session() as store:
            account = store.accounts.get(account_id)
            result = set_password(
                store,
                secrets,
                account,
                password,
                source="generar" if generated else "fijar",
                reason=reason,
                reference=reference,
            )
        rotation = result.rotation
        why = f" ({rotation.reason.rstrip('.')})" if rotation.reason else ""
        oficio = f", oficio {rotation.reference}" if rotation.reference else ""
        return (
            f"Contraseña de {account.ref} guardada en el llavero (puntaje {result.report.score} de 4)."
            f" Rotación registrada{why}{oficio}."
        )

    # -- saves interrupted by a crash (see store.credentials.settle_pending) ----------------------

    def interrupted_saves(self) -> list[tuple[int, str, str]]:
        """(account id, red/usuario, Spanish label) of every save a crash left half-way (no keyring needed)."""
        with self.session() as store:
            pending = store.credentials.pending()
            if not pending:
                return []
            refs = {a.id: a.ref for a in store.accounts.list()}
        return [(p.account_id, refs.get(p.account_id, str(p.account_id)), p.label) for p in pending]

    def settle_account_secrets(self, account_id: int, secrets: Any) -> tuple[list[str], list[str]]:
        """Finish what an interrupted save of this account left (see ``settle_pending``).

        Returns (the kinds whose new secret waits for the user's decision,
        Spanish notes of what was finished or dropped).
        """
        from store.credentials import AWAITING, COMPLETED, settle_pending

        waiting: list[str] = []
        notes: list[str] = []
        with self.session() as store:
            account = store.accounts.get(account_id)
            for pending in store.credentials.pending(account_id):
                outcome = settle_pending(store, secrets, pending)
                if outcome == AWAITING:
                    waiting.append(pending.kind)
                elif outcome == COMPLETED:
                    notes.append(
                        f"Se terminó de guardar {pending.label} de {account.ref}: su cambio ya estaba registrado."
                    )
        return waiting, notes

    def pending_secret_text(self, account_id: int, kind: str) -> str:
        """The Spanish explanation the decision dialog shows."""
        with self.session() as store:
            account = store.accounts.get(account_id)
            pending = store.credentials.pending_for(account_id, kind)
        if pending is None:
            return ""
        moment = pending.started_at
        what = "la rotación" if kind == "password" else "el cambio"
        return (
            f"Un guardado de {pending.label} de {account.ref} se interrumpió el {format_date(moment.date())}"
            f" a las {moment:%H:%M}: {pending.label} nueva quedó en el llavero, pero {what} no se registró."
            f" Si ya la usa en la red social, confírmela; si no, descártela (sigue vigente la anterior)."
        )

    def confirm_pending_secret(self, account_id: int, kind: str, secrets: Any) -> str:
        from store.credentials import confirm_pending

        with self.session() as store:
            account = store.accounts.get(account_id)
            pending = confirm_pending(store, secrets, account, kind)
        return f"{pending.label[0].upper()}{pending.label[1:]} nueva de {account.ref} quedó confirmada y en su lugar."

    def discard_pending_secret(self, account_id: int, kind: str, secrets: Any) -> str:
        from store.credentials import COMPLETED, PENDING_LABELS, discard_pending

        with self.session() as store:
            account = store.accounts.get(account_id)
            outcome = discard_pending(store, secrets, account, kind)
        label = PENDING_LABELS[kind]
        if outcome == COMPLETED:
            return f"El cambio de {label} de {account.ref} ya estaba registrado: se terminó de guardar."
        return f"Se descartó {label} nueva de {account.ref}; sigue vigente la anterior."

    def oficio_reminder(self, reference: str | None) -> str | None:
        """What the profile asks after a password change without an oficio (IECM: the UTCSyD)."""
        from policy.reminders import oficio_reminder

        with self.session() as store:
            profile_id = store.settings.profile().id
        return oficio_reminder(profile_id, reference)

    def credential_health(self, account_id: int) -> Any:
        with self.session() as store:
            return store.credentials.status(account_id)

    # -- incidents, consultations, information requests --------------------------

    def incidents(self) -> list[Any]:
        """Every incident, open ones first, each newest first."""
        with self.session() as store:
            found = store.incidents.list()
        return sorted(found, key=lambda i: (not i.is_open, -i.opened_at.timestamp(), -i.id))

    def open_incident(self, account_id: int, description: str, at: datetime) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            incident = store.incidents.open(account, description, at=at)
        return (
            f"Incidente {incident.id} abierto en {account.ref}; por notificar a "
            + ", ".join(n.recipient for n in incident.notices)
            + "."
        )

    def tick_incident(self, incident_id: int, position: int, at: datetime) -> str:
        with self.session() as store:
            incident = store.incidents.notify(incident_id, str(position), at=at)
        notice = next(n for n in incident.notices if n.position == position)
        return f"Incidente {incident_id}: aviso a {notice.recipient} registrado."

    def close_incident(self, incident_id: int, at: datetime, without_rotation: bool, reason: str | None) -> str:
        with self.session() as store:
            store.incidents.close(incident_id, at=at, without_rotation=without_rotation, reason=reason)
        return f"Incidente {incident_id} cerrado."

    def consultations(self) -> list[Any]:
        """Pending consultations, oldest first (the first to fall due)."""
        with self.session() as store:
            return store.consultations.pending()

    def add_consultation(self, account_id: int, subject: str, sent_at: datetime, text: str | None) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            consultation = store.consultations.add(account, subject=subject, sent_at=sent_at, text=text)
        return f"Consulta {consultation.id} registrada para {account.ref}."

    def information_requests(self) -> list[Any]:
        """Open information requests, oldest first."""
        with self.session() as store:
            return store.information_requests.open()

    def add_request(self, account_id: int, requester: str, subject: str, received_at: datetime) -> str:
        with self.session() as store:
            account = store.accounts.get(account_id)
            request = store.information_requests.add(
                account, requester=requester, subject=subject, received_at=received_at
            )
        return f"Solicitud {request.id} de {request.requester} registrada."


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """A candidate's strength report (never the password) and, when it repeats one, why."""

    report: Any
    reuse: str | None
