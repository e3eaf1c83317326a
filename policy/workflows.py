"""The workflows with deadlines: consultations, information requests, openings and
closings, administrator changes, holiday notices, abandoned accounts and the ine
designation documents.

Pure like ``policy.checks``: the state and ``now`` in, obligations out. The
deadline helpers (``consultation_due``…) are public so that the store and the
command line show the same dates the agenda uses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from policy import validate
from policy.calendar import BusinessCalendar
from policy.checks import first_start_by_person, live_accounts, opening_day
from policy.clock import by_deadline, end_of_day, format_date, local, start_of_day
from policy.codes import (
    KEYRING_CLOSING_ITEM,
    AccountStatus,
    ConsultationState,
    Kind,
    Network,
    OpeningState,
    RequestState,
    Role,
)
from policy.entries.workflows import moment_text
from policy.errors import ConflictError, PolicyError, StoreError, UsageError
from policy.institution import bare_handle, check_not_closed
from policy.labels import (
    CHANGE_ORIGIN_LABELS,
    CHANGE_REASON_LABELS,
    CLOSING_ITEMS,
    MANUAL_CLOSING_ITEMS,
    OPENING_REPORT_ITEMS,
    missing_phrase,
    office_with_article,
)
from policy.obligations import Obligation, State
from policy.profile import Profile, short_document
from policy.records import (
    Account,
    AdminChange,
    Assignment,
    Citation,
    Closing,
    Consultation,
    InformationRequest,
    OpeningRequest,
)

#: How far past the end of the agenda a holiday may start and still have its notice inside it.
_NOTICE_LOOKAHEAD = timedelta(days=90)


# -- deadlines -------------------------------------------------------------


def consultation_window(profile: Profile) -> str | None:
    """The consultation window in words («48 horas naturales», «5 días hábiles»), None if there is none."""
    hours = profile.settings.consultation_hours
    if hours:
        return f"{hours} horas naturales"
    days = profile.settings.consultation_business_days
    if days:
        return f"{days} días hábiles"
    return None


def consultation_due(profile: Profile, calendar: BusinessCalendar, sent_at: datetime) -> datetime | None:
    """When the office's answer is due: natural hours if the profile counts hours, else
    the end of the N-th business day after the sending day; None when the profile has no window.
    """
    hours = profile.settings.consultation_hours
    if hours:
        # Counted on the absolute clock, so a change of UTC offset can never stretch the window.
        return local(local(sent_at).astimezone(UTC) + timedelta(hours=int(hours)))
    days = profile.settings.consultation_business_days
    if days:
        return end_of_day(calendar.add_business_days(local(sent_at).date(), int(days)))
    return None


def information_request_due(profile: Profile, calendar: BusinessCalendar, received_at: datetime) -> datetime:
    """The end of the N-th business day after the request arrived (profile setting, default 2)."""
    days = profile.settings.information_request_business_days
    return end_of_day(calendar.add_business_days(local(received_at).date(), days))


def opening_due(profile: Profile, calendar: BusinessCalendar, requested_on: date) -> datetime | None:
    """When the office must answer an opening request (ine: 15 business days), None without a window."""
    days = profile.settings.opening_business_days
    if not days:
        return None
    return end_of_day(calendar.add_business_days(requested_on, int(days)))


class HolidayPeriod(NamedTuple):
    """An official holiday or a declared non-working period that needs a notice to the public.

    ``id`` is the first day as ``YYYYMMDD``: stable, so a notice marked done stays done.
    """

    id: int
    start: date
    end: date
    label: str

    @property
    def code(self) -> str:
        return self.start.isoformat()


def period_id(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def period_start(period: int) -> date:
    """The first day of the period whose id (``YYYYMMDD``, see ``period_id``) is ``period``."""
    return date(period // 10000, period // 100 % 100, period % 100)


def holiday_periods(calendar: BusinessCalendar, first: date, last: date) -> list[HolidayPeriod]:
    """Official holidays on weekdays and declared non-working periods overlapping [first, last].

    A holiday inside a declared period is covered by that period's notice. An
    electoral process removes none of them (POLICY.md §11, readings): it changes
    which days are business days (so when the notice is due), not the duty to
    announce the attention hours (§5.1).
    """
    declared: dict[date, HolidayPeriod] = {}
    for span in calendar.non_working:
        if span.end < first or span.start > last:
            continue
        current = declared.get(span.start)
        if current is None or span.end > current.end:
            declared[span.start] = HolidayPeriod(
                period_id(span.start), span.start, span.end, span.label or "Periodo inhábil declarado"
            )
    found = list(declared.values())
    for day, name in calendar.holidays.items():
        if day < first or day > last or day.weekday() >= 5:
            continue
        if day in declared or any(p.start <= day <= p.end for p in declared.values()):
            continue
        found.append(HolidayPeriod(period_id(day), day, day, name))
    found.sort(key=lambda p: (p.start, p.end))
    return found


def holiday_notice_due(profile: Profile, calendar: BusinessCalendar, start: date) -> datetime:
    """The end of the business day that falls N business days before the period starts."""
    days = profile.settings.holiday_notice_business_days
    return end_of_day(calendar.previous_business_days(start, days))


# -- helpers ---------------------------------------------------------------


def _accounts_by_id(state: State) -> dict[int, Account]:
    return {acc.id: acc for acc in state.accounts}


def _cited(profile: Profile, key: str, fallback: str) -> Citation:
    """The rule ``key`` when the document has a clause for it, else ``fallback``."""
    if profile.has_rule(key) and profile.rule(key).section:
        return profile.rule(key)
    return profile.rule(fallback)


def _moment(value: datetime) -> str:
    moment = local(value)
    return f"{format_date(moment.date())} {moment.strftime('%H:%M')}"


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " y " + names[-1]


def _missing(items: Mapping[str, str], done: Mapping[str, date]) -> list[str]:
    return [label for key, label in items.items() if key not in done]


# -- checks ----------------------------------------------------------------


def consultation(state: State, now: datetime) -> Iterator[Obligation]:
    """Pending consultations before publishing: due when the office's window closes.

    Past the window the consultation is ``vencida`` and its message carries the
    profile's outcome (ine: INETEL/PNT; ieesonora: no publication; ieeags: the
    Coordinación decides). Without a window (iecm) a pending consultation is shown
    every day until it is answered (issue #13 defect 9: it never appeared).
    """
    profile = state.profile
    if not state.consultations or not profile.has_rule("consultation"):
        return
    accounts = _accounts_by_id(state)
    outcome = profile.settings.consultation_outcome
    office = profile.settings.consultation_office
    for item in state.consultations:
        due = consultation_due(profile, state.calendar, item.sent_at)
        to = item.office or office
        if due is None:
            yield Obligation(
                kind=Kind.CONSULTATION,
                due=end_of_day(now.date()),
                rule=profile.rule("consultation"),
                message=(
                    f"Consulta «{item.subject}» enviada a {office_with_article(to)} el {_moment(item.sent_at)}:"
                    " sin respuesta todavía; no publique sin ella (no hay plazo fijado)."
                ),
                account=accounts.get(item.account_id),
                ref_id=item.id,
            )
            continue
        if due <= now:
            rule = _cited(profile, "consultation_outcome", "consultation")
            message = (
                f"Consulta «{item.subject}» vencida: {office_with_article(to)} no respondió en {consultation_window(profile)}"
                f" (enviada el {_moment(item.sent_at)}). {outcome}"
            ).strip()
        else:
            rule = profile.rule("consultation")
            message = (
                f"Consulta «{item.subject}» enviada a {office_with_article(to)} el {_moment(item.sent_at)}:"
                f" no publique antes de la respuesta (plazo de {consultation_window(profile)}, {by_deadline(due)})."
            )
        yield Obligation(
            kind=Kind.CONSULTATION,
            due=due,
            rule=rule,
            message=message,
            account=accounts.get(item.account_id),
            ref_id=item.id,
        )


def information_request(state: State, now: datetime) -> Iterator[Obligation]:
    """Open information requests from the public: answer (with certainty) or route them."""
    profile = state.profile
    if not state.information_requests or not profile.has_rule("information_request"):
        return
    rule = profile.rule("information_request")
    accounts = _accounts_by_id(state)
    office = profile.settings.information_request_office
    certainty = profile.settings.information_request_certainty
    for item in state.information_requests:
        due = information_request_due(profile, state.calendar, item.received_at)
        yield Obligation(
            kind=Kind.INFORMATION_REQUEST,
            due=due,
            rule=rule,
            message=(
                f"Atender la solicitud de {item.requester} («{item.subject}»): responda"
                f"{' solo con certeza' if certainty else ''} y avise al área responsable,"
                f" o canalícela a {office_with_article(office)}, {by_deadline(due)}."
            ),
            account=accounts.get(item.account_id),
            ref_id=item.id,
        )


def opening_request(state: State, now: datetime) -> Iterator[Obligation]:
    """Opening requests: the office's answer window (ine: 15 business days) and, once the
    account is open, the report the rules require (name, address, purposes, operation, administrators).
    """
    profile = state.profile
    if not state.opening_requests or not profile.has_rule("opening_request"):
        return
    rule = profile.rule("opening_request")
    accounts = _accounts_by_id(state)
    office = profile.settings.opening_office
    report_required = profile.settings.opening_report
    # The report is its own clause (ine §7.IV, ieesonora §7.III), not the answer window's.
    report_rule = profile.rule("opening_report") if profile.has_rule("opening_report") else rule
    for item in state.opening_requests:
        if item.state == OpeningState.PENDING:
            due = opening_due(profile, state.calendar, item.requested_on)
            if due is None:
                continue
            yield Obligation(
                kind=Kind.OPENING_REQUEST,
                due=due,
                rule=rule,
                message=(
                    f"Solicitud de apertura de {item.ref} (oficio {item.reference}, {format_date(item.requested_on)}):"
                    f" {office_with_article(office)} debe responder a más tardar el {format_date(due.date())}; si no, dé seguimiento."
                ),
                ref_id=item.id,
            )
        elif item.state == OpeningState.OPENED and report_required:
            missing = _missing(OPENING_REPORT_ITEMS, item.report)
            account = accounts.get(item.account_id) if item.account_id else None
            if not missing or (account is not None and account.status == AccountStatus.CLOSED):
                continue  # a closed account has nothing left to report (its closing is reported instead)
            opened = item.resolved_on or item.requested_on
            to = f" {profile.settings.opening_report_to}" if profile.settings.opening_report_to else ""
            yield Obligation(
                kind=Kind.OPENING_REQUEST,
                due=start_of_day(opened),
                rule=report_rule,
                message=f"Informar la apertura de {item.ref}{to}: {missing_phrase(missing)} por informar.",
                account=account,
                ref_id=item.id,
                standing=True,
            )


def closing(state: State, now: datetime) -> Iterator[Obligation]:
    """A closed account whose checklist (content deleted, oficio sent) is incomplete."""
    profile = state.profile
    if not state.closings or not profile.has_rule("closing"):
        return
    rule = profile.rule("closing")
    accounts = _accounts_by_id(state)
    for item in state.closings:
        missing = _missing(CLOSING_ITEMS, item.done)
        if not missing:
            continue
        yield Obligation(
            kind=Kind.CLOSING,
            due=start_of_day(item.closed_on),
            rule=rule,
            message=f"Completar la baja de la cuenta: {missing_phrase(missing)}.",
            account=accounts.get(item.account_id),
            ref_id=item.id,
            standing=True,
        )


def outside_business_hours(profile: Profile, calendar: BusinessCalendar, moment: datetime) -> str | None:
    """iecm §8.A: the accounts are operated in business hours and days. The warning for an activity
    recorded at ``moment`` outside them (a sentence without final period), or None."""
    start, end = profile.settings.business_hours_from, profile.settings.business_hours_until
    if start is None or end is None or not profile.has_rule("business_hours"):
        return None
    when = local(moment)
    day_off = not calendar.is_business_day(when.date())
    if not day_off and start <= when.hour + when.minute / 60 < end:
        return None
    rule = profile.rule("business_hours")
    what = "un día inhábil" if day_off else f"fuera del horario de {start} a {end} h"
    return (
        f"La actividad se registró {what} ({when.strftime('%d/%m/%Y %H:%M')}): {short_document(profile, rule)}"
        f" {rule.section} pide operar las cuentas en horas y días hábiles"
    )


def admin_change_notice_asked(profile: Profile) -> tuple[str, str] | None:
    """The office to notify of an administrator change and the clause asking it, when the profile
    asks for the notice (ine §7.V, ieesonora §7.IV, iecm §6.X); None otherwise."""
    office = profile.settings.admin_change_office
    if not office or not profile.has_rule("admin_change_notice"):
        return None
    rule = profile.rule("admin_change_notice")
    # The short document name: the clause is quoted inside parentheses, which must not nest.
    return (office, f"{short_document(profile, rule)} {rule.section}") if rule.section else None


def handover_is_a_change(profile: Profile, role: str) -> bool:
    """A role ended or started by hand (``cuentas desasignar``/``asignar``) is an administrator
    change with its notice, as the explicit change is (POLICY.md §11, readings). The UTCSyD's
    co-administration is not a change of the account's administrators."""
    return role != Role.COADMIN and admin_change_notice_asked(profile) is not None


def change_taken_over(changes: Sequence[AdminChange], start: date) -> AdminChange | None:
    """The change not yet notified that a newcomer starting on ``start`` takes over: the newest one
    whose leaver's last day (the day before ``change.start``) is on or before ``start``."""
    for change in changes:  # newest first
        if change.notified_on is None and start >= change.start - timedelta(days=1):
            return change
    return None


def arrival_is_a_change(earlier: Sequence[Assignment], start: date) -> bool:
    """A new administrator starting on ``start`` is a change when the account already had one
    before that day (the administrators it starts with are its designation, reported with the opening)."""
    return any(item.role != Role.COADMIN and item.start < start for item in earlier)


def admin_change_notice(state: State, now: datetime) -> Iterator[Obligation]:
    """The notice of an administrator change to the profile's office (ine: CNCS;
    ieesonora: Subdirección; iecm: UTCSyD), due from the day of the change."""
    profile = state.profile
    office = profile.settings.admin_change_office
    if not state.admin_changes or not office or not profile.has_rule("admin_change_notice"):
        return
    rule = profile.rule("admin_change_notice")
    if not rule.section:
        return
    accounts = _accounts_by_id(state)
    today = now.date()
    rotate = profile.settings.rotation_on_admin_change
    for change in state.admin_changes:
        if change.notified_on is not None:
            continue
        person = state.people.get(change.person_id)
        who = person.name if person else "la persona administradora"
        refs = [accounts[a].ref for a in change.account_ids if a in accounts]
        when = (
            f"del {format_date(change.start)} al {format_date(change.until)}"
            if change.until
            else (f"desde el {format_date(change.start)}")
        )
        extra = " La contraseña debe cambiarse con la UTCSyD." if rotate else ""
        newcomers = [state.people[p].name for p in change.successor_ids if p != change.person_id and p in state.people]
        arriving = f"; entra {_join(newcomers)}" if newcomers else ""
        label = CHANGE_ORIGIN_LABELS.get(change.origin or "") or CHANGE_REASON_LABELS.get(change.reason, change.reason)
        yield Obligation(
            kind=Kind.ADMIN_CHANGE_NOTICE,
            due=start_of_day(change.start),
            rule=rule,
            message=(
                f"Avisar a {office_with_article(office)} del cambio de administración: {who}"
                f" ({label}, {when})"
                f" en {_join(refs) or 'sus cuentas'}{arriving}.{extra}"
            ),
            person=person,
            ref_id=change.id,
            standing=change.start <= today,
        )


def holiday_notice(state: State, now: datetime) -> Iterator[Obligation]:
    """Before every official holiday and declared non-working period: publish the attention
    hours and set up monitoring, N business days ahead. Only periods whose notice falls
    inside the agenda (``state.agenda_until``) and that have not ended are produced.
    """
    profile = state.profile
    if not profile.settings.holiday_notice or not profile.has_rule("holiday_notice"):
        return
    rule = profile.rule("holiday_notice")
    today = now.date()
    until = state.agenda_until or now + timedelta(days=30)
    for period in holiday_periods(state.calendar, today, until.date() + _NOTICE_LOOKAHEAD):
        if period.id in state.holiday_notices_done:
            continue
        due = holiday_notice_due(profile, state.calendar, period.start)
        if due > until:
            continue
        span = (
            f"el {format_date(period.start)}"
            if period.start == period.end
            else f"del {format_date(period.start)} al {format_date(period.end)}"
        )
        yield Obligation(
            kind=Kind.HOLIDAY_NOTICE,
            due=due,
            rule=rule,
            message=(
                f"{period.label} ({span}): publique los horarios de atención y organice el monitoreo"
                f" de las cuentas {by_deadline(due)} (aviso del {format_date(period.start)})."
            ),
            ref_id=period.id,
        )


def abandoned_account(state: State, now: datetime) -> Iterator[Obligation]:
    """An active account without recorded activity for N days (90 by default)."""
    profile = state.profile
    days = profile.settings.abandoned_days
    if not days or not profile.has_rule("abandoned_account"):
        return
    rule = profile.rule("abandoned_account")
    # Anything on or after the first day of the window proves the account alive: a cheap
    # test that spares converting and comparing every source for most accounts.
    first_day = now.date() - timedelta(days=int(days) - 1)
    recent_moment = start_of_day(first_day)
    for acc in live_accounts(state):
        rotated = state.last_rotation.get(acc.id)
        evaluated = state.last_evaluation.get(acc.id)
        if (rotated is not None and rotated >= recent_moment) or (evaluated is not None and evaluated >= first_day):
            continue
        last = state.last_activity(acc.id)
        if last is not None:
            base, what = last[0], f"la última fue una {last[1]} el {format_date(last[0])}"
        else:
            base = opening_day(acc, now)
            what = f"no hay actividad registrada desde el {format_date(base)}"
        due = end_of_day(base + timedelta(days=int(days)))
        if due > now:
            continue
        yield Obligation(
            kind=Kind.ABANDONED_ACCOUNT,
            due=due,
            rule=rule,
            message=(
                f"Posible cuenta abandonada: {days} días sin actividad registrada ({what})."
                " Verifique que se use o tramite su baja."
            ),
            account=acc,
        )


_DOCUMENTS = (
    (Kind.DESIGNATION_FORM, "designation_form", "el formulario de designación"),
    (Kind.RESPONSIVA, "responsiva", "el formato de responsiva"),
)


_ADMINISTRATORS: tuple[str, ...] = (Role.TITULAR, Role.SUPLENTE)


def designation_documents(state: State, now: datetime) -> Iterator[Obligation]:
    """ine: every administrator needs a signed designation form and a signed responsiva."""
    profile = state.profile
    if not profile.settings.designation_documents:
        return
    first_start = first_start_by_person(state, now.date(), _ADMINISTRATORS)
    on_record = state.person_documents
    for kind, rule_key, label in _DOCUMENTS:
        if not profile.has_rule(rule_key):
            continue
        rule = profile.rule(rule_key)
        code = kind.value
        for person_id, start in first_start.items():
            if (person_id, code) in on_record:
                continue
            person = state.people.get(person_id)
            if person is None:
                continue
            yield Obligation(
                kind=kind,
                due=start_of_day(start),
                rule=rule,
                message=f"Registrar {label} firmado de {person.name}.",
                person=person,
                standing=True,
            )


# -- state machines --------------------------------------------------------

#: Allowed moves of each workflow: current state -> the states it may go to.
TRANSITIONS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "consultation": {"pendiente": ("aprobada", "rechazada")},
    "information_request": {"abierta": ("respondida", "canalizada")},
    "opening_request": {"pendiente": ("autorizada", "rechazada"), "autorizada": ("abierta",)},
}

