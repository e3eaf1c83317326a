"""What every form of the workbench shares: the confirmation dialog, the form's frame and its save.

A form turns what was typed into a ``Job``: the call of one use case of the
core (run in a thread worker: one connection, one transaction) and the words
for its typed result (run back on the UI thread). The worker's message
carries the result, not a sentence; the form words it when it arrives. A
form stays open, with everything typed, when the save fails, and closes with
its summary when it succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from policy.clock import format_date, format_moment, parse_date, parse_datetime
from policy.errors import ResguardoError
from tui.widgets.keyhints import KeyHints
from tui.workspace import error_text

if TYPE_CHECKING:
    from store.secrets import Secrets
    from tui.app import Workbench
    from tui.workspace import Workspace

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Job(Generic[T]):
    """A save: ``call`` runs one use case of the core (in a worker); ``describe`` words its result."""

    call: Callable[[], T]
    describe: Callable[[T], str]


class RehearsalSecrets:
    """The keyring for a rehearsal (``Workspace.rehearsing``): reads go through, nothing is written,
    promoted or deleted.

    A rehearsal rolls back SQLite only; a use case that also changes keyring entries (the closing's
    deletion, the recovery codes' save) runs against this stand-in then, and the checks it makes only read.
    """

    def __init__(self, secrets: Secrets) -> None:
        self._secrets = secrets

    def __getattr__(self, name: str) -> Any:
        return getattr(self._secrets, name)

    def delete(self, key: str) -> None:
        """Nothing is deleted in a rehearsal."""

    def put(self, key: str, value: str) -> None:
        """Nothing is written in a rehearsal."""

    def promote(self, key: str) -> bool:
        """Nothing is moved in a rehearsal."""
        return False


def optional(value: str) -> str | None:
    """A typed text, or None when only blanks were typed."""
    value = value.strip()
    return value or None


def options(values: Sequence[str]) -> list[tuple[str, str]]:
    """A Select's options whose label is the value itself."""
    return [(value, value) for value in values]


def account_options(workbench: Workbench) -> list[tuple[str, int]]:
    """The institution's accounts as a Select's options (``red/usuario``, id), in order."""
    institution = workbench.institution
    if institution is None:
        return []
    return sorted(((row.account.ref, row.account.id) for row in institution.accounts), key=lambda o: o[0].lower())


def account_picker(accounts: Sequence[tuple[str, int]], account_id: int | None, prompt: str) -> Select[int]:
    """The «#account» Select of a form: ``accounts`` (``account_options``), ``account_id`` chosen
    when given, ``prompt`` shown while none is, and typing searches."""
    return Select(
        list(accounts),
        id="account",
        prompt=prompt,
        type_to_search=True,
        value=account_id if account_id is not None else Select.NULL,
    )


def field(label: str, widget: Any) -> ComposeResult:
    yield Label(label, classes="field-label")
    yield widget


class ConfirmDialog(ModalScreen[bool]):
    """Asks before something that cannot be undone. Enter confirms, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,s", "answer(True)", "Confirmar", id="confirmar.aceptar", tooltip="Confirma la acción"),
        Binding("escape,n", "answer(False)", "Cancelar", id="confirmar.cancelar", tooltip="No hace nada"),
    ]

    def __init__(self, question: str, confirm_label: str = "Confirmar", *, safe_default: bool = False) -> None:
        """``safe_default``: Enter cancels (the focus starts on «Cancelar»), for a question whose «yes» loses
        something, such as leaving with an unsaved password."""
        super().__init__(classes="dialog-screen")
        self.question = question
        self.confirm_label = confirm_label
        self.safe_default = safe_default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="warning", id="confirm", compact=True)
                yield Button("Cancelar", id="cancel", compact=True)
            yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#cancel" if self.safe_default else "#confirm", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")


class LeaveGuard:
    """Leaving a dialog that may hold an unsaved secret (a password, recovery codes): at once when
    nothing would be lost, else only after the user says so, one question at a time (Enter, the
    safe default, keeps the dialog)."""

    def __init__(self, screen: ModalScreen[Any]) -> None:
        self._screen = screen
        self._asking = False

    def leave(self, question: str | None) -> None:
        """Close the dialog (dismissed with None), asking ``question`` first when there is one."""
        if question is None:
            self._screen.dismiss(None)
            return
        if self._asking:
            return
        self._asking = True

        def answered(leave: bool | None) -> None:
            self._asking = False
            if leave:
                self._screen.dismiss(None)

        self._screen.app.push_screen(ConfirmDialog(question, "Salir sin guardar", safe_default=True), answered)


class FormDialog(ModalScreen[str | None]):
    """Base of every form: title, fields, an error line, Guardar / Cancelar.

    Subclasses yield their fields in ``compose_fields`` and turn them into a
    ``Job`` in ``build_job`` (raising a ResguardoError for what cannot even be
    read, such as a malformed date); ``confirmation`` returns a question when
    the change is irreversible.
    """

    #: the first field gets the focus, not the scrolling container around the fields
    AUTO_FOCUS = "Input, Select, Checkbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Guardar", id="formulario.guardar", tooltip="Guarda el formulario"),
        Binding("escape", "cancel", "Cancelar", id="formulario.cancelar", tooltip="Cierra sin guardar"),
    ]
    title_text = ""

    class Saved(Message):
        """The job's use case returned ``result``; ``job`` words it."""

        def __init__(self, job: Job[Any], result: object) -> None:
            super().__init__()
            self.job = job
            self.result = result

    class Rehearsed(Message):
        """The job's rehearsal found nothing to refuse: ask ``question`` before the real save."""

        def __init__(self, job: Job[Any], question: str) -> None:
            super().__init__()
            self.job = job
            self.question = question

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(classes="dialog-screen")
        self.workspace = workspace

    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-fields"):
                for widget in self.compose_fields():
                    if isinstance(widget, (Input, Select, Checkbox)):
                        widget.compact = True  # one line per field: the forms fit 80×24
                    yield widget
            yield Static("", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Guardar", variant="primary", id="save", tooltip="Guarda (ctrl+s)", compact=True)
                yield Button("Cancelar", id="cancel", tooltip="Cierra sin guardar (Escape)", compact=True)
            yield KeyHints()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def build_job(self) -> Job[Any]:
        raise NotImplementedError

    def confirmation(self) -> str | None:
        return None

    # -- flow ----------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        try:
            job = self.build_job()
        except ResguardoError as exc:
            self._show_error(exc.message)
            return
        question = self.confirmation()
        self._show_error("")
        self.query_one("#save", Button).disabled = True  # one save at a time: the button waits for it
        if question is None:
            self._save(job)
        else:
            # Validate, then confirm: the core's own checks run first, in a rehearsal that records
            # nothing, so the user is never asked to confirm what would then be refused.
            self._rehearse(job, question)

    @work(thread=True, exit_on_error=False, group="save")
    def _rehearse(self, job: Job[Any], question: str) -> None:
        self.workspace.rehearse(job.call)
        self.post_message(self.Rehearsed(job, question))

    @on(Rehearsed)
    def _rehearsed(self, event: FormDialog.Rehearsed) -> None:
        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._save(event.job)
            else:
                self.query_one("#save", Button).disabled = False

        self.app.push_screen(ConfirmDialog(event.question, "Registrar"), answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # Not exclusive: a write runs to its end and reports its error; nothing cancels it.
    @work(thread=True, exit_on_error=False, group="save")
    def _save(self, job: Job[Any]) -> None:
        self.post_message(self.Saved(job, job.call()))

    @on(Saved)
    def _saved(self, event: FormDialog.Saved) -> None:
        summary = event.job.describe(event.result)
        self.workbench.data_changed(summary)
        self.dismiss(summary)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.query_one("#save", Button).disabled = False
            self._show_error(error_text(event.worker.error))
            self.notify(error_text(event.worker.error), title="No se guardó", severity="error")

    def _show_error(self, text: str) -> None:
        self.query_one(".dialog-error", Static).update(text)

    # -- helpers for subclasses ----------------------------------------------

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def checked(self, widget_id: str) -> bool:
        return self.query_one(f"#{widget_id}", Checkbox).value

    def selected(self, widget_id: str) -> object:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value is Select.NULL else value

    def moment(self, widget_id: str, label: str) -> datetime:
        """A «dd/mm/aaaa HH:MM» field (also ISO; the date alone means its start), read by the rule both
        faces share (``policy.clock.parse_datetime``); a UsageError names ``label`` and marks the field."""
        return self._read(widget_id, lambda text: parse_datetime(text, label))

    def day(self, widget_id: str, label: str) -> date:
        """A «dd/mm/aaaa» field (also d/m/aaaa and ISO): ``policy.clock.parse_date``, marking the field."""
        return self._read(widget_id, lambda text: parse_date(text, label))

    def _read(self, widget_id: str, parse: Callable[[str], T]) -> T:
        """``parse`` the field's text; when it refuses, the field is marked and gets the focus (the
        message goes to the error line), so the user sees which one to fix. Typing clears the mark."""
        box = self.query_one(f"#{widget_id}", Input)
        try:
            value = parse(box.value)
        except ResguardoError:
            box.add_class("-invalid")
            box.focus()
            raise
        box.remove_class("-invalid")
        return value

    def now_text(self) -> str:
        """Now, as the moment fields show it (dd/mm/aaaa HH:MM)."""
        return format_moment(self.workspace.now())

    def today_text(self) -> str:
        """Today, as the date fields show it (dd/mm/aaaa)."""
        return format_date(self.workspace.now().date())
