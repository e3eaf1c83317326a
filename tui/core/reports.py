"""The reports an office attaches to an oficio: the institution's compliance as of a date
(``informe estado``) and the semiannual evaluation of one account (``informe evaluacion``).

One read builds a typed model; the renderers (``tui/render/``: PDF and DOCX)
only lay it out, so both formats and both faces (the command line and the
workbench's «Generar informe») print the same facts. Never a secret: the model
holds what the strength checks recorded (score, findings), never a password,
a recovery code nor a fingerprint.

The period of the compliance report is the semester of its date, from the
semester's first day to the date (consultations, requests and incidents
started or finished in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Final, NamedTuple

from policy.clock import end_of_day, local, start_of_day
from policy.codes import EntryKind, Kind, Status
from policy.credentials import health_report
from policy.engine import agenda
from policy.labels import KIND_LABELS
from policy.obligations import Obligation, State
from policy.profile import Profile, short_document
from policy.records import Account, Consultation, InformationRequest, Waiver
from policy.semesters import Semester, parse_semester, semester_of
from store.state import load_state
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.db import Store
    from store.incidents import Incident

__all__ = ["evaluation_report", "status_report"]

ONE_SIDED: Final[dict[str, str]] = {}

#: How far ahead the compliance report's agenda looks (the issue: overdue and due within 30 days).
REPORT_HORIZON_DAYS: Final = 30

#: The bitácora kinds an evaluation counts month by month, and the column each goes to.
ACTIVITY_COLUMNS: Final[Mapping[str, str]] = {
    EntryKind.POST: "publicaciones",
    EntryKind.REPLY: "respuestas",
    EntryKind.MODERATION: "moderación",
    EntryKind.INCIDENT: "incidentes",
}

_STATE_LABELS: Final[Mapping[str, str]] = {
    "pendiente": "pendiente",
    "aprobada": "aprobada",
    "rechazada": "rechazada",
    "abierta": "abierta",
    "respondida": "respondida",
    "canalizada": "canalizada",
}


class AgendaLine(NamedTuple):
    """One obligation as a report prints it, with its clause."""

    key: str
    kind: str
    status: str
    due: datetime
    standing: bool
    subject: str
    message: str
    #: «Criterios INE §6»
    clause: str
    quote: str


class AccountSection(NamedTuple):
    """One account: who holds it, its rotations and evaluation, its password's health, its open findings."""

    account: Account
    #: (role, names of the people who hold it on the report's date), in the profile's order of roles
    holders: tuple[tuple[str, tuple[str, ...]], ...]
    last_rotation: datetime | None
    next_rotation: datetime | None
    last_evaluation: date | None
    #: the zxcvbn score recorded when the password was set (0–4), None when none was saved
    password_score: int | None
    password_set_at: datetime | None
    #: what the credential checks find (Spanish sentences; empty when nothing)
    password_findings: tuple[str, ...]
    #: the account's overdue obligations and standing findings
    open_findings: tuple[AgendaLine, ...]

    @property
    def ref(self) -> str:
        return self.account.ref


class CaseLine(NamedTuple):
    """A consultation, an information request or an incident, with its outcome."""

    kind: str
    account: str
    subject: str
    started: datetime
    finished: datetime | None
    outcome: str
    #: hours from the start to the answer (None while open)
    response_hours: float | None


class WaiverLine(NamedTuple):
    covers: str
    until: date
    reason: str
    reference: str | None
    author: str | None


class DocumentLine(NamedTuple):
    short: str
    title: str


class Header(NamedTuple):
    """What every report names: the institution, its documents and the moment it was made."""

    institution: str
    short_name: str
    profile_id: str
    documents: tuple[DocumentLine, ...]
    generated_at: datetime
    version: str
    bitacora_total: int
    bitacora_head: str


@dataclass(frozen=True, slots=True)
class StatusReport:
    """The institution's compliance as of ``as_of`` (``informe estado``)."""

    header: Header
    as_of: datetime
    period: Semester
    period_start: datetime
    accounts: tuple[AccountSection, ...]
    overdue: tuple[AgendaLine, ...]
    due_soon: tuple[AgendaLine, ...]
    horizon_days: int
    consultations: tuple[CaseLine, ...]
    requests: tuple[CaseLine, ...]
    incidents: tuple[CaseLine, ...]
    waivers: tuple[WaiverLine, ...]


class MonthActivity(NamedTuple):
    month: date
    #: column (``ACTIVITY_COLUMNS`` values, plus «otras») -> entries declared in that month
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """The semiannual evaluation of one account (``informe evaluacion``, POLICY.md §6)."""

    header: Header
    semester: Semester
    account: AccountSection
    activity: tuple[MonthActivity, ...]
    consultations: tuple[CaseLine, ...]
    requests: tuple[CaseLine, ...]
    incidents: tuple[CaseLine, ...]
    #: rotations recorded in the semester (moments), oldest first
    rotations: tuple[datetime, ...]
    #: evaluations recorded in the semester (days)
    evaluations: tuple[date, ...]
    #: incidents opened and closed within the semester
    incidents_opened: int
    incidents_closed: int