_WHAT = {
    "consultation": "La consulta",
    "information_request": "La solicitud",
    "opening_request": "La solicitud de apertura",
}


def check_transition(machine: str, record_id: int, current: str, target: str) -> None:
    """Refuse a move the workflow does not allow (PolicyError with a Spanish message)."""
    allowed = TRANSITIONS[machine].get(current, ())
    if target in allowed:
        return
    what = f"{_WHAT[machine]} {record_id}"
    if not allowed:
        raise PolicyError(f"{what} ya está {current}: no puede pasar a {target}.")
    raise PolicyError(f"{what} está {current}: solo puede pasar a {' o '.join(allowed)}, no a {target}.")


# -- what a resolution needs (both faces ask the same) -------------------------------------------


class MissingDetail(UsageError):
    """A detail the rule requires was not given; ``field`` names it (``area``, ``nota``, ``motivo``)
    so a face can point at its own input (the command line adds the option's name)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class RefusedUnless(PolicyError):
    """A rule refuses unless the user says otherwise through ``field`` (``sin_rotacion``: close an
    incident without a rotation); a face points at its own input (the command line adds the option)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_request_resolution(result: str, note: str | None, area: str | None) -> None:
    """Answering a request directly needs the area that was told and what was answered."""
    if result == RequestState.ANSWERED and not area:
        raise MissingDetail("Al responder directamente hay que avisar al área responsable: indíquela.", "area")
    if result == RequestState.ANSWERED and not note:
        raise MissingDetail("Anote qué se respondió.", "nota")


