"""Opening an account by oficio: the request, the office's answer, the opening and its report.

The steps are those of the command line's ``aperturas`` (each one use case of
``tui.core.workflows``): a request (pendiente) is authorized or refused; an
authorized one is opened (the account becomes active); an opened one has its
report items marked as they are reported, when the profile asks for the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Checkbox, Input, Select, Static

from policy.clock import format_date
from policy.codes import DutyKind, Network, OpeningState
from policy.errors import UsageError
from policy.labels import OPENING_REPORT_ITEMS, missing_phrase
from policy.records import OpeningRequest
from tui.core.workflows import (
    NewOpening,
    OpenedAccount,
    OpeningView,
    add_opening,
    open_account,
    openings,
    report_opening,
    resolve_opening,
)
from tui.forms.base import FormDialog, Job, field, optional
from tui.forms.tables import TableDialog
from tui.widgets.keyhints import key_label, key_name
from tui.widgets.table import Column, Row

if TYPE_CHECKING:
    from tui.workspace import Workspace


def report_missing(item: OpeningRequest) -> list[str]:
    return [label for key, label in OPENING_REPORT_ITEMS.items() if key not in item.report]


def opening_added(new: NewOpening) -> str:
    said = f"Solicitud de apertura {new.opening.id} de {new.opening.ref} registrada."
    if new.due is not None:
        said += f" {new.office} debe responder a más tardar el {format_date(new.due.date())}."
    return said


def opening_resolved(item: OpeningRequest) -> str:
    if item.state == OpeningState.AUTHORIZED:
        return f"Apertura de {item.ref} autorizada: la cuenta queda registrada como autorizada."
    return f"Apertura de {item.ref} rechazada: {item.reason}"


def account_opened(done: OpenedAccount) -> str:
    item = done.opening
    said = f"Cuenta {item.ref} activa desde el {format_date(item.resolved_on)}." if item.resolved_on else ""
    if done.report_due:
        said += " Falta el informe de apertura: selecciónela en Altas y registre el informe."
    return said.strip()


def report_marked(item: OpeningRequest) -> str:
    missing = report_missing(item)
    return f"Informe de {item.ref}: " + ("completo." if not missing else f"{missing_phrase(missing)}.")


class OpeningNewDialog(FormDialog):
    title_text = "Nueva solicitud de apertura"

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Red social", Select([(n.value, n.value) for n in Network], id="network", prompt="(elija la red)")
        )
        yield from field("Nombre de usuario propuesto", Input(id="handle", placeholder="@Cuenta"))
        yield from field("Oficio de solicitud", Input(id="reference", placeholder="referencia del oficio"))
        yield from field("Fecha del oficio (dd/mm/aaaa)", Input(self.today_text(), id="requested"))
        yield from field("Área que solicita (opcional)", Input(id="area"))

    def build_job(self) -> Job[NewOpening]:
        network = self.selected("network")
        if network is None:
            raise UsageError("Elija la red social.")
        handle, reference = self.value("handle"), self.value("reference")
        requested = self.day("requested", "fecha del oficio")
        area = optional(self.value("area"))
        return Job(
            lambda: self.workspace.run(
                add_opening, network=str(network), handle=handle, reference=reference, requested_on=requested, area=area
            ),
            opening_added,
        )

    def confirmation(self) -> str:
        return "La solicitud quedará registrada, con su plazo de respuesta, y en la bitácora. ¿Registrar?"


class _OpeningStep(FormDialog):
    def __init__(self, workspace: Workspace, opening: OpeningRequest) -> None:
        super().__init__(workspace)
        self.opening = opening

    def intro(self) -> Static:
        item = self.opening
        return Static(
            f"Solicitud {item.id}: {item.ref}, oficio {item.reference} del {format_date(item.requested_on)}",
            classes="dialog-text",
        )


class OpeningResolveDialog(_OpeningStep):
    title_text = "Respuesta a la solicitud de apertura"

    def compose_fields(self) -> ComposeResult:
        yield self.intro()
        yield from field(
            "Respuesta",
            Select(
                [("autorizada", OpeningState.AUTHORIZED), ("rechazada", OpeningState.REJECTED)],
                id="result",
                allow_blank=False,
                value=OpeningState.AUTHORIZED,
            ),
        )
        yield from field("Fecha de la respuesta (dd/mm/aaaa)", Input(self.today_text(), id="on"))
        yield from field("Motivo (obligatorio al rechazar)", Input(id="reason"))

    def build_job(self) -> Job[OpeningRequest]:
        result = str(self.selected("result"))
        on = self.day("on", "fecha de la respuesta")
        reason = optional(self.value("reason"))
        opening_id = self.opening.id
        return Job(
            lambda: self.workspace.run(resolve_opening, opening_id, result, on=on, reason=reason), opening_resolved
        )

    def confirmation(self) -> str:
        return f"La respuesta a la solicitud {self.opening.id} quedará registrada; no se puede cambiar. ¿Registrar?"


class OpeningOpenDialog(_OpeningStep):
    title_text = "Cuenta abierta"

    def compose_fields(self) -> ComposeResult:
        yield self.intro()
        yield from field("Fecha de apertura (dd/mm/aaaa)", Input(self.today_text(), id="on"))

    def build_job(self) -> Job[OpenedAccount]:
        on = self.day("on", "fecha de apertura")
        opening_id = self.opening.id
        return Job(lambda: self.workspace.run(open_account, opening_id, on=on), account_opened)

    def confirmation(self) -> str:
        return f"La cuenta {self.opening.ref} quedará activa: la agenda le pedirá todo lo de una cuenta activa. ¿Abrir?"


class OpeningReportDialog(_OpeningStep):
    title_text = "Informe de apertura"

    def compose_fields(self) -> ComposeResult:
        yield self.intro()
        yield Static("Marque lo que ya se informó:", classes="field-label")
        for key, label in OPENING_REPORT_ITEMS.items():
            reported = self.opening.report.get(key)
            text = label if reported is None else f"{label} (informado el {format_date(reported)})"
            yield Checkbox(text, False, id=f"item-{key}", disabled=reported is not None)
        yield from field("Fecha del informe (dd/mm/aaaa)", Input(self.today_text(), id="on"))

    def build_job(self) -> Job[OpeningRequest]:
        items = [key for key in OPENING_REPORT_ITEMS if self.checked(f"item-{key}")]
        if not items:
            raise UsageError("Marque al menos un punto del informe.")
        on = self.day("on", "fecha del informe")
        opening_id = self.opening.id
        return Job(lambda: self.workspace.run(report_opening, opening_id, items, on=on), report_marked)

    def confirmation(self) -> str:
        return "Los puntos marcados quedarán como informados, en la bitácora. ¿Registrar?"


class OpeningsDialog(TableDialog[OpeningView]):
    """Every opening request, newest first, and its next step."""

    title_text = "Altas: solicitudes de apertura"
    empty_text = "No hay solicitudes de apertura. «a» registra una."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding("a", "new", "Nueva", id="altas.nueva", tooltip="Registra una solicitud de apertura por oficio"),
        Binding("r", "resolve", "Respuesta", id="altas.respuesta", tooltip="Autorizada o rechazada"),
        Binding(
            "u",
            "unicom",
            "Trámite UNICOM",
            id="altas.unicom",
            tooltip="Registra el trámite ante la UNICOM de la apertura autorizada",
        ),
        Binding("b", "open_account", "Abrir", id="altas.abrir", tooltip="La cuenta autorizada ya se abrió"),
        Binding("i", "report", "Informe", id="altas.informe", tooltip="Marca puntos del informe de apertura"),
        Binding("h", "history", "Historial", id="altas.historial", tooltip="Los cambios de la solicitud"),
    ]
    columns = (
        Column("Cuenta", None, 16, 2),
        Column("Oficio", 16, 8),
        Column("Fecha", 10, 10),
        Column("Responder antes de", 18, 10, optional=True),
        Column("Estado", 24, 24),
    )

    def fetch(self) -> list[OpeningView]:
        return self.workspace.run(openings)

    def key_of(self, action: str) -> str:
        """The key of this list's ``action`` as the user's keymap has it (the default one otherwise)."""
        for active in self.active_bindings.values():
            if active.node is self and active.binding.action == action:
                return key_name(active.binding.key)
        return next((key_label(b.key) for b in self.BINDINGS if isinstance(b, Binding) and b.action == action), action)

    def item_key(self, item: OpeningView) -> Any:
        return item.opening.id

    def build_row(self, item: OpeningView) -> Row:
        o = item.opening
        due = format_date(item.due.date()) if item.due else "—"
        kind = "muted" if o.state in (OpeningState.REJECTED,) else ""
        return Row(o.id, (o.ref, o.reference, format_date(o.requested_on), due, item.stage), kind)

    def detail(self, item: OpeningView | None) -> Content | str:
        if item is None:
            return ""
        o = item.opening
        parts: list[str | tuple[str, str]] = [
            (f"Solicitud {o.id}", "bold"),
            f" · {o.ref} · oficio {o.reference} del {format_date(o.requested_on)}",
            f" · área {o.area or '—'} · {item.stage}\n",
        ]
        if o.state == OpeningState.PENDING:
            due = f"a más tardar el {format_date(item.due.date())}" if item.due else "sin plazo del perfil"
            parts.append(f"Esperando la respuesta ({due}): «{self.key_of('resolve')}» la registra.")
        elif o.state == OpeningState.AUTHORIZED and item.unicom_duty is not None:
            parts.append(
                f"Autorizada: falta el trámite ante la UNICOM (deber {item.unicom_duty}; «{self.key_of('unicom')}»"
                " lo registra); luego se abre la cuenta."
            )
        elif o.state == OpeningState.AUTHORIZED:
            parts.append(f"Autorizada: cuando la cuenta se abra, «{self.key_of('open_account')}» la deja activa.")
        elif o.state == OpeningState.REJECTED:
            parts.append(f"Rechazada: {o.reason or '—'}")
        else:
            missing = report_missing(o)
            if not item.report_due:
                parts.append("Cuenta abierta.")
            elif not missing:
                parts.append("Informe de apertura completo.")
            else:
                parts.append(f"Informe de apertura: {missing_phrase(missing)} («{self.key_of('report')}» los marca).")
        return Content.assemble(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.selected()
        state = item.opening.state if item is not None else None
        if action == "resolve":
            return state == OpeningState.PENDING
        if action == "unicom":
            return item is not None and item.unicom_duty is not None
        if action == "open_account":
            return state == OpeningState.AUTHORIZED
        if action == "report":
            return item is not None and state == OpeningState.OPENED and item.report_due and bool(item.report_missing)
        if action == "history":
            return item is not None
        return True

    def action_new(self) -> None:
        self.open_form(OpeningNewDialog(self.workspace))

    def action_resolve(self) -> None:
        item = self.selected()
        if item is not None and item.opening.state == OpeningState.PENDING:
            self.open_form(OpeningResolveDialog(self.workspace, item.opening))

    def action_unicom(self) -> None:
        """ine §7.VI: the procedures before the UNICOM, recorded as Hoy's item does it (the duty's entry)."""
        from tui.forms.duties import DutyDialog  # lazy: one dialog opens the other

        item = self.selected()
        if item is None or item.unicom_duty is None:
            return
        o = item.opening
        intro = f"Solicitud {o.id}: {o.ref}, autorizada. Trámite ante la UNICOM (deber {item.unicom_duty})."
        self.open_form(DutyDialog(self.workspace, duty_id=item.unicom_duty, kind=DutyKind.UNICOM_STEP, intro=intro))

    def action_open_account(self) -> None:
        item = self.selected()
        if item is not None and item.opening.state == OpeningState.AUTHORIZED:
            self.open_form(OpeningOpenDialog(self.workspace, item.opening))

    def action_report(self) -> None:
        item = self.selected()
        if item is not None and item.opening.state == OpeningState.OPENED:
            self.open_form(OpeningReportDialog(self.workspace, item.opening))

    def action_history(self) -> None:
        from tui.forms.history import RecordHistoryDialog  # lazy: one dialog opens the other

        item = self.selected()
        if item is not None:
            self.app.push_screen(RecordHistoryDialog(self.workspace, "opening_request", item.opening.id))

    def open_selected(self) -> None:
        """Enter: the selected request's next step."""
        item = self.selected()
        if item is None:
            return
        state = item.opening.state
        if state == OpeningState.PENDING:
            self.action_resolve()
        elif state == OpeningState.AUTHORIZED and item.unicom_duty is not None:
            self.action_unicom()
        elif state == OpeningState.AUTHORIZED:
            self.action_open_account()
        elif state == OpeningState.OPENED and item.report_due and item.report_missing:
            self.action_report()
        else:
            self.action_history()
