"""The bitácora's forms: a new entry (entries are never edited: a correction is a new entry), a
correction, a checked moderation action, the seal and the export."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from policy.clock import format_date, local
from policy.codes import DutyKind, EntryKind, ModerationAction
from policy.duties import MODALITY_LABELS
from policy.entries.moderation import moderation_recorded
from policy.errors import ResguardoError, UsageError
from policy.labels import ENTRY_KIND_LABELS, counted, seal_lines
from policy.moderation import ACTION_LABELS, ModerationDecision, decide
from policy.profile import short_document
from store.bitacora import Entry
from store.files import sweep_stale_temp_files
from tui.core.bitacora import (
    JournalExport,
    JournalSeal,
    activity_warning,
    add_entry,
    export_entries,
    moderate_comment,
    seal_journal,
)
from tui.core.duties import EntryDuties, entry_duties
from tui.forms.base import FormDialog, Job, account_picker, field, optional
from tui.forms.transfer import FileExportDialog, file_in_folder
from tui.widgets.keyhints import KeyHints
from tui.workspace import error_text

if TYPE_CHECKING:
    from policy.profile import Profile
    from tui.workspace import Workspace

#: Kinds with a form of their own, which the new entry's form does not offer: a correction names the
#: entry it corrects; a moderation action is checked against the profile, with its legal basis
#: (``ModerationDialog``), so it is never recorded as a plain entry from the workbench.
OWN_FORM_KINDS = (EntryKind.CORRECTION, EntryKind.MODERATION)


def kind_options() -> list[tuple[str, str]]:
    """The kinds a new entry may have (not those with a form of their own, ``OWN_FORM_KINDS``)."""
    return [(label, value) for value, label in ENTRY_KIND_LABELS.items() if value not in OWN_FORM_KINDS]


def filter_kind_options() -> list[tuple[str, str]]:
    """The kinds the screen's filter and the export offer (moderation entries are searched too)."""
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
            account_picker(self.accounts, self.account_id, "(sin cuenta)"),
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


def _action_label(action: str) -> str:
    return ACTION_LABELS[ModerationAction(action)].capitalize()


class ModerationDialog(FormDialog):
    """A moderation action on a user's comment, checked against the profile (``moderate_comment``, the
    command line's ``bitacora moderar``): the action is chosen from the profile's list, and the form shows
    the legal basis the entry will state, or why the profile refuses it, before anything is saved."""

    title_text = "Moderar un comentario"

    def __init__(self, workspace: Workspace, accounts: Sequence[tuple[str, int]], account_id: int | None) -> None:
        super().__init__(workspace)
        self.accounts = accounts
        self.account_id = account_id

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Cuenta (escriba para buscar)",
            account_picker(self.accounts, self.account_id, "(elija la cuenta)"),
        )
        yield from field(
            "Acción",
            Select(
                [(_action_label(action), action.value) for action in ModerationAction],
                id="action",
                allow_blank=False,
                value=ModerationAction.IGNORE.value,
            ),
        )
        yield Checkbox("El comentario promueve el odio o la violencia", False, id="hate")
        yield Static("", id="basis", classes="dialog-text")
        yield from field("El comentario y lo que se hizo", Input(id="text", placeholder="qué decía y qué se hizo"))
        yield from field("Cuándo ocurrió (dd/mm/aaaa HH:MM)", Input(self.now_text(), id="when"))
        yield from field("Referencia (opcional)", Input(id="reference", placeholder="URL del comentario…"))

    def on_mount(self) -> None:
        self._show_basis()

    @on(Select.Changed, "#action")
    @on(Checkbox.Changed, "#hate")
    def _show_basis(self) -> None:
        """What the profile says of the chosen action: the legal basis the entry will state, or the refusal."""
        box = self.query_one("#basis", Static)
        decision = self._decision()
        if isinstance(decision, str):
            box.update(Content.styled(decision, "$error"))
            return
        said = " ".join(decision.notes)
        if not said:
            rule = decision.rule
            where = f" ({short_document(self._profile(), rule)} {rule.section})".rstrip() if rule else ""
            said = f"la acción está permitida por las reglas del perfil{where}; la entrada no cita una excepción."
        box.update(Content.assemble(("Fundamento: ", "bold"), said))

    def _profile(self) -> Profile:
        snapshot = self.workbench.agenda_snapshot
        assert snapshot is not None  # the workbench's screens show only once the agenda is read
        return snapshot.profile

    def _decision(self) -> ModerationDecision | str:
        """The profile's decision (``policy.moderation.decide``, the rule the core applies), or its refusal."""
        try:
            return decide(self._profile(), str(self.selected("action")), hate_or_violence=self.checked("hate"))
        except ResguardoError as exc:
            return exc.message

    def build_job(self) -> Job[Entry]:
        chosen = self.selected("account")
        if not isinstance(chosen, int):
            raise UsageError("Elija la cuenta del comentario.")
        action, hate, text = str(self.selected("action")), self.checked("hate"), self.value("text")
        at = self.moment("when", "fecha de la moderación")
        reference = optional(self.value("reference"))
        workspace = self.workspace

        def record() -> Entry:
            return workspace.run(
                moderate_comment,
                chosen,
                action,
                text,
                hate_or_violence=hate,
                occurred_at=at,
                refs=[reference] if reference else [],
            )

        return Job(record, lambda entry: f"Moderación registrada en la bitácora: entrada {entry.id}.")

    def confirmation(self) -> str:
        decision = self._decision()
        entry = (
            ""
            if isinstance(decision, str)
            else f" Quedará así: «{moderation_recorded(decision, self.value('text').strip())}»"
        )
        return f"La bitácora no se puede modificar ni borrar.{entry} ¿Registrar la moderación?"