def check_incident_closing(without_rotation: bool, reason: str | None) -> None:
    """Closing an incident without a rotation after its opening needs the reason."""
    if without_rotation and not reason:
        raise MissingDetail("Para cerrar sin rotación de contraseña indique el motivo.", "motivo")


#: How long a waiver lasts when the person does not say (the workbench's form starts from it).
DEFAULT_WAIVER_DAYS = 30


def waiver_until(until: date | None, today: date) -> date:
    """The last day of a waiver: ``until``, or ``DEFAULT_WAIVER_DAYS`` from today; never in the past."""
    if until is None:
        return today + timedelta(days=DEFAULT_WAIVER_DAYS)
    if until < today:
        raise UsageError(f"La fecha de término ({format_date(until)}) ya pasó.")
    return until


# -- what each step of a workflow accepts ------------------------------------------------------
#
# Pure checks of the values a step is given and of the record it changes: the store calls
# them (the ``check_*`` ones inside the step's transaction, on the record as it reads it
# there) and persists what they let through. Messages name no command-line option: a
# ``MissingDetail`` or ``RefusedUnless`` carries the field a face points at.


class Resolution(NamedTuple):
    """The new state of a record and the note (or reason) that goes with it, checked."""

    state: str
    note: str | None


# consultations


class ConsultationFields(NamedTuple):
    subject: str
    body: str | None
    #: where it was sent: the office named, else the profile's (None when neither)
    office: str | None


