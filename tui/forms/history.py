"""What was already resolved: closed incidents, answered consultations and requests, resolved openings,
closings, administrator changes; one record's history of changes; one account's rotations.

Read only: each list calls the core's listing use cases (the same the command
line's ``listar``, ``mostrar`` and ``rotaciones`` print).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.content import Content

from policy.clock import format_date, local
from policy.codes import ConsultationState, OpeningState, RequestState
from policy.labels import CLOSING_ITEMS
from policy.records import Account
from store.events import Event
from store.history import Rotation
from tui.core.incidents import incidents
from tui.core.records import rotation_history
from tui.core.workflows import (
    RecordHistory,
    admin_changes,
    closings,
    consultations,
    information_requests,
    openings,
    record_history,
)
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace

#: the record kinds whose history of changes ``record_history`` reads, as the list names them
ENTITY_LABELS: dict[str, str] = {
    "consultation": "Consulta",
    "information_request": "Solicitud",
    "opening_request": "Apertura",
    "closing": "Baja",
}


def moment_text(moment: datetime) -> str:
    shown = local(moment)
    return f"{format_date(shown.date())} {shown:%H:%M}"


class Resolved(NamedTuple):
    """One resolved item of any kind: when, what, about whom, how it ended."""

    day: date
    kind: str
    subject: str
    outcome: str
    detail: str
    #: (entity, id) when ``record_history`` can show its changes
    record: tuple[str, int] | None
    key: tuple[str, int]


def resolved_items(workspace: Workspace) -> list[Resolved]:
    """Everything resolved, newest first (read in a worker: one connection per use case)."""
    found: list[Resolved] = []
    for inc in workspace.run(incidents):
        if inc.closed_at is not None:
            how = "cerrado sin rotación" if inc.closed_without_rotation else "cerrado"
            found.append(
                Resolved(
                    local(inc.closed_at).date(),
                    "Incidente",
                    inc.account,
                    how,
                    f"{inc.description} · abierto el {moment_text(inc.opened_at)}"
                    + (f" · {inc.close_note}" if inc.close_note else ""),
                    None,
                    ("incident", inc.id),
                )
            )
    for view in workspace.run(consultations):
        c = view.consultation
        if c.state != ConsultationState.PENDING and c.answered_at is not None:
            found.append(
                Resolved(
                    local(c.answered_at).date(),
                    "Consulta",
                    view.account,
                    c.state,
                    f"«{c.subject}» · enviada el {moment_text(c.sent_at)}" + (f" · {c.note}" if c.note else ""),
                    ("consultation", c.id),
                    ("consultation", c.id),
                )
            )
    for request_view in workspace.run(information_requests):
        r = request_view.request
        if r.state != RequestState.OPEN and r.closed_at is not None:
            found.append(
                Resolved(
                    local(r.closed_at).date(),
                    "Solicitud",
                    request_view.account,
                    r.state,
                    f"De {r.requester}: «{r.subject}»" + (f" · {r.note}" if r.note else ""),
                    ("information_request", r.id),
                    ("information_request", r.id),
                )
            )
    for opening_view in workspace.run(openings):
        o = opening_view.opening
        if o.state != OpeningState.PENDING and o.resolved_on is not None:
            found.append(
                Resolved(
                    o.resolved_on,
                    "Apertura",
                    o.ref,
                    o.state,
                    f"Oficio {o.reference} del {format_date(o.requested_on)}" + (f" · {o.reason}" if o.reason else ""),
                    ("opening_request", o.id),
                    ("opening_request", o.id),
                )
            )
    for closing, account in workspace.run(closings):
        done = all(key in closing.done for key in CLOSING_ITEMS)
        found.append(
            Resolved(
                closing.closed_on,
                "Baja",
                account,
                "completa" if done else "con pasos pendientes",
                closing.reason or "—",
                ("closing", closing.id),
                ("closing", closing.id),
            )
        )
    for change, person, accounts in workspace.run(admin_changes):
        found.append(
            Resolved(
                change.start,
                "Cambio de administración",
                person or "?",
                "avisado" if change.notified_on else "aviso pendiente",
                "Cuentas: " + (", ".join(ref or "?" for ref in accounts) or "—"),
                None,
                ("admin_change", change.id),
            )
        )
    return sorted(found, key=lambda r: r.day, reverse=True)


class HistoryDialog(TableDialog[Resolved]):
    """Everything already resolved, newest first; Enter shows a record's history of changes."""

    title_text = "Historial de lo resuelto"
    empty_text = "Aún no hay nada resuelto."
    columns = (
        Column("Fecha", 10, 10),
        Column("Qué", 24, 10),
        Column("Cuenta o persona", None, 14, 2),
        Column("Resultado", 20, 10),
    )

    def intro(self) -> str:
        return "Incidentes cerrados, consultas y solicitudes atendidas, altas, bajas y cambios de administración."

    def fetch(self) -> list[Resolved]:
        return resolved_items(self.workspace)

    def item_key(self, item: Resolved) -> Any:
        return item.key

    def build_row(self, item: Resolved) -> Row:
        return Row(item.key, (format_date(item.day), item.kind, item.subject, item.outcome))

    def detail(self, item: Resolved | None) -> Content | str:
        if item is None:
            return ""
        more = " · Enter: su historial de cambios." if item.record else ""
        return Content.assemble((f"{item.kind} · {item.subject}", "bold"), f"\n{item.detail}{more}")

    def open_selected(self) -> None:
        item = self.selected()
        if item is not None and item.record is not None:
            self.app.push_screen(RecordHistoryDialog(self.workspace, *item.record))


