"""Cuentas: every account, filtered as you type, with its administrators and deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from policy.clock import format_date, local
from policy.codes import AccountStatus, DutyKind, Status
from policy.labels import SECOND_FACTOR_LABELS, due_phrase, item_label
from tui import flows
from tui.core.bitacora import search_entries
from tui.core.records import AccountRow
from tui.forms.records import EvaluationDialog, RotationDialog
from tui.screens.base import PaletteCommand
from tui.screens.listing import ListingScreen, SortKey
from tui.widgets.table import Column, Row

_STATUS_KIND = {Status.OVERDUE: "overdue", Status.DUE_SOON: "soon"}


def _date(value: Any) -> str:
    if value is None:
        return "—"
    return format_date(value.date() if hasattr(value, "date") and callable(value.date) else value)


def credential_lines(state: Any, factor: Any) -> list[Content | str | tuple[str, str]]:
    """The health of the account's credential: score, when it was set, findings; never the secret."""
    lines: list[Content | str | tuple[str, str]] = [("Contraseña: ", "bold")]
    if state is None:
        lines.append(("sin registrar en resguardo (c la fija)\n", "$warning"))
    else:
        style = "$error" if state.weak or state.reasons else "$success"
        verdict = "débil" if state.weak else ("con hallazgos" if state.reasons else "cumple")
        lines.append((f"{verdict}", style))
        lines.append(f" · puntaje {state.score} de 4 · fijada el {format_date(local(state.set_at).date())}\n")
    lines.append(("Segundo factor: ", "bold"))
    lines.append(f"{second_factor_label(factor)}\n" if factor is not None else "sin registrar\n")
    return lines


def second_factor_label(factor: Any) -> str:
    """«aplicación autenticadora · códigos en el llavero»: the method by its Spanish name, and where the
    recovery codes are."""
    said = SECOND_FACTOR_LABELS.get(factor.method, factor.method)
    if factor.codes_in_keyring:
        said += " · códigos en el llavero"
    elif factor.recovery_location:
        said += f" · códigos: {factor.recovery_location}"
    return said


