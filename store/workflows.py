"""The workflows with deadlines, as recorded: consultations, information requests,
openings and closings, administrator changes, person documents, holiday notices and
waivers.

Every operation is one ``atomic()`` block that also writes its ``workflow_events``
row (what changed, from which state to which, who and when), so no state is ever
overwritten without a record of the previous one.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from policy.clock import format_date, start_of_day
from policy.codes import (
    KEYRING_CLOSING_ITEM,
    AccountStatus,
    ChangeReason,
    ConsultationState,
    EntryKind,
    Kind,
    Network,
    OpeningState,
    RequestState,
)
from policy.labels import CHANGE_REASON_LABELS, CLOSING_ITEMS, KIND_LABELS, MANUAL_CLOSING_ITEMS, OPENING_REPORT_ITEMS
from policy.records import (
    Account,
    AdminChange,
    Closing,
    Consultation,
    InformationRequest,
    OpeningRequest,
    Person,
    Waiver,
)
from policy.workflows import HolidayPeriod, check_transition
from store import validate
from store.db import StoredMoments, from_db_datetime, to_db_datetime
from store.errors import ConflictError, NotFoundError, UsageError

if TYPE_CHECKING:
    from store.db import Store


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    return from_db_datetime(text) if text else None


# -- history -----------------------------------------------------------------


class Event(NamedTuple):
    id: int
    entity: str
    entity_id: int
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
    author: str | None
    at: datetime


class Events:
    """The history of every workflow record: one row per change, never edited."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        entity: str,
        entity_id: int,
        action: str,
        *,
        from_state: str | None = None,
        to_state: str | None = None,
        note: str | None = None,
    ) -> None:
        """Append one event; call it inside the operation's ``atomic()`` block."""
        self._store.insert(
            "workflow_events",
            {
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "note": note,
                "author": self._store.author,
                "at": self._store.stamp(),
            },
        )

    def for_record(self, entity: str, entity_id: int) -> list[Event]:
        rows = self._store.query(
            "SELECT * FROM workflow_events WHERE entity = ? AND entity_id = ? ORDER BY id",
            (entity, entity_id),
        )
        return [
            Event(
                r["id"],
                r["entity"],
                r["entity_id"],
                r["action"],
                r["from_state"],
                r["to_state"],
                r["note"],
                r["author"],
                from_db_datetime(r["at"]),
            )
            for r in rows
        ]


def _when(moment: datetime, now: datetime, field: str, after: datetime | None = None, after_label: str = "") -> None:
    validate.not_future(moment, now, field)
    if after is not None and moment < after:
        raise UsageError(
            f"La {field} ({moment.isoformat(timespec='minutes')}) es anterior a {after_label}"
            f" ({after.isoformat(timespec='minutes')})."
        )


def _live(account: Account) -> None:
    if account.status == AccountStatus.CLOSED:
        raise ConflictError(f"La cuenta {account.ref} está dada de baja.")


def _on_day(store: Store, day: date) -> datetime:
    """When a change recorded by its date happened, for the bitácora: the start of
    that day, or now when the day is today or later (the log records the past)."""
    return min(start_of_day(day), store.now())


def _journal(
    store: Store,
    kind: str,
    text: str,
    *,
    account: Account | int | None = None,
    occurred_at: datetime | None = None,
    refs: tuple[str | None, ...] = (),
) -> None:
    """The bitácora entry of a workflow change; call it inside the change's ``atomic()`` block."""
    store.bitacora.append(
        kind=kind,
        text=text,
        account=account,
        occurred_at=occurred_at,
        refs=[r for r in refs if r],
    )


def _sentence(text: str | None) -> str:
    """`` Text.`` to append to an entry (empty when there is none)."""
    return f" {text.rstrip('.')}." if text else ""


# -- consultations -------------------------------------------------------------


def _row_to_consultation(r: sqlite3.Row) -> Consultation:
    return Consultation(
        id=r["id"],
        account_id=r["account_id"],
        subject=r["subject"],
        sent_at=from_db_datetime(r["sent_at"]),
        office=r["office"],
        text=r["body"],
        state=r["state"],
        answered_at=_moment(r["answered_at"]),
        note=r["note"],
        author=r["author"],
    )


