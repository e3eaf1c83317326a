"""The workflows with deadlines: consultations, information requests, openings, closings,
administrator changes and their notices, and the ine designation documents.

Each use case takes the open ``Store``; a moment or day left as ``None`` is now
or today (the store's clock). Deadlines come from ``policy.workflows``, the
very ones the agenda uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from policy import validate
from policy.codes import ConsultationState, DutyKind, Kind, OpeningState, RequestState
from policy.labels import OPENING_REPORT_ITEMS, opening_stage
from policy.records import Account, AdminChange, Closing, Consultation, InformationRequest, OpeningRequest, Person
from policy.workflows import (
    admin_change_notice_asked,
    consultation_due,
    consultation_window,
    information_request_due,
    opening_due,
)
from store.events import Event
from store.state import calendar_years
from tui.core.common import AccountKey, PersonKey, account_of, person_of

if TYPE_CHECKING:
    from policy.calendar import BusinessCalendar
    from policy.profile import Profile
    from store.db import Store
    from store.secrets import Secrets
    from tui.core.preflight import Review

__all__ = [
    "add_consultation",
    "add_opening",
    "add_request",
    "admin_changes",
    "close_account",
    "consultations",
    "information_requests",
    "mark_closing",
    "notify_admin_change",
    "open_account",
    "openings",
    "record_admin_change",
    "record_history",
    "record_person_document",
    "remove_closing_secrets",
    "report_opening",
    "resolve_consultation",
    "resolve_opening",
    "resolve_request",
    "closings",
]

ONE_SIDED: dict[str, str] = {}


# -- shared ----------------------------------------------------------------------------------


def _rules(store: Store) -> tuple[Profile, BusinessCalendar]:
    """The profile and the business calendar the deadlines are computed with."""
    profile = store.settings.profile()
    first, last = calendar_years(profile, store.now())
    return profile, store.calendar.business_calendar(first, last)


def _refs(store: Store) -> dict[int, str]:
    return {acc.id: acc.ref for acc in store.accounts.list()}


def _day(store: Store, on: date | None) -> date:
    return store.now().date() if on is None else on


# -- consultations ----------------------------------------------------------------------------


class ConsultationView(NamedTuple):
    """A consultation, its account's ``red/usuario``, its deadline and the state people see."""

    consultation: Consultation
    account: str
    #: when the office's answer is due (pending ones, on a profile with a window)
    due: datetime | None
    #: the recorded state, or ``vencida`` for a pending one past its window
    state: str


def consultation_state(item: Consultation, due: datetime | None, now: datetime) -> str:
    """The state shown to people: a pending consultation past its window is ``vencida``."""
    if item.state == ConsultationState.PENDING and due is not None and due <= now:
        return ConsultationState.EXPIRED.value
    return str(item.state)


def consultations(store: Store, state: str | None = None, *, pending: bool = False) -> list[ConsultationView]:
    """Consultations, newest first. ``state`` keeps those shown in that state (``vencida``
    included); ``pending`` keeps the unanswered ones, in or past their window."""
    profile, calendar = _rules(store)
    now = store.now()
    refs = _refs(store)
    recorded = state if state in (ConsultationState.APPROVED, ConsultationState.REJECTED) else None
    if pending or state in (ConsultationState.PENDING, ConsultationState.EXPIRED):
        recorded = ConsultationState.PENDING
    views: list[ConsultationView] = []
    for item in store.consultations.list(recorded):
        due = consultation_due(profile, calendar, item.sent_at) if item.state == ConsultationState.PENDING else None
        shown = consultation_state(item, due, now)
        if state and shown != state:
            continue
        views.append(ConsultationView(item, refs.get(item.account_id, f"cuenta {item.account_id}"), due, shown))
    return views


class NewConsultation(NamedTuple):
    consultation: Consultation
    account: Account
    due: datetime | None
    #: the window in words («48 horas naturales»), None when the profile sets none
    window: str | None
    #: what the profile says happens without an answer (shown when there is no window)
    outcome: str
    #: the preflight of the draft (None when the consultation has no text), kept with it
    review: Review | None = None


