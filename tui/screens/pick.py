"""A short list to pick one item from (↑↓ and Enter; Escape cancels)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class PickScreen(ModalScreen[Any]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancelar", id="elegir.cancelar", tooltip="Cierra sin elegir"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[Any, str]]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(label, id=str(index)) for index, (_, label) in enumerate(self.choices)])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
