"""The institution's records: accounts, people, who administers what, and what already happened.

Each use case takes the open ``Store`` first and returns a typed record; the
defaults (today, now, the profile's advice) are applied here, the rules live in
``policy.institution`` and the bitácora's words in ``policy.entries.records``.
The command line (``tui/cli/accounts.py``, ``people.py``, ``history.py``,
``settings.py``) and the workbench (the Cuentas and Personas screens and their
forms) call these functions and render the results in Spanish.

The institution's tables (``institution``) are one read for both faces: the
account and person tables of the workbench and ``cuentas listar`` /
``personas listar`` show the same holders, last rotation, last training and
next deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, NamedTuple, TypedDict

from policy.codes import Status
from policy.credentials import HealthItem, health_report
from policy.engine import agenda
from policy.errors import UsageError
from policy.institution import first_vacant_role, rotation_advice
from policy.labels import fold
from policy.obligations import Obligation, State
from policy.profile import SETTINGS, SETTINGS_BY_NAME, Profile, SettingSpec, parse_setting_text
from policy.records import Account, AdminChange, Assignment, CredentialState, Person, SecondFactorState
from policy.reminders import account_data_reminder, oficio_reminder
from policy.workflows import admin_change_notice_asked, arrival_is_a_change, change_taken_over, handover_is_a_change
from store.history import DatedRecord, Rotation
from store.state import load_state
from tui.core.common import AccountKey, PersonKey, account_of, person_of

if TYPE_CHECKING:
    from store.bitacora import Entry
    from store.db import Store

__all__ = [
    "account_detail",
    "add_account",
    "add_person",
    "assign",
    "edit_account",
    "edit_person",
    "idle_lock_minutes",
    "institution",
    "profile_settings",
    "record_evaluation",
    "record_rotation",
    "record_training",
    "reset_setting",
    "rotation_history",
    "set_idle_lock_minutes",
    "set_setting",
    "unassign",
]

ONE_SIDED: Final[dict[str, str]] = {
    "account_detail": "the workbench's Cuentas screen shows the same facts from the institution read it holds",
    "idle_lock_minutes": "the idle lock is the workbench's own: the command line holds no session to lock",
    "set_idle_lock_minutes": "the idle lock is the workbench's own: the command line holds no session to lock",
}

#: Setting (in the ``settings`` table) with the idle minutes before the workbench locks; 0 disables it.
IDLE_LOCK_KEY: Final = "workbench_idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES: Final = 10
MAX_IDLE_LOCK_MINUTES: Final = 24 * 60
#: How far ahead the account and person tables (and ``cuentas mostrar``) look for deadlines.
DETAIL_HORIZON_DAYS: Final = 365
#: How many rotations, evaluations and bitácora entries an account's detail shows.
DETAIL_LIMIT: Final = 5


# -- the institution's tables ------------------------------------------------------------


def matches(haystack: str, query: str) -> bool:
    """Every word of ``query`` (already folded) appears somewhere in ``haystack`` (folded)."""
    return all(word in haystack for word in query.split())


@dataclass(frozen=True, slots=True)
class AccountRow:
    account: Account
    #: role -> the names of the people who hold it today (in the order they were assigned)
    holders: Mapping[str, tuple[str, ...]]
    last_rotation: datetime | None
    last_evaluation: date | None
    next_due: Obligation | None
    worst: Status | None
    #: folded text the filter searches: network, handle, area, e-mail, administrators
    haystack: str

    def holder_names(self, role: str) -> str:
        """The holders of ``role`` today, comma-separated ('' when nobody)."""
        return ", ".join(self.holders.get(role, ()))

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
    #: every assignment of the person (past ones too) with its account
    roles: Sequence[tuple[Assignment, Account]]
    #: «rol de red/usuario» for each role held today
    current_roles: tuple[str, ...]
    last_training: date | None
    next_due: Obligation | None
    worst: Status | None
    haystack: str


@dataclass(frozen=True, slots=True)
class Institution:
    """Everything the account and person tables show, loaded in one pass."""

    now: datetime
    profile: Profile
    #: the two roles the account table shows (``titular``/``suplente``, or ``enlace``/``coadministrador``)
    table_roles: tuple[str, str]
    #: by id
    accounts: Sequence[AccountRow]
    #: by name
    people: Sequence[PersonRow]
    people_by_id: Mapping[int, Person]
    assignments_by_account: Mapping[int, Sequence[Assignment]]
    obligations_by_account: Mapping[int, Sequence[Obligation]]
    obligations_by_person: Mapping[int, Sequence[Obligation]]
    trainings_by_person: Mapping[int, Sequence[date]] = field(default_factory=dict)
    #: account id -> what the strength and reuse checks found (never the secret)
    credentials: Mapping[int, CredentialState] = field(default_factory=dict)
    #: account id -> its second factor, when recorded
    second_factors: Mapping[int, SecondFactorState] = field(default_factory=dict)
    #: account id -> its ``red/usuario`` (the workflow listings name thousands of records by it)
    account_refs: Mapping[int, str] = field(default_factory=dict)

    def accounts_by_reference(self) -> list[AccountRow]:
        """The account rows by network, then handle (without the '@', ASCII letters folded as SQLite does)."""
        return sorted(self.accounts, key=lambda row: (row.account.network, _ascii_lower(row.account.handle)))

    def vacant_role(self, account_id: int) -> str | None:
        """The first administration role of the profile nobody holds today on the account."""
        today = self.now.date()
        held = (a.role for a in self.assignments_by_account.get(account_id, ()) if a.active_on(today))
        return first_vacant_role(self.profile, held)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(handle: str) -> str:
    return handle.lstrip("@").translate(_ASCII_LOWER)


_STATUS_RANK: Final = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2}


def _worst(items: Sequence[Obligation]) -> Status | None:
    if not items:
        return None
    return min((item.status for item in items), key=_STATUS_RANK.__getitem__)


def _first_due(items: Sequence[Obligation]) -> Obligation | None:
    dated = [item for item in items if not item.standing]
    return min(dated, key=lambda item: item.due) if dated else None


def _tables(
    state: State, items: Sequence[Obligation], trainings: Mapping[int, Sequence[date]], now: datetime
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

    account_rows = []
    for acc in state.accounts:
        pending = by_account.get(acc.id, [])
        holders: dict[str, list[str]] = {}
        for a in assignments.get(acc.id, ()):
            if a.active_on(today) and a.person_id in people:
                holders.setdefault(a.role, []).append(people[a.person_id].name)
        current = [name for a in assignments.get(acc.id, ()) for name in _name_today(a, people, today)]
        haystack = fold(" ".join([acc.network, acc.handle, acc.area or "", acc.email or "", acc.status, *current]))
        account_rows.append(
            AccountRow(
                account=acc,
                holders={role: tuple(names) for role, names in holders.items()},
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
    for person in sorted(people.values(), key=lambda p: p.name):
        person_roles = roles_by_person.get(person.id, [])
        pending = by_person.get(person.id, [])
        current_roles = tuple(f"{a.role} de {held.ref}" for a, held in person_roles if a.active_on(today))
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
                current_roles=current_roles,
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


def _name_today(assignment: Assignment, people: Mapping[int, Person], today: date) -> tuple[str, ...]:
    if assignment.active_on(today) and assignment.person_id in people:
        return (people[assignment.person_id].name,)
    return ()


def institution(store: Store, *, now: datetime | None = None, state: State | None = None) -> Institution:
    """Accounts and people with who administers what today, their history and their next deadlines.

    ``state``: the institution's state already read as of ``now`` (the
    workbench reads it once for the agenda and for these tables).
    """
    moment = now or store.now()
    read = state if state is not None else load_state(store, moment)
    trainings = store.trainings.days_by_subject()
    return _tables(read, agenda(read, moment, DETAIL_HORIZON_DAYS), trainings, moment)


# -- one account -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountDetail:
    """One account: its data, administration, history, credential health, latest entries and deadlines."""

    now: datetime
    profile: Profile
    account: Account
    #: every assignment of the account, oldest first
    assignments: Sequence[Assignment]
    people_by_id: Mapping[int, Person]
    #: the latest rotations and evaluations, newest first
    rotations: Sequence[Rotation]
    evaluations: Sequence[DatedRecord]
    #: what is due within ``DETAIL_HORIZON_DAYS``
    obligations: Sequence[Obligation]
    credential: CredentialState | None
    second_factor: SecondFactorState | None
    health: HealthItem | None
    #: the latest bitácora entries, newest first
    entries: Sequence[Entry]


def account_detail(store: Store, account: AccountKey, *, now: datetime | None = None) -> AccountDetail:
    """Everything about one account (never a secret)."""
    moment = now or store.now()
    found = account_of(store, account)
    state = load_state(store, moment)
    pending = [o for o in agenda(state, moment, DETAIL_HORIZON_DAYS) if o.account and o.account.id == found.id]
    return AccountDetail(
        now=moment,
        profile=state.profile,
        account=found,
        assignments=store.assignments.for_account(found.id),
        people_by_id={p.id: p for p in store.people.list()},
        rotations=store.rotations.for_account(found.id, limit=DETAIL_LIMIT),
        evaluations=store.evaluations.history(found.id, limit=DETAIL_LIMIT),
        obligations=pending,
        credential=(state.credentials or {}).get(found.id),
        second_factor=(state.second_factors or {}).get(found.id),
        health=next((h for h in health_report(state, moment) if h.account.id == found.id), None),
        entries=store.bitacora.for_account(found.id, limit=DETAIL_LIMIT),
    )


class AccountFields(TypedDict, total=False):
    """What a user may set on an account; a key left out stays as it is (``None`` clears an optional text)."""

    network: str
    handle: str
    url: str | None
    area: str | None
    email: str | None
    email_generic: bool
    phone: str | None
    status: str
    verification: str
    public: bool
    private_messages: bool
    opened_on: date | None


def add_account(store: Store, fields: AccountFields) -> Account:
    """Register an account (ConflictError when its handle exists on that network)."""
    if "network" not in fields or "handle" not in fields:
        raise UsageError("Indique la red y el usuario de la cuenta.")
    return store.accounts.add(**fields)


class EditedAccount(NamedTuple):
    account: Account
    #: what the profile reminds of after the change (iecm: e-mails, phones and user names change
    #: only through the UTCSyD), a sentence without final period
    reminder: str | None = None


def edit_account(store: Store, account: AccountKey, changes: AccountFields) -> EditedAccount:
    """Change some fields of an account, with the same checks as when it was added."""
    found = account_of(store, account)
    updated = store.accounts.update(found.id, **changes)
    changed = [key for key in ("email", "phone", "handle") if getattr(found, key) != getattr(updated, key)]
    return EditedAccount(updated, account_data_reminder(store.settings.profile().id, changed))


# -- people --------------------------------------------------------------------------------


def add_person(store: Store, *, name: str, email: str | None = None, rank: str | None = None) -> Person:
    """Register a person (names are unique: people are named by them)."""
    return store.people.add(name=name, email=email, rank=rank)


def edit_person(store: Store, person: PersonKey, *, email: str | None = None, rank: str | None = None) -> Person:
    """Change a person's e-mail or rank (``None`` leaves it as it is)."""
    return store.people.update(person_of(store, person).id, email=email, rank=rank)


