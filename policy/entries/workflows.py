"""The bitácora's sentences for the workflows: consultations, information requests, openings,
closings, administrator changes, holiday notices, waivers and incidents.

Pure: the facts of a change in, the Spanish sentence out (byte for byte what the
bitácora has always kept; the users' logs and the tests read them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from policy.clock import format_date
from policy.codes import RequestState
from policy.labels import CHANGE_REASON_LABELS, CLOSING_ITEMS, KIND_LABELS, OPENING_REPORT_ITEMS
from policy.records import Citation


def sentence(text: str | None) -> str:
    """`` Text.`` to append to an entry (empty when there is none)."""
    return f" {text.rstrip('.')}." if text else ""


def join_names(names: Sequence[str]) -> str:
    """«A», «A y B», «A, B y C»."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " y " + names[-1]


def moment_text(moment: datetime) -> str:
    """``dd/mm/aaaa hh:mm``, as the incidents' entries and messages write a moment."""
    return moment.strftime("%d/%m/%Y %H:%M")


# -- consultations and information requests ------------------------------------------


def consultation_sent(consultation_id: int, office: str | None, subject: str) -> str:
    return f"Consulta de pertinencia {consultation_id} enviada" + (f" a {office}" if office else "") + f": «{subject}»."


def consultation_resolved(consultation_id: int, subject: str, result: str, note: str | None) -> str:
    return f"Consulta de pertinencia {consultation_id} ({subject}): {result}.{sentence(note)}"


def request_received(request_id: int, requester: str, subject: str) -> str:
    return f"Solicitud de información {request_id} recibida de {requester}: {sentence(subject).strip()}"


def request_resolved(
    request_id: int, requester: str, result: str, *, area: str | None, office: str | None, note: str | None
) -> str:
    if result == RequestState.ANSWERED:
        what = f"respondida; se avisó a {area}"
    else:
        what = "canalizada" + (f" a {office}" if office else "")
    return f"Solicitud de información {request_id} de {requester}: {what}.{sentence(note)}"


# -- openings ------------------------------------------------------------------------------


def opening_requested(opening_id: int, ref: str, reference: str, requested_on: date, office: str | None) -> str:
    return (
        f"Solicitud de apertura {opening_id} de la cuenta {ref}"
        f" (oficio {reference} del {format_date(requested_on)})" + (f" dirigida a {office}" if office else "") + "."
    )


def account_authorized(opening_id: int, reference: str) -> str:
    """The note of the account's history when an authorized request registers it."""
    return f"Apertura autorizada (solicitud {opening_id}, oficio {reference})."


def opening_resolved(opening_id: int, ref: str, result: str, on: date, reason: str | None) -> str:
    return f"Solicitud de apertura {opening_id} de {ref}: {result} el {format_date(on)}.{sentence(reason)}"


def account_opened(opening_id: int, ref: str, on: date) -> str:
    return f"Cuenta {ref} abierta el {format_date(on)} (solicitud de apertura {opening_id})."


def opening_reported(opening_id: int, ref: str, items: Sequence[str]) -> str:
    return f"Informe de apertura {opening_id} de {ref}: se informó {', '.join(OPENING_REPORT_ITEMS[i] for i in items)}."


# -- closings --------------------------------------------------------------------------------


#: The note of an assignment's history when its account closes.
ASSIGNMENT_ENDED_BY_CLOSING = "Baja de la cuenta"


def account_closed(closing_id: int, ref: str, on: date, reason: str | None, done: Sequence[str]) -> str:
    done_text = "; ".join(CLOSING_ITEMS[i] for i in dict.fromkeys(done))
    return f"Baja {closing_id} de la cuenta {ref} el {format_date(on)}.{sentence(reason)}" + (
        f" Hecho: {done_text}." if done_text else ""
    )


def closing_items_done(closing_id: int, items: Sequence[str], on: date) -> str:
    return f"Baja {closing_id}: {'; '.join(CLOSING_ITEMS[i] for i in items)} ({format_date(on)})."


