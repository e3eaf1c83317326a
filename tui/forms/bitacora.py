"""The form of a new bitácora entry (entries are never edited: a correction is a new entry)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from policy.clock import format_date, local
from policy.codes import DutyKind, EntryKind
from policy.duties import MODALITY_LABELS
from policy.labels import ENTRY_KIND_LABELS
from store.bitacora import Entry
from tui.core.bitacora import activity_warning, add_entry
from tui.core.duties import EntryDuties, entry_duties
from tui.forms.base import FormDialog, Job, field, optional

if TYPE_CHECKING:
    from tui.workspace import Workspace


def kind_options() -> list[tuple[str, str]]:
    """The kinds a new entry may have (a correction has its own form: it names the entry it corrects)."""
    return [(label, value) for value, label in ENTRY_KIND_LABELS.items() if value != EntryKind.CORRECTION]


def modality_options() -> list[tuple[str, str]]:
    """A publication's modalities (``policy.duties.MODALITY_LABELS``), by their Spanish names."""
    return [(label.capitalize(), value) for value, label in MODALITY_LABELS.items()]


def entry_summary(entry: Entry) -> str:
    """One entry, as the correction form quotes it."""
    occurred = local(entry.occurred)
    kind = ENTRY_KIND_LABELS.get(entry.kind, entry.kind)
    return (
        f"Entrada {entry.id} ({kind}, {entry.account or 'sin cuenta'}, ocurrió el"
        f" {format_date(occurred.date())} {occurred:%H:%M}):\n«{entry.text}»"
    )


class EntryDialog(FormDialog):
    """A new bitácora entry: account (optional), kind, when, text. Entries are never edited."""

    title_text = "Nueva entrada de bitácora"

    def __init__(
        self,
        workspace: Workspace,
        accounts: Sequence[tuple[str, int]],
        account_id: int | None,
        *,
        kind: str = "nota",
    ) -> None:
        super().__init__(workspace)
        self.accounts = accounts
        self.account_id = account_id
        self.kind = kind

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Cuenta (opcional; escriba para buscar)",
            Select(
                list(self.accounts),
                id="account",
                prompt="(sin cuenta)",
                type_to_search=True,
                value=self.account_id if self.account_id is not None else Select.NULL,
            ),
        )
        yield from field(
            "Tipo", Select(kind_options(), id="kind", allow_blank=False, value=self.kind, type_to_search=True)
        )
        yield from field("Cuándo ocurrió (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Texto", Input(id="text", placeholder="qué pasó, con el detalle necesario"))
        yield Checkbox("Revisar con los criterios", False, id="review")
        yield from field(
            "Referencia (opcional)", Input(id="reference", placeholder="URL de la publicación, oficio, correo…")
        )
        # What a publication declares, only where the profile has the duty it opens (the core refuses it elsewhere).
        if self.workbench.offers(DutyKind.RELEASE_LETTER):
            yield from field(
                "Personas en sus imágenes (opcional, separadas por comas)",
                Input(id="people", placeholder="cada una necesita su carta de descargo"),
            )
        if self.workbench.offers(DutyKind.UTCSYD_SUPPORT) or self.workbench.offers(DutyKind.TITULAR_APPROVAL):
            yield from field(
                "Modalidad de la publicación (opcional)",
                Select(modality_options(), id="modality", prompt="(ninguna en particular)"),
            )
        if self.workbench.offers(DutyKind.FORMAL_REQUEST):
            yield from field(
                "Material de otra institución (opcional: cuál)",
                Input(id="material", placeholder="su solicitud formal va en la referencia"),
            )
        yield Checkbox("Es una sugerencia de quien la escribe (hay que responderla)", False, id="suggestion")

    def _optional_input(self, widget_id: str) -> str:
        """A field the profile may not show: its text, or nothing."""
        found = self.query(f"#{widget_id}")
        return self.value(widget_id) if found else ""

    def build_job(self) -> Job[RecordedEntry]:
        text = self.value("text")
        at = self.moment("when", "fecha de la entrada")
        chosen, kind = self.selected("account"), str(self.selected("kind"))
        account_id = chosen if isinstance(chosen, int) else None
        review = self.checked("review")
        reference = optional(self.value("reference"))
        refs = [reference] if reference else []
        people = [name.strip() for name in self._optional_input("people").split(",") if name.strip()]
        modality = self.selected("modality") if self.query("#modality") else None
        material = optional(self._optional_input("material"))
        suggestion = self.checked("suggestion")

        def record() -> RecordedEntry:
            entry = self.workspace.run(
                add_entry,
                kind=kind,
                text=text,
                account=account_id,
                occurred_at=at,
                refs=refs,
                review=review,
                people=people,
                modality=str(modality) if modality is not None else None,
                material_from=material,
                suggestion=suggestion,
            )
            return RecordedEntry(
                entry, self.workspace.run(activity_warning, entry), self.workspace.run(entry_duties, entry.id)
            )

        return Job(record, describe_entry)

    def confirmation(self) -> str:
        return "La bitácora no se puede modificar ni borrar (solo corregir con otra entrada). ¿Agregar la entrada?"


class RecordedEntry(NamedTuple):
    """A new entry, the profile's warning about it (iecm §8.A), and the duties it opened and did."""

    entry: Entry
    warning: str | None
    duties: EntryDuties | None = None


def describe_entry(recorded: RecordedEntry) -> str:
    """The summary of a new entry: the duties it opened or did (as the command line says them), and the
    profile's warning when it has one (iecm §8.A)."""
    entry, warning, duties = recorded
    said = f"Entrada {entry.id} agregada a la bitácora."
    if duties is not None:
        said += "".join(f" Abre el deber {line}." for line in duties.opened)
        said += "".join(f" Cumple el deber {line}." for line in duties.done)
    return said + (f" {warning}." if warning else "")


class CorrectionDialog(FormDialog):
    """A correction of ``entry``: a new entry of kind «corrección» that names it (the original stays as it is)."""

    title_text = "Corregir una entrada de la bitácora"

    def __init__(self, workspace: Workspace, entry: Entry) -> None:
        super().__init__(workspace)
        self.entry = entry

    def compose_fields(self) -> ComposeResult:
        yield Static(entry_summary(self.entry), classes="dialog-text")
        yield from field("Texto corregido (qué decía mal y qué es lo correcto)", Input(id="text"))
        yield from field("Cuándo ocurrió la corrección (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))

    def build_job(self) -> Job[Entry]:
        text = self.value("text")
        at = self.moment("when", "fecha de la corrección")
        corrected = self.entry

        def record() -> Entry:
            return self.workspace.run(
                add_entry,
                kind=EntryKind.CORRECTION,
                text=text,
                account=corrected.account_id,
                occurred_at=at,
                corrects=corrected.id,
            )

        return Job(record, lambda done: f"Entrada {done.id} agregada: corrige la entrada {corrected.id}.")

    def confirmation(self) -> str:
        return (
            f"Se agregará una corrección de la entrada {self.entry.id}; la original queda como está."
            " La bitácora no se puede modificar ni borrar. ¿Agregar la corrección?"
        )