def consultation_fields(
    account: Account,
    *,
    subject: str,
    text: str | None,
    office: str | None,
    sent_at: datetime,
    now: datetime,
    profile: Profile,
) -> ConsultationFields:
    """A consultation sent at ``sent_at`` (not in the future) through a live ``account``."""
    check_not_closed(account)
    clean_subject = validate.text(subject, "asunto", required=True)
    assert clean_subject is not None  # required: validate.text raised otherwise
    body = validate.text(text, "texto", limit=validate.MAX_TEXT)
    validate.happened(sent_at, now, "fecha de envío")
    to = validate.text(office, "oficina") or profile.settings.consultation_office
    return ConsultationFields(clean_subject, body, to or None)


def consultation_answer(result: str, note: str | None) -> Resolution:
    """The office's answer: ``aprobada`` or ``rechazada``, with its note."""
    clean = validate.choice(result, "resultado", [ConsultationState.APPROVED, ConsultationState.REJECTED])
    return Resolution(clean, validate.text(note, "nota", limit=validate.MAX_MEDIUM))


def check_consultation_answer(current: Consultation, state: str, at: datetime, now: datetime) -> None:
    """PolicyError when ``current`` is already answered; UsageError for ``at`` in the future or before the sending."""
    check_transition("consultation", current.id, current.state, state)
    validate.happened(at, now, "fecha de respuesta", current.sent_at, "la de envío")


