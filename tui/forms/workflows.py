"""The forms of incidents, consultations and information requests started from their screens.

Each saves through one use case of the core (``tui.core.incidents``,
``tui.core.workflows``) and words its result here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from policy.errors import UsageError
from store.incidents import Incident
from tui.core.incidents import close_incident, open_incident
from tui.core.workflows import NewConsultation, NewRequest, add_consultation, add_request
from tui.forms.base import FormDialog, Job, field, optional

if TYPE_CHECKING:
    from tui.workspace import Workspace


# -- what each form says once saved ---------------------------------------------------------


def incident_opened(incident: Incident) -> str:
    recipients = ", ".join(n.recipient for n in incident.notices)
    return f"Incidente {incident.id} abierto en {incident.account}; por notificar a {recipients}."


def incident_notified(incident: Incident, position: int) -> str:
    recipient = next(n.recipient for n in incident.notices if n.position == position)
    return f"Incidente {incident.id}: aviso a {recipient} registrado."


def incident_closed(incident: Incident) -> str:
    return f"Incidente {incident.id} cerrado."


def consultation_added(new: NewConsultation) -> str:
    said = f"Consulta {new.consultation.id} registrada para {new.account.ref}."
    return said if new.review is None else f"{said} Revisión del borrador: {new.review.verdict}"


def request_added(new: NewRequest) -> str:
    return f"Solicitud {new.request.id} de {new.request.requester} registrada."


def _account_field(accounts: Sequence[tuple[str, int]]) -> ComposeResult:
    yield from field(
        "Cuenta (escriba para buscar)",
        Select(list(accounts), id="account", prompt="(elija la cuenta)", type_to_search=True),
    )


class _NewDialog(FormDialog):
    def __init__(self, workspace: Workspace, accounts: Sequence[tuple[str, int]]) -> None:
        super().__init__(workspace)
        self.accounts = accounts

    def account_id(self) -> int:
        value = self.selected("account")
        if value is None:
            raise UsageError("Elija la cuenta.")
        return int(str(value))


class IncidentOpenDialog(_NewDialog):
    title_text = "Abrir incidente"

    def compose_fields(self) -> ComposeResult:
        yield from _account_field(self.accounts)
        yield from field("Qué pasó", Input(id="description", placeholder="acceso no reconocido, publicación ajena…"))
        yield from field("Cuándo (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))

    def build_job(self) -> Job[Incident]:
        account_id = self.account_id()
        description = self.value("description")
        at = self.moment("when", "fecha y hora del incidente")
        return Job(lambda: self.workspace.run(open_incident, account_id, description, at=at), incident_opened)

    def confirmation(self) -> str:
        return "Se abrirá el incidente con su lista de avisos y quedará en la bitácora. ¿Abrir?"


class IncidentCloseDialog(FormDialog):
    """Closing needs a rotation after the opening, or a motive to close without one."""

    title_text = "Cerrar incidente"

    def __init__(self, workspace: Workspace, incident: Incident) -> None:
        super().__init__(workspace)
        self.incident = incident

    def compose_fields(self) -> ComposeResult:
        yield Static(
            f"Incidente {self.incident.id} en {self.incident.account}: {self.incident.description}",
            classes="dialog-text",
        )
        yield from field("Cierre (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield Checkbox("Cerrar sin rotación posterior a la apertura", False, id="without")
        yield from field("Motivo (obligatorio sin rotación)", Input(id="reason"))

    def build_job(self) -> Job[Incident]:
        at = self.moment("when", "fecha y hora del cierre")
        without = self.checked("without")
        reason = optional(self.value("reason"))
        incident_id = self.incident.id
        return Job(
            lambda: self.workspace.run(close_incident, incident_id, at=at, without_rotation=without, reason=reason),
            incident_closed,
        )

    def confirmation(self) -> str:
        return f"El incidente {self.incident.id} quedará cerrado. No se puede reabrir. ¿Cerrar?"


class ConsultationNewDialog(_NewDialog):
    title_text = "Nueva consulta"

    def compose_fields(self) -> ComposeResult:
        yield from _account_field(self.accounts)
        yield from field("Asunto", Input(id="subject", placeholder="qué se quiere publicar"))
        yield from field("Enviada (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Texto (opcional)", Input(id="text"))

    def build_job(self) -> Job[NewConsultation]:
        account_id = self.account_id()
        subject = self.value("subject")
        at = self.moment("when", "fecha de envío")
        text = optional(self.value("text"))
        return Job(
            lambda: self.workspace.run(add_consultation, account_id, subject=subject, sent_at=at, text=text),
            consultation_added,
        )


class RequestNewDialog(_NewDialog):
    title_text = "Nueva solicitud de información"

    def compose_fields(self) -> ComposeResult:
        yield from _account_field(self.accounts)
        yield from field("Quién solicita", Input(id="requester"))
        yield from field("Asunto", Input(id="subject"))
        yield from field("Recibida (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))

    def build_job(self) -> Job[NewRequest]:
        account_id = self.account_id()
        requester, subject = self.value("requester"), self.value("subject")
        at = self.moment("when", "fecha de recepción")
        return Job(
            lambda: self.workspace.run(add_request, account_id, requester=requester, subject=subject, received_at=at),
            request_added,
        )
