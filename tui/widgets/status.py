"""The top line of every screen: where you are and what needs attention."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.app import Workbench

#: (mode, key, label): the screens the number keys switch to, in order.
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("hoy", "1", "Hoy"),
    ("cuentas", "2", "Cuentas"),
    ("personas", "3", "Personas"),
    ("bitacora", "4", "Bitácora"),
    ("incidentes", "5", "Incidentes"),
    ("consultas", "6", "Consultas"),
    ("solicitudes", "7", "Solicitudes"),
)


class StatusLine(Static):
    """Tabs of the screens on the left, the counts of the agenda on the right."""

    def __init__(self, mode: str) -> None:
        super().__init__(classes="status-line")
        self.mode = mode

    def on_mount(self) -> None:
        app: Workbench = self.app  # type: ignore[assignment]
        self.watch(app, "summary", self._show, init=True)

    def on_resize(self) -> None:
        app: Workbench = self.app  # type: ignore[assignment]
        self._show(app.summary)

    def _show(self, summary: str) -> None:
        # the other screens show only their number when every label and the counts do not fit
        full = sum(len(f" {key} {label} ") for _, key, label in VIEWS) + 1 + len(summary)
        compact = full > self.app.size.width
        parts: list[Content | tuple[str, str] | str] = []
        for mode, key, label in VIEWS:
            if mode == self.mode:
                parts.append((f" {key} {label} ", "reverse bold"))
            else:
                parts.append((f" {key} " if compact else f" {key} {label} ", "dim"))
        tabs = Content.assemble(*parts)
        self.update(Content.assemble(tabs, " ", summary))