# information requests


class RequestFields(NamedTuple):
    requester: str
    subject: str


def request_fields(
    account: Account, *, requester: str, subject: str, received_at: datetime, now: datetime
) -> RequestFields:
    """A request received at ``received_at`` (not in the future) through a live ``account``."""
    check_not_closed(account)
    who = validate.text(requester, "quién solicita", required=True)
    what = validate.text(subject, "asunto", required=True, limit=validate.MAX_MEDIUM)
    assert who is not None and what is not None  # required: validate.text raised otherwise
    validate.happened(received_at, now, "fecha de recepción")
    return RequestFields(who, what)


class RequestResolution(NamedTuple):
    state: str
    note: str | None
    #: the area told of a direct answer
    area: str | None
    #: the office a routed request goes to (the profile's), None for a direct answer
    office: str | None


def request_resolution(result: str, note: str | None, area: str | None, profile: Profile) -> RequestResolution:
    """``respondida`` (needs the area told and what was answered) or ``canalizada`` to the profile's office."""
    clean = validate.choice(result, "resultado", [RequestState.ANSWERED, RequestState.ROUTED])
    clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
    clean_area = validate.text(area, "área")
    check_request_resolution(clean, clean_note, clean_area)
    office = profile.settings.information_request_office if clean == RequestState.ROUTED else None
    return RequestResolution(clean, clean_note, clean_area, office or None)