# -- who administers what --------------------------------------------------------------------


class Assigned(NamedTuple):
    account: Account
    person: Person
    assignment: Assignment
    #: the administrator change this arrival is part of (a successor, or a new administrator), if any
    change: AdminChange | None = None
    #: the office to notify of that change and the clause asking it
    notice: tuple[str, str] | None = None


class Unassigned(NamedTuple):
    account: Account
    person: Person
    #: the person's last day in the roles
    end: date
    ended: tuple[Assignment, ...]
    #: what the profile says about the password now ('' when it says nothing)
    advice: str
    #: the administrator change to notify (a handover), when the profile asks for the notice
    change: AdminChange | None = None
    notice: tuple[str, str] | None = None


def assign(store: Store, account: AccountKey, person: PersonKey, *, role: str, start: date | None = None) -> Assigned:
    """Give ``person`` ``role`` on ``account`` from ``start`` (today by default).

    When the profile asks for administrator change notices, the newcomer takes over the account's
    change not yet notified (a handover), or, on an account that already had administrators, is a
    change of their own (POLICY.md §11, readings).
    """
    found, who = account_of(store, account), person_of(store, person)
    day = start or store.now().date()
    profile = store.settings.profile()
    change = None
    with store.atomic():
        earlier = store.assignments.for_account(found.id)
        assignment = store.assignments.assign(found, who, role, day)
        if handover_is_a_change(profile, assignment.role):
            change = change_taken_over(store.admin_changes.unnotified_on(found.id), day)
            if change is not None:
                store.admin_changes.add_successor(change.id, assignment)
                change = store.admin_changes.get(change.id)
            elif arrival_is_a_change(earlier, day):
                change = store.admin_changes.record_arrival(who, assignment)
    return Assigned(found, who, assignment, change, admin_change_notice_asked(profile) if change else None)


