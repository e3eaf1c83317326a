"""The calendar of one year: the official days of rest, the institution's declared non-working days and
its electoral processes (every day hábil); declare or remove a range (``tui.core.calendar``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Static

from policy.clock import format_date
from store.calendar import DeclaredRange
from tui.core.calendar import (
    declare_electoral_period,
    declare_non_working,
    electoral_periods,
    non_working_days,
    remove_electoral_period,
    remove_non_working,
)
from tui.forms.base import FormDialog, Job, field, optional
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace

OFFICIAL = "oficial"
NON_WORKING = "inhábil declarado"
ELECTORAL = "proceso electoral"


class CalendarRow(NamedTuple):
    kind: str
    start: date
    end: date
    label: str
    #: the declared range's id (None for an official day, which cannot be removed)
    range_id: int | None = None


def span_text(start: date, end: date) -> str:
    return format_date(start) if start == end else f"{format_date(start)} al {format_date(end)}"


def _declared(kind: str, ranges: list[DeclaredRange], year: int) -> list[CalendarRow]:
    return [
        CalendarRow(kind, r.start, r.end, r.label or "—", r.id) for r in ranges if r.start.year <= year <= r.end.year
    ]


class DeclareDialog(FormDialog):
    """Declare a range: non-working days (``electoral`` False) or an electoral process."""

    def __init__(self, workspace: Workspace, *, electoral: bool) -> None:
        super().__init__(workspace)
        self.electoral = electoral
        self.title_text = "Declarar un proceso electoral" if electoral else "Declarar días inhábiles"

    def compose_fields(self) -> ComposeResult:
        yield Static(
            "En un proceso electoral todos los días son hábiles para los plazos."
            if self.electoral
            else "Días de descanso que declara la institución, además de los oficiales.",
            classes="dialog-text",
        )
        yield from field("Desde (dd/mm/aaaa)", Input(self.today_text(), id="start"))
        yield from field(
            "Hasta (dd/mm/aaaa)" + ("" if self.electoral else "; vacío: un solo día"),
            Input(id="end"),
        )
        yield from field("Nombre del proceso" if self.electoral else "Motivo", Input(id="label"))

    def build_job(self) -> Job[DeclaredRange]:
        start = self.day("start", "fecha de inicio")
        end_text = self.value("end").strip()
        label = optional(self.value("label"))
        if self.electoral:
            end = self.day("end", "fecha final")
            return Job(
                lambda: self.workspace.run(declare_electoral_period, start, end, name=label),
                lambda r: f"Proceso electoral declarado: {span_text(r.start, r.end)}.",
            )
        last = self.day("end", "fecha final") if end_text else None
        return Job(
            lambda: self.workspace.run(declare_non_working, start, last, reason=label),
            lambda r: f"Días inhábiles declarados: {span_text(r.start, r.end)}.",
        )

    def confirmation(self) -> str:
        return "Los plazos de la agenda se calcularán con este calendario. ¿Declarar?"


class CalendarDialog(TableDialog[CalendarRow]):
    """One year's calendar; ← → change the year."""

    title_text = "Calendario: días inhábiles y procesos electorales"
    empty_text = "Sin días inhábiles este año."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("i", "declare(False)", "Inhábil", id="calendario.inhabil", tooltip="Declara días inhábiles"),
        Binding("e", "declare(True)", "Proceso", id="calendario.proceso", tooltip="Declara un proceso electoral"),
        Binding("x,delete", "remove", "Quitar", id="calendario.quitar", tooltip="Quita el rango declarado"),
        Binding("left", "year(-1)", "Año anterior", id="calendario.anterior", tooltip="Muestra el año anterior"),
        Binding("right", "year(1)", "Año siguiente", id="calendario.siguiente", tooltip="Muestra el año siguiente"),
    ]
    columns = (
        Column("Fechas", 26, 12),
        Column("Tipo", 18, 10),
        Column("Motivo", None, 12),
    )

    def __init__(self, workspace: Workspace, year: int | None = None) -> None:
        super().__init__(workspace)
        self.year = year if year is not None else workspace.now().year

    def heading(self) -> str:
        return f"{self.title_text}, {self.year}"

    def fetch(self) -> list[CalendarRow]:
        year = self.year
        days = self.workspace.run(non_working_days, year)
        rows = [CalendarRow(OFFICIAL, day, day, name) for day, name in sorted(days.official.items())]
        rows += _declared(NON_WORKING, days.declared, year)
        rows += _declared(ELECTORAL, self.workspace.run(electoral_periods), year)
        return sorted(rows, key=lambda r: (r.start, r.kind))

    def item_key(self, item: CalendarRow) -> Any:
        return (item.kind, item.range_id if item.range_id is not None else item.start)

    def build_row(self, item: CalendarRow) -> Row:
        return Row(
            self.item_key(item),
            (span_text(item.start, item.end), item.kind, item.label),
            "muted" if item.kind == OFFICIAL else "",
        )

    def detail(self, item: CalendarRow | None) -> Content | str:
        if item is None:
            return ""
        if item.kind == OFFICIAL:
            return f"{format_date(item.start)}: {item.label} (día de descanso oficial, LFT art. 74; no se quita)."
        return Content.assemble(
            (f"{item.kind.capitalize()} {item.range_id}", "bold"),
            f": {span_text(item.start, item.end)} · {item.label} · «x» lo quita.",
        )

    def after_load(self) -> None:
        self.query_one(".dialog-title", Static).update(self.heading())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove":
            item = self.selected()
            return item is not None and item.range_id is not None
        return True

    def action_year(self, step: int) -> None:
        self.year += step
        self.focus_key = None
        self.reload()

    def action_declare(self, electoral: bool) -> None:
        self.open_form(DeclareDialog(self.workspace, electoral=electoral))

    def action_remove(self) -> None:
        item = self.selected()
        if item is None or item.range_id is None:
            return
        range_id, span = item.range_id, span_text(item.start, item.end)
        if item.kind == ELECTORAL:
            job: Job[None] = Job(
                lambda: self.workspace.run(remove_electoral_period, range_id),
                lambda _: f"Proceso electoral del {span} quitado del calendario.",
            )
        else:
            job = Job(
                lambda: self.workspace.run(remove_non_working, range_id),
                lambda _: f"Días inhábiles del {span} quitados del calendario.",
            )
        self.confirm_write(
            job, f"Se quitará el {item.kind} del {span}; los plazos se recalcularán sin él. ¿Quitar?", "Quitar"
        )
