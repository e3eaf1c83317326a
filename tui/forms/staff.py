"""Administrator changes (``personas cambio``): a person stops administering, and the list of changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Select, Static

from policy.clock import format_date
from policy.errors import UsageError
from policy.labels import CHANGE_ORIGIN_LABELS, CHANGE_REASON_LABELS, leaves_phrase
from policy.records import Person
from tui.core.workflows import AdminChangeView, RecordedChange, admin_changes, record_admin_change
from tui.forms.base import FormDialog, Job, field, optional
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace


def change_recorded(done: RecordedChange, today: date) -> str:
    change, person = done.change, done.person
    refs = ", ".join(done.accounts) or "ninguna cuenta"
    reason = CHANGE_REASON_LABELS.get(change.reason, change.reason)
    if change.until is None:
        last = change.start - timedelta(days=1)
        said = f"{person.name} {leaves_phrase(last, today)} administrar {refs} el {format_date(last)} ({reason})."
    else:
        said = (
            f"{person.name} no administra {refs} del {format_date(change.start)} al {format_date(change.until)}"
            f" ({reason})."
        )
    if done.notice is not None:
        said += f" Avise del cambio a {done.notice[0]} ({done.notice[1]}): Hoy lo muestra como pendiente."
    said += (
        " La rotación de la contraseña queda vencida."
        if done.rotation_due
        else " Se recomienda rotar la contraseña de esas cuentas."
    )
    return said


def change_reason(view: AdminChangeView) -> str:
    change = view.change
    if change.origin:
        return CHANGE_ORIGIN_LABELS.get(change.origin, change.origin)
    return CHANGE_REASON_LABELS.get(change.reason, change.reason)


class AdminChangeDialog(FormDialog):
    """``person`` stops administering every account: for good, or from one day to another."""

    title_text = "Cambio de administrador"

    def __init__(self, workspace: Workspace, person: Person) -> None:
        super().__init__(workspace)
        self.person = person

    def compose_fields(self) -> ComposeResult:
        yield Static(
            f"{self.person.name} deja de administrar todas sus cuentas desde la fecha indicada.",
            classes="dialog-text",
        )
        yield from field(
            "Motivo",
            Select(
                [(label, value) for value, label in CHANGE_REASON_LABELS.items()],
                id="reason",
                prompt="(elija el motivo)",
            ),
        )
        yield from field("Desde (dd/mm/aaaa; su primer día sin administrar)", Input(self.today_text(), id="start"))
        yield from field("Hasta (dd/mm/aaaa; vacío: definitivo)", Input(id="until"))
        yield from field("Nota (opcional)", Input(id="note"))

    def build_job(self) -> Job[RecordedChange]:
        reason = self.selected("reason")
        if reason is None:
            raise UsageError("Elija el motivo del cambio.")
        start = self.day("start", "fecha de inicio")
        until = self.day("until", "fecha de regreso") if self.value("until").strip() else None
        note = optional(self.value("note"))
        person_id, today = self.person.id, self.workspace.now().date()
        return Job(
            lambda: self.workspace.run(
                record_admin_change, person_id, str(reason), start=start, until=until, note=note
            ),
            lambda done: change_recorded(done, today),
        )

    def confirmation(self) -> str:
        return (
            f"Se terminarán las asignaciones de {self.person.name} y quedará en la bitácora de cada cuenta."
            " No se puede deshacer. ¿Registrar el cambio?"
        )


class AdminChangesDialog(TableDialog[AdminChangeView]):
    """Every administrator change, newest first, with its notice."""

    title_text = "Cambios de administración"
    empty_text = "No hay cambios de administración registrados."
    columns = (
        Column("Persona", None, 14, 2),
        Column("Motivo", 20, 10),
        Column("Desde", 10, 10),
        Column("Hasta", 10, 10, optional=True),
        Column("Cuentas", None, 12, 2),
        Column("Aviso", 10, 9),
    )

    def fetch(self) -> list[AdminChangeView]:
        return self.workspace.run(admin_changes)

    def item_key(self, item: AdminChangeView) -> Any:
        return item.change.id

    def build_row(self, item: AdminChangeView) -> Row:
        c = item.change
        return Row(
            c.id,
            (
                item.person or "?",
                change_reason(item),
                format_date(c.start),
                format_date(c.until) if c.until else "—",
                ", ".join(ref or "?" for ref in item.accounts),
                format_date(c.notified_on) if c.notified_on else "pendiente",
            ),
        )

    def detail(self, item: AdminChangeView | None) -> Content | str:
        if item is None:
            return "Un cambio se registra en Personas (tecla m)." if not self.items else ""
        c = item.change
        until = f" al {format_date(c.until)}" if c.until else " (definitivo)"
        notice = f"avisado el {format_date(c.notified_on)}" if c.notified_on else "aviso pendiente"
        return Content.assemble(
            (f"Cambio {c.id}", "bold"),
            f" · {item.person or '?'} · {change_reason(item)} · desde el {format_date(c.start)}{until} · {notice}\n",
            f"Cuentas: {', '.join(ref or '?' for ref in item.accounts) or '—'} · registrado por {c.author or '—'}",
        )
