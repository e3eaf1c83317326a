"""Incidentes, Consultas and Solicitudes: listings loaded in a thread worker, with their forms.

Imported on first use. Consultas and Solicitudes show a live countdown to each
deadline: a 30 s timer rewrites the relative time text, without reading the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from policy.clock import local, relative
from policy.codes import Kind, RequestState
from policy.labels import fold, office_with_article
from policy.obligations import Obligation
from tui.core.incidents import incidents, notify_incident
from tui.core.preflight import Review
from tui.core.workflows import (
    consultation_review,
    consultations,
    information_requests,
)
from tui.forms.agenda_items import ConsultationDialog, RequestDialog
from tui.forms.base import ConfirmDialog, Job, account_options
from tui.forms.preflight import SEVERITY_LABELS, SEVERITY_STYLES
from tui.forms.workflows import (
    ConsultationNewDialog,
    IncidentCloseDialog,
    IncidentOpenDialog,
    RequestNewDialog,
    incident_notified,
)
from tui.screens.base import PaletteCommand
from tui.screens.listing import ListingScreen
from tui.screens.pick import PickScreen
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace

T = TypeVar("T")

#: seconds between two refreshes of the countdown text
COUNTDOWN_SECONDS = 30


def _when(moment: datetime) -> str:
    moment = local(moment)
    return f"{moment:%d/%m/%Y %H:%M}"


class LoadedListing(ListingScreen[T]):
    """A listing whose rows come from the database, read in a thread worker after every change."""

    class Loaded(Message):
        def __init__(self, items: list[Any]) -> None:
            super().__init__()
            self.items = items

    def __init__(self) -> None:
        super().__init__()
        self._loaded: list[T] | None = None

    def fetch(self, workspace: Workspace) -> list[T]:
        raise NotImplementedError

    def load_items(self) -> list[T] | None:
        return self._loaded

    def show_data(self) -> None:
        if self._loaded is not None:
            super().show_data()
        self._fetch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="listing")
    def _fetch(self) -> None:
        self.post_message(self.Loaded(self.fetch(self.workbench.workspace)))

    @on(Loaded)
    def _loaded_items(self, event: LoadedListing.Loaded) -> None:
        self._loaded = event.items
        super().show_data()

    def redraw(self) -> None:
        """Rebuild the rows from what is loaded (the countdown), without reading the database."""
        if self._loaded is not None:
            super().show_data()


# -- Incidentes ----------------------------------------------------------------------


class IncidentesScreen(LoadedListing[Any]):
    mode = "incidentes"
    placeholder = "Filtrar incidentes…"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "open_incident", "Nuevo", id="incidentes.abrir", tooltip="Abre un incidente en una cuenta"),
        Binding(
            "n", "tick", "Avisar", id="incidentes.avisar", tooltip="Marca un destinatario de la lista como notificado"
        ),
        Binding(
            "z",
            "close_incident",
            "Cerrar",
            id="incidentes.cerrar",
            tooltip="Cierra el incidente (pide la rotación o el motivo)",
        ),
    ]
    columns: ClassVar[Sequence[Column]] = (
        Column("Abierto", 16, 16),
        Column("Cuenta", 24, 12),
        Column("Descripción", None, 20, 3),
        Column("Avisos", 8, 6),
        Column("Estado", 9, 7),
    )
    sort_keys = (
        lambda i: i.opened_at,
        lambda i: i.account,
        lambda i: fold(i.description),
        lambda i: len(i.pending),
        lambda i: i.is_open,
    )

    def __init__(self) -> None:
        super().__init__()
        self.sort_column = 0
        self.sort_reverse = True

    def fetch(self, workspace: Workspace) -> list[Any]:
        return workspace.run(incidents)

    def item_key(self, item: Any) -> Any:
        return item.id

    def haystack(self, item: Any) -> str:
        return fold(f"{item.account} {item.description} {' '.join(n.recipient for n in item.notices)}")

    def build_row(self, item: Any) -> Row:
        done = len(item.notices) - len(item.pending)
        state = "abierto" if item.is_open else "cerrado"
        kind = "overdue" if item.pending else ("" if item.is_open else "muted")
        return Row(
            item.id, (_when(item.opened_at), item.account, item.description, f"{done}/{len(item.notices)}", state), kind
        )

    def detail(self, item: Any) -> tuple[Content | str, Content | str]:
        if item is None:
            return ("Sin incidentes. «a» abre uno." if not self.items else "Seleccione un incidente."), ""
        left: list[Any] = [
            (f"Incidente {item.id}", "bold"),
            f" · {item.account}\n",
            f"Abierto el {_when(item.opened_at)} por {item.author}\n",
            item.description,
            "\n",
        ]
        if item.closed_at:
            left.append((f"Cerrado el {_when(item.closed_at)}", "bold"))
            if item.closed_without_rotation:
                left.append(" sin rotación")
            if item.close_note:
                left.append(f": {item.close_note}")
        right: list[Any] = [("Avisos\n", "bold")]
        for notice in item.notices:
            if notice.notified_at:
                right.append(("  ✓ ", "$success"))
                right.append(f"{notice.recipient} ({_when(notice.notified_at)})\n")
            else:
                right.append(("  ✗ ", "$error"))
                right.append(f"{notice.recipient} (pendiente)\n")
        return Content.assemble(*left), Content.assemble(*right)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.selected()
        if action == "tick":
            return item is not None and bool(item.pending)
        if action == "close_incident":
            return item is not None and item.is_open
        return True

    def open_selected(self) -> None:
        self.action_tick()

    def action_open_incident(self) -> None:
        self.workbench.with_institution(
            lambda: self.app.push_screen(IncidentOpenDialog(self.workbench.workspace, account_options(self.workbench)))
        )

    def action_tick(self) -> None:
        item = self.selected()
        if item is None or not item.pending:
            return
        workbench = self.workbench
        now = workbench.workspace.now()

        def picked(position: int | None) -> None:
            if position is None:
                return
            notice = next(n for n in item.notices if n.position == position)

            def confirmed(ok: bool | None) -> None:
                if ok:
                    workbench.write(
                        Job(
                            lambda: workbench.workspace.run(notify_incident, item.id, position, at=now),
                            lambda incident: incident_notified(incident, position),
                        )
                    )

            self.app.push_screen(
                ConfirmDialog(
                    f"Se anotará que {notice.recipient} fue notificado del incidente {item.id} ahora"
                    f" ({now:%H:%M}), en la lista y en la bitácora. ¿Registrar?",
                    "Registrar",
                ),
                confirmed,
            )

        self.app.push_screen(
            PickScreen(
                f"¿A quién se notificó del incidente {item.id}?", [(n.position, n.recipient) for n in item.pending]
            ),
            picked,
        )

    def action_close_incident(self) -> None:
        item = self.selected()
        if item is not None and item.is_open:
            self.app.push_screen(IncidentCloseDialog(self.workbench.workspace, item))

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [
            PaletteCommand(
                "incidente: Abrir incidente", self.action_open_incident, "Abre un incidente con su lista de avisos"
            )
        ]
        item = self.selected()
        if item is not None and item.pending:
            commands.append(PaletteCommand("incidente: Registrar aviso", self.action_tick, f"Incidente {item.id}"))
        if item is not None and item.is_open:
            commands.append(PaletteCommand("incidente: Cerrar", self.action_close_incident, f"Incidente {item.id}"))
        return commands


# -- Consultas and Solicitudes ------------------------------------------------------------


class _CountdownListing(LoadedListing[Any]):
    """Pending records with their deadline from the engine and a countdown refreshed by a timer."""

    kind: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        self.sort_column = 0

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(COUNTDOWN_SECONDS, self.redraw)

    def deadline(self, item: Any) -> Obligation | None:
        institution = self.workbench.institution
        if institution is None:
            return None
        for obligation in institution.obligations_by_account.get(item.account_id, ()):
            if obligation.kind == self.kind and obligation.ref_id == item.id:
                return obligation
        return None

    def countdown(self, item: Any) -> tuple[str, str]:
        obligation = self.deadline(item)
        if obligation is None:
            return "sin plazo en la agenda", "muted"
        status = str(obligation.status)
        return relative(obligation.due, self.workbench.workspace.now()), {"overdue": "overdue", "due_soon": "soon"}.get(
            status, ""
        )

    # Both screens resolve the selected record: Enter opens its dialog.
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resolve":
            return self.selected() is not None
        return True

    def open_selected(self) -> None:
        self.action_resolve()

    def action_resolve(self) -> None:
        raise NotImplementedError

    def account_ref(self, item: Any) -> str:
        institution = self.workbench.institution
        ref = institution.account_refs.get(item.account_id) if institution is not None else None
        return ref or f"cuenta {item.account_id}"

    def deadline_key(self, item: Any) -> Any:
        obligation = self.deadline(item)
        return obligation.due if obligation else None


def review_content(review: Review) -> Content:
    """A consultation's kept preflight: the verdict, then each finding's severity and message."""
    parts: list[str | tuple[str, str]] = [("Revisión del borrador: ", "bold"), review.verdict]
    for finding in review.findings:
        label = SEVERITY_LABELS[finding.severity]
        shown = f" «{finding.span.text}»" if finding.span.text else ""
        parts += ["\n", (f" {label} ", SEVERITY_STYLES[finding.severity]), f"{shown} {finding.message}"]
    return Content.assemble(*parts)


class ConsultasScreen(_CountdownListing):
    mode = "consultas"
    kind = Kind.CONSULTATION
    placeholder = "Filtrar consultas…"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "new", "Nueva", id="consultas.nueva", tooltip="Registra una consulta enviada"),
        Binding("p", "resolve", "Resolver", id="consultas.resolver", tooltip="Aprobada o rechazada"),
    ]
    columns: ClassVar[Sequence[Column]] = (
        Column("Plazo", 22, 16),
        Column("Cuenta", 24, 12),
        Column("Asunto", None, 20, 3),
        Column("Enviada", 16, 16),
    )

    def __init__(self) -> None:
        super().__init__()
        self.sort_keys = (self.deadline_key, self.account_ref, lambda c: fold(c.subject), lambda c: c.sent_at)

    def fetch(self, workspace: Workspace) -> list[Any]:
        return [view.consultation for view in workspace.run(consultations, pending=True)]

    def item_key(self, item: Any) -> Any:
        return item.id

    def haystack(self, item: Any) -> str:
        return fold(f"{self.account_ref(item)} {item.subject} {item.office or ''}")

    def build_row(self, item: Any) -> Row:
        text, kind = self.countdown(item)
        return Row(item.id, (text, self.account_ref(item), item.subject, _when(item.sent_at)), kind)

    def detail(self, item: Any) -> tuple[Content | str, Content | str]:
        if item is None:
            return ("No hay consultas pendientes. «a» registra una." if not self.items else ""), ""
        obligation = self.deadline(item)
        left = Content.assemble(
            (f"Consulta {item.id}", "bold"),
            f" · {self.account_ref(item)}\n",
            f"«{item.subject}»\n",
            f"Enviada el {_when(item.sent_at)} a {office_with_article(item.office) if item.office else '—'}\n",
            item.text or "",
        )
        review = consultation_review(item)
        if review is not None:
            left = Content.assemble(left, "\n\n", review_content(review))
        right = Content.assemble(("Plazo\n", "bold"), obligation.message if obligation else "Sin plazo en la agenda.")
        return left, right

    def action_new(self) -> None:
        self.workbench.with_institution(
            lambda: self.app.push_screen(
                ConsultationNewDialog(self.workbench.workspace, account_options(self.workbench))
            )
        )

    def action_resolve(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.app.push_screen(
            ConsultationDialog(
                self.workbench.workspace, ref_id=item.id, intro=f"{self.account_ref(item)}: «{item.subject}»"
            )
        )

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [PaletteCommand("consulta: Nueva consulta", self.action_new, "Registra una consulta enviada")]
        if self.selected() is not None:
            commands.append(PaletteCommand("consulta: Resolver", self.action_resolve, "Aprobada o rechazada"))
        return commands


class SolicitudesScreen(_CountdownListing):
    mode = "solicitudes"
    kind = Kind.INFORMATION_REQUEST
    placeholder = "Filtrar solicitudes…"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "new", "Nueva", id="solicitudes.nueva", tooltip="Registra una solicitud recibida"),
        Binding(
            "s",
            "resolve",
            "Atender",
            id="solicitudes.atender",
            tooltip="Respondida directamente o canalizada a la oficina",
        ),
    ]
    columns: ClassVar[Sequence[Column]] = (
        Column("Plazo", 22, 16),
        Column("Cuenta", 24, 12),
        Column("Quién", 22, 10),
        Column("Asunto", None, 20, 3),
    )

    def __init__(self) -> None:
        super().__init__()
        self.sort_keys = (self.deadline_key, self.account_ref, lambda r: fold(r.requester), lambda r: fold(r.subject))

    def fetch(self, workspace: Workspace) -> list[Any]:
        return [view.request for view in workspace.run(information_requests, RequestState.OPEN)]

    def item_key(self, item: Any) -> Any:
        return item.id

    def haystack(self, item: Any) -> str:
        return fold(f"{self.account_ref(item)} {item.requester} {item.subject}")

    def build_row(self, item: Any) -> Row:
        text, kind = self.countdown(item)
        return Row(item.id, (text, self.account_ref(item), item.requester, item.subject), kind)

    def detail(self, item: Any) -> tuple[Content | str, Content | str]:
        if item is None:
            return ("No hay solicitudes abiertas. «a» registra una." if not self.items else ""), ""
        obligation = self.deadline(item)
        left = Content.assemble(
            (f"Solicitud {item.id}", "bold"),
            f" · {self.account_ref(item)}\n",
            f"De {item.requester}, recibida el {_when(item.received_at)}\n",
            f"«{item.subject}»",
        )
        right = Content.assemble(("Plazo\n", "bold"), obligation.message if obligation else "Sin plazo en la agenda.")
        return left, right

    def action_new(self) -> None:
        self.workbench.with_institution(
            lambda: self.app.push_screen(RequestNewDialog(self.workbench.workspace, account_options(self.workbench)))
        )

    def action_resolve(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.app.push_screen(
            RequestDialog(
                self.workbench.workspace,
                ref_id=item.id,
                intro=f"{self.account_ref(item)}: {item.requester}, «{item.subject}»",
            )
        )

    def palette_commands(self) -> list[PaletteCommand]:
        commands = [PaletteCommand("solicitud: Nueva solicitud", self.action_new, "Registra una solicitud recibida")]
        if self.selected() is not None:
            commands.append(PaletteCommand("solicitud: Atender", self.action_resolve, "Respondida o canalizada"))
        return commands
