"""The form that does a duty (``policy.duties``): a UTCSyD message published, a notice given, a
release letter kept, a suggestion answered… Imported on first use (not on the first frame)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Input

from policy.codes import Kind
from tui.core.duties import FulfilledDuty, fulfil_duty
from tui.forms.agenda_items import _IRREVERSIBLE, _ItemDialog
from tui.forms.base import Job, field, optional

if TYPE_CHECKING:
    from policy.obligations import Obligation
    from tui.workspace import Workspace

#: The dialog's title per item kind (the rest: «Marcar el deber cumplido»).
_TITLES: dict[str, str] = {
    Kind.UTCSYD_MESSAGE: "Registrar la publicación del mensaje",
    Kind.USER_ANSWER: "Registrar la respuesta",
    Kind.RELEASE_LETTER: "Registrar la carta de descargo",
    Kind.MATTER_NOTICE: "Registrar el aviso del asunto",
    Kind.UNICOM_STEP: "Registrar el trámite ante la UNICOM",
}


def duty_fulfilled(done: FulfilledDuty) -> str:
    return f"Deber {done.duty.id} cumplido: entrada {done.entry.id} de la bitácora."


class DutyDialog(_ItemDialog):
    """Any open duty: when it was done, and the entry's own text, a note and a reference (optional)."""

    def __init__(self, workspace: Workspace, item: Obligation) -> None:
        super().__init__(workspace, item)
        self.title_text = _TITLES.get(item.kind, "Marcar el deber cumplido")

    def compose_fields(self) -> ComposeResult:
        yield from self.intro()
        yield from field("Cuándo (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field(
            "Texto de la entrada (opcional)", Input(id="text", placeholder="por omisión, uno que nombra el deber")
        )
        yield from field("Nota (opcional)", Input(id="note", placeholder="a quién, cómo…"))
        yield from field("Referencia (opcional)", Input(id="reference", placeholder="oficio, correo o URL"))

    def build_job(self) -> Job[FulfilledDuty]:
        at = self.moment("when", "fecha y hora")
        text, note = optional(self.value("text")), optional(self.value("note"))
        reference = optional(self.value("reference"))
        refs = [reference] if reference else []
        duty_id = self.ref_id
        assert duty_id is not None
        return Job(
            lambda: self.workspace.run(fulfil_duty, duty_id, at=at, text=text, note=note, refs=refs),
            duty_fulfilled,
        )

    def confirmation(self) -> str:
        return "Se registrará en la bitácora la entrada que cumple el deber." + _IRREVERSIBLE
