"""Hoy: the agenda as of now, grouped overdue / due soon / upcoming, and each item's resolution."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from policy.clock import format_date
from policy.codes import Kind, Status
from policy.labels import KIND_LABELS, STATUS_LABELS, counted, due_phrase, fold, item_label
from policy.obligations import Obligation
from policy.profile import Profile, short_document
from tui.forms.openers import DUTY, RESOLUTIONS, SHOW_ACCOUNT, WAIVER, Resolution, resolutions_for
from tui.screens.base import PaletteCommand, ViewScreen
from tui.widgets.footer import FittedFooter, ReadyFooter
from tui.widgets.status import StatusLine
from tui.widgets.table import Column, Row, SectionedRows, VirtualTable

if TYPE_CHECKING:
    from textual.widgets import Input

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
            "h",
            "resolve('deber')",
            "Cumplir el deber",
            id="pendiente.deber",
            tooltip="Registra en la bitácora la entrada que cumple el deber (publicación, aviso, respuesta…)",
        ),
        Binding(
            "u",
            "resolve('publicacion')",
            "Registrar una publicación",
            id="pendiente.publicacion",
            tooltip="Abre una entrada de bitácora de tipo publicación para la cuenta",
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
            yield Label(item_label(item), classes="dialog-title")
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
        yield FittedFooter()

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


class AgendaTable(VirtualTable, inherit_bindings=False):
    """The agenda's table: VirtualTable's keys but «j»/«k», which Hoy gives to the resolutions (k: the
    password) and to nothing else."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(b for b in VirtualTable.BINDINGS if isinstance(b, Binding) and b.key not in ("up,k", "down,j")),
        Binding("up", "cursor(-1)", "Subir", show=False, id="tabla.subir", tooltip="Fila anterior"),
        Binding("down", "cursor(1)", "Bajar", show=False, id="tabla.bajar", tooltip="Fila siguiente"),
    ]


def _resolution_bindings() -> list[BindingType]:
    """One hidden key per way of resolving an item, acting on the selected row (or the marked ones)."""
    seen: dict[str, Resolution] = {"deber": DUTY}  # one key for every duty: its generic words
    # (the waiver's key is HoyScreen's own, shown in the footer: every item can be waived)
    for resolution in (*(r for group in RESOLUTIONS.values() for r in group), SHOW_ACCOUNT):
        if not resolution.edits_account:
            seen.setdefault(resolution.id, resolution)
    bindings: list[BindingType] = [
        Binding(r.key, f"resolve('{r.id}')", r.label, id=f"hoy.{r.id}", show=False, tooltip=f"{r.label} (fila elegida)")
        for r in seen.values()
    ]
    bindings.append(
        Binding("d", "resolve_edit", "Corregir la cuenta", id="hoy.corregir", show=False, tooltip="Corrige el dato")
    )
    return bindings


#: what a batch of marked rows records, by resolution: the use case's words for the summary
BATCH_NOUNS: dict[str, tuple[str, str]] = {
    "evaluacion": ("cuenta evaluada", "cuentas evaluadas"),
    "rotacion": ("rotación registrada", "rotaciones registradas"),
    "capacitacion": ("capacitación registrada", "capacitaciones registradas"),
}