def add_consultation(
    store: Store,
    account: AccountKey,
    *,
    subject: str,
    sent_at: datetime | None = None,
    text: str | None = None,
    office: str | None = None,
) -> NewConsultation:
    """Record a consultation sent (now by default) to ``office`` (by default the profile's).

    A consultation with a draft ``text`` keeps the draft's preflight (``review_draft`` with the
    consultation's account), written with it in one transaction.
    """
    found = account_of(store, account)
    body = validate.text(text, "texto", limit=validate.MAX_TEXT)
    review: Review | None = None
    if body is not None:
        from tui.core.preflight import review_draft  # lazy: the preflight's checks load only for a draft

        review = review_draft(store, body, account=found.id)
    item = store.consultations.add(
        found,
        subject=subject,
        text=body,
        sent_at=store.now() if sent_at is None else sent_at,
        office=office,
        review=None if review is None else review.as_dict(),
    )
    profile, calendar = _rules(store)
    due = consultation_due(profile, calendar, item.sent_at)
    window = consultation_window(profile)
    return NewConsultation(item, found, due, window, profile.settings.consultation_outcome, review)


def consultation_review(item: Consultation) -> Review | None:
    """The preflight a consultation keeps of its draft (None when it has none)."""
    if item.review is None or item.text is None:
        return None
    from tui.core.preflight import kept_review  # lazy: the preflight's checks load only for a draft

    return kept_review(item.text, item.review)


def resolve_consultation(
    store: Store, consultation_id: int, result: str, *, at: datetime | None = None, note: str | None = None
) -> Consultation:
    """The office's answer (``aprobada`` or ``rechazada``), received now by default."""
    return store.consultations.resolve(consultation_id, result, at=store.now() if at is None else at, note=note)


# -- information requests -----------------------------------------------------------------------


class RequestView(NamedTuple):
    request: InformationRequest
    account: str
    #: when it must be attended (open ones)
    due: datetime | None
    overdue: bool


def information_requests(store: Store, state: str | None = None) -> list[RequestView]:
    """Information requests, newest first; ``state`` keeps those recorded in that state."""
    profile, calendar = _rules(store)
    now = store.now()
    refs = _refs(store)
    views: list[RequestView] = []
    for item in store.information_requests.list(state):
        due = information_request_due(profile, calendar, item.received_at) if item.state == RequestState.OPEN else None
        views.append(
            RequestView(item, refs.get(item.account_id, f"cuenta {item.account_id}"), due, bool(due and due <= now))
        )
    return views


class NewRequest(NamedTuple):
    request: InformationRequest
    account: Account
    due: datetime
    #: the office a request is routed to (the profile's)
    office: str


def add_request(
    store: Store, account: AccountKey, *, requester: str, subject: str, received_at: datetime | None = None
) -> NewRequest:
    """Record a request for information received (now by default) through ``account``."""
    found = account_of(store, account)
    item = store.information_requests.add(
        found,
        requester=requester,
        subject=subject,
        received_at=store.now() if received_at is None else received_at,
    )
    profile, calendar = _rules(store)
    due = information_request_due(profile, calendar, item.received_at)
    return NewRequest(item, found, due, profile.settings.information_request_office)


def resolve_request(
    store: Store,
    request_id: int,
    result: str,
    *,
    at: datetime | None = None,
    note: str | None = None,
    area: str | None = None,
) -> InformationRequest:
    """Answered directly (``respondida``: needs ``area`` and ``note``) or routed (``canalizada``)."""
    return store.information_requests.resolve(
        request_id, result, at=store.now() if at is None else at, note=note, area=area
    )


# -- openings -------------------------------------------------------------------------------------


class OpeningView(NamedTuple):
    opening: OpeningRequest
    #: when the office must answer (pending ones, on a profile with a window)
    due: datetime | None
    #: the id of the open duty of its procedures before the UNICOM (ine §7.VI: authorized, not yet done)
    unicom_duty: int | None = None
    #: the profile asks for a report of the opened account (its name, address, purposes…)
    report_due: bool = False

    @property
    def report_missing(self) -> list[str]:
        """The report's items not yet given (``policy.labels.OPENING_REPORT_ITEMS`` keys)."""
        return [key for key in OPENING_REPORT_ITEMS if key not in self.opening.report]

    @property
    def stage(self) -> str:
        """Its next step in words («trámite UNICOM pendiente», «informe pendiente», «por abrir»…)."""
        return opening_stage(
            self.opening.state,
            unicom_pending=self.unicom_duty is not None,
            report_missing=len(self.report_missing),
            report_due=self.report_due,
        )


