"""The coordination workbench: the institution's agenda from the coordination database, read-only.

``resguardo coordinacion`` (no subcommand) or ``resguardo --coordinacion`` opens it. One screen
like Hoy, with an office column and an office filter: the same items, in the same order, as
``resguardo coordinacion pendientes`` (both call ``tui.core.coordination.coordination_agenda``).
The database is opened read-only (``mode=ro``): nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Static

from policy.clock import format_date
from policy.codes import Status
from store.coordination import open_coordination
from tui.core.coordination import CoordinationAgenda, coordination_agenda, list_offices
from tui.widgets.table import Column, Row, VirtualTable

_STATUS = {Status.OVERDUE: "vencido", Status.DUE_SOON: "pronto", Status.UPCOMING: "próximo"}
_KIND = {Status.OVERDUE: "overdue", Status.DUE_SOON: "soon", Status.UPCOMING: ""}
COLUMNS = (
    Column("Oficina", width=12),
    Column("Estado", width=8),
    Column("Plazo", width=10),
    Column("Cuenta / persona", min_width=16, weight=1),
    Column("Qué hacer", min_width=24, weight=3),
    Column("Regla", min_width=10, weight=1, optional=True),
)


class CoordinationWorkbench(App[None]):
    """Read-only: the agenda of every office, filtered by office as you type."""

    CSS_PATH = "app.tcss"
    TITLE = "resguardo · coordinación"
    CSS = """
    #resumen { height: auto; padding: 0 1; }
    #filtro-fila { height: 3; }
    #filtro-fila Static { width: auto; padding: 1 1 0 1; }
    #oficina { width: 40; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Salir", id="coordinacion.salir", tooltip="Cierra la mesa de coordinación"),
        Binding("slash", "focus_filter", "Filtrar", id="coordinacion.filtrar", tooltip="Filtra por oficina"),
        Binding("escape", "clear_filter", "Quitar filtro", id="coordinacion.limpiar", tooltip="Muestra todas"),
    ]

    def __init__(self, path: str | Path, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.path = Path(path)
        self.clock = clock
        self.agenda: CoordinationAgenda | None = None
        self.office_codes: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="resumen")
        with Horizontal(id="filtro-fila"):
            yield Static("Oficina:")
            yield Input(placeholder="clave de la oficina (vacío: todas)", id="oficina")
        yield VirtualTable(COLUMNS, empty_text="Nada pendiente.", id="agenda")
        yield Footer()

    def on_mount(self) -> None:
        with open_coordination(self.path, read_only=True, clock=self.clock) as coordination:
            self.office_codes = [office.code for office in list_offices(coordination)]
            self.agenda = coordination_agenda(coordination)
        self._show("")
        self.query_one(VirtualTable).focus()

    def _show(self, wanted: str) -> None:
        agenda = self.agenda
        assert agenda is not None
        needle = wanted.strip().upper()
        items = [item for item in agenda.items if needle in item.office] if needle else list(agenda.items)
        rows = [
            Row(
                key=(item.office, item.key),
                cells=(
                    item.office,
                    _STATUS[item.status],
                    f"{item.due[8:10]}/{item.due[5:7]}/{item.due[:4]}",
                    item.account_ref or item.person_name or "—",
                    item.message,
                    f"{item.rule_document} {item.rule_section}".strip(),
                ),
                kind=_KIND[item.status],
            )
            for item in items
        ]
        self.query_one(VirtualTable).set_rows(rows)
        now = agenda.now
        offices = {item.office for item in items} if needle else set(self.office_codes)
        overdue = sum(1 for item in items if item.status is Status.OVERDUE)
        soon = sum(1 for item in items if item.status is Status.DUE_SOON)
        self.query_one("#resumen", Static).update(
            f"Pendientes al {format_date(now.date())} {now:%H:%M} · {len(offices)} oficinas · {overdue} vencidos,"
            f" {soon} próximos, {len(items)} en {agenda.horizon_days} días · solo lectura: cada oficina según su"
            " último paquete importado"
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def action_focus_filter(self) -> None:
        self.query_one("#oficina", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#oficina", Input)
        field.value = ""
        self.query_one(VirtualTable).focus()


def run_coordination_workbench(path: str | Path, clock: Callable[[], datetime]) -> int:
    CoordinationWorkbench(path, clock).run()
    return 0