class SealDialog(ModalScreen[None]):
    """The bitácora's seal (``seal_journal``, the command line's ``bitacora sello``): the head hash, the
    number of entries and the moment, to quote in an oficio or an e-mail; a key copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+y", "copy", "Copiar", id="sello.copiar", tooltip="Copia el sello al portapapeles"),
        Binding("escape,q", "close", "Cerrar", id="sello.cerrar", tooltip="Vuelve a la bitácora"),
    ]

    class Sealed(Message):
        def __init__(self, sealed: JournalSeal) -> None:
            super().__init__()
            self.sealed = sealed

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(classes="dialog-screen")
        self.workspace = workspace
        #: the seal's text, once read (what ctrl+y copies)
        self.text: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Sello de la bitácora", classes="dialog-title")
            yield Static("Leyendo la bitácora…", id="seal", classes="dialog-text")
            yield Static("", id="seal-note", classes="dialog-hint")
            yield KeyHints()

    def on_mount(self) -> None:
        self._seal()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.text is not None if action == "copy" else True

    @work(thread=True, exclusive=True, exit_on_error=False, group="seal")
    def _seal(self) -> None:
        workspace = self.workspace
        try:
            secrets, problem = workspace.secrets_or_problem()
            sealed = workspace.run(seal_journal, secrets, keyring_problem=problem)
        except Exception as exc:  # noqa: BLE001 - said in Spanish in the dialog
            self.post_message(self.Failed(error_text(exc)))
            return
        self.post_message(self.Sealed(sealed))

    @on(Sealed)
    def _sealed(self, event: SealDialog.Sealed) -> None:
        sealed, seal = event.sealed, event.sealed.seal
        self.text = "\n".join(seal_lines(seal.head, seal.total, seal.head_id, sealed.at))
        self.query_one("#seal", Static).update(self.text)
        kept = (
            f"Punto de control {sealed.checkpoint} escrito con la clave del llavero."
            if sealed.checkpoint is not None
            else f"No se escribió un punto de control: {sealed.checkpoint_note}."
        )
        self.query_one("#seal-note", Static).update(
            "Cítelo en un oficio o correo; «Verificar» (v) comprueba después que la bitácora sigue íntegra. " + kept
        )
        self.refresh_bindings()

    @on(Failed)
    def _failed(self, event: SealDialog.Failed) -> None:
        self.query_one("#seal", Static).update(Content.styled(event.text, "$error"))

    def action_copy(self) -> None:
        if self.text is not None:
            self.app.copy_to_clipboard(self.text)
            self.notify("Sello copiado: péguelo en el oficio o el correo.", title="Copiado")

    def action_close(self) -> None:
        self.dismiss(None)


class _Discard(io.StringIO):
    """A text stream that keeps nothing: what a rehearsed export writes (the file is written only for real)."""

    def write(self, text: str) -> int:
        return len(text)


class ExportEntriesDialog(FileExportDialog):
    """The bitácora's export (``export_entries``, the command line's ``bitacora exportar``): every entry
    with its hashes, filtered as the screen is, to a file in a folder (picked or typed)."""

    title_text = "Exportar la bitácora"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding(
            "ctrl+o", "pick", "Elegir carpeta", id="exportar_bitacora.elegir", tooltip="Abre el selector de carpetas"
        ),
    ]

    def __init__(
        self,
        workspace: Workspace,
        accounts: Sequence[tuple[str, int]],
        folder: Path,
        *,
        account_id: int | None = None,
        kind: str | None = None,
        since: str = "",
        until: str = "",
    ) -> None:
        super().__init__(workspace)
        self.accounts = accounts
        self.folder = folder
        self.filters = (account_id, kind, since, until)

    def compose_fields(self) -> ComposeResult:
        account_id, kind, since, until = self.filters
        yield from field(
            "Formato",
            Select([("CSV (hoja de cálculo)", "csv"), ("JSON", "json")], id="format", allow_blank=False, value="csv"),
        )
        yield from field(
            "Cuenta (opcional)",
            account_picker(self.accounts, account_id, "Todas las cuentas"),
        )
        yield from field(
            "Tipo (opcional)",
            Select(filter_kind_options(), id="kind", prompt="Todos los tipos", value=kind or Select.NULL),
        )
        yield from field("Desde (opcional, dd/mm/aaaa)", Input(since, id="since"))
        yield from field("Hasta (opcional, dd/mm/aaaa)", Input(until, id="until"))
        yield from field("Carpeta de destino (ctrl+o la elige)", Input(str(self.folder), id="folder"))
        yield Button("Elegir carpeta…", id="pick", compact=True)
        stamp = self.workspace.now().date().isoformat()  # a file name: AAAA-MM-DD sorts and has no «/»
        yield from field("Nombre del archivo", Input(f"bitacora-{stamp}", id="name"))
        yield Static(
            "Cada entrada con sus huellas, para verificar la cadena en otro lugar. Se escribe completo o no se escribe.",
            classes="dialog-hint",
        )

    def target(self) -> Path:
        return file_in_folder(self.value("folder"), self.value("name"), f".{self.selected('format')}")

    def _optional_day(self, widget_id: str, label: str) -> date | None:
        return self.day(widget_id, label) if self.value(widget_id).strip() else None

    def build_job(self) -> Job[JournalExport]:
        target, fmt = self.target(), str(self.selected("format"))
        chosen, kind = self.selected("account"), self.selected("kind")
        since = self._optional_day("since", "fecha desde")
        until = self._optional_day("until", "fecha hasta")
        workspace = self.workspace

        def export() -> JournalExport:
            if not workspace.rehearsing:
                sweep_stale_temp_files(target.parent)  # what a crashed export left there
            return workspace.run(
                export_entries,
                fmt,
                to=_Discard() if workspace.rehearsing else target,
                account=chosen if isinstance(chosen, int) else None,
                kind=None if kind is None else str(kind),
                since=since,
                until=until,
            )

        return Job(
            export,
            lambda done: f"{counted(done.entries, 'entrada exportada', 'entradas exportadas')} a {done.path}.",
        )