def openings(store: Store) -> list[OpeningView]:
    """Opening requests, newest first, with the office's deadline, the UNICOM step still owed by the
    authorized ones and whether the profile asks for the report of the opened ones."""
    profile, calendar = _rules(store)
    report_due = bool(profile.settings.opening_report)
    found = store.openings.list()
    unicom: dict[int | None, int] = {}
    if any(item.state == OpeningState.AUTHORIZED for item in found):
        unicom = {d.account_id: d.id for d in store.duties.list(open_only=True) if d.kind == DutyKind.UNICOM_STEP}
    return [
        OpeningView(
            item,
            opening_due(profile, calendar, item.requested_on) if item.state == OpeningState.PENDING else None,
            unicom.get(item.account_id) if item.state == OpeningState.AUTHORIZED else None,
            report_due,
        )
        for item in found
    ]


class NewOpening(NamedTuple):
    opening: OpeningRequest
    due: datetime | None
    #: the office that authorizes openings (the profile's)
    office: str
    #: the area may not open accounts by itself (the request goes to ``office``)
    needs_authorization: bool
    #: the clause that says so, short («§5.2 Lineamientos»)
    clause: str


def add_opening(
    store: Store,
    *,
    network: str,
    handle: str,
    reference: str,
    requested_on: date | None = None,
    area: str | None = None,
) -> NewOpening:
    """Record a request to open an account, by oficio dated ``requested_on`` (today by default)."""
    item = store.openings.add(
        network=network, handle=handle, reference=reference, requested_on=_day(store, requested_on), area=area
    )
    profile, calendar = _rules(store)
    allowed = bool(profile.settings.opening_allowed)
    clause = profile.rule("opening_request").short() if not allowed else ""
    return NewOpening(
        item, opening_due(profile, calendar, item.requested_on), profile.settings.opening_office, not allowed, clause
    )


def resolve_opening(
    store: Store, opening_id: int, result: str, *, on: date | None = None, reason: str | None = None
) -> OpeningRequest:
    """The office's answer: ``autorizada`` registers the account as authorized; ``rechazada`` needs the reason."""
    return store.openings.resolve(opening_id, result, on=_day(store, on), reason=reason)


class OpenedAccount(NamedTuple):
    opening: OpeningRequest
    #: the profile asks for a report of the new account (its name, address, purposes…)
    report_due: bool


def open_account(store: Store, opening_id: int, *, on: date | None = None) -> OpenedAccount:
    """The authorized account was opened on ``on`` (today by default): it becomes active."""
    item = store.openings.open_account(opening_id, on=_day(store, on))
    return OpenedAccount(item, bool(store.settings.profile().settings.opening_report))


def report_opening(store: Store, opening_id: int, items: Sequence[str], *, on: date | None = None) -> OpeningRequest:
    """Mark items of the opening report as reported on ``on`` (today by default)."""
    return store.openings.report(opening_id, list(items), on=_day(store, on))


# -- closings ---------------------------------------------------------------------------------------


class ClosingView(NamedTuple):
    closing: Closing
    account: str


def closings(store: Store) -> list[ClosingView]:
    """Closings, newest first, with their account's ``red/usuario``."""
    refs = _refs(store)
    return [ClosingView(c, refs.get(c.account_id, f"cuenta {c.account_id}")) for c in store.closings.list()]


class ClosedAccount(NamedTuple):
    closing: Closing
    account: Account


def close_account(
    store: Store,
    account: AccountKey,
    *,
    on: date | None = None,
    reason: str | None = None,
    done: Sequence[str] = (),
    reference: str | None = None,
) -> ClosedAccount:
    """Close the account on ``on`` (today by default): its assignments end and the checklist starts."""
    found = account_of(store, account)
    item = store.closings.close(found, on=_day(store, on), reason=reason, done=list(done), reference=reference)
    return ClosedAccount(item, found)


def mark_closing(
    store: Store, closing_id: int, items: Sequence[str], *, on: date | None = None, reference: str | None = None
) -> Closing:
    """Mark checklist items of a closing done on ``on`` (today by default)."""
    return store.closings.mark(closing_id, list(items), on=_day(store, on), reference=reference)


class SecretsRemoved(NamedTuple):
    closing: Closing
    #: what the keyring held and was deleted (Spanish), empty when it held nothing
    removed: list[str]


def remove_closing_secrets(
    store: Store,
    secrets: Secrets,
    closing_id: int,
    *,
    on: date | None = None,
    items: Sequence[str] = (),
    reference: str | None = None,
) -> SecretsRemoved:
    """Delete the closed account's password and recovery codes from the keyring and record the step."""
    from store.credentials import remove_closing_secrets as remove  # lazy: store.credentials costs, one command uses it

    item, removed = remove(store, secrets, closing_id, on=_day(store, on), items=list(items), reference=reference)
    return SecretsRemoved(item, list(removed))


