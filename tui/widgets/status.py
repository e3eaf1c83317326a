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
        self.update(status_text(self.mode, summary, self.app.size.width))


def status_text(mode: str, summary: str, width: int) -> Content:
    """The tabs always named: in full when they fit beside the counts, else short («Ctas.») with the
    current one in full, else all short, and, if even those do not fit, the current one in full and
    the others by number; the counts take
    what is left, cut at their end (the most urgent come first)."""
    tab_sets = (
        [(view, view.label) for view in VIEWS],
        [(view, view.label if view.mode == mode else view.short_label) for view in VIEWS],
        [(view, view.short_label) for view in VIEWS],
        [(view, view.label if view.mode == mode else "") for view in VIEWS],
    )
    for index, tabs in enumerate(tab_sets):
        length = sum(len(f" {view.key} {label} ".replace("  ", " ")) for view, label in tabs)
        room = width - length - 1
        # the full names need the first counts beside them («45 vencidos · 5 por vencer»); the short ones less
        if index == len(tab_sets) - 1 or room >= (min(len(summary), 30) if index == 0 else 12):
            break
    parts: list[Content | tuple[str, str] | str] = []
    for view, label in tabs:
        text = f" {view.key} {label} " if label else f" {view.key} "
        parts.append((text, "reverse bold") if view.mode == mode else (text, "dim"))
    tabs_content = Content.assemble(*parts)
    room = max(0, width - tabs_content.cell_length - 1)
    shown = summary
    if len(shown) > room:  # whole groups of the counts while they fit, else a cut one
        groups = summary.split(" · ")
        while len(groups) > 1 and len(" · ".join(groups)) > room:
            groups.pop()
        shown = " · ".join(groups)
        if len(shown) > room:
            shown = shown[: max(0, room - 1)] + "…" if room > 1 else ""
    return Content.assemble(tabs_content, " ", shown)