def check_request_answer(current: InformationRequest, state: str, at: datetime, now: datetime) -> None:
    """PolicyError when ``current`` was already attended; UsageError for ``at`` in the future or before it arrived."""
    check_transition("information_request", current.id, current.state, state)
    validate.happened(at, now, "fecha de atención", current.received_at, "la de recepción")


# openings


class OpeningFields(NamedTuple):
    network: str
    handle: str
    reference: str
    area: str | None
    #: the office that authorizes openings (the profile's), None when it names none
    office: str | None

    @property
    def ref(self) -> str:
        return f"{self.network}/{self.handle}"


def opening_fields(
    *,
    network: str,
    handle: str,
    reference: str,
    area: str | None,
    requested_on: date,
    now: datetime,
    profile: Profile,
) -> OpeningFields:
    """A request to open an account, by an oficio dated ``requested_on`` (not in the future)."""
    clean_network = validate.choice(network, "red", [n.value for n in Network])
    clean_handle = validate.text(handle, "usuario", required=True)
    clean_reference = validate.text(reference, "oficio", required=True)
    assert clean_handle is not None and clean_reference is not None  # required: validate.text raised otherwise
    clean_area = validate.text(area, "área")
    validate.not_future(requested_on, now, "fecha del oficio")
    office = profile.settings.opening_office
    return OpeningFields(clean_network, clean_handle, clean_reference, clean_area, office or None)


def opening_key(fields: OpeningFields) -> tuple[str, str]:
    """The network and the bare handle («inemexico») a request in progress is looked up by."""
    return fields.network, bare_handle(fields.handle)


def check_opening_request(fields: OpeningFields, existing: Account | None, in_progress: int | None) -> None:
    """ConflictError when the account is already registered (``existing``) or the request
    ``in_progress`` (its id) asks for it already."""
    if existing is not None:
        raise ConflictError(f"La cuenta {existing.ref} ya existe (id {existing.id}): no se solicita abrirla.")
    if in_progress is not None:
        raise ConflictError(f"Ya hay una solicitud de apertura en trámite para {fields.ref} (id {in_progress}).")


def opening_resolution(result: str, reason: str | None) -> Resolution:
    """The office's answer: ``autorizada``, or ``rechazada`` with its reason (required)."""
    clean = validate.choice(result, "resultado", [OpeningState.AUTHORIZED, OpeningState.REJECTED])
    clean_reason = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
    if clean == OpeningState.REJECTED and not clean_reason:
        raise MissingDetail("Indique el motivo del rechazo.", "motivo")
    return Resolution(clean, clean_reason)


def _check_opening_day(current: OpeningRequest, on: date, now: datetime) -> None:
    validate.not_future(on, now, "fecha")
    if on < current.requested_on:
        raise UsageError(
            f"La fecha ({format_date(on)}) es anterior a la del oficio de solicitud ({format_date(current.requested_on)})."
        )


def check_opening_step(current: OpeningRequest, state: str, on: date, now: datetime) -> None:
    """May ``current`` move to ``state`` on ``on``? PolicyError for a move its workflow does not
    allow; UsageError for a day in the future or before the oficio."""
    check_transition("opening_request", current.id, current.state, state)
    _check_opening_day(current, on, now)


def check_account_to_open(account: Account) -> None:
    """ConflictError unless ``account`` (the one an authorized request registered) is still ``autorizada``."""
    if account.status != AccountStatus.AUTHORIZED:
        raise ConflictError(f"La cuenta {account.ref} está {account.status}, no autorizada.")


def report_items(items: Sequence[str]) -> list[str]:
    """The items of an opening report (nombre, direccion, propositos, operacion, administradores), checked."""
    if not items:
        raise UsageError(f"Indique qué se informó: {', '.join(OPENING_REPORT_ITEMS)}.")
    return [validate.choice(item, "punto del informe", list(OPENING_REPORT_ITEMS)) for item in items]


def check_opening_report(current: OpeningRequest, items: Sequence[str], on: date, now: datetime) -> None:
    """ConflictError when the account is not open yet or an item was already reported;
    UsageError for a day in the future or before the oficio."""
    if current.state != OpeningState.OPENED:
        raise ConflictError(
            f"La solicitud de apertura {current.id} está {current.state}: el informe se hace al abrir la cuenta."
        )
    _check_opening_day(current, on, now)
    for item in items:
        if item in current.report:
            raise ConflictError(f"El punto «{item}» ya se informó el {format_date(current.report[item])}.")