def status_report(store: Store, *, at: datetime | None = None) -> StatusReport:
    """The compliance report as of ``at`` (by default now): accounts, agenda, the semester's cases,
    waivers in force and the bitácora's seal. Read-only."""
    now = at if at is not None else store.now()
    state = load_state(store, now)
    items = agenda(state, now, REPORT_HORIZON_DAYS)
    header = _header(store, state.profile)
    period = semester_of(local(now).date())
    since = start_of_day(period.first_day)
    refs = {acc.id: acc.ref for acc in state.accounts}
    sections = _sections(state, items, now, state.accounts)
    in_period = _between(since, now)
    return StatusReport(
        header=header,
        as_of=now,
        period=period,
        period_start=since,
        accounts=sections,
        overdue=tuple(_line(state.profile, i) for i in items if i.status is Status.OVERDUE),
        due_soon=tuple(_line(state.profile, i) for i in items if i.status is not Status.OVERDUE),
        horizon_days=REPORT_HORIZON_DAYS,
        consultations=tuple(
            _consultation(c, refs) for c in store.consultations.list() if in_period(c.sent_at, c.answered_at)
        ),
        requests=tuple(
            _request(r, refs) for r in store.information_requests.list() if in_period(r.received_at, r.closed_at)
        ),
        incidents=tuple(_incident(i) for i in reversed(store.incidents.list()) if in_period(i.opened_at, i.closed_at)),
        waivers=tuple(_waiver(w, refs) for w in store.waivers.in_force(local(now).date())),
    )


def evaluation_report(store: Store, account: AccountKey, *, period: str | Semester) -> EvaluationReport:
    """The evaluation of ``account`` for a semester (``AAAA-S1`` or ``AAAA-S2``): its activity by month
    from the bitácora, its consultations and requests with response times, rotations, credential health
    and incidents. UsageError for a malformed period or one that has not started; NotFoundError for an
    unknown account. Read-only."""
    semester = period if isinstance(period, Semester) else parse_semester(period)
    found = account_of(store, account)
    now = store.now()
    since, until = start_of_day(semester.first_day), end_of_day(semester.last_day)
    if since > now:
        from policy.errors import UsageError  # lazy: only on this refusal

        raise UsageError(f"El {semester.label} todavía no empieza: no hay actividad que evaluar.")
    moment = min(until, now)
    state = load_state(store, moment)
    items = agenda(state, moment, REPORT_HORIZON_DAYS)
    (section,) = _sections(state, items, moment, [a for a in state.accounts if a.id == found.id] or [found])
    refs = {found.id: found.ref}
    in_period = _between(since, until)
    counts: dict[date, dict[str, int]] = {month: {} for month in semester.months()}
    for entry in store.bitacora.iter_entries(account_id=found.id, since=since, until=until):
        month = local(entry.occurred).date().replace(day=1)
        column = ACTIVITY_COLUMNS.get(entry.kind, "otras")
        bucket = counts.setdefault(month, {})
        bucket[column] = bucket.get(column, 0) + 1
    incidents = [i for i in reversed(store.incidents.list(account_id=found.id)) if in_period(i.opened_at, i.closed_at)]
    rotations = tuple(
        sorted(
            r.rotated_at for r in store.rotations.for_account(found.id, limit=10_000) if since <= r.rotated_at <= until
        )
    )
    evaluations = tuple(
        sorted(
            e.day
            for e in store.evaluations.history(found.id, limit=10_000)
            if semester.first_day <= e.day <= semester.last_day
        )
    )
    return EvaluationReport(
        header=_header(store, state.profile),
        semester=semester,
        account=section,
        activity=tuple(MonthActivity(month, counts[month]) for month in sorted(counts)),
        consultations=tuple(
            _consultation(c, refs)
            for c in store.consultations.list()
            if c.account_id == found.id and in_period(c.sent_at, c.answered_at)
        ),
        requests=tuple(
            _request(r, refs)
            for r in store.information_requests.list()
            if r.account_id == found.id and in_period(r.received_at, r.closed_at)
        ),
        incidents=tuple(_incident(i) for i in incidents),
        rotations=rotations,
        evaluations=evaluations,
        incidents_opened=sum(1 for i in incidents if since <= i.opened_at <= until),
        incidents_closed=sum(1 for i in incidents if i.closed_at is not None and since <= i.closed_at <= until),
    )


# -- the pieces ---------------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # lazy: only reports name the version

    try:
        return version("resguardo")
    except PackageNotFoundError:
        return "desconocida"


def _header(store: Store, profile: Profile) -> Header:
    seal = store.bitacora.seal()
    return Header(
        institution=profile.name,
        short_name=profile.short_name,
        profile_id=profile.id,
        documents=tuple(DocumentLine(doc.short, doc.title) for doc in profile.documents.values()),
        generated_at=store.now(),
        version=_version(),
        bitacora_total=seal.total,
        bitacora_head=seal.head,
    )


