"""What resolves each kind of agenda item: its key, its label, and a typed opener.

An opener takes the workbench and the item and opens the form (or screen)
that resolves it. Hoy's item modal, its keys and the command palette all
offer ``resolutions_for(item)`` and call the chosen one's ``open``: there is
no second table of action names to keep in step. The forms are imported when
an opener runs, never on the first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policy.codes import Kind
from policy.duties import DUTY_ITEM_KINDS
from policy.obligations import Obligation

if TYPE_CHECKING:
    from tui.app import Workbench

Opener = Callable[["Workbench", Obligation], None]


@dataclass(frozen=True, slots=True)
class Resolution:
    """One way to resolve an item: ``key`` in its modal, ``id`` for the key binding, ``label`` in Spanish."""

    key: str
    id: str
    label: str
    open: Opener

    @property
    def edits_account(self) -> bool:
        """An edit of the account's own fields (the modal's «d» key picks the first such)."""
        return self.id.startswith("editar")


def _rotation(app: Workbench, item: Obligation) -> None:
    from tui.forms.records import RotationDialog  # lazy: forms are not for the first frame

    if item.account is not None:
        # a rotation owed because someone stopped administering names that person
        reason = "Cambio de administración" if item.person else "Rotación periódica"
        app.push_screen(RotationDialog(app.workspace, item.account, reason))


def _evaluation(app: Workbench, item: Obligation) -> None:
    from tui.forms.records import EvaluationDialog  # lazy: forms are not for the first frame

    if item.account is not None:
        app.push_screen(EvaluationDialog(app.workspace, item.account))


def _training(app: Workbench, item: Obligation) -> None:
    from tui.forms.records import TrainingDialog  # lazy: forms are not for the first frame

    if item.person is not None:
        app.push_screen(TrainingDialog(app.workspace, item.person))


def _assign(app: Workbench, item: Obligation) -> None:
    if item.account is not None:
        app.assign_person(item.account)


def _rank(app: Workbench, item: Obligation) -> None:
    if item.person is not None:
        app.edit_person(item.person)


def _edit(field: str) -> Opener:
    def open_account_form(app: Workbench, item: Obligation) -> None:
        if item.account is not None:
            app.edit_account(item.account, focus=field)

    return open_account_form


def _show_account(app: Workbench, item: Obligation) -> None:
    if item.account is not None:
        app.show_account(item.account)


def _password(app: Workbench, item: Obligation) -> None:
    if item.account is not None:
        app.set_password(item.account)


def _incident_notice(app: Workbench, item: Obligation) -> None:
    from tui.forms.agenda_items import IncidentNoticeDialog  # lazy: forms are not for the first frame

    app.push_screen(IncidentNoticeDialog(app.workspace, item))


def _consultation(app: Workbench, item: Obligation) -> None:
    from tui.forms.agenda_items import ConsultationDialog  # lazy: forms are not for the first frame

    app.push_screen(ConsultationDialog(app.workspace, item))


def _request(app: Workbench, item: Obligation) -> None:
    from tui.forms.agenda_items import RequestDialog  # lazy: forms are not for the first frame

    app.push_screen(RequestDialog(app.workspace, item))


def _notice_given(app: Workbench, item: Obligation) -> None:
    from tui.forms.agenda_items import NoticeGivenDialog  # lazy: forms are not for the first frame

    app.push_screen(NoticeGivenDialog(app.workspace, item))


def _document(app: Workbench, item: Obligation) -> None:
    from tui.forms.agenda_items import DocumentDialog  # lazy: forms are not for the first frame

    app.push_screen(DocumentDialog(app.workspace, item))


def _opening(app: Workbench, item: Obligation) -> None:
    from tui.flows import show_openings  # lazy: forms are not for the first frame

    show_openings(app, item.ref_id)


def _closing(app: Workbench, item: Obligation) -> None:
    from tui.flows import show_closings  # lazy: forms are not for the first frame

    show_closings(app, item.ref_id)


def _waiver(app: Workbench, item: Obligation) -> None:
    from tui.forms.agenda_items import WaiverDialog  # lazy: forms are not for the first frame

    app.push_screen(WaiverDialog(app.workspace, item))


def _duty(app: Workbench, item: Obligation) -> None:
    from tui.forms.duties import DutyDialog  # lazy: forms are not for the first frame

    app.push_screen(DutyDialog(app.workspace, item))


def _post(app: Workbench, item: Obligation) -> None:
    from tui.forms.base import account_options  # lazy: forms are not for the first frame
    from tui.forms.bitacora import EntryDialog  # lazy: forms are not for the first frame

    account = item.account.id if item.account is not None else None
    app.push_screen(EntryDialog(app.workspace, account_options(app), account, kind="publicacion"))


_NOTICE_GIVEN = Resolution("m", "aviso_dado", "Marcar el aviso dado", _notice_given)
_SIGNATURE = Resolution("f", "documento", "Registrar la firma", _document)
_PASSWORD = Resolution("k", "contrasena", "Fijar la contraseña", _password)

DUTY = Resolution("h", "deber", "Marcar el deber cumplido", _duty)
#: duties whose resolution names what is recorded
_DUTY_DONE: dict[str, Resolution] = {
    Kind.UTCSYD_MESSAGE: Resolution("h", "deber", "Registrar la publicación", _duty),
    Kind.USER_ANSWER: Resolution("h", "deber", "Registrar la respuesta", _duty),
    Kind.MATTER_NOTICE: Resolution("h", "deber", "Registrar el aviso", _duty),
}

#: kind -> the actions offered in the item's modal, first one is the main one.
RESOLUTIONS: dict[str, tuple[Resolution, ...]] = {
    Kind.ROTATION: (Resolution("r", "rotacion", "Registrar rotación", _rotation),),
    Kind.EVALUATION: (Resolution("v", "evaluacion", "Registrar evaluación", _evaluation),),
    Kind.TRAINING: (Resolution("c", "capacitacion", "Registrar capacitación", _training),),
    Kind.MISSING_ADMIN: (Resolution("a", "asignar", "Asignar persona", _assign),),
    Kind.ADMIN_RANK: (
        Resolution("a", "asignar", "Asignar otra persona", _assign),
        Resolution("n", "nivel", "Corregir el nivel de la persona", _rank),
    ),
    Kind.EMAIL_DOMAIN: (Resolution("d", "editar-email", "Corregir el correo de la cuenta", _edit("email")),),
    Kind.EMAIL_GENERIC: (
        Resolution("d", "editar-email_generic", "Corregir el correo genérico", _edit("email_generic")),
    ),
    Kind.HANDLE_TOKEN: (Resolution("d", "editar-handle", "Corregir el usuario", _edit("handle")),),
    Kind.PUBLIC_ACCOUNT: (Resolution("d", "editar-public", "Hacer pública la cuenta", _edit("public")),),
    Kind.PRIVATE_MESSAGES: (
        Resolution("d", "editar-private_messages", "Habilitar los mensajes privados", _edit("private_messages")),
    ),
    Kind.VERIFICATION: (Resolution("d", "editar-verification", "Actualizar la verificación", _edit("verification")),),
    Kind.INCIDENT_NOTICE: (Resolution("n", "aviso_incidente", "Registrar el aviso", _incident_notice),),
    Kind.CONSULTATION: (Resolution("p", "consulta", "Resolver la consulta", _consultation),),
    Kind.INFORMATION_REQUEST: (Resolution("s", "solicitud", "Atender la solicitud", _request),),
    Kind.OPENING_REQUEST: (Resolution("p", "apertura", "Atender la apertura", _opening),),
    Kind.CLOSING: (Resolution("m", "baja", "Completar la baja", _closing),),
    Kind.ADMIN_CHANGE_NOTICE: (_NOTICE_GIVEN,),
    Kind.HOLIDAY_NOTICE: (_NOTICE_GIVEN,),
    Kind.DESIGNATION_FORM: (_SIGNATURE,),
    Kind.RESPONSIVA: (_SIGNATURE,),
    Kind.WEAK_PASSWORD: (_PASSWORD,),
    Kind.REUSED_PASSWORD: (_PASSWORD,),
    Kind.NO_PASSWORD: (_PASSWORD,),
    Kind.INSTITUTIONAL_PHONE: (Resolution("d", "editar-phone", "Registrar el teléfono institucional", _edit("phone")),),
    Kind.CONTENT_CURRENT: (Resolution("u", "publicacion", "Registrar una publicación", _post),),
    **{kind: (_DUTY_DONE.get(kind, DUTY),) for kind in sorted(DUTY_ITEM_KINDS)},
}

#: offered on every item with an account, after its own actions
SHOW_ACCOUNT = Resolution("g", "ver_cuenta", "Ver la cuenta", _show_account)
#: offered on every item, last
WAIVER = Resolution("x", "dispensar", "Dispensar", _waiver)


def resolutions_for(item: Obligation) -> tuple[Resolution, ...]:
    found = RESOLUTIONS.get(item.kind, ())
    if item.account is not None:
        found = (*found, SHOW_ACCOUNT)
    return (*found, WAIVER)