# closings


def manual_closing_item(item: str) -> str:
    """An item of the closing checklist a person marks by hand (``contenido``, ``oficio``).

    The keyring's item is marked only by deleting the secrets (MissingDetail
    pointing at ``borrar_llavero``): that step records it.
    """
    if item == KEYRING_CLOSING_ITEM:
        raise MissingDetail(
            "La contraseña no se marca a mano: bórrela del llavero desde la baja, que registra el paso.",
            "borrar_llavero",
        )
    return validate.choice(item, "punto", list(MANUAL_CLOSING_ITEMS))


class ClosingFields(NamedTuple):
    reason: str | None
    reference: str | None
    #: the checklist items already done (an oficio given counts as ``oficio``)
    done: list[str]


def closing_fields(
    account: Account,
    *,
    on: date,
    now: datetime,
    reason: str | None,
    reference: str | None,
    done: Sequence[str],
) -> ClosingFields:
    """Closing a live ``account`` on ``on`` (not in the future), with the items already done."""
    check_not_closed(account)
    validate.not_future(on, now, "fecha de baja")
    clean_reason = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
    clean_reference = validate.text(reference, "oficio")
    items = [manual_closing_item(item) for item in done]
    if clean_reference and "oficio" not in items:
        items.append("oficio")
    return ClosingFields(clean_reason, clean_reference, items)


def assignment_end_on_closing(assignment: Assignment, on: date) -> date | None:
    """The new last day of ``assignment`` when its account closes on ``on``: that day (or its
    start, if it starts later); None when it already ends by then."""
    if assignment.end is None or assignment.end > on:
        return max(on, assignment.start)
    return None


def closing_marks(items: Sequence[str], reference: str | None) -> tuple[list[str], str | None]:
    """The checklist items marked by hand and the oficio, checked."""
    if not items:
        raise UsageError(f"Indique qué se completó: {', '.join(MANUAL_CLOSING_ITEMS)}.")
    return [manual_closing_item(item) for item in items], validate.text(reference, "oficio")


def _check_closing_day(current: Closing, on: date, now: datetime) -> None:
    validate.not_future(on, now, "fecha")
    if on < current.closed_on:
        raise UsageError(f"La fecha ({format_date(on)}) es anterior a la baja ({format_date(current.closed_on)}).")


def _check_not_done(current: Closing, item: str) -> None:
    if item in current.done:
        raise ConflictError(f"«{CLOSING_ITEMS[item]}» ya se registró el {format_date(current.done[item])}.")


def check_closing_marks(current: Closing, items: Sequence[str], on: date, now: datetime) -> None:
    """UsageError for a day in the future or before the closing; ConflictError for an item already done."""
    _check_closing_day(current, on, now)
    for item in items:
        _check_not_done(current, item)


def check_closing_secrets(current: Closing, on: date, now: datetime) -> None:
    """ConflictError when the keyring's item is already done; UsageError for a bad day."""
    _check_not_done(current, KEYRING_CLOSING_ITEM)
    _check_closing_day(current, on, now)


# holiday notices, the ine documents, waivers


def holiday_notice_note(on: date, now: datetime, note: str | None) -> str | None:
    """The note of a holiday notice published on ``on`` (not in the future), checked."""
    validate.not_future(on, now, "fecha del aviso")
    return validate.text(note, "nota", limit=validate.MAX_MEDIUM)


def check_holiday_notice(period: HolidayPeriod, done_on: date | None) -> None:
    """ConflictError when the notice of ``period`` was already marked done (on ``done_on``)."""
    if done_on is not None:
        raise ConflictError(f"El aviso del {format_date(period.start)} ya se marcó cumplido el {format_date(done_on)}.")


#: The ine documents a person signs.
DOCUMENT_KINDS: tuple[Kind, ...] = (Kind.DESIGNATION_FORM, Kind.RESPONSIVA)


def person_document(kind: str, on: date, now: datetime, reference: str | None) -> tuple[str, str | None]:
    """A signed designation form or responsiva (``kind``), signed on ``on`` (not in the future), and its reference."""
    clean = validate.choice(kind, "documento", [k.value for k in DOCUMENT_KINDS])
    validate.not_future(on, now, "fecha de firma")
    return clean, validate.text(reference, "referencia")


class WaiverFields(NamedTuple):
    reason: str
    key: str | None
    kind: str | None
    reference: str | None


