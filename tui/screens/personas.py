"""Personas: the people who administer accounts, their roles and trainings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from policy.clock import format_date
from policy.codes import Status
from policy.labels import due_phrase, item_label, rank_label
from tui import flows
from tui.core.records import PersonRow
from tui.forms.records import TrainingDialog
from tui.screens.base import PaletteCommand
from tui.screens.listing import ListingScreen, SortKey
from tui.widgets.table import Column, Row

_STATUS_KIND = {Status.OVERDUE: "overdue", Status.DUE_SOON: "soon"}


class PersonasScreen(ListingScreen[PersonRow]):
    mode = "personas"
    placeholder = "Filtrar: nombre, correo, nivel o cuenta (/)"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_person", "Nueva", id="personas.nueva", tooltip="Registra una persona"),
        Binding("e", "edit_person", "Editar", id="personas.editar", tooltip="Cambia el correo o el nivel"),
        Binding(
            "c",
            "training",
            "Capacitación",
            id="personas.capacitacion",
            tooltip="Registra una capacitación de la persona",
        ),
        Binding("m", "admin_change", "Cambio", id="personas.cambio", tooltip="Deja de administrar sus cuentas"),
        Binding("h", "admin_changes", "Cambios", id="personas.cambios", tooltip="Los cambios de administración"),
    ]
    columns: ClassVar = (
        Column("Nombre", None, 14, 2),
        Column("Nivel", 14, 10),
        Column("Correo", None, 10, optional=True),
        Column("Cuentas", 7, 7),
        Column("Capacitación", 13, 10),
        Column("Estado", 10, 8),
    )
    sort_keys: Sequence[SortKey | None] = (
        lambda r: r.person.name.lower(),
        lambda r: r.person.rank,
        lambda r: (r.person.email or "").lower(),
        lambda r: len(r.roles),
        lambda r: r.last_training,
        lambda r: {Status.OVERDUE: 0, Status.DUE_SOON: 1}.get(r.worst, 2) if r.worst else 3,
    )

    def __init__(self) -> None:
        super().__init__()
        self.sort_column = 0

    def load_items(self) -> list[PersonRow] | None:
        institution = self.workbench.institution
        return None if institution is None else list(institution.people)

    def item_key(self, item: PersonRow) -> int:
        return item.person.id

    def haystack(self, item: PersonRow) -> str:
        return item.haystack

    def build_row(self, item: PersonRow) -> Row:
        kind = _STATUS_KIND.get(item.worst, "") if item.worst else ""
        state = {"overdue": "vencido", "soon": "por vencer"}.get(kind, "al día")
        person = item.person
        return Row(
            person.id,
            (
                person.name,
                rank_label(person.rank),
                person.email or "—",
                str(len(item.current_roles)),
                format_date(item.last_training) if item.last_training else "—",
                state,
            ),
            kind,
        )

    def detail(self, item: PersonRow | None) -> tuple[Content | str, Content | str]:
        institution = self.workbench.institution
        if item is None or institution is None:
            return "Seleccione una persona.", ""
        person = item.person
        today = institution.now.date()
        left: list[Content | str | tuple[str, str]] = [
            (person.name, "bold"),
            f"  ({rank_label(person.rank, 'nivel sin indicar')})\n",
            f"Correo: {person.email or '—'}\n",
            ("Asignaciones\n", "bold"),
        ]
        if not item.roles:
            left.append("  (ninguna)\n")
        for assignment, account in item.roles:
            if assignment.end is not None and assignment.end < today:
                span = f"{format_date(assignment.start)} – {format_date(assignment.end)} (terminada)"
            else:
                span = f"desde {format_date(assignment.start)}" + (
                    f" hasta {format_date(assignment.end)}" if assignment.end else ""
                )
            left.append(f"  {assignment.role} de {account.ref}, {span}\n")
        right: list[Content | str | tuple[str, str]] = [("Capacitaciones\n", "bold")]
        trainings = institution.trainings_by_person.get(person.id, ())
        if not trainings:
            right.append("  (ninguna registrada)\n")
        for day in trainings[:5]:
            right.append(f"  {format_date(day)}\n")
        pending = institution.obligations_by_person.get(person.id, ())
        if pending:
            right.append(("Pendientes\n", "bold"))
        for obligation in pending[:8]:
            style = {Status.OVERDUE: "$error", Status.DUE_SOON: "$warning"}.get(obligation.status, "")
            when = due_phrase(obligation, institution.now)
            right.append((f"  {when}", style))
            right.append(f" · {item_label(obligation)}\n")
        return Content.assemble(*left), Content.assemble(*right)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit_person", "training", "admin_change"):
            return self.selected() is not None
        return True

    def open_selected(self) -> None:
        self.action_edit_person()

    def action_new_person(self) -> None:
        self.workbench.edit_person(None)

    def action_edit_person(self) -> None:
        if (row := self.selected()) is not None:
            self.workbench.edit_person(row.person)

    def action_training(self) -> None:
        if (row := self.selected()) is not None:
            self.app.push_screen(TrainingDialog(self.workbench.workspace, row.person))

    def action_admin_change(self) -> None:
        if (row := self.selected()) is not None:
            flows.admin_change(self.workbench, row.person)

    def action_admin_changes(self) -> None:
        flows.show_admin_changes(self.workbench)

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [
            PaletteCommand("persona: Nueva", self.action_new_person, "Registra una persona"),
            PaletteCommand("tabla: Filtrar", self.action_focus_filter, "Escriba para filtrar las personas"),
        ]
        row = self.selected()
        if row is not None:
            commands += [
                PaletteCommand("persona: Editar", self.action_edit_person, row.person.name),
                PaletteCommand("persona: Registrar capacitación", self.action_training, row.person.name),
                PaletteCommand("persona: Cambio de administrador", self.action_admin_change, row.person.name),
            ]
        return commands