def unassign(store: Store, account: AccountKey, person: PersonKey, *, end: date | None = None) -> Unassigned:
    """End every current role of ``person`` on ``account``; ``end`` (today by default) is their last day.

    When the profile asks for administrator change notices, ending an administrator's role is a
    change to notify (a handover; the successor joins it when assigned).
    """
    found, who = account_of(store, account), person_of(store, person)
    last_day = end or store.now().date()
    profile = store.settings.profile()
    change = None
    with store.atomic():
        ended = store.assignments.unassign(found, who, last_day)
        handed = [item for item in ended if handover_is_a_change(profile, item.role)]
        if handed:
            change = store.admin_changes.record_handover(who, handed, start=last_day + timedelta(days=1))
    notice = admin_change_notice_asked(profile) if change else None
    return Unassigned(found, who, last_day, tuple(ended), rotation_advice(profile), change, notice)


# -- what already happened ------------------------------------------------------------------


class RecordedRotation(NamedTuple):
    account: Account
    rotation: Rotation
    #: what the profile reminds of when no oficio was recorded (iecm), a sentence without final period
    reminder: str | None = None


class RecordedEvaluation(NamedTuple):
    account: Account
    evaluation: DatedRecord


class RecordedTraining(NamedTuple):
    person: Person
    training: DatedRecord