class RecordHistoryDialog(TableDialog[Event]):
    """One workflow record and every change made to it."""

    empty_text = "Sin cambios registrados."
    columns = (
        Column("Cuándo", 16, 16),
        Column("Qué", 14, 10),
        Column("De", 14, 8, optional=True),
        Column("A", 14, 8),
        Column("Quién", 14, 8, optional=True),
        Column("Nota", None, 10),
    )

    def __init__(self, workspace: Workspace, entity: str, record_id: int) -> None:
        super().__init__(workspace)
        self.entity, self.record_id = entity, record_id
        self.title_text = f"Historial: {ENTITY_LABELS.get(entity, entity).lower()} {record_id}"
        self.found: RecordHistory | None = None

    def fetch(self) -> list[Event]:
        self.found = self.workspace.run(record_history, self.entity, self.record_id)
        return list(self.found.events)

    def item_key(self, item: Event) -> Any:
        return item.id

    def build_row(self, item: Event) -> Row:
        return Row(
            item.id,
            (
                moment_text(item.at),
                item.action,
                item.from_state or "",
                item.to_state or "",
                item.author or "",
                item.note or "",
            ),
        )

    def detail(self, item: Event | None) -> Content | str:
        found = self.found
        if found is None:
            return ""
        due = f" · plazo: {moment_text(found.due)}" if found.due else ""
        head = f"{ENTITY_LABELS.get(self.entity, self.entity)} {self.record_id}"
        said = f"{head} · {found.account or '—'} · estado: {found.state or '—'}{due}"
        if item is not None and item.note:
            said += f"\nNota: {item.note}"
        return said


class RotationHistoryDialog(TableDialog[Rotation]):
    """One account's password rotations, newest first (never a password)."""

    empty_text = "Sin rotaciones registradas."
    columns = (
        Column("Cuándo", 16, 16),
        Column("Motivo", None, 12, 2),
        Column("Oficio", 16, 8, optional=True),
        Column("Quién", 16, 8),
    )

    def __init__(self, workspace: Workspace, account: Account) -> None:
        super().__init__(workspace)
        self.account = account
        self.title_text = f"Rotaciones de {account.ref}"

    def fetch(self) -> list[Rotation]:
        return list(self.workspace.run(rotation_history, self.account.id).rotations)

    def item_key(self, item: Rotation) -> Any:
        return item.id

    def build_row(self, item: Rotation) -> Row:
        return Row(
            item.id, (moment_text(item.rotated_at), item.reason or "—", item.reference or "—", item.author or "")
        )

    def detail(self, item: Rotation | None) -> Content | str:
        count = len(self.items)
        return f"{count} {'rotación registrada' if count == 1 else 'rotaciones registradas'}."
