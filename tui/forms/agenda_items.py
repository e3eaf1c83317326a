"""Forms that resolve the agenda's workflow items: incident notices, consultations,
information requests, notices given, signed documents and waivers.

Imported on first use (not on the first frame). Each form parses its fields, saves
through one use case of the core (``tui.core``: one transaction) in a thread worker,
words the result in Spanish here, and asks before an irreversible record. The rules
(a date in the future, what a resolution needs, the waiver's default end) are the
core's and policy's, the same ones the command line gets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from policy import validate
from policy.clock import format_date
from policy.codes import Kind
from policy.errors import UsageError
from policy.labels import KIND_LABELS
from policy.obligations import Obligation
from policy.records import AdminChange, Consultation, InformationRequest, Waiver
from policy.workflows import HolidayPeriod, period_start, waiver_until
from store.incidents import Incident
from tui.core.incidents import notify_incident_notice
from tui.core.notices import mark_holiday_notice
from tui.core.waivers import add_waiver
from tui.core.workflows import (
    RecordedDocument,
    notify_admin_change,
    record_person_document,
    resolve_consultation,
    resolve_request,
)
from tui.forms.base import FormDialog, Job, field, optional
from tui.screens.hoy import subject

if TYPE_CHECKING:
    from tui.workspace import Workspace

_IRREVERSIBLE = " El historial no se puede borrar. ¿Registrar?"


# -- what each form says once saved --------------------------------------------------------------


def incident_notice_given(incident: Incident, notice_id: int) -> str:
    recipient = next(n.recipient for n in incident.notices if n.id == notice_id)
    return f"Incidente {incident.id}: aviso a {recipient} registrado."


def consultation_resolved(done: Consultation) -> str:
    return f"Consulta {done.id} «{done.subject}»: {done.state}."


def request_resolved(done: InformationRequest) -> str:
    return f"Solicitud {done.id} de {done.requester}: {done.state}."


def admin_change_notified(change: AdminChange) -> str:
    return f"Aviso del cambio de administración {change.id} registrado."


def holiday_notice_given(period: HolidayPeriod) -> str:
    return f"Aviso de {period.label} marcado como dado."


def document_recorded(done: RecordedDocument) -> str:
    return f"{KIND_LABELS.get(done.kind, done.kind)} de {done.person.name} registrado."


def waiver_added(waiver: Waiver) -> str:
    return f"Dispensa {waiver.id} registrada hasta el {format_date(waiver.until)}."


class _ItemDialog(FormDialog):
    """A form about one agenda item: its subject and message on top."""

    def __init__(
        self, workspace: Workspace, item: Obligation | None = None, *, ref_id: int | None = None, intro: str = ""
    ) -> None:
        super().__init__(workspace)
        self.item = item
        self.ref_id = ref_id if item is None else item.ref_id
        self.intro_text = intro or (f"{subject(item)}: {item.message}" if item else "")

    def intro(self) -> ComposeResult:
        yield Static(self.intro_text, classes="dialog-text")


class IncidentNoticeDialog(_ItemDialog):
    title_text = "Registrar el aviso del incidente"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Cuándo se avisó (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))

    def build_job(self) -> Job[Incident]:
        at = self.moment("when", "fecha y hora del aviso")
        self._at = at
        notice_id = self.ref_id
        assert notice_id is not None
        return Job(
            lambda: self.workspace.run(notify_incident_notice, notice_id, at=at),
            lambda incident: incident_notice_given(incident, notice_id),
        )

    def confirmation(self) -> str:
        return (
            f"Se anotará el aviso del {format_date(self._at.date())} a las {self._at.strftime('%H:%M')}"
            " en la lista y en la bitácora." + _IRREVERSIBLE
        )


class ConsultationDialog(_ItemDialog):
    title_text = "Resolver la consulta"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field(
            "Respuesta",
            Select(
                [("Aprobada", "aprobada"), ("Rechazada", "rechazada")], id="result", allow_blank=False, value="aprobada"
            ),
        )
        yield from field("Cuándo respondieron (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Nota (opcional)", Input(id="note", placeholder="lo que indicó la oficina"))

    def build_job(self) -> Job[Consultation]:
        result = str(self.selected("result"))
        at = self.moment("when", "fecha de respuesta")
        note = optional(self.value("note"))
        self._result = result
        ref = self.ref_id
        assert ref is not None
        return Job(
            lambda: self.workspace.run(resolve_consultation, ref, result, at=at, note=note), consultation_resolved
        )

    def confirmation(self) -> str:
        return f"La consulta quedará {self._result}." + _IRREVERSIBLE


class RequestDialog(_ItemDialog):
    title_text = "Atender la solicitud de información"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field(
            "Cómo se atendió",
            Select(
                [("Canalizada a la oficina de transparencia", "canalizada"), ("Respondida directamente", "respondida")],
                id="result",
                allow_blank=False,
                value="canalizada",
            ),
        )
        yield from field("Cuándo (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Nota (obligatoria si se respondió)", Input(id="note", placeholder="qué se respondió"))
        yield from field("Área avisada (obligatoria si se respondió)", Input(id="area"))

    def build_job(self) -> Job[InformationRequest]:
        result = str(self.selected("result"))
        at = self.moment("when", "fecha de atención")
        note, area = optional(self.value("note")), optional(self.value("area"))
        self._result = result
        ref = self.ref_id
        assert ref is not None
        return Job(
            lambda: self.workspace.run(resolve_request, ref, result, at=at, note=note, area=area), request_resolved
        )

    def confirmation(self) -> str:
        return f"La solicitud quedará {self._result}." + _IRREVERSIBLE


class NoticeGivenDialog(_ItemDialog):
    """Admin-change and holiday notices: the day it was given and an optional reference."""

    title_text = "Marcar el aviso como dado"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Fecha del aviso (dd/mm/aaaa)", Input(self.today_text(), id="day"))
        yield from field("Oficio o nota (opcional)", Input(id="reference"))

    def build_job(self) -> Job[HolidayPeriod] | Job[AdminChange]:
        day = self.day("day", "fecha del aviso")
        self._day = day
        reference = optional(self.value("reference"))
        ref = self.ref_id
        assert ref is not None
        if self.holiday_notice():
            start = period_start(ref)
            return Job(
                lambda: self.workspace.run(mark_holiday_notice, self.workspace.now(), start, day, reference),
                holiday_notice_given,
            )
        return Job(
            lambda: self.workspace.run(notify_admin_change, ref, on=day, reference=reference), admin_change_notified
        )

    def holiday_notice(self) -> bool:
        """Whether the notice is a holiday's (its id is the period's) rather than an admin change's."""
        return self.item is not None and self.item.kind == Kind.HOLIDAY_NOTICE

    def confirmation(self) -> str:
        return f"Se anotará el aviso como dado el {format_date(self._day)}." + _IRREVERSIBLE


