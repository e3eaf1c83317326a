"""Hoy: the agenda as of now, grouped overdue / due soon / upcoming, and each item's resolution."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from policy.clock import format_date
from policy.codes import Kind, Status
from policy.labels import KIND_LABELS, STATUS_LABELS, due_phrase
from policy.obligations import Obligation
from policy.profile import Profile, short_document
from tui.forms.openers import Resolution, resolutions_for
from tui.screens.base import PaletteCommand, ViewScreen
from tui.widgets.footer import ReadyFooter
from tui.widgets.status import StatusLine
from tui.widgets.table import Column, LazyRow, Row, TableRow, VirtualTable

if TYPE_CHECKING:
    from tui.core.agenda import Agenda

SECTIONS = (
    (Status.OVERDUE, "VENCIDOS", "overdue"),
    (Status.DUE_SOON, "VENCEN EN LOS PRÓXIMOS 7 DÍAS", "soon"),
    (Status.UPCOMING, "PRÓXIMOS {days} DÍAS", ""),
)


def plazo(item: Obligation, now: datetime) -> str:
    """«venció hace 5 días», «vence en 3 días», «hallazgo vigente» or «avisar de inmediato»."""
    return due_phrase(item, now)


def subject(item: Obligation) -> str:
    if item.account is not None and item.person is not None:
        return f"{item.account.ref} · {item.person.name}"
    if item.account is not None:
        return item.account.ref
    return item.person.name if item.person else "—"


def rule_label(profile: Profile, item: Obligation) -> str:
    """Section first («§6.X Lineamientos IECM»): what stays readable when the column narrows."""
    return f"{item.rule.section} {short_document(profile, item.rule)}".strip()


def agenda_cells(item: Obligation, now: datetime, profile: Profile) -> tuple[str, ...]:
    """The cells of one agenda row: plazo, account or person, what to do, the clause."""
    return (plazo(item, now), subject(item), item.message, rule_label(profile, item))


class ObligationScreen(ModalScreen[Resolution | None]):
    """One agenda item: what, why (the clause's quote) and the actions that resolve it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Volver", id="pendiente.volver", tooltip="Vuelve a la agenda"),
        Binding(
            "r",
            "resolve('rotacion')",
            "Registrar rotación",
            id="pendiente.rotacion",
            tooltip="Anota que la contraseña ya se cambió",
        ),
        Binding(
            "v",
            "resolve('evaluacion')",
            "Registrar evaluación",
            id="pendiente.evaluacion",
            tooltip="Anota la evaluación de la cuenta",
        ),
        Binding(
            "c",
            "resolve('capacitacion')",
            "Registrar capacitación",
            id="pendiente.capacitacion",
            tooltip="Anota la capacitación de la persona",
        ),
        Binding(
            "a",
            "resolve('asignar')",
            "Asignar persona",
            id="pendiente.asignar",
            tooltip="Asigna una persona a la cuenta",
        ),
        Binding(
            "n",
            "resolve('nivel')",
            "Nivel de la persona",
            id="pendiente.nivel",
            tooltip="Corrige el nivel del puesto de la persona",
        ),
        Binding(
            "d",
            "resolve_edit",
            "Corregir la cuenta",
            id="pendiente.corregir",
            tooltip="Abre los datos de la cuenta en el campo que corrige el hallazgo",
        ),
        Binding(
            "g",
            "resolve('ver_cuenta')",
            "Ver la cuenta",
            id="pendiente.ver_cuenta",
            tooltip="Abre la cuenta en la pantalla Cuentas",
        ),
        Binding(
            "n",
            "resolve('aviso_incidente')",
            "Registrar el aviso",
            id="pendiente.aviso_incidente",
            tooltip="Anota que ya se notificó a este destinatario del incidente",
        ),
        Binding(
            "p",
            "resolve('consulta')",
            "Resolver la consulta",
            id="pendiente.consulta",
            tooltip="Anota si la consulta se aprobó o se rechazó",
        ),
        Binding(
            "s",
            "resolve('solicitud')",
            "Atender la solicitud",
            id="pendiente.solicitud",
            tooltip="Respondida directamente o canalizada",
        ),
        Binding("p", "resolve('apertura')", "Atender la apertura", id="pendiente.apertura", tooltip="Altas"),
        Binding("m", "resolve('baja')", "Completar la baja", id="pendiente.baja", tooltip="Pasos de la baja"),
        Binding(
            "m",
            "resolve('aviso_dado')",
            "Marcar el aviso dado",
            id="pendiente.aviso_dado",
            tooltip="Anota la fecha en que se dio el aviso",
        ),
        Binding(
            "f",
            "resolve('documento')",
            "Registrar la firma",
            id="pendiente.documento",
            tooltip="Anota la fecha de firma del documento",
        ),
        Binding(
            "k",
            "resolve('contrasena')",
            "Fijar la contraseña",
            id="pendiente.contrasena",
            tooltip="Abre el diálogo de contraseña con el medidor de fortaleza",
        ),
        Binding(
            "x",
            "resolve('dispensar')",
            "Dispensar",
            id="pendiente.dispensar",
            tooltip="Saca el pendiente de la agenda hasta una fecha, con su motivo",
        ),
    ]

    def __init__(self, item: Obligation, profile: Profile, now: datetime) -> None:
        super().__init__(classes="dialog-screen")
        self.item = item
        self.profile = profile
        self.now = now
        self.resolutions = resolutions_for(item)

    def compose(self) -> ComposeResult:
        item = self.item
        status_class = {"overdue": "overdue", "due_soon": "soon"}.get(str(item.status), "")
        with Vertical(classes="dialog obligation"):
            yield Label(KIND_LABELS.get(item.kind, str(item.kind)), classes="dialog-title")
            with VerticalScroll(classes="dialog-fields"):
                yield Static(Content.assemble(("Cuenta o persona: ", "bold"), subject(item)))
                when = (
                    "desde"
                    if item.kind == Kind.INCIDENT_NOTICE
                    else ("hallazgo vigente desde" if item.standing else "vence el")
                )
                yield Static(
                    Content.assemble(
                        (f"{STATUS_LABELS[item.status].capitalize()}: ", "bold"),
                        f"{plazo(item, self.now)} ({when} {format_date(item.due.date())})",
                    ),
                    classes=f"obligation-status {status_class}",
                )
                yield Static(Content.assemble(("Qué hacer: ", "bold"), item.message))
                yield Static(
                    Content.assemble(("Regla: ", "bold"), f"{item.rule.document} {item.rule.section}"),
                    classes="obligation-rule",
                )
                yield Static(Content(f"«{item.rule.quote}»"), classes="quote")
                if item.rule.note:
                    yield Static(Content(item.rule.note), classes="note")
            with Horizontal(classes="dialog-buttons"):
                for resolution in self.resolutions:
                    yield Button(
                        f"{resolution.key} {resolution.label}",
                        id=f"do-{resolution.id}",
                        classes="resolution",
                        compact=True,
                        variant="primary" if resolution is self.resolutions[0] else "default",
                    )
                yield Button("Esc Volver", id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        buttons = self.query(".resolution")
        if buttons:
            buttons.first().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resolve":
            return any(r.id == parameters[0] for r in self.resolutions)
        if action == "resolve_edit":
            return any(r.edits_account for r in self.resolutions)
        return True

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_resolve(self, resolution_id: str) -> None:
        self.dismiss(next((r for r in self.resolutions if r.id == resolution_id), None))

    def action_resolve_edit(self) -> None:
        for resolution in self.resolutions:
            if resolution.edits_account:
                self.dismiss(resolution)
                return

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "back":
            self.dismiss(None)
            return
        for resolution in self.resolutions:
            if event.button.id == f"do-{resolution.id}":
                self.dismiss(resolution)
                return


class HoyScreen(ViewScreen):
    """The start screen: what is overdue, what falls due this week, and what comes next."""

    mode = "hoy"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_item",
            "Abrir",
            id="hoy.abrir",
            tooltip="Abre el pendiente: la cláusula y las acciones que lo resuelven",
        ),
        Binding("f5", "app.reload", "Actualizar", id="hoy.actualizar", tooltip="Vuelve a calcular la agenda"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.agenda: Agenda | None = None

    def compose(self) -> ComposeResult:
        # the agenda, when already read: the Footer composed below offers «Abrir» for it
        self.agenda = self.workbench.agenda_snapshot
        yield StatusLine(self.mode)
        yield VirtualTable(
            [
                Column("Plazo", 20, 19),
                Column("Cuenta o persona", None, 20, 2),
                Column("Qué hacer", None, 20, 3),
                Column("Regla", 24, 10),
            ],
            empty_text="Cargando la agenda…",
            id="agenda",
        )
        yield Static("", id="preview")
        yield ReadyFooter()

    def on_mount(self) -> None:
        self.query_one("#agenda", VirtualTable).focus()
        self.show_data()

    def show_data(self) -> None:
        agenda = self.workbench.agenda_snapshot
        if agenda is None:
            return
        self.agenda = agenda
        # Thousands of items: each row's text is made when it is first drawn (see LazyRow).
        by_status: dict[Status, list[int]] = {status: [] for status, _, _ in SECTIONS}
        for index, item in enumerate(agenda.items):
            bucket = by_status.get(item.status)
            if bucket is not None:
                bucket.append(index)
        rows: list[TableRow] = []
        for status, title, kind in SECTIONS:
            group = by_status[status]
            if not group:
                continue
            heading = title.format(days=agenda.horizon_days)  # the horizon is the core's
            rows.append(Row(None, (f"{heading} ({len(group)})",), "section"))
            rows.extend(
                LazyRow(index, partial(agenda_cells, agenda.items[index], agenda.now, agenda.profile), kind)
                for index in group
            )
        table = self.query_one("#agenda", VirtualTable)
        table.empty_text = "Nada pendiente. ¡Todo al día!"
        table.set_rows(rows)
        self._preview(table.cursor_key)
        self.refresh_bindings()  # «Abrir» depends on there being items

    @property
    def selected_item(self) -> Obligation | None:
        key = self.query_one("#agenda", VirtualTable).cursor_key
        if self.agenda is None or key is None:
            return None
        return self.agenda.items[key]

    @on(VirtualTable.Highlighted, "#agenda")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._preview(event.key)

    def _preview(self, key: int | None) -> None:
        preview = self.query_one("#preview", Static)
        if self.agenda is None or key is None:
            preview.update("")
            return
        item = self.agenda.items[key]
        preview.update(
            Content.assemble(
                (f"{subject(item)}: ", "bold"),
                f"{item.message}\n",
                (f"{item.rule.section} {short_document(self.agenda.profile, item.rule)}: ", "italic"),
                f"«{item.rule.quote}»",
            )
        )

    @on(VirtualTable.Chosen, "#agenda")
    def _chosen(self) -> None:
        self.action_open_item()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_item":  # the table always keeps a row selected while there are items
            return self.agenda is not None and bool(self.agenda.items)
        return True

    def action_open_item(self) -> None:
        item = self.selected_item
        if item is None or self.agenda is None:
            return
        self.app.push_screen(
            ObligationScreen(item, self.agenda.profile, self.agenda.now), lambda action: self._resolve(item, action)
        )

    def _resolve(self, item: Obligation, resolution: Resolution | None) -> None:
        if resolution is not None:
            resolution.open(self.workbench, item)

    def palette_commands(self) -> list[PaletteCommand]:
        item = self.selected_item
        if item is None:
            return []
        commands = [PaletteCommand("pendiente: Abrir", self.action_open_item, f"{subject(item)}: {item.message}")]
        for resolution in resolutions_for(item):
            commands.append(
                PaletteCommand(
                    f"pendiente: {resolution.label}",
                    partial(resolution.open, self.workbench, item),
                    subject(item),
                )
            )
        return commands