def closing_secrets_removed(closing_id: int, ref: str, removed: Sequence[str]) -> str:
    if removed:
        return f"Baja {closing_id}: se borró del llavero {' y '.join(removed)} de {ref}."
    return f"Baja {closing_id}: el llavero no guardaba contraseña ni códigos de {ref}; nada que borrar."


def closing_secrets_note(removed: Sequence[str]) -> str:
    """What the closing's history says was deleted from the keyring."""
    return " y ".join(removed) if removed else "nada (el llavero no tenía secretos de la cuenta)"


# -- administrator changes --------------------------------------------------------------------


def admin_change_recorded(
    change_id: int,
    person: str,
    roles: Sequence[str],
    ref: str,
    start: date,
    until: date | None,
    reason: str,
    note: str | None,
) -> str:
    span = f" hasta el {format_date(until)}" if until is not None else ""
    return (
        f"Cambio de administración {change_id}: {person} deja de ser {' y '.join(roles)}"
        f" de {ref} desde el {format_date(start)}{span}"
        f" ({CHANGE_REASON_LABELS.get(reason, reason)}).{sentence(note)}"
    )


def admin_change_notified(change_id: int, person: str, on: date, reference: str | None) -> str:
    return f"Aviso del cambio de administración {change_id} ({person}) dado el {format_date(on)}" + (
        f", oficio {reference}." if reference else "."
    )


# -- holiday notices and waivers -------------------------------------------------------------------


def holiday_notice_done(code: str, label: str, on: date, note: str | None) -> str:
    return (
        f"Aviso {code} cumplido el {format_date(on)}: se publicaron los horarios de atención"
        f" por {label}.{sentence(note)}"
    )


def _waived(kind: str | None, key: str | None) -> str:
    """The kind by its Spanish name, also for a waiver of one item (its key starts with the kind's code:
    «email_generic:a9» is a «Correo genérico institucional»); a key of no known kind as it is."""
    code = kind or (key.split(":", 1)[0] if key else "")
    if code in KIND_LABELS:
        return KIND_LABELS[code]
    return kind if kind else f"la obligación {key}"


def waiver_added(
    waiver_id: int, kind: str | None, key: str | None, ref: str | None, until: date, reason: str | None
) -> str:
    return (
        f"Dispensa {waiver_id}: {_waived(kind, key)}"
        + (f" de {ref}" if ref else "")
        + f" hasta el {format_date(until)}. Motivo:{sentence(reason)}"
    )


def waiver_revoked(waiver_id: int, kind: str | None, key: str | None) -> str:
    return f"Dispensa {waiver_id} revocada: {_waived(kind, key)} vuelve a la agenda desde hoy."


# -- incidents ---------------------------------------------------------------------------------------


def incident_clause(rule: Citation | None) -> str:
    """The rule's citation in parentheses (« (§5.3 …)») for ``incident_opened``, empty without one."""
    return f" ({rule.short()})" if rule else ""


def incident_opened(incident_id: int, ref: str, description: str, recipients: Sequence[str], clause: str) -> str:
    """``clause`` is the rule's citation in parentheses (« (§5.3 …)»), or empty."""
    return (
        f"Incidente {incident_id} abierto en {ref}: {description.rstrip('.')}."
        f" Por notificar a: {join_names(recipients)}{clause}."
    )


def incident_notified(incident_id: int, recipient: str, remaining: Sequence[str]) -> str:
    tail = f" Falta notificar a: {join_names(remaining)}." if remaining else " Todos los avisos están dados."
    return f"Incidente {incident_id}: se notificó a {recipient}.{tail}"


def incident_closed(incident_id: int, rotated_at: datetime | None, reason: str | None, pending: Sequence[str]) -> str:
    basis = f"rotación de contraseña del {moment_text(rotated_at)}" if rotated_at else "sin rotación de contraseña"
    text = f"Incidente {incident_id} cerrado ({basis})."
    if reason:
        text += f" Motivo: {reason.rstrip('.')}."
    if pending:
        text += f" Avisos aún pendientes: {join_names(pending)}."
    return text
