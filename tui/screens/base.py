"""What every main screen shares: the status line, the Footer, and palette commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.app import Workbench


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    """One entry of the command palette: ``grupo: Verbo`` and what it does."""

    title: str
    run: Callable[[], object]
    help: str


class ViewScreen(Screen[None]):
    """A main screen of the workbench (one per mode)."""

    mode: ClassVar[str] = ""

    @property
    def workbench(self) -> Workbench:
        return cast("Workbench", self.app)

    def palette_commands(self) -> list[PaletteCommand]:
        """Commands that apply now on this screen (the palette adds the global ones)."""
        return []

    def show_data(self) -> None:
        """Redraw from the app's latest snapshots (called after every load)."""