class CuentasScreen(ListingScreen[AccountRow]):
    mode = "cuentas"
    placeholder = "Filtrar: red, usuario, área, correo o persona (/)"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_account", "Nueva", id="cuentas.nueva", tooltip="Registra una cuenta"),
        Binding("e", "edit_account", "Editar", id="cuentas.editar", tooltip="Cambia los datos de la cuenta"),
        Binding("a", "assign", "Asignar", id="cuentas.asignar", tooltip="Asigna una persona con un rol"),
        Binding(
            "x",
            "unassign",
            "Desasignar",
            id="cuentas.desasignar",
            show=False,
            tooltip="Termina hoy la asignación de una persona (pide confirmación)",
        ),
        Binding("r", "rotation", "Rotación", id="cuentas.rotacion", tooltip="Registra una rotación de contraseña"),
        Binding("v", "evaluation", "Evaluación", id="cuentas.evaluacion", tooltip="Registra una evaluación"),
        Binding(
            "c",
            "password",
            "Contraseña",
            id="cuentas.contrasena",
            tooltip="Fija o genera la contraseña (medidor de fortaleza, revisión de repetidas)",
        ),
        Binding(
            "f",
            "second_factor",
            "2.º factor",
            id="cuentas.segundo_factor",
            tooltip="Registra el segundo factor y guarda sus códigos de recuperación en el llavero",
        ),
        Binding("b", "close_account", "Baja", id="cuentas.baja", tooltip="Da de baja la cuenta (su lista de pasos)"),
        Binding("A", "openings", "Altas", id="cuentas.altas", tooltip="Solicitudes de apertura de cuentas"),
        Binding("h", "rotations", "Rotaciones", id="cuentas.rotaciones", show=False, tooltip="Sus rotaciones"),
        Binding("D", "duties", "Deberes", id="cuentas.deberes", show=False, tooltip="Los deberes de la cuenta"),
        Binding(
            "R",
            "review_passwords",
            "Revisar contraseñas",
            id="cuentas.revisar_contrasenas",
            show=False,
            tooltip="Los hallazgos de las contraseñas de todas las cuentas (sin mostrar ninguna)",
        ),
        Binding(
            "t",
            "holder_change",
            "Cambio de titular",
            id="cuentas.titular",
            show=False,
            tooltip="Registra un cambio de la persona titular del área y el aviso que se debe",
        ),
    ]
    columns: ClassVar = (
        Column("Red", 9, 9),
        Column("Usuario", None, 12, 2),
        Column("Área", None, 8, 2, optional=True),
        Column("Titular", None, 8),
        Column("Suplente", None, 8, optional=True),
        Column("Últ. rotación", 13, 10),
        Column("Próximo venc.", 13, 10),
        Column("Estado", 10, 8),
    )
    sort_keys: Sequence[SortKey | None] = (
        lambda r: r.account.network,
        lambda r: r.account.handle.lstrip("@").lower(),
        lambda r: (r.account.area or "").lower(),
        None,  # the first administration role (set per profile in __init__)
        None,
        lambda r: r.last_rotation,
        lambda r: r.next_due.due if r.next_due else None,
        lambda r: {Status.OVERDUE: 0, Status.DUE_SOON: 1}.get(r.worst, 2) if r.worst else 3,
    )

    def __init__(self) -> None:
        super().__init__()
        self.roles: tuple[str, str] = ("titular", "suplente")
        #: account id -> its latest bitácora entries (cleared on every reload)
        self._entries: dict[int, list[Any]] = {}
        keys = list(type(self).sort_keys)
        keys[3] = lambda r: r.holder_names(self.roles[0]).lower()
        keys[4] = lambda r: r.holder_names(self.roles[1]).lower()
        self.sort_keys = keys

    def load_items(self) -> list[AccountRow] | None:
        institution = self.workbench.institution
        if institution is None:
            return None
        self.roles = institution.table_roles
        table = self.table
        for index, role in ((3, self.roles[0]), (4, self.roles[1])):
            label = "Coadmin." if role == "coadministrador" else role.capitalize()
            table.columns[index] = Column(label, None, 8, optional=index == 4)
        return list(institution.accounts)

    def item_key(self, item: AccountRow) -> int:
        return item.account.id

    def haystack(self, item: AccountRow) -> str:
        return item.haystack

    def build_row(self, item: AccountRow) -> Row:
        acc = item.account
        kind = _STATUS_KIND.get(item.worst, "") if item.worst else ""
        if acc.status == "baja":
            kind = "muted"
        first, second = (item.holder_names(role) or "—" for role in self.roles)
        return Row(
            acc.id,
            (
                acc.network,
                acc.handle,
                acc.area or "—",
                first,
                second,
                _date(item.last_rotation),
                _date(item.next_due.due if item.next_due else None),
                item.state_label,
            ),
            kind,
        )

    def detail(self, item: AccountRow | None) -> tuple[Content | str, Content | str]:
        institution = self.workbench.institution
        if item is None or institution is None:
            return "Seleccione una cuenta.", ""
        acc = item.account
        today = institution.now.date()
        left: list[Content | str | tuple[str, str]] = [
            (f"{acc.ref}", "bold"),
            f"  ({acc.status})\n",
            f"Área: {acc.area or '—'}\n",
            f"Correo: {acc.email or '—'}{' (genérico)' if acc.email_generic else ''}\n",
            f"Verificación: {acc.verification} · Pública: {'sí' if acc.public else 'no'}"
            f" · Mensajes privados: {'sí' if acc.private_messages else 'no'}\n",
            f"Última rotación: {_date(item.last_rotation)} · Última evaluación: {_date(item.last_evaluation)}\n",
            *credential_lines(institution.credentials.get(acc.id), institution.second_factors.get(acc.id)),
            ("Administración\n", "bold"),
        ]
        people = institution.people_by_id
        assignments = [a for a in institution.assignments_by_account.get(acc.id, ()) if a.end is None or a.end >= today]
        if not assignments:
            left.append("  (nadie asignado)\n")
        for a in assignments:
            name = people[a.person_id].name if a.person_id in people else "?"
            until = f" hasta {format_date(a.end)}" if a.end else ""
            left.append(f"  {a.role}: {name} (desde {format_date(a.start)}{until})\n")
        right: list[Content | str | tuple[str, str]] = [("Pendientes\n", "bold")]
        pending = institution.obligations_by_account.get(acc.id, ())
        if not pending:
            right.append("  Nada pendiente en los próximos 365 días.\n")
        shown = 6
        for obligation in pending[:shown]:
            style = {Status.OVERDUE: "$error", Status.DUE_SOON: "$warning"}.get(obligation.status, "")
            when = due_phrase(obligation, institution.now)
            right.append((f"  {when}", style))
            right.append(f" · {item_label(obligation)}\n")
        if len(pending) > shown:
            right.append(f"  … y {len(pending) - shown} más\n")
        right.append(("Bitácora reciente\n", "bold"))
        entries = self._entries.get(acc.id)
        if entries is None:
            right.append(("  cargando…\n", "dim"))
            self._load_entries(acc.id)
        elif not entries:
            right.append("  Sin entradas.\n")
        for entry in entries or ():
            right.append((f"  {local(entry.occurred):%d/%m/%Y} ", "dim"))
            text = entry.text.replace("\n", " ")
            right.append(f"{text[:44]}…\n" if len(text) > 45 else f"{text}\n")
        return Content.assemble(*left), Content.assemble(*right)

    # -- the latest bitácora entries of the selected account, read in a worker ------------

    class EntriesLoaded(Message):
        def __init__(self, account_id: int, entries: list[Any]) -> None:
            super().__init__()
            self.account_id = account_id
            self.entries = entries

    def show_data(self) -> None:
        self._entries.clear()  # something changed: read them again
        super().show_data()

    @work(thread=True, exclusive=True, exit_on_error=False, group="account-entries")
    def _load_entries(self, account_id: int) -> None:
        entries = self.workbench.workspace.run(search_entries, account=account_id, limit=3)
        self.post_message(self.EntriesLoaded(account_id, entries))

    @on(EntriesLoaded)
    def _entries_loaded(self, event: CuentasScreen.EntriesLoaded) -> None:
        self._entries[event.account_id] = event.entries
        row = self.selected()
        if row is not None and row.account.id == event.account_id:
            self._show_detail(event.account_id)

    # -- actions -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit_account", "assign", "unassign", "rotation", "evaluation", "password", "rotations"):
            return self.selected() is not None
        if action == "second_factor":
            row = self.selected()
            return row is not None and row.account.status != AccountStatus.CLOSED
        if action == "close_account":
            row = self.selected()
            return row is not None and row.account.status != AccountStatus.CLOSED
        if action == "holder_change":  # only where the profile has the rule (the core refuses it elsewhere)
            return self.workbench.offers(DutyKind.HOLDERS_NOTICE) and self.selected() is not None
        return True

    def open_selected(self) -> None:
        self.action_edit_account()

    def action_new_account(self) -> None:
        self.workbench.edit_account(None)

    def action_edit_account(self) -> None:
        if (row := self.selected()) is not None:
            self.workbench.edit_account(row.account)

    def action_assign(self) -> None:
        if (row := self.selected()) is not None:
            self.workbench.assign_person(row.account)

    def action_unassign(self) -> None:
        if (row := self.selected()) is not None:
            self.workbench.unassign_person(row.account)

    def action_rotation(self) -> None:
        if (row := self.selected()) is not None:
            self.app.push_screen(RotationDialog(self.workbench.workspace, row.account))

    def action_evaluation(self) -> None:
        if (row := self.selected()) is not None:
            self.app.push_screen(EvaluationDialog(self.workbench.workspace, row.account))

    def action_password(self) -> None:
        if (row := self.selected()) is not None:
            self.workbench.set_password(row.account)

    def action_second_factor(self) -> None:
        if (row := self.selected()) is not None and row.account.status != AccountStatus.CLOSED:
            flows.second_factor(self.workbench, row.account)

    def action_close_account(self) -> None:
        if (row := self.selected()) is not None:
            flows.close_account(self.workbench, row.account)

    def action_openings(self) -> None:
        flows.show_openings(self.workbench)

    def action_holder_change(self) -> None:
        if (row := self.selected()) is not None and self.workbench.offers(DutyKind.HOLDERS_NOTICE):
            flows.change_holder(self.workbench, row.account)

    def action_rotations(self) -> None:
        if (row := self.selected()) is not None:
            flows.show_rotations(self.workbench, row.account)

    def action_duties(self) -> None:
        if (row := self.selected()) is not None:
            flows.show_duties(self.workbench, row.account)

    def action_review_passwords(self) -> None:
        flows.review_passwords(self.workbench)

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [
            PaletteCommand("cuenta: Nueva", self.action_new_account, "Registra una cuenta"),
            PaletteCommand("tabla: Filtrar", self.action_focus_filter, "Escriba para filtrar las cuentas"),
            PaletteCommand(
                "tabla: Ordenar por la columna siguiente", self.action_sort_next, "Cambia la columna de orden"
            ),
        ]
        row = self.selected()
        if row is not None:
            ref = row.account.ref
            commands += [
                PaletteCommand("cuenta: Editar", self.action_edit_account, ref),
                PaletteCommand("cuenta: Asignar persona", self.action_assign, ref),
                PaletteCommand("cuenta: Desasignar persona", self.action_unassign, ref),
                PaletteCommand("cuenta: Registrar rotación", self.action_rotation, ref),
                PaletteCommand("cuenta: Registrar evaluación", self.action_evaluation, ref),
                PaletteCommand("cuenta: Fijar o generar la contraseña", self.action_password, ref),
                PaletteCommand("cuenta: Segundo factor y códigos de recuperación", self.action_second_factor, ref),
                PaletteCommand("cuenta: Dar de baja", self.action_close_account, ref),
                PaletteCommand("cuenta: Historial de rotaciones", self.action_rotations, ref),
                PaletteCommand("cuenta: Deberes de la cuenta", self.action_duties, ref),
            ]
            if self.workbench.offers(DutyKind.HOLDERS_NOTICE):
                commands.append(PaletteCommand("cuenta: Cambio de titular", self.action_holder_change, ref))
        return commands