class HolidayNoticeDialog(NoticeGivenDialog):
    """A holiday's notice chosen in the notices' list (not from its agenda item): the same use case."""

    def __init__(self, workspace: Workspace, period: HolidayPeriod, intro: str) -> None:
        super().__init__(workspace, ref_id=period.id, intro=intro)

    def holiday_notice(self) -> bool:
        return True


class DocumentDialog(_ItemDialog):
    """ine: the designation form or the responsiva signed by a person."""

    def __init__(self, workspace: Workspace, item: Obligation) -> None:
        super().__init__(workspace, item)
        self.item: Obligation = item
        self.title_text = f"Registrar {KIND_LABELS.get(item.kind, item.kind).lower()}"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Fecha de firma (dd/mm/aaaa)", Input(self.today_text(), id="day"))
        yield from field("Referencia (opcional)", Input(id="reference", placeholder="oficio o expediente"))

    def build_job(self) -> Job[RecordedDocument]:
        day = self.day("day", "fecha de firma")
        self._day = day
        reference = optional(self.value("reference"))
        person = self.item.person
        if person is None:
            raise UsageError("El pendiente no indica la persona.")
        kind = str(self.item.kind)
        return Job(
            lambda: self.workspace.run(record_person_document, person.id, kind, on=day, reference=reference),
            document_recorded,
        )

    def confirmation(self) -> str:
        return f"Se registrará la firma del {format_date(self._day)}." + _IRREVERSIBLE


class WaiverDialog(_ItemDialog):
    """Any item: waived or postponed until a date, with the reason."""

    title_text = "Dispensar el pendiente"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        default = waiver_until(None, self.workspace.now().date())
        yield from field("Motivo", Input(id="reason", placeholder="por qué no aplica o se pospone"))
        yield from field("Hasta (dd/mm/aaaa, inclusive)", Input(format_date(default), id="until"))
        yield from field("Oficio (opcional)", Input(id="reference"))

    def build_job(self) -> Job[Waiver]:
        reason = validate.text(self.value("reason"), "motivo", required=True, limit=validate.MAX_MEDIUM)
        assert reason is not None
        until = waiver_until(self.day("until", "fecha de término"), self.workspace.now().date())
        self._until = until
        reference = optional(self.value("reference"))
        assert self.item is not None
        key = self.item.key
        return Job(
            lambda: self.workspace.run(add_waiver, reason=reason, until=until, key=key, reference=reference),
            waiver_added,
        )

    def confirmation(self) -> str:
        return (
            f"El pendiente saldrá de la agenda hasta el {format_date(self._until)}."
            " La dispensa queda registrada con su autor. ¿Registrar?"
        )
