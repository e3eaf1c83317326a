"""A dialog that lists records (waivers, openings, closings, settings…) and acts on the selected one.

``TableDialog`` reads its rows in a thread worker (one use case of the core),
shows them in a ``VirtualTable`` with the selected row's detail under it (a
pane that scrolls when the detail is longer than the room left, Tab reaches
it), and its keys with ``KeyHints``, as every dialog shows them. Its actions
open a ``FormDialog`` or, for a one-step irreversible change (revoke, remove),
``confirm_write``: the use case is rehearsed first, then confirmed, then run.
After any save the list is read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from tui.forms.base import ConfirmDialog, Job
from tui.widgets.keyhints import KeyHints
from tui.widgets.table import Column, Row, VirtualTable
from tui.workspace import error_text

if TYPE_CHECKING:
    from tui.app import Workbench
    from tui.workspace import Workspace

T = TypeVar("T")


class TableDialog(ModalScreen[None], Generic[T]):
    """Subclasses give the title, the columns, ``fetch`` (in a worker), the rows and the detail."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cerrar", id="lista.cerrar", tooltip="Cierra la lista"),
    ]
    title_text = ""
    columns: ClassVar[Sequence[Column]] = ()
    empty_text = "No hay registros."
    #: actions that need a selected row (their keys do nothing without one)
    needs_row: ClassVar[frozenset[str]] = frozenset()

    class Loaded(Message):
        def __init__(self, items: list[Any]) -> None:
            super().__init__()
            self.items = items

    class Done(Message):
        """A ``confirm_write`` ran; ``summary`` words its result."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    class Rehearsed(Message):
        def __init__(self, job: Job[Any], question: str, label: str) -> None:
            super().__init__()
            self.job = job
            self.question = question
            self.label = label

    def __init__(self, workspace: Workspace, focus_key: Any = None) -> None:
        super().__init__(classes="dialog-screen")
        self.workspace = workspace
        #: the row to select once the list is read (a record opened from Hoy or another screen)
        self.focus_key = focus_key
        self.items: list[T] = []
        self._by_key: dict[Any, T] = {}
        self.loaded = False

    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)

    # -- subclass hooks ------------------------------------------------------------

    def fetch(self) -> list[T]:
        raise NotImplementedError

    def item_key(self, item: T) -> Any:
        raise NotImplementedError

    def build_row(self, item: T) -> Row:
        raise NotImplementedError

    def detail(self, item: T | None) -> Content | str:
        return ""

    def intro(self) -> str:
        """A line above the table (what the list is, how to use it); empty for none."""
        return ""

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog table-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            intro = self.intro()
            if intro:
                yield Static(intro, classes="dialog-hint", id="intro")
            yield VirtualTable(self.columns, empty_text="Cargando…", id="records")
            with VerticalScroll(classes="table-detail", id="detail-pane"):
                yield Static("", id="record-detail")
            yield Static("", classes="dialog-error")
            yield KeyHints()

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#records", VirtualTable)

    # -- data ------------------------------------------------------------------------

    def reload(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="table-dialog")
    def _fetch(self) -> None:
        self.post_message(self.Loaded(self.fetch()))

    @on(Loaded)
    def _loaded(self, event: TableDialog.Loaded) -> None:
        self.loaded = True
        self.items = event.items
        self._by_key = {self.item_key(item): item for item in self.items}
        table = self.table
        table.empty_text = self.empty_text
        table.set_rows([self.build_row(item) for item in self.items], keep_key=table.cursor_key)
        if self.focus_key is not None:
            table.move_to_key(self.focus_key)
            self.focus_key = None
        self._show_detail(table.cursor_key)
        self.refresh_bindings()
        self.after_load()

    def after_load(self) -> None:
        """Called on the UI thread once the rows are shown (subclasses update what else they show)."""

    @on(VirtualTable.Highlighted, "#records")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._show_detail(event.key)
        self.refresh_bindings()

    @on(VirtualTable.Chosen, "#records")
    def _chosen(self) -> None:
        self.open_selected()

    def open_selected(self) -> None:
        """Enter on a row (subclasses act on it)."""

    def _show_detail(self, key: Any) -> None:
        item = self._by_key.get(key) if key is not None else None
        self.query_one("#record-detail", Static).update(self.detail(item))

    def selected(self) -> T | None:
        key = self.table.cursor_key
        return self._by_key.get(key) if key is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.needs_row:
            return self.selected() is not None
        return True

    # -- writes ------------------------------------------------------------------------

    def open_form(self, form: Screen[Any]) -> None:
        """Push a form; when it saved, read the list again."""

        def closed(result: object) -> None:
            if result is not None:
                self.reload()

        self.app.push_screen(form, closed)

    def confirm_write(self, job: Job[Any], question: str, label: str = "Confirmar") -> None:
        """Validate, then confirm: rehearse the use case (nothing is kept), ask, then run it for real."""
        self.show_error("")
        self._rehearse(job, question, label)

    @work(thread=True, exit_on_error=False, group="table-write")
    def _rehearse(self, job: Job[Any], question: str, label: str) -> None:
        self.workspace.rehearse(job.call)
        self.post_message(self.Rehearsed(job, question, label))

    @on(Rehearsed)
    def _rehearsed(self, event: TableDialog.Rehearsed) -> None:
        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._write(event.job)

        self.app.push_screen(ConfirmDialog(event.question, event.label), answered)

    # Not exclusive: a write runs to its end and reports its error.
    @work(thread=True, exit_on_error=False, group="table-write")
    def _write(self, job: Job[Any]) -> None:
        result = job.call()
        self.post_message(self.Done(job.describe(result)))

    @on(Done)
    def _done(self, event: TableDialog.Done) -> None:
        self.workbench.data_changed(event.summary)
        self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            event.stop()
            text = error_text(event.worker.error)
            self.show_error(text)
            if event.worker.group == "table-write":
                self.notify(text, title="No se guardó", severity="error")

    def show_error(self, text: str) -> None:
        self.query_one(".dialog-error", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(None)