# -- administrator changes and documents ---------------------------------------------------------------


class AdminChangeView(NamedTuple):
    change: AdminChange
    person: str | None
    #: the ``red/usuario`` of each account of the change (None for one no longer there)
    accounts: list[str | None]


def admin_changes(store: Store) -> list[AdminChangeView]:
    """Administrator changes, newest first, with the person's name and the accounts."""
    people = {p.id: p.name for p in store.people.list()}
    refs = _refs(store)
    return [
        AdminChangeView(c, people.get(c.person_id), [refs.get(a) for a in c.account_ids])
        for c in store.admin_changes.list()
    ]


class RecordedChange(NamedTuple):
    change: AdminChange
    person: Person
    #: the ``red/usuario`` of the accounts the person stops administering
    accounts: list[str]
    #: the office to notify and the clause asking it («§6.4 …»), when the profile asks for a notice
    notice: tuple[str, str] | None
    #: the profile asks for the password to change at once (else it is only recommended)
    rotation_due: bool
    #: the roles every account needs (titular and suplente; the IECM's enlace)
    roles: tuple[str, ...] = ()


def record_admin_change(
    store: Store,
    person: PersonKey,
    reason: str,
    *,
    start: date | None = None,
    until: date | None = None,
    note: str | None = None,
) -> RecordedChange:
    """``person`` stops administering from ``start`` (today by default), for good or until ``until``."""
    found = person_of(store, person)
    change = store.admin_changes.record(found, reason, start=_day(store, start), until=until, note=note)
    refs = _refs(store)
    profile = store.settings.profile()
    notice = admin_change_notice_asked(profile)
    return RecordedChange(
        change,
        found,
        [refs[a] for a in change.account_ids if a in refs],
        notice,
        bool(profile.settings.rotation_on_admin_change),
        profile.settings.admin_roles,
    )


def notify_admin_change(
    store: Store, change_id: int, *, on: date | None = None, reference: str | None = None
) -> AdminChange:
    """The change was notified to the profile's office on ``on`` (today by default)."""
    return store.admin_changes.notify(change_id, on=_day(store, on), reference=reference)


class RecordedDocument(NamedTuple):
    person: Person
    kind: Kind
    on: date


def record_person_document(
    store: Store, person: PersonKey, kind: str, *, on: date | None = None, reference: str | None = None
) -> RecordedDocument:
    """ine: ``person`` signed the designation form or the responsiva on ``on`` (today by default)."""
    found = person_of(store, person)
    day = _day(store, on)
    store.person_documents.record(found, kind, on=day, reference=reference)
    return RecordedDocument(found, Kind(kind), day)


# -- history ---------------------------------------------------------------------------------------------

WorkflowRecord = Consultation | InformationRequest | OpeningRequest | Closing


class RecordHistory(NamedTuple):
    """One workflow record, its deadline and shown state, its account, and every change made to it."""

    record: WorkflowRecord
    #: the deadline still running (pending consultations, open requests, pending openings)
    due: datetime | None
    #: the state people see (a consultation past its window is ``vencida``)
    state: str | None
    account: str | None
    events: list[Event]


def record_history(store: Store, entity: str, record_id: int) -> RecordHistory:
    """A consultation, information request, opening request or closing (``entity``) and its history."""
    refs = _refs(store)
    record: WorkflowRecord
    due: datetime | None = None
    state: str | None = None
    if entity == "consultation":
        record = store.consultations.get(record_id)
        if record.state == ConsultationState.PENDING:
            due = consultation_due(*_rules(store), record.sent_at)
        state = consultation_state(record, due, store.now())
    elif entity == "information_request":
        record = store.information_requests.get(record_id)
        if record.state == RequestState.OPEN:
            due = information_request_due(*_rules(store), record.received_at)
        state = record.state
    elif entity == "opening_request":
        record = store.openings.get(record_id)
        if record.state == OpeningState.PENDING:
            due = opening_due(*_rules(store), record.requested_on)
        state = record.state
    else:
        record = store.closings.get(record_id)
    account_id = record.account_id
    account = refs.get(account_id) if account_id is not None else None
    return RecordHistory(record, due, state, account, store.events.for_record(entity, record_id))