class HoyScreen(ViewScreen):
    """The start screen: what is overdue, what falls due this week, and what comes next.

    A work queue: «/» filters (accents and case folded), the resolving keys act on
    the selected row without opening it, and Espacio marks rows so one key records
    the same thing for all of them (one confirmation, one summary).
    """

    mode = "hoy"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_item",
            "Abrir",
            id="hoy.abrir",
            tooltip="Abre el pendiente: la cláusula y las acciones que lo resuelven",
        ),
        Binding("slash", "focus_filter", "Filtrar", id="hoy.filtrar", tooltip="Escriba para filtrar la agenda"),
        Binding(
            WAIVER.key,
            f"resolve('{WAIVER.id}')",
            WAIVER.label,
            id=f"hoy.{WAIVER.id}",
            tooltip="Saca de la agenda la fila elegida hasta una fecha, con su motivo y oficio",
        ),
        Binding(
            "X",
            "waivers",
            "Dispensas",
            id="hoy.dispensas",
            tooltip="Las dispensas dadas: cada una con su motivo, oficio y último día; revocar una",
        ),
        Binding(
            "space",
            "toggle_mark",
            "Marcar",
            id="hoy.marcar",
            key_display="Espacio",
            tooltip="Marca la fila para aplicar una acción a varias",
        ),
        Binding(
            "escape",
            "clear",
            "Limpiar",
            id="hoy.limpiar",
            show=False,
            tooltip="Quita las marcas y el filtro",
        ),
        Binding("f5", "app.reload", "Actualizar", id="hoy.actualizar", tooltip="Vuelve a calcular la agenda"),
        Binding(
            "D",
            "duties",
            "Deberes",
            id="hoy.deberes",
            tooltip="Todos los deberes, pendientes y cumplidos; cumplir uno desde la lista",
        ),
        *_resolution_bindings(),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.agenda: Agenda | None = None
        #: the agenda's indexes the user marked (kept while their item stays in the agenda)
        self.marked: set[int] = set()
        #: folded text of each item, made the first time a filter needs it
        self._haystacks: dict[int, str] = {}
        #: items shown per section after the filter, and the section's whole count (tests read it)
        self.counts: dict[Status, tuple[int, int]] = {}

    def compose(self) -> ComposeResult:
        # the agenda, when already read: the Footer composed below offers «Abrir» for it
        self.agenda = self.workbench.agenda_snapshot
        yield StatusLine(self.mode)
        # the filter box is mounted on the first «/»: Textual's Input costs the first frame ~6 ms
        yield AgendaTable(
            [
                Column("Plazo", 21, 21),
                Column("Cuenta o persona", None, 18, 2),
                Column("Qué hacer", None, 34, 5),
                Column("Regla", 22, 10, optional=True),
            ],
            empty_text="Cargando la agenda…",
            id="agenda",
        )
        yield Static("", id="preview")
        yield ReadyFooter()

    def on_mount(self) -> None:
        self.query_one("#agenda", VirtualTable).focus()
        self.show_data()

    # -- rows ------------------------------------------------------------------

    @property
    def filter_text(self) -> str:
        box = self._filter_box()
        return fold(box.value).strip() if box is not None else ""

    def _haystack(self, index: int) -> str:
        found = self._haystacks.get(index)
        if found is None:
            assert self.agenda is not None
            item = self.agenda.items[index]
            words = (*agenda_cells(item, self.agenda.now, self.agenda.profile), KIND_LABELS.get(item.kind, ""))
            found = self._haystacks[index] = fold(" ".join(words))
        return found

    def show_data(self) -> None:
        agenda = self.workbench.agenda_snapshot
        if agenda is None:
            return
        if agenda is not self.agenda:
            self._haystacks = {}
            if self.agenda is not None:  # keep the marks on the items still in the agenda
                keys = {self.agenda.items[i].key for i in self.marked if i < len(self.agenda.items)}
                self.marked = {i for i, item in enumerate(agenda.items) if item.key in keys}
        self.agenda = agenda
        query = self.filter_text
        words = query.split()
        # Thousands of items: each row is made when it is first drawn (see SectionedRows), and the
        # sections are runs of the agenda's order (by status first), read from the statuses only
        # (the kept agenda makes an item when it is first read).
        runs: dict[Status, list[range]] = {status: [] for status, _, _ in SECTIONS}
        for status, span in agenda.spans():
            if status in runs:
                runs[status].append(span)
        totals = {status: sum(map(len, spans)) for status, spans in runs.items()}
        by_status: dict[Status, Sequence[int]] = {}
        for status, spans in runs.items():
            if words:
                by_status[status] = [i for span in spans for i in span if all(w in self._haystack(i) for w in words)]
            else:
                by_status[status] = spans[0] if len(spans) == 1 else [i for span in spans for i in span]
        self.counts = {status: (len(by_status[status]), totals[status]) for status in by_status}
        sections: list[tuple[Row, Sequence[int], str]] = []
        for status, title, kind in SECTIONS:
            group = by_status[status]
            if not group:
                continue
            heading = title.format(days=agenda.horizon_days)  # the horizon is the core's
            shown = f"{len(group)} de {totals[status]}" if words else str(len(group))
            sections.append((Row(None, (f"{heading} ({shown})",), "section"), group, kind))
        rows = SectionedRows(sections, self._cells)
        table = self.query_one("#agenda", VirtualTable)
        table.empty_text = "Nada coincide con el filtro (Esc lo limpia)." if words else "Nada pendiente. ¡Todo al día!"
        table.set_rows(rows)
        self._preview(table.cursor_key)
        self.refresh_bindings()  # «Abrir» depends on there being items

    def _cells(self, index: int) -> tuple[str, ...]:
        assert self.agenda is not None
        cells = agenda_cells(self.agenda.items[index], self.agenda.now, self.agenda.profile)
        if index in self.marked:
            return (f"● {cells[0]}", *cells[1:])
        return cells

    def _redraw_row(self, index: int) -> None:
        table = self.query_one("#agenda", VirtualTable)
        table.redraw_key(index)

    @property
    def selected_item(self) -> Obligation | None:
        key = self.query_one("#agenda", VirtualTable).cursor_key
        if self.agenda is None or key is None:
            return None
        return self.agenda.items[key]

    @property
    def marked_items(self) -> list[Obligation]:
        if self.agenda is None:
            return []
        return [self.agenda.items[i] for i in sorted(self.marked) if i < len(self.agenda.items)]

    @on(VirtualTable.Highlighted, "#agenda")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._preview(event.key)

    def _preview(self, key: int | None) -> None:
        preview = self.query_one("#preview", Static)
        if self.agenda is None or key is None:
            preview.update("")
            return
        item = self.agenda.items[key]
        keys = " · ".join(f"{r.key} {r.label}" for r in resolutions_for(item))
        marks = (
            f" · {counted(len(self.marked), 'fila marcada', 'filas marcadas')} (Esc las quita)" if self.marked else ""
        )
        preview.update(
            Content.assemble(
                (f"{subject(item)}: ", "bold"),
                f"{item.message}\n",
                (f"Teclas: {keys} · Espacio marca{marks}\n", "$accent"),
                (f"{item.rule.section} {short_document(self.agenda.profile, item.rule)}: ", "italic"),
                f"«{item.rule.quote}»",
            )
        )

    # -- filter ------------------------------------------------------------------

    def _filter_box(self) -> Input | None:
        found = self.query("#hoy-filter")
        return found.first() if found else None  # type: ignore[return-value]  # only an Input has that id

    def action_focus_filter(self) -> None:
        box = self._filter_box()
        if box is None:
            from textual.widgets import Input  # lazy: ~6 ms the first frame does not need

            box = Input(
                placeholder="Filtrar la agenda: cuenta, persona, qué hacer, regla (Esc limpia)",
                id="hoy-filter",
                compact=True,
            )
            self.mount(box, before=self.query_one("#agenda"))
        box.remove_class("-hidden")
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "hoy-filter":
            self.show_data()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "hoy-filter":
            self.query_one("#agenda", VirtualTable).focus()

    def on_key(self, event: events.Key) -> None:
        box = self._filter_box()
        if event.key == "escape" and box is not None and box.has_focus:
            event.stop()
            self.action_clear()

    def _filter_shown(self) -> bool:
        box = self._filter_box()
        return box is not None and not box.has_class("-hidden")

    def action_clear(self) -> None:
        """Esc: clear the filter and hide it, then the marks."""
        box = self._filter_box()
        if box is not None and (box.value or box.has_focus or not box.has_class("-hidden")):
            box.value = ""
            box.add_class("-hidden")
            self.query_one("#agenda", VirtualTable).focus()
            self.show_data()
            return
        if self.marked:
            self.marked = set()
            self.show_data()

    # -- marks -------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        table = self.query_one("#agenda", VirtualTable)
        key = table.cursor_key
        if key is None:
            return
        self.marked.symmetric_difference_update({key})
        self._redraw_row(key)
        table.action_cursor(1)
        self._preview(table.cursor_key)
        self.refresh_bindings()

    # -- acting ------------------------------------------------------------------

    @on(VirtualTable.Chosen, "#agenda")
    def _chosen(self) -> None:
        self.action_open_item()

    def _targets(self) -> list[Obligation]:
        """The marked items, or else the selected one."""
        if self.marked:
            return self.marked_items
        item = self.selected_item
        return [item] if item is not None else []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_item":  # the table always keeps a row selected while there are items
            return self.agenda is not None and bool(self.agenda.items)
        if action == "resolve":
            return any(any(r.id == parameters[0] for r in resolutions_for(t)) for t in self._targets())
        if action == "resolve_edit":
            return any(any(r.edits_account for r in resolutions_for(t)) for t in self._targets())
        if action == "clear":
            return bool(self.marked) or self._filter_shown()
        return True

    def action_waivers(self) -> None:
        from tui.flows import show_waivers  # lazy: the palette's module, not needed by the first frame

        show_waivers(self.workbench)

    def action_duties(self) -> None:
        from tui.flows import show_duties  # lazy: the palette's module, not needed by the first frame

        show_duties(self.workbench)

    def action_open_item(self) -> None:
        item = self.selected_item
        if item is None or self.agenda is None:
            return
        self.app.push_screen(
            ObligationScreen(item, self.agenda.profile, self.agenda.now), lambda action: self._resolve(item, action)
        )

    def action_resolve(self, resolution_id: str) -> None:
        """A resolving key on Hoy: the selected row's form, or one batch for the marked rows."""
        targets = self._targets()
        chosen = [(item, r) for item in targets for r in resolutions_for(item) if r.id == resolution_id]
        if not chosen:
            return
        if not self.marked:
            item, resolution = chosen[0]
            resolution.open(self.workbench, item)
            return
        if len(chosen) == 1:
            item, resolution = chosen[0]
            resolution.open(self.workbench, item)
            return
        if resolution_id not in BATCH_NOUNS:
            label = chosen[0][1].label
            self.notify(
                f"«{label}» se hace de una fila a la vez: quite las marcas (Esc) y elija cada fila.",
                severity="warning",
            )
            return
        from tui.forms.batch import run_batch  # lazy: forms are not for the first frame

        skipped = len(targets) - len(chosen)
        run_batch(self.workbench, resolution_id, [item for item, _ in chosen], skipped, self._batch_done)

    def _batch_done(self) -> None:
        self.marked = set()
        self.show_data()

    def action_resolve_edit(self) -> None:
        item = self.selected_item
        if item is None:
            return
        for resolution in resolutions_for(item):
            if resolution.edits_account:
                resolution.open(self.workbench, item)
                return

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
        commands.append(PaletteCommand("agenda: Filtrar", self.action_focus_filter, "Filtra la agenda por texto"))
        return commands
