"""Forms that resolve the agenda's workflow items: incident notices, consultations,
information requests, notices given, signed documents and waivers.

Imported on first use (not on the first frame). Each form saves through one
``Workspace`` call (one transaction) in a thread worker, and asks before an
irreversible record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from policy.clock import format_date, parse_date, parse_datetime
from policy.errors import UsageError
from policy.labels import KIND_LABELS
from policy.obligations import Obligation
from tui.dialogs import FormDialog, Job, _optional, field

if TYPE_CHECKING:
    from tui.workspace import Workspace

_IRREVERSIBLE = " El historial no se puede borrar. ¿Registrar?"


def _subject(item: Obligation) -> str:
    from tui.screens.hoy import subject

    return subject(item)


class _ItemDialog(FormDialog):
    """A form about one agenda item: its subject and message on top."""

    def __init__(
        self, workspace: Workspace, item: Obligation | None = None, *, ref_id: int | None = None, intro: str = ""
    ) -> None:
        super().__init__(workspace)
        self.item = item
        self.ref_id = ref_id if item is None else item.ref_id
        self.intro_text = intro or (f"{_subject(item)}: {item.message}" if item else "")

    def intro(self) -> ComposeResult:
        yield Static(self.intro_text, classes="dialog-text")

    def moment(self, widget_id: str, label: str) -> datetime:
        at = parse_datetime(self.value(widget_id).strip().replace(" ", "T", 1), label)
        if at > self.workspace.now() + timedelta(minutes=5):
            raise UsageError(f"La {label} está en el futuro.")
        return at

    def now_text(self) -> str:
        return self.workspace.now().strftime("%Y-%m-%d %H:%M")

    def today_text(self) -> str:
        return self.workspace.now().date().isoformat()


class IncidentNoticeDialog(_ItemDialog):
    title_text = "Registrar el aviso del incidente"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Cuándo se avisó (AAAA-MM-DD HH:MM)", Input(self.now_text(), id="when"))

    def build_job(self) -> Job:
        at = self.moment("when", "fecha y hora del aviso")
        self._at = at
        notice_id = self.ref_id
        assert notice_id is not None
        return lambda: self.workspace.tick_incident_notice(notice_id, at)

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
        yield from field("Cuándo respondieron (AAAA-MM-DD HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Nota (opcional)", Input(id="note", placeholder="lo que indicó la oficina"))

    def build_job(self) -> Job:
        result = str(self.selected("result"))
        at = self.moment("when", "fecha de respuesta")
        note = _optional(self.value("note"))
        self._result = result
        ref = self.ref_id
        assert ref is not None
        return lambda: self.workspace.resolve_consultation(ref, result, at, note)

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
        yield from field("Cuándo (AAAA-MM-DD HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Nota (obligatoria si se respondió)", Input(id="note", placeholder="qué se respondió"))
        yield from field("Área avisada (obligatoria si se respondió)", Input(id="area"))

    def build_job(self) -> Job:
        result = str(self.selected("result"))
        at = self.moment("when", "fecha de atención")
        note, area = _optional(self.value("note")), _optional(self.value("area"))
        if result == "respondida" and not area:
            raise UsageError("Al responder directamente hay que avisar al área responsable: escríbala.")
        if result == "respondida" and not note:
            raise UsageError("Anote qué se respondió.")
        self._result = result
        ref = self.ref_id
        assert ref is not None
        return lambda: self.workspace.resolve_request(ref, result, at, note, area)

    def confirmation(self) -> str:
        return f"La solicitud quedará {self._result}." + _IRREVERSIBLE


class NoticeGivenDialog(_ItemDialog):
    """Admin-change and holiday notices: the day it was given and an optional reference."""

    title_text = "Marcar el aviso como dado"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Fecha del aviso (AAAA-MM-DD)", Input(self.today_text(), id="day"))
        yield from field("Oficio o nota (opcional)", Input(id="reference"))

    def build_job(self) -> Job:
        day = self.past_date("day", "fecha del aviso")
        self._day = day
        reference = _optional(self.value("reference"))
        ref = self.ref_id
        assert ref is not None
        if self.item is not None and self.item.kind == "holiday_notice":
            return lambda: self.workspace.mark_holiday_notice(ref, day, reference)
        return lambda: self.workspace.notify_admin_change(ref, day, reference)

    def confirmation(self) -> str:
        return f"Se anotará el aviso como dado el {format_date(self._day)}." + _IRREVERSIBLE


class DocumentDialog(_ItemDialog):
    """ine: the designation form or the responsiva signed by a person."""

    def __init__(self, workspace: Workspace, item: Obligation) -> None:
        super().__init__(workspace, item)
        self.item: Obligation = item
        self.title_text = f"Registrar {KIND_LABELS.get(item.kind, item.kind).lower()}"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Fecha de firma (AAAA-MM-DD)", Input(self.today_text(), id="day"))
        yield from field("Referencia (opcional)", Input(id="reference", placeholder="oficio o expediente"))

    def build_job(self) -> Job:
        day = self.past_date("day", "fecha de firma")
        self._day = day
        reference = _optional(self.value("reference"))
        person = self.item.person
        if person is None:
            raise UsageError("El pendiente no indica la persona.")
        kind = str(self.item.kind)
        return lambda: self.workspace.record_person_document(person.id, kind, day, reference)

    def confirmation(self) -> str:
        return f"Se registrará la firma del {format_date(self._day)}." + _IRREVERSIBLE


class WaiverDialog(_ItemDialog):
    """Any item: waived or postponed until a date, with the reason."""

    title_text = "Dispensar el pendiente"

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        default = self.workspace.now().date() + timedelta(days=30)
        yield from field("Motivo", Input(id="reason", placeholder="por qué no aplica o se pospone"))
        yield from field("Hasta (AAAA-MM-DD, inclusive)", Input(default.isoformat(), id="until"))
        yield from field("Oficio (opcional)", Input(id="reference"))

    def build_job(self) -> Job:
        reason = self.value("reason").strip()
        if not reason:
            raise UsageError("Escriba el motivo de la dispensa.")
        until: date = parse_date(self.value("until"), "fecha de término")
        if until < self.workspace.now().date():
            raise UsageError("La fecha de término ya pasó.")
        self._until = until
        reference = _optional(self.value("reference"))
        assert self.item is not None
        key = self.item.key
        return lambda: self.workspace.add_waiver(key, until, reason, reference)

    def confirmation(self) -> str:
        return (
            f"El pendiente saldrá de la agenda hasta el {format_date(self._until)}."
            " La dispensa queda registrada con su autor. ¿Registrar?"
        )
