"""The top line of every screen: where you are and what needs attention."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.content import Content
from textual.widgets import Static

from tui.screens import VIEWS

if TYPE_CHECKING:
    from tui.app import Workbench


class StatusLine(Static):
    """Tabs of the screens on the left, the counts of the agenda on the right."""

    def __init__(self, mode: str) -> None:
        super().__init__(classes="status-line")
        self.mode = mode

    def on_mount(self) -> None:
        app = cast("Workbench", self.app)
        self.watch(app, "summary", self._show, init=True)

    def on_resize(self) -> None:
        app = cast("Workbench", self.app)
        self._show(app.summary)

    def _show(self, summary: str) -> None:
        # the other screens show only their number when every label and the counts do not fit
        full = sum(len(f" {v.key} {v.label} ") for v in VIEWS) + 1 + len(summary)
        compact = full > self.app.size.width
        parts: list[Content | tuple[str, str] | str] = []
        for view in VIEWS:
            key, label = view.key, view.label
            if view.mode == self.mode:
                parts.append((f" {key} {label} ", "reverse bold"))
            else:
                parts.append((f" {key} " if compact else f" {key} {label} ", "dim"))
        tabs = Content.assemble(*parts)
        self.update(Content.assemble(tabs, " ", summary))