def waiver_fields(
    *,
    reason: str,
    key: str | None,
    kind: str | None,
    for_account: bool,
    until: date,
    today: date,
    reference: str | None,
) -> WaiverFields:
    """What a waiver takes off the agenda: the obligation ``key``, or every ``kind`` one (of one
    account when ``for_account``), until ``until``, with its reason. MissingDetail (field
    ``obligacion``) when it names neither, or both ways at once."""
    clean_reason = validate.text(reason, "motivo", required=True, limit=validate.MAX_MEDIUM)
    assert clean_reason is not None  # required: validate.text raised otherwise
    clean_key = validate.text(key, "clave")
    clean_kind = validate.choice(kind, "tipo", [k.value for k in Kind]) if kind else None
    if clean_key is None and clean_kind is None:
        raise MissingDetail(
            "Indique qué se dispensa: el tipo de obligación (con la cuenta, si es de una cuenta) o su clave.",
            "obligacion",
        )
    if clean_key is not None and (clean_kind is not None or for_account):
        raise MissingDetail("Indique la clave sola, o bien el tipo con la cuenta.", "clave_sola")
    waiver_until(until, today)
    return WaiverFields(clean_reason, clean_key, clean_kind, validate.text(reference, "oficio"))


def check_waiver_revocable(waiver_id: int, revoked_at: datetime | None) -> None:
    """ConflictError when the waiver was already revoked."""
    if revoked_at is not None:
        raise ConflictError(f"La dispensa {waiver_id} ya fue revocada.")


# incidents

#: The longest description of an incident.
MAX_INCIDENT_DESCRIPTION = 5000


def incident_description(description: str) -> str:
    """What happened, trimmed; UsageError when empty or too long."""
    clean = validate.text(description, "descripción", required=True, limit=MAX_INCIDENT_DESCRIPTION)
    assert clean is not None  # required: validate.text raised otherwise
    return clean


def incident_recipients(profile: Profile) -> list[str]:
    """Whom the profile says to notify of an incident, in its order.

    StoreError (as the store always raised it) when the profile names no one.
    """
    recipients = [str(r).strip() for r in profile.settings.incident_recipients if str(r).strip()]
    if not recipients:
        raise StoreError(
            f"El perfil {profile.short_name} no define a quién notificar un incidente (ajuste incident_recipients)."
        )
    return recipients


def check_incident_moment(moment: datetime, latest: datetime, field: str) -> None:
    """UsageError when ``moment`` is after ``latest`` (now, with the bitácora's tolerance)."""
    if moment > latest:
        raise UsageError(f"La {field} ({validate.moment_shown(moment)}) está en el futuro.")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def notice_position(incident_id: int, notices: Sequence[tuple[int, str]], recipient: str) -> int:
    """The position in the checklist ``notices`` ((position, recipient) pairs) that ``recipient``
    names: its number, its name (accents and case aside), or a part of the name matching one only.

    UsageError when it names none, or several.
    """
    text = (recipient or "").strip()
    position = validate.record_id(text)
    if position is not None and any(p == position for p, _ in notices):
        return position
    wanted = _fold(text)
    exact = [p for p, name in notices if _fold(name) == wanted]
    partial = [p for p, name in notices if wanted and wanted in _fold(name)]
    found = exact or partial
    if len(found) == 1:
        return found[0]
    options = "; ".join(f"{p}. {name}" for p, name in notices)
    if not found:
        raise UsageError(f"«{text}» no está en la lista de avisos del incidente {incident_id}: {options}.")
    raise UsageError(f"«{text}» coincide con varios destinatarios; indique su número: {options}.")


def check_incident_notice(
    incident_id: int, recipient: str, notified_at: datetime | None, moment: datetime, opened_at: datetime
) -> None:
    """ConflictError when the notice to ``recipient`` was already given; UsageError for a ``moment``
    before the incident opened."""
    if notified_at is not None:
        raise ConflictError(
            f"El aviso a {recipient} del incidente {incident_id} ya se registró ({moment_text(notified_at)})."
        )
    if moment < opened_at:
        raise UsageError(
            f"El aviso ({moment_text(moment)}) no puede ser anterior a la apertura del incidente ({moment_text(opened_at)})."
        )


def incident_closing_reason(without_rotation: bool, reason: str | None) -> str | None:
    """The reason given to close an incident, checked; required (MissingDetail) to close without a rotation."""
    note = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
    check_incident_closing(without_rotation, note)
    return note


def check_incident_close(incident_id: int, closed_at: datetime | None, moment: datetime, opened_at: datetime) -> None:
    """ConflictError when the incident is already closed; UsageError for a ``moment`` before it opened."""
    if closed_at is not None:
        raise ConflictError(f"El incidente {incident_id} ya está cerrado ({moment_text(closed_at)}).")
    if moment < opened_at:
        raise UsageError(
            f"El cierre ({moment_text(moment)}) no puede ser anterior a la apertura ({moment_text(opened_at)})."
        )


def check_incident_rotation(
    incident_id: int, account: str, opened_at: datetime, rotated: bool, without_rotation: bool
) -> None:
    """Closing needs a rotation of ``account``'s password after the opening (``rotated``), unless
    ``without_rotation`` (whose reason ``check_incident_closing`` asks for): RefusedUnless otherwise."""
    if not rotated and not without_rotation:
        raise RefusedUnless(
            f"No se puede cerrar el incidente {incident_id}: no hay una rotación de contraseña de"
            f" {account} registrada después de su apertura ({moment_text(opened_at)})."
            " Registre la rotación o cierre sin rotación indicando el motivo.",
            "sin_rotacion",
        )