class Consultations:
    """Consultations before publishing («consultas de pertinencia»)."""

    entity = "consultation"

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        account: Account,
        *,
        subject: str,
        sent_at: datetime,
        text: str | None = None,
        office: str | None = None,
    ) -> Consultation:
        """Record a consultation sent at ``sent_at`` (not in the future) to the profile's office."""
        store = self._store
        _live(account)
        clean_subject = validate.text(subject, "asunto", required=True)
        body = validate.text(text, "texto", limit=validate.MAX_TEXT)
        _when(sent_at, store.now(), "fecha de envío")
        to = validate.text(office, "oficina") or store.settings.profile().settings.consultation_office
        with store.atomic():
            new_id = store.insert(
                "consultations",
                {
                    "account_id": account.id,
                    "subject": clean_subject,
                    "body": body,
                    "office": to or None,
                    "sent_at": to_db_datetime(sent_at),
                    "state": ConsultationState.PENDING.value,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "registrada", to_state=ConsultationState.PENDING.value)
            _journal(
                store,
                EntryKind.CONSULTATION,
                account=account,
                occurred_at=sent_at,
                text=(
                    f"Consulta de pertinencia {new_id} enviada" + (f" a {to}" if to else "") + f": «{clean_subject}»."
                ),
            )
        return self.get(new_id)

    def resolve(self, consultation_id: int, result: str, *, at: datetime, note: str | None = None) -> Consultation:
        """Record the office's answer: ``aprobada`` or ``rechazada``.

        NotFoundError for an unknown id; PolicyError when it is already resolved;
        UsageError when ``at`` is in the future or before the sending.
        """
        store = self._store
        clean = validate.choice(result, "resultado", [ConsultationState.APPROVED, ConsultationState.REJECTED])
        clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
        with store.atomic():
            current = self.get(consultation_id)
            check_transition(self.entity, consultation_id, current.state, clean)
            _when(at, store.now(), "fecha de respuesta", current.sent_at, "la de envío")
            store.execute(
                "UPDATE consultations SET state = ?, answered_at = ?, note = ? WHERE id = ?",
                (clean, to_db_datetime(at), clean_note, consultation_id),
            )
            store.events.record(
                self.entity, consultation_id, "resuelta", from_state=current.state, to_state=clean, note=clean_note
            )
            _journal(
                store,
                EntryKind.CONSULTATION,
                account=current.account_id,
                occurred_at=at,
                text=f"Consulta de pertinencia {consultation_id} ({current.subject}): {clean}.{_sentence(clean_note)}",
            )
        return self.get(consultation_id)

    def get(self, consultation_id: int) -> Consultation:
        row = self._store.query_one("SELECT * FROM consultations WHERE id = ?", (consultation_id,))
        if row is None:
            raise NotFoundError(f"No existe la consulta con id {consultation_id}.")
        return _row_to_consultation(row)

    def list(self, state: str | None = None) -> list[Consultation]:
        """All consultations, newest first; ``state`` filters by the recorded state."""
        if state:
            rows = self._store.query(
                "SELECT * FROM consultations WHERE state = ? ORDER BY sent_at DESC, id DESC", (state,)
            )
        else:
            rows = self._store.query("SELECT * FROM consultations ORDER BY sent_at DESC, id DESC")
        return [_row_to_consultation(r) for r in rows]

    def pending(self) -> builtins.list[Consultation]:
        rows = self._store.query("SELECT * FROM consultations WHERE state = 'pendiente' ORDER BY id")
        return [_row_to_consultation(r) for r in rows]

    def latest_by_account(self) -> Mapping[int, datetime]:
        """account id -> when its newest consultation was sent (one index seek per account)."""
        rows = self._store.rows(
            "SELECT a.id, (SELECT c.sent_at FROM consultations c WHERE c.account_id = a.id"
            " ORDER BY c.sent_at DESC LIMIT 1) FROM accounts a"
        )
        return StoredMoments({account_id: last for account_id, last in rows if last})


# -- information requests ---------------------------------------------------------


def _row_to_request(r: sqlite3.Row) -> InformationRequest:
    return InformationRequest(
        id=r["id"],
        account_id=r["account_id"],
        requester=r["requester"],
        subject=r["subject"],
        received_at=from_db_datetime(r["received_at"]),
        state=r["state"],
        closed_at=_moment(r["closed_at"]),
        area=r["area"],
        office=r["office"],
        note=r["note"],
        author=r["author"],
    )


class InformationRequests:
    """Requests for information from the public, received through an account."""

    entity = "information_request"

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, account: Account, *, requester: str, subject: str, received_at: datetime) -> InformationRequest:
        store = self._store
        _live(account)
        who = validate.text(requester, "quién solicita", required=True)
        what = validate.text(subject, "asunto", required=True, limit=validate.MAX_MEDIUM)
        _when(received_at, store.now(), "fecha de recepción")
        with store.atomic():
            new_id = store.insert(
                "information_requests",
                {
                    "account_id": account.id,
                    "requester": who,
                    "subject": what,
                    "received_at": to_db_datetime(received_at),
                    "state": RequestState.OPEN.value,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "registrada", to_state=RequestState.OPEN.value)
            _journal(
                store,
                EntryKind.REQUEST,
                account=account,
                occurred_at=received_at,
                text=f"Solicitud de información {new_id} recibida de {who}: {_sentence(what).strip()}",
            )
        return self.get(new_id)

    def resolve(
        self,
        request_id: int,
        result: str,
        *,
        at: datetime,
        note: str | None = None,
        area: str | None = None,
    ) -> InformationRequest:
        """Close a request: ``respondida`` (needs the area notified) or ``canalizada`` to the profile's office."""
        store = self._store
        clean = validate.choice(result, "resultado", [RequestState.ANSWERED, RequestState.ROUTED])
        clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
        clean_area = validate.text(area, "área")
        if clean == RequestState.ANSWERED and not clean_area:
            raise UsageError("Al responder directamente hay que avisar al área responsable: indíquela con --area.")
        if clean == RequestState.ANSWERED and not clean_note:
            raise UsageError("Anote qué se respondió con --nota.")
        office = store.settings.profile().settings.information_request_office if clean == RequestState.ROUTED else None
        with store.atomic():
            current = self.get(request_id)
            check_transition(self.entity, request_id, current.state, clean)
            _when(at, store.now(), "fecha de atención", current.received_at, "la de recepción")
            store.execute(
                "UPDATE information_requests SET state = ?, closed_at = ?, note = ?, area = ?, office = ? WHERE id = ?",
                (clean, to_db_datetime(at), clean_note, clean_area, office or None, request_id),
            )
            store.events.record(
                self.entity, request_id, "atendida", from_state=current.state, to_state=clean, note=clean_note
            )
            if clean == RequestState.ANSWERED:
                what = f"respondida; se avisó a {clean_area}"
            else:
                what = "canalizada" + (f" a {office}" if office else "")
            _journal(
                store,
                EntryKind.REQUEST,
                account=current.account_id,
                occurred_at=at,
                text=f"Solicitud de información {request_id} de {current.requester}: {what}.{_sentence(clean_note)}",
            )
        return self.get(request_id)

    def get(self, request_id: int) -> InformationRequest:
        row = self._store.query_one("SELECT * FROM information_requests WHERE id = ?", (request_id,))
        if row is None:
            raise NotFoundError(f"No existe la solicitud de información con id {request_id}.")
        return _row_to_request(row)

    def list(self, state: str | None = None) -> list[InformationRequest]:
        if state:
            rows = self._store.query(
                "SELECT * FROM information_requests WHERE state = ? ORDER BY received_at DESC, id DESC", (state,)
            )
        else:
            rows = self._store.query("SELECT * FROM information_requests ORDER BY received_at DESC, id DESC")
        return [_row_to_request(r) for r in rows]

    def open(self) -> builtins.list[InformationRequest]:
        rows = self._store.query("SELECT * FROM information_requests WHERE state = 'abierta' ORDER BY id")
        return [_row_to_request(r) for r in rows]


# -- opening accounts ---------------------------------------------------------------


class Openings:
    """Requests to open an account, their answer, the opening and its report."""

    entity = "opening_request"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _row(self, r: sqlite3.Row) -> OpeningRequest:
        items = self._store.query("SELECT item, reported_on FROM opening_report_items WHERE opening_id = ?", (r["id"],))
        return OpeningRequest(
            id=r["id"],
            network=r["network"],
            handle=r["handle"],
            reference=r["reference"],
            requested_on=date.fromisoformat(r["requested_on"]),
            area=r["area"],
            state=r["state"],
            resolved_on=_day(r["resolved_on"]),
            reason=r["reason"],
            account_id=r["account_id"],
            report={i["item"]: date.fromisoformat(i["reported_on"]) for i in items},
            author=r["author"],
        )

    def add(
        self,
        *,
        network: str,
        handle: str,
        reference: str,
        requested_on: date,
        area: str | None = None,
    ) -> OpeningRequest:
        """Record a request to open an account, by oficio.

        ConflictError when the account is already registered or another request for it is open.
        """
        store = self._store
        clean_network = validate.choice(network, "red", [n.value for n in Network])
        clean_handle = validate.text(handle, "usuario", required=True)
        assert clean_handle is not None
        clean_reference = validate.text(reference, "oficio", required=True)
        clean_area = validate.text(area, "área")
        validate.not_future(requested_on, store.now(), "fecha del oficio")
        office = store.settings.profile().settings.opening_office
        with store.atomic():
            existing = store.accounts.find(clean_network, clean_handle)
            if existing is not None:
                raise ConflictError(f"La cuenta {existing.ref} ya existe (id {existing.id}): no se solicita abrirla.")
            bare = clean_handle.lstrip("@").lower()
            other = store.query_one(
                "SELECT id FROM opening_requests WHERE network = ? AND lower(ltrim(handle, '@')) = ?"
                " AND state IN ('pendiente', 'autorizada')",
                (clean_network, bare),
            )
            if other is not None:
                raise ConflictError(
                    f"Ya hay una solicitud de apertura en trámite para {clean_network}/{clean_handle} (id {other['id']})."
                )
            new_id = store.insert(
                "opening_requests",
                {
                    "network": clean_network,
                    "handle": clean_handle,
                    "reference": clean_reference,
                    "requested_on": requested_on.isoformat(),
                    "area": clean_area,
                    "office": office or None,
                    "state": OpeningState.PENDING.value,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "solicitada", to_state=OpeningState.PENDING.value)
            _journal(
                store,
                EntryKind.NOTE,
                occurred_at=_on_day(store, requested_on),
                refs=(clean_reference,),
                text=(
                    f"Solicitud de apertura {new_id} de la cuenta {clean_network}/{clean_handle}"
                    f" (oficio {clean_reference} del {format_date(requested_on)})"
                    + (f" dirigida a {office}" if office else "")
                    + "."
                ),
            )
        return self.get(new_id)

    def resolve(self, opening_id: int, result: str, *, on: date, reason: str | None = None) -> OpeningRequest:
        """The office's answer. ``autorizada`` registers the account as authorized;
        ``rechazada`` keeps the request with its reason (required)."""
        store = self._store
        clean = validate.choice(result, "resultado", [OpeningState.AUTHORIZED, OpeningState.REJECTED])
        clean_reason = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
        if clean == OpeningState.REJECTED and not clean_reason:
            raise UsageError("Indique el motivo del rechazo con --motivo.")
        with store.atomic():
            current = self.get(opening_id)
            check_transition(self.entity, opening_id, current.state, clean)
            self._check_day(on, current)
            account_id = None
            if clean == OpeningState.AUTHORIZED:
                account = store.accounts.add(
                    network=current.network,
                    handle=current.handle,
                    area=current.area,
                    status=AccountStatus.AUTHORIZED,
                )
                account_id = account.id
                store.events.record(
                    "account",
                    account.id,
                    "registrada",
                    to_state=AccountStatus.AUTHORIZED.value,
                    note=f"Apertura autorizada (solicitud {opening_id}, oficio {current.reference}).",
                )
            store.execute(
                "UPDATE opening_requests SET state = ?, resolved_on = ?, reason = ?, account_id = ? WHERE id = ?",
                (clean, on.isoformat(), clean_reason, account_id, opening_id),
            )
            store.events.record(
                self.entity, opening_id, "resuelta", from_state=current.state, to_state=clean, note=clean_reason
            )
            _journal(
                store,
                EntryKind.NOTE,
                account=account_id,
                occurred_at=_on_day(store, on),
                refs=(current.reference,),
                text=(
                    f"Solicitud de apertura {opening_id} de {current.network}/{current.handle}: {clean}"
                    f" el {format_date(on)}.{_sentence(clean_reason)}"
                ),
            )
        return self.get(opening_id)

    def open_account(self, opening_id: int, *, on: date) -> OpeningRequest:
        """The authorized account was opened on ``on``: it becomes ``activa``."""
        store = self._store
        with store.atomic():
            current = self.get(opening_id)
            check_transition(self.entity, opening_id, current.state, OpeningState.OPENED)
            self._check_day(on, current)
            assert current.account_id is not None
            account = store.accounts.get(current.account_id)
            if account.status != AccountStatus.AUTHORIZED:
                raise ConflictError(f"La cuenta {account.ref} está {account.status}, no autorizada.")
            store.accounts.update(account.id, status=AccountStatus.ACTIVE, opened_on=on)
            store.events.record(
                "account", account.id, "abierta", from_state=account.status, to_state=AccountStatus.ACTIVE.value
            )
            store.execute(
                "UPDATE opening_requests SET state = ?, resolved_on = ? WHERE id = ?",
                (OpeningState.OPENED.value, on.isoformat(), opening_id),
            )
            store.events.record(
                self.entity, opening_id, "abierta", from_state=current.state, to_state=OpeningState.OPENED.value
            )
            _journal(
                store,
                EntryKind.NOTE,
                account=account,
                occurred_at=_on_day(store, on),
                refs=(current.reference,),
                text=f"Cuenta {account.ref} abierta el {format_date(on)} (solicitud de apertura {opening_id}).",
            )
        return self.get(opening_id)

    def report(self, opening_id: int, items: list[str], *, on: date) -> OpeningRequest:
        """Mark items of the opening report (nombre, direccion, propositos, operacion, administradores) as reported."""
        store = self._store
        if not items:
            raise UsageError(f"Indique qué se informó: {', '.join(OPENING_REPORT_ITEMS)}.")
        clean = [validate.choice(item, "punto del informe", list(OPENING_REPORT_ITEMS)) for item in items]
        with store.atomic():
            current = self.get(opening_id)
            if current.state != OpeningState.OPENED:
                raise ConflictError(
                    f"La solicitud de apertura {opening_id} está {current.state}: el informe se hace al abrir la cuenta."
                )
            self._check_day(on, current)
            for item in clean:
                if item in current.report:
                    raise ConflictError(f"El punto «{item}» ya se informó el {format_date(current.report[item])}.")
                store.insert(
                    "opening_report_items",
                    {
                        "opening_id": opening_id,
                        "item": item,
                        "reported_on": on.isoformat(),
                        "author": store.author,
                        "created_at": store.stamp(),
                    },
                )
            store.events.record(self.entity, opening_id, "informe", note=", ".join(clean))
            _journal(
                store,
                EntryKind.NOTE,
                account=current.account_id,
                occurred_at=_on_day(store, on),
                refs=(current.reference,),
                text=(
                    f"Informe de apertura {opening_id} de {current.network}/{current.handle}:"
                    f" se informó {', '.join(OPENING_REPORT_ITEMS[i] for i in clean)}."
                ),
            )
        return self.get(opening_id)

    def _check_day(self, on: date, current: OpeningRequest) -> None:
        validate.not_future(on, self._store.now(), "fecha")
        if on < current.requested_on:
            raise UsageError(
                f"La fecha ({on.isoformat()}) es anterior a la del oficio de solicitud ({current.requested_on.isoformat()})."
            )

    def get(self, opening_id: int) -> OpeningRequest:
        row = self._store.query_one("SELECT * FROM opening_requests WHERE id = ?", (opening_id,))
        if row is None:
            raise NotFoundError(f"No existe la solicitud de apertura con id {opening_id}.")
        return self._row(row)

    def list(self) -> list[OpeningRequest]:
        rows = self._store.query("SELECT * FROM opening_requests ORDER BY requested_on DESC, id DESC")
        return [self._row(r) for r in rows]

    def in_progress(self) -> builtins.list[OpeningRequest]:
        """Pending requests, and opened ones whose report is incomplete (what the rules look at)."""
        rows = self._store.query(
            "SELECT * FROM opening_requests WHERE state = 'pendiente' OR (state = 'abierta' AND"
            " (SELECT count(*) FROM opening_report_items i WHERE i.opening_id = opening_requests.id) < ?)"
            " ORDER BY id",
            (len(OPENING_REPORT_ITEMS),),
        )
        return [self._row(r) for r in rows]


# -- closing accounts ----------------------------------------------------------------


def _manual_item(item: str) -> str:
    if item == KEYRING_CLOSING_ITEM:
        raise UsageError(
            "La contraseña no se marca a mano: bórrela del llavero con «resguardo bajas completar ID"
            " --borrar-llavero», que registra el paso."
        )
    return validate.choice(item, "punto", list(MANUAL_CLOSING_ITEMS))


class Closings:
    """Closing an account («baja») and its checklist."""

    entity = "closing"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _row(self, r: sqlite3.Row) -> Closing:
        items = self._store.query("SELECT item, done_on FROM closing_items WHERE closing_id = ?", (r["id"],))
        return Closing(
            id=r["id"],
            account_id=r["account_id"],
            closed_on=date.fromisoformat(r["closed_on"]),
            reason=r["reason"],
            done={i["item"]: date.fromisoformat(i["done_on"]) for i in items},
            reference=r["reference"],
            author=r["author"],
        )

    def close(
        self,
        account: Account,
        *,
        on: date,
        reason: str | None = None,
        done: list[str] | None = None,
        reference: str | None = None,
    ) -> Closing:
        """Close ``account`` on ``on``: status ``baja``, its current assignments end that day,
        and the checklist starts (``done`` items already completed)."""
        store = self._store
        _live(account)
        validate.not_future(on, store.now(), "fecha de baja")
        clean_reason = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
        clean_reference = validate.text(reference, "oficio")
        items = [_manual_item(item) for item in done or []]
        if clean_reference and "oficio" not in items:
            items.append("oficio")
        with store.atomic():
            for item in store.assignments.for_account(account.id):
                if item.end is None or item.end > on:
                    end = max(on, item.start)
                    store.execute("UPDATE assignments SET end_date = ? WHERE id = ?", (end.isoformat(), item.id))
                    store.events.record(
                        "assignment",
                        item.id,
                        "terminada",
                        from_state=item.end.isoformat() if item.end else None,
                        to_state=end.isoformat(),
                        note="Baja de la cuenta",
                    )
            store.accounts.update(account.id, status=AccountStatus.CLOSED)
            store.events.record(
                "account",
                account.id,
                "baja",
                from_state=account.status,
                to_state=AccountStatus.CLOSED.value,
                note=clean_reason,
            )
            closing_id = store.insert(
                "closings",
                {
                    "account_id": account.id,
                    "closed_on": on.isoformat(),
                    "reason": clean_reason,
                    "reference": clean_reference,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            for done_item in dict.fromkeys(items):
                self._insert_item(closing_id, done_item, on)
            store.events.record(self.entity, closing_id, "registrada", note=", ".join(items) or None)
            done_text = "; ".join(CLOSING_ITEMS[i] for i in dict.fromkeys(items))
            _journal(
                store,
                EntryKind.NOTE,
                account=account,
                occurred_at=_on_day(store, on),
                refs=(clean_reference,),
                text=(
                    f"Baja {closing_id} de la cuenta {account.ref} el {format_date(on)}.{_sentence(clean_reason)}"
                    + (f" Hecho: {done_text}." if done_text else "")
                ),
            )
        return self.get(closing_id)

    def mark(self, closing_id: int, items: list[str], *, on: date, reference: str | None = None) -> Closing:
        """Mark checklist items done (``contenido``, ``oficio``)."""
        store = self._store
        if not items:
            raise UsageError(f"Indique qué se completó: {', '.join(MANUAL_CLOSING_ITEMS)}.")
        clean = [_manual_item(item) for item in items]
        clean_reference = validate.text(reference, "oficio")
        with store.atomic():
            current = self.get(closing_id)
            validate.not_future(on, store.now(), "fecha")
            if on < current.closed_on:
                raise UsageError(
                    f"La fecha ({on.isoformat()}) es anterior a la baja ({current.closed_on.isoformat()})."
                )
            for item in clean:
                if item in current.done:
                    raise ConflictError(f"«{CLOSING_ITEMS[item]}» ya se registró el {format_date(current.done[item])}.")
                self._insert_item(closing_id, item, on)
            if clean_reference:
                store.events.record(
                    self.entity, closing_id, "oficio", from_state=current.reference, to_state=clean_reference
                )
                store.execute("UPDATE closings SET reference = ? WHERE id = ?", (clean_reference, closing_id))
            store.events.record(self.entity, closing_id, "lista", note=", ".join(clean))
            _journal(
                store,
                EntryKind.NOTE,
                account=current.account_id,
                occurred_at=_on_day(store, on),
                refs=(clean_reference,),
                text=f"Baja {closing_id}: {'; '.join(CLOSING_ITEMS[i] for i in clean)} ({format_date(on)}).",
            )
        return self.get(closing_id)

    def record_secrets_removed(self, closing_id: int, *, on: date, removed: builtins.list[str]) -> Closing:
        """Mark «contraseña borrada del llavero» done. Only for
        ``store.credentials.remove_closing_secrets``, which deletes the secrets in the
        same transaction; ``removed`` says what the keyring held (Spanish, may be empty).
        ConflictError when already done."""
        store = self._store
        with store.atomic():
            current = self.get(closing_id)
            if KEYRING_CLOSING_ITEM in current.done:
                raise ConflictError(
                    f"«{CLOSING_ITEMS[KEYRING_CLOSING_ITEM]}» ya se registró el"
                    f" {format_date(current.done[KEYRING_CLOSING_ITEM])}."
                )
            self._check_day(on, current)
            self._insert_item(closing_id, KEYRING_CLOSING_ITEM, on)
            what = " y ".join(removed) if removed else "nada (el llavero no tenía secretos de la cuenta)"
            store.events.record(self.entity, closing_id, "lista", note=f"{KEYRING_CLOSING_ITEM}: {what}")
            ref = store.accounts.get(current.account_id).ref
            _journal(
                store,
                EntryKind.NOTE,
                account=current.account_id,
                occurred_at=_on_day(store, on),
                text=(
                    f"Baja {closing_id}: se borró del llavero {what} de {ref}."
                    if removed
                    else f"Baja {closing_id}: el llavero no guardaba contraseña ni códigos de {ref}; nada que borrar."
                ),
            )
        return self.get(closing_id)

    def _check_day(self, on: date, current: Closing) -> None:
        validate.not_future(on, self._store.now(), "fecha")
        if on < current.closed_on:
            raise UsageError(f"La fecha ({on.isoformat()}) es anterior a la baja ({current.closed_on.isoformat()}).")

    def _insert_item(self, closing_id: int, item: str, on: date) -> None:
        self._store.insert(
            "closing_items",
            {
                "closing_id": closing_id,
                "item": item,
                "done_on": on.isoformat(),
                "author": self._store.author,
                "created_at": self._store.stamp(),
            },
        )

    def get(self, closing_id: int) -> Closing:
        row = self._store.query_one("SELECT * FROM closings WHERE id = ?", (closing_id,))
        if row is None:
            raise NotFoundError(f"No existe la baja con id {closing_id}.")
        return self._row(row)

    def list(self) -> list[Closing]:
        return [self._row(r) for r in self._store.query("SELECT * FROM closings ORDER BY closed_on DESC, id DESC")]

    def incomplete(self) -> builtins.list[Closing]:
        rows = self._store.query(
            "SELECT * FROM closings WHERE (SELECT count(*) FROM closing_items i WHERE i.closing_id = closings.id) < ?",
            (len(CLOSING_ITEMS),),
        )
        return [self._row(r) for r in rows]


# -- administrator changes --------------------------------------------------------------

#: Reasons that end an assignment for good (they take no return date).
PERMANENT_REASONS = (ChangeReason.LEAVES, ChangeReason.PROMOTION, ChangeReason.TRANSFER)


class AdminChanges:
    """A person stops administering: their assignments end, or are suspended and resume by themselves."""

    entity = "admin_change"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _row(self, r: sqlite3.Row) -> AdminChange:
        links = self._store.query(
            "SELECT account_id FROM admin_change_assignments WHERE change_id = ? ORDER BY account_id", (r["id"],)
        )
        return AdminChange(
            id=r["id"],
            person_id=r["person_id"],
            reason=r["reason"],
            start=date.fromisoformat(r["start_date"]),
            until=_day(r["until_date"]),
            account_ids=tuple(dict.fromkeys(link["account_id"] for link in links)),
            notified_on=_day(r["notified_on"]),
            author=r["author"],
        )

    def record(
        self,
        person: Person,
        reason: str,
        *,
        start: date,
        until: date | None = None,
        note: str | None = None,
    ) -> AdminChange:
        """Record that ``person`` stops administering from ``start`` (their first day away).

        Without ``until`` their assignments current on ``start`` end the day before.
        With ``until`` (vacations, health, other absences) each one is split: it ends
        the day before ``start`` and a new one resumes the day after ``until``, so the
        rules see the gap. NotFoundError when the person holds no assignment that day;
        UsageError for a return date on a permanent change or before ``start``.
        """
        store = self._store
        clean = validate.choice(reason, "motivo", [r.value for r in ChangeReason])
        clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
        if until is not None and clean in PERMANENT_REASONS:
            raise UsageError(f"Un cambio por {clean} es definitivo: no lleva fecha de regreso (--hasta).")
        if until is None and clean == ChangeReason.VACATION:
            raise UsageError("Indique con --hasta el último día de vacaciones.")
        if until is not None and until < start:
            raise UsageError(
                f"La fecha de regreso ({until.isoformat()}) es anterior al inicio del cambio ({start.isoformat()})."
            )
        with store.atomic():
            current = [a for a in store.assignments.for_person(person.id) if a.active_on(start)]
            if not current:
                raise NotFoundError(
                    f"{person.name} no administra ninguna cuenta el {format_date(start)}: no hay nada que cambiar."
                )
            change_id = store.insert(
                "admin_changes",
                {
                    "person_id": person.id,
                    "reason": clean,
                    "start_date": start.isoformat(),
                    "until_date": until.isoformat() if until else None,
                    "note": clean_note,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            last_day = start - timedelta(days=1)
            for item in current:
                if last_day < item.start:
                    raise UsageError(
                        f"La asignación de {person.name} como {item.role} empezó el {format_date(item.start)}:"
                        " la fecha del cambio debe ser posterior."
                    )
                store.execute("UPDATE assignments SET end_date = ? WHERE id = ?", (last_day.isoformat(), item.id))
                store.events.record(
                    "assignment",
                    item.id,
                    "terminada",
                    from_state=item.end.isoformat() if item.end else None,
                    to_state=last_day.isoformat(),
                    note=f"Cambio {change_id}: {clean}",
                )
                resumed_id = None
                if until is not None and (item.end is None or item.end > until):
                    resumed_id = store.insert(
                        "assignments",
                        {
                            "account_id": item.account_id,
                            "person_id": person.id,
                            "role": item.role,
                            "start_date": (until + timedelta(days=1)).isoformat(),
                            "end_date": item.end.isoformat() if item.end else None,
                            "created_at": store.stamp(),
                        },
                    )
                    store.events.record(
                        "assignment",
                        resumed_id,
                        "reanudada",
                        to_state=(until + timedelta(days=1)).isoformat(),
                        note=f"Cambio {change_id}: regreso tras {clean}",
                    )
                store.insert(
                    "admin_change_assignments",
                    {
                        "change_id": change_id,
                        "ended_assignment_id": item.id,
                        "resumed_assignment_id": resumed_id,
                        "account_id": item.account_id,
                    },
                )
            store.events.record(self.entity, change_id, "registrado", to_state=clean, note=clean_note)
            # One entry per account, so each account's log tells its own administration.
            # The assignments are changed here directly (not through store.assignments), so
            # these are the only entries of the change.
            span = f" hasta el {format_date(until)}" if until is not None else ""
            roles_by_account: dict[int, list[str]] = {}
            for item in current:
                roles_by_account.setdefault(item.account_id, []).append(str(item.role))
            for account_id, roles in roles_by_account.items():
                ref = store.accounts.get(account_id).ref
                _journal(
                    store,
                    EntryKind.ADMIN_CHANGE,
                    account=account_id,
                    occurred_at=_on_day(store, start),
                    text=(
                        f"Cambio de administración {change_id}: {person.name} deja de ser {' y '.join(roles)}"
                        f" de {ref} desde el {format_date(start)}{span}"
                        f" ({CHANGE_REASON_LABELS.get(clean, clean)}).{_sentence(clean_note)}"
                    ),
                )
        return self.get(change_id)

    def notify(self, change_id: int, *, on: date, reference: str | None = None) -> AdminChange:
        """Record that the change was notified to the profile's office on ``on``."""
        store = self._store
        clean_reference = validate.text(reference, "oficio")
        with store.atomic():
            current = self.get(change_id)
            if current.notified_on is not None:
                raise ConflictError(f"El cambio {change_id} ya se avisó el {format_date(current.notified_on)}.")
            validate.not_future(on, store.now(), "fecha del aviso")
            store.execute(
                "UPDATE admin_changes SET notified_on = ?, notice_reference = ? WHERE id = ?",
                (on.isoformat(), clean_reference, change_id),
            )
            store.events.record(self.entity, change_id, "avisado", to_state=on.isoformat(), note=clean_reference)
            person = store.people.get(current.person_id)
            for account_id in current.account_ids:
                _journal(
                    store,
                    EntryKind.NOTE,
                    account=account_id,
                    occurred_at=_on_day(store, on),
                    refs=(clean_reference,),
                    text=(
                        f"Aviso del cambio de administración {change_id} ({person.name}) dado el"
                        f" {format_date(on)}" + (f", oficio {clean_reference}." if clean_reference else ".")
                    ),
                )
        return self.get(change_id)

    def get(self, change_id: int) -> AdminChange:
        row = self._store.query_one("SELECT * FROM admin_changes WHERE id = ?", (change_id,))
        if row is None:
            raise NotFoundError(f"No existe el cambio de administración con id {change_id}.")
        return self._row(row)

    def list(self) -> list[AdminChange]:
        return [
            self._row(r) for r in self._store.query("SELECT * FROM admin_changes ORDER BY start_date DESC, id DESC")
        ]

    def unnotified(self) -> builtins.list[AdminChange]:
        rows = self._store.query("SELECT * FROM admin_changes WHERE notified_on IS NULL ORDER BY id")
        return [self._row(r) for r in rows]


# -- person documents (ine) -----------------------------------------------------------------

DOCUMENT_KINDS = (Kind.DESIGNATION_FORM.value, Kind.RESPONSIVA.value)


class PersonDocuments:
    """ine: each administrator's signed designation form and responsiva."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, person: Person, kind: str, *, on: date, reference: str | None = None) -> None:
        store = self._store
        clean = validate.choice(kind, "documento", DOCUMENT_KINDS)
        validate.not_future(on, store.now(), "fecha de firma")
        with store.atomic():
            new_id = store.insert(
                "person_documents",
                {
                    "person_id": person.id,
                    "kind": clean,
                    "signed_on": on.isoformat(),
                    "reference": validate.text(reference, "referencia"),
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record("person_document", new_id, "registrado", to_state=clean)

    def on_record(self) -> frozenset[tuple[int, str]]:
        """(person id, kind) of every document recorded: what the rules need."""
        return frozenset(self._store.rows("SELECT DISTINCT person_id, kind FROM person_documents"))

    def for_person(self, person_id: int) -> dict[str, date]:
        """kind -> the latest date signed, for one person."""
        rows = self._store.query(
            "SELECT kind, max(signed_on) AS last FROM person_documents WHERE person_id = ? GROUP BY kind",
            (person_id,),
        )
        return {r["kind"]: date.fromisoformat(r["last"]) for r in rows}


# -- holiday notices --------------------------------------------------------------------


class HolidayNotices:
    """Notices to the public before non-working days, marked done by period id (``YYYYMMDD``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def mark_done(self, period: HolidayPeriod, *, on: date, note: str | None = None) -> None:
        store = self._store
        validate.not_future(on, store.now(), "fecha del aviso")
        clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
        with store.atomic():
            row = store.query_one("SELECT done_on FROM holiday_notices WHERE id = ?", (period.id,))
            if row is not None:
                raise ConflictError(
                    f"El aviso {period.code} ya se marcó cumplido el {format_date(date.fromisoformat(row['done_on']))}."
                )
            store.insert(
                "holiday_notices",
                {
                    "id": period.id,
                    "start_date": period.start.isoformat(),
                    "end_date": period.end.isoformat(),
                    "label": period.label,
                    "done_on": on.isoformat(),
                    "note": clean_note,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record("holiday_notice", period.id, "cumplido", to_state=on.isoformat())
            _journal(
                store,
                EntryKind.NOTE,
                occurred_at=_on_day(store, on),
                text=(
                    f"Aviso {period.code} cumplido el {format_date(on)}: se publicaron los horarios de atención"
                    f" por {period.label}.{_sentence(clean_note)}"
                ),
            )

    def done(self) -> dict[int, date]:
        rows = self._store.query("SELECT id, done_on FROM holiday_notices")
        return {r["id"]: date.fromisoformat(r["done_on"]) for r in rows}


# -- waivers ----------------------------------------------------------------------------


def _row_to_waiver(r: sqlite3.Row) -> Waiver:
    return Waiver(
        id=r["id"],
        until=date.fromisoformat(r["until_date"]),
        reason=r["reason"],
        kind=r["kind"],
        account_id=r["account_id"],
        key=r["key"],
        reference=r["reference"],
        author=r["author"],
        created_at=from_db_datetime(r["created_at"]),
    )


class WaiverRecord(NamedTuple):
    waiver: Waiver
    revoked_at: datetime | None
    revoked_by: str | None


class Waivers:
    """Obligations postponed or waived until a date, with a reason and their author."""

    entity = "waiver"

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        *,
        until: date,
        reason: str,
        kind: str | None = None,
        account: Account | None = None,
        key: str | None = None,
        reference: str | None = None,
    ) -> Waiver:
        """Postpone the obligations matching ``key``, or ``kind`` (and ``account``), until ``until`` inclusive.

        UsageError for an unknown kind, a missing reason or an end date already past.
        """
        store = self._store
        clean_reason = validate.text(reason, "motivo", required=True, limit=validate.MAX_MEDIUM)
        clean_key = validate.text(key, "clave")
        clean_kind = validate.choice(kind, "tipo", [k.value for k in Kind]) if kind else None
        if clean_key is None and clean_kind is None:
            raise UsageError("Indique qué se dispensa: --tipo (con --cuenta, si es de una cuenta) o --clave.")
        if clean_key is not None and (clean_kind is not None or account is not None):
            raise UsageError("Use --clave sola, o bien --tipo con --cuenta.")
        if until < store.now().date():
            raise UsageError(f"La fecha --hasta ({until.isoformat()}) ya pasó.")
        clean_reference = validate.text(reference, "oficio")
        with store.atomic():
            new_id = store.insert(
                "waivers",
                {
                    "kind": clean_kind,
                    "account_id": account.id if account else None,
                    "key": clean_key,
                    "until_date": until.isoformat(),
                    "reason": clean_reason,
                    "reference": clean_reference,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "registrada", to_state=until.isoformat(), note=clean_reason)
            what = KIND_LABELS.get(clean_kind, clean_kind) if clean_kind else f"la obligación {clean_key}"
            _journal(
                store,
                EntryKind.NOTE,
                account=account,
                refs=(clean_reference,),
                text=(
                    f"Dispensa {new_id}: {what}"
                    + (f" de {account.ref}" if account else "")
                    + f" hasta el {format_date(until)}. Motivo:{_sentence(clean_reason)}"
                ),
            )
        return self.get(new_id)

    def revoke(self, waiver_id: int) -> None:
        """End a waiver today: its obligations come back at once (the record stays)."""
        store = self._store
        with store.atomic():
            record = self.record(waiver_id)
            if record.revoked_at is not None:
                raise ConflictError(f"La dispensa {waiver_id} ya fue revocada.")
            store.execute(
                "UPDATE waivers SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                (store.stamp(), store.author, waiver_id),
            )
            store.events.record(self.entity, waiver_id, "revocada", from_state=record.waiver.until.isoformat())
            waiver = record.waiver
            what = KIND_LABELS.get(waiver.kind, waiver.kind) if waiver.kind else f"la obligación {waiver.key}"
            _journal(
                store,
                EntryKind.NOTE,
                account=waiver.account_id,
                refs=(waiver.reference,),
                text=f"Dispensa {waiver_id} revocada: {what} vuelve a la agenda desde hoy.",
            )

    def get(self, waiver_id: int) -> Waiver:
        return self.record(waiver_id).waiver

    def record(self, waiver_id: int) -> WaiverRecord:
        row = self._store.query_one("SELECT * FROM waivers WHERE id = ?", (waiver_id,))
        if row is None:
            raise NotFoundError(f"No existe la dispensa con id {waiver_id}.")
        return WaiverRecord(_row_to_waiver(row), _moment(row["revoked_at"]), row["revoked_by"])

    def list(self) -> list[WaiverRecord]:
        rows = self._store.query("SELECT * FROM waivers ORDER BY id")
        return [WaiverRecord(_row_to_waiver(r), _moment(r["revoked_at"]), r["revoked_by"]) for r in rows]

    def in_force(self, today: date) -> builtins.list[Waiver]:
        rows = self._store.query(
            "SELECT * FROM waivers WHERE revoked_at IS NULL AND until_date >= ? ORDER BY id", (today.isoformat(),)
        )
        return [_row_to_waiver(r) for r in rows]