class RotationHistory(NamedTuple):
    account: Account
    #: newest first
    rotations: tuple[Rotation, ...]


def record_rotation(
    store: Store,
    account: AccountKey,
    *,
    at: datetime | None = None,
    reason: str | None = None,
    author: str | None = None,
    reference: str | None = None,
) -> RecordedRotation:
    """Record that the account's password was changed at ``at`` (now by default; never the password)."""
    found = account_of(store, account)
    rotation = store.rotations.record(found, at or store.now(), reason=reason, author=author, reference=reference)
    return RecordedRotation(found, rotation, oficio_reminder(store.settings.profile().id, reference))


def rotation_history(store: Store, account: AccountKey, *, limit: int = 1000) -> RotationHistory:
    """The account's rotations, newest first."""
    found = account_of(store, account)
    return RotationHistory(found, tuple(store.rotations.for_account(found.id, limit=limit)))


def record_evaluation(
    store: Store,
    account: AccountKey,
    *,
    day: date | None = None,
    note: str | None = None,
    report_sha256: str | None = None,
) -> RecordedEvaluation:
    """Record the evaluation of an account on ``day`` (today by default); ``report_sha256``, the hash
    of its evaluation report (``tui.core.reports.evaluation_report``), goes into the bitácora entry."""
    found = account_of(store, account)
    recorded = store.evaluations.record(found, day or store.now().date(), note=note, report_sha256=report_sha256)
    return RecordedEvaluation(found, recorded)


def record_training(
    store: Store, person: PersonKey, *, day: date | None = None, note: str | None = None
) -> RecordedTraining:
    """Record that ``person`` completed a training on ``day`` (today by default)."""
    found = person_of(store, person)
    return RecordedTraining(found, store.trainings.record(found, day or store.now().date(), note=note))


# -- the profile's settings ------------------------------------------------------------------


class SettingValue(NamedTuple):
    spec: SettingSpec
    #: in force (the profile's, or the override)
    value: object
    #: the profile's own
    default: object
    overridden: bool


class ProfileSettings(NamedTuple):
    profile: Profile
    settings: tuple[SettingValue, ...]


def _setting(profile: Profile, spec: SettingSpec) -> SettingValue:
    value: object = getattr(profile.settings, spec.key)
    default: object = getattr(profile.defaults, spec.key)
    return SettingValue(spec, value, default, spec.key in profile.overrides)


def _spec(name: str) -> SettingSpec:
    spec = SETTINGS_BY_NAME.get(name.strip().lower())
    if spec is None:
        names = ", ".join(s.name_es for s in SETTINGS)
        raise UsageError(f"Ajuste desconocido «{name}». Ajustes: {names}.")
    return spec


def profile_settings(store: Store) -> ProfileSettings:
    """Every editable setting of the profile, with the value in force and the profile's own."""
    profile = store.settings.profile()
    return ProfileSettings(profile, tuple(_setting(profile, spec) for spec in SETTINGS))


def set_setting(store: Store, name: str, text: str) -> SettingValue:
    """Override the setting named ``name`` (its Spanish name) with the value ``text`` says."""
    spec = _spec(name)
    store.settings.set_override(spec.key, parse_setting_text(spec, text))
    return _setting(store.settings.profile(), spec)


def reset_setting(store: Store, name: str) -> SettingValue:
    """The setting named ``name`` goes back to the profile's value."""
    spec = _spec(name)
    store.settings.reset_override(spec.key)
    return _setting(store.settings.profile(), spec)


# -- the workbench's idle lock ---------------------------------------------------------------


def idle_lock_minutes(store: Store) -> int:
    """Minutes without input before the workbench locks (0: never)."""
    value = store.settings.get(IDLE_LOCK_KEY, DEFAULT_IDLE_LOCK_MINUTES)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(store: Store, minutes: int) -> int:
    """Lock the workbench after ``minutes`` without input (0 disables the lock)."""
    if minutes < 0 or minutes > MAX_IDLE_LOCK_MINUTES:
        raise UsageError(f"Los minutos de inactividad deben estar entre 0 (sin bloqueo) y {MAX_IDLE_LOCK_MINUTES}.")
    store.settings.set(IDLE_LOCK_KEY, int(minutes))
    return minutes