def _between(since: datetime, until: datetime) -> _InPeriod:
    return _InPeriod(since, until)


class _InPeriod:
    """A case belongs to the period when it started or finished in it, or was open through it."""

    __slots__ = ("since", "until")

    def __init__(self, since: datetime, until: datetime) -> None:
        self.since, self.until = since, until

    def __call__(self, started: datetime, finished: datetime | None) -> bool:
        if started > self.until:
            return False
        return finished is None or finished >= self.since


def _line(profile: Profile, item: Obligation) -> AgendaLine:
    if item.account is not None:
        subject = item.account.ref
    elif item.person is not None:
        subject = item.person.name
    else:
        subject = "Institución"
    return AgendaLine(
        key=item.key,
        kind=KIND_LABELS.get(item.kind, str(item.kind)),
        status=str(item.status),
        due=item.due,
        standing=item.standing,
        subject=subject,
        message=item.message,
        clause=f"{short_document(profile, item.rule)} {item.rule.section}".strip(),
        quote=item.rule.quote,
    )


def _sections(
    state: State, items: Sequence[Obligation], now: datetime, accounts: Iterable[Account]
) -> tuple[AccountSection, ...]:
    today = local(now).date()
    by_account: dict[int, list[Obligation]] = {}
    for item in items:
        if item.account is not None:
            by_account.setdefault(item.account.id, []).append(item)
    holders: dict[int, dict[str, list[str]]] = {}
    for assignment in state.assignments:
        person = state.people.get(assignment.person_id)
        if person is not None and assignment.active_on(today):
            holders.setdefault(assignment.account_id, {}).setdefault(assignment.role, []).append(person.name)
    roles = tuple(state.profile.settings.admin_roles)
    health = {h.account.id: h.messages for h in health_report(state, now)}
    credentials = state.credentials or {}
    sections = []
    for acc in accounts:
        mine = by_account.get(acc.id, [])
        held = holders.get(acc.id, {})
        ordered = sorted(held.items(), key=lambda pair: (roles.index(pair[0]) if pair[0] in roles else 99, pair[0]))
        rotation = next((i for i in mine if i.kind == Kind.ROTATION and not i.standing), None)
        credential = credentials.get(acc.id)
        sections.append(
            AccountSection(
                account=acc,
                holders=tuple((role, tuple(names)) for role, names in ordered),
                last_rotation=state.last_rotation.get(acc.id),
                next_rotation=rotation.due if rotation is not None else None,
                last_evaluation=state.last_evaluation.get(acc.id),
                password_score=credential.score if credential is not None else None,
                password_set_at=credential.set_at if credential is not None else None,
                password_findings=tuple(health.get(acc.id, ())),
                open_findings=tuple(_line(state.profile, i) for i in mine if i.status is Status.OVERDUE),
            )
        )
    return tuple(sections)


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else round((end - start).total_seconds() / 3600, 1)


def _consultation(c: Consultation, refs: Mapping[int, str]) -> CaseLine:
    outcome = _STATE_LABELS.get(c.state, c.state)
    if c.note:
        outcome = f"{outcome}: {c.note}"
    return CaseLine(
        "consulta", refs.get(c.account_id, f"#{c.account_id}"), c.subject, c.sent_at, c.answered_at, outcome,
        _hours(c.sent_at, c.answered_at),
    )  # fmt: skip


def _request(r: InformationRequest, refs: Mapping[int, str]) -> CaseLine:
    outcome = _STATE_LABELS.get(r.state, r.state)
    detail = ", ".join(part for part in (r.area, r.office, r.note) if part)
    if detail:
        outcome = f"{outcome}: {detail}"
    return CaseLine(
        "solicitud",
        refs.get(r.account_id, f"#{r.account_id}"),
        f"{r.subject} ({r.requester})",
        r.received_at,
        r.closed_at,
        outcome,
        _hours(r.received_at, r.closed_at),
    )


def _incident(i: Incident) -> CaseLine:
    if i.closed_at is None:
        pending = len(i.pending)
        outcome = "abierto" + (f"; {pending} avisos pendientes" if pending else "")
    else:
        outcome = "cerrado" + (f": {i.close_note}" if i.close_note else "")
        if i.closed_without_rotation:
            outcome += " (sin rotar la contraseña)"
    return CaseLine(
        "incidente", i.account, i.description, i.opened_at, i.closed_at, outcome, _hours(i.opened_at, i.closed_at)
    )


def _waiver(w: Waiver, refs: Mapping[int, str]) -> WaiverLine:
    parts = []
    if w.key is not None:
        parts.append(f"la obligación {w.key}")
    if w.kind is not None:
        parts.append(KIND_LABELS.get(w.kind, w.kind))
    if w.account_id is not None:
        parts.append(refs.get(w.account_id, f"#{w.account_id}"))
    return WaiverLine(" · ".join(parts) or "—", w.until, w.reason, w.reference, w.author)
