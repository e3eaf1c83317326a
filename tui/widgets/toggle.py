"""A checkbox whose glyph says its state without colour: «✔» when on, blank when off."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox


class MarkedCheckbox(Checkbox):
    """Textual's Checkbox draws the same «X» on and off (only its colour changes), which reads as
    «on» on a monochrome terminal or to a colour-blind user."""

    ON = "✔"
    OFF = " "

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.BUTTON_INNER = self.ON if self.value else self.OFF

    def watch_value(self) -> None:
        self.BUTTON_INNER = self.ON if self.value else self.OFF
        super().watch_value()  # the «-on» class and the Changed message
        self.refresh()
