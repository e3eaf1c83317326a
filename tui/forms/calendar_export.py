"""The agenda as an ICS calendar (``agenda_events``, the command line's ``calendario exportar``):
a folder (typed, or picked with the inventory's folder picker), a file name and the days ahead.

The file is written by ``tui.render.save_ics``, the writer the command line calls (icalendar,
atomically: a complete file or none), so both faces write the same bytes for the same database
and clock. Nothing is recorded: the rehearsal before replacing a file computes the agenda only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Input, Static

from policy.errors import UsageError
from policy.labels import calendar_written_text
from tui.core.agenda import DEFAULT_HORIZON_DAYS
from tui.core.schedule import AgendaEvents, agenda_events
from tui.forms.base import FormDialog, Job, field
from tui.forms.transfer import FileExportDialog, file_in_folder

if TYPE_CHECKING:
    from tui.workspace import Workspace

#: how a calendar file ends
ICS_SUFFIX = ".ics"


class WrittenCalendar(NamedTuple):
    path: Path
    events: AgendaEvents
    obligations: int


def written_text(done: WrittenCalendar) -> str:
    """Where the calendar went and what it holds (the command line's sentence)."""
    return calendar_written_text(done.path, done.obligations, len(done.events.non_working), done.events.horizon_days)


class CalendarExportDialog(FileExportDialog):
    """Write the agenda as an ICS file for the office's calendar (Outlook, Thunderbird, GNOME Calendar)."""

    title_text = "Exportar la agenda al calendario (ICS)"
    pick_title = "Elija la carpeta del calendario"
    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding(
            "ctrl+o", "pick", "Elegir carpeta", id="exportar_calendario.elegir", tooltip="Abre el selector de carpetas"
        ),
    ]

    def __init__(self, workspace: Workspace, folder: Path | None = None) -> None:
        super().__init__(workspace)
        self.folder = folder or Path.home()

    def compose_fields(self) -> ComposeResult:
        yield from field("Carpeta de destino (ctrl+o la elige)", Input(str(self.folder), id="folder"))
        yield Button("Elegir carpeta…", id="pick", compact=True)
        stamp = self.workspace.now().date().isoformat()  # a file name: AAAA-MM-DD sorts and has no «/»
        yield from field("Nombre del archivo", Input(f"agenda-{stamp}{ICS_SUFFIX}", id="name"))
        yield from field(
            "Días de anticipación (lo vencido siempre aparece)",
            Input(str(DEFAULT_HORIZON_DAYS), id="days", type="integer"),
        )
        yield Static(
            "Cada pendiente como evento con recordatorio un día antes y su cláusula, y los días inhábiles."
            " Al importarlo de nuevo, el calendario actualiza los eventos en lugar de duplicarlos.",
            classes="dialog-hint",
        )

    def on_mount(self) -> None:
        self.query_one("#save", Button).label = "Exportar"

    def target(self) -> Path:
        return file_in_folder(self.value("folder"), self.value("name"), ICS_SUFFIX)

    def _days(self) -> int:
        box = self.query_one("#days", Input)
        text = box.value.strip()
        try:
            days = int(text)
        except ValueError:
            box.add_class("-invalid")
            box.focus()
            raise UsageError(f"Los días de anticipación son un número entero, no «{text}».") from None
        box.remove_class("-invalid")
        return days

    def build_job(self) -> Job[WrittenCalendar]:
        target, days = self.target(), self._days()
        workspace = self.workspace

        def export() -> WrittenCalendar:
            from tui.render import save_ics  # lazy: icalendar, only when a calendar is written

            events = workspace.run(agenda_events, days=days)
            if workspace.rehearsing:  # the agenda's checks only: the file is written for real
                return WrittenCalendar(target, events, len(events.items))
            return WrittenCalendar(target, events, save_ics(events, target))

        return Job(export, written_text)
