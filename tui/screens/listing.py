"""A filter box, a sortable virtual table and a detail pane: Cuentas, Personas and the
screens to come (Consultas, Solicitudes, Incidentes) are built on this."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

from policy.labels import fold
from tui.core.records import matches
from tui.screens.base import ViewScreen
from tui.widgets.footer import FittedFooter
from tui.widgets.status import StatusLine
from tui.widgets.table import Column, Row, VirtualTable

T = TypeVar("T")

SortKey = Callable[[Any], Any]


class ListingScreen(ViewScreen, Generic[T]):
    """Subclasses give the columns, their sort keys, a row builder and the detail text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filtrar", id="lista.filtrar", tooltip="Escriba para filtrar la tabla"),
        Binding("o", "sort_next", "Ordenar", id="lista.ordenar", tooltip="Ordena por la columna siguiente"),
        Binding(
            "i", "sort_reverse", "Invertir", id="lista.invertir", show=False, tooltip="Invierte el orden de la tabla"
        ),
        Binding(
            "escape",
            "back",
            "Volver",
            id="lista.volver",
            show=False,
            tooltip="Limpia el filtro; con el filtro vacío vuelve a Hoy",
        ),
    ]
    columns: ClassVar[Sequence[Column]] = ()
    sort_keys: Sequence[SortKey | None] = ()
    placeholder = "Filtrar…"
    #: how long the latest filter took, for the benchmark and the log
    last_filter_ms: float = 0.0

    def __init__(self) -> None:
        super().__init__()
        self.items: list[T] = []
        self._by_key: dict[Any, T] = {}
        self._rows: list[tuple[T, Row, str]] = []
        self.sort_column = 1
        self.sort_reverse = False

    def compose(self) -> ComposeResult:
        yield StatusLine(self.mode)
        yield Input(
            placeholder=self.placeholder,
            id="filter",
            compact=True,
            tooltip="Filtra mientras escribe; varias palabras deben aparecer todas",
        )
        yield VirtualTable(self.columns, empty_text="Cargando…", id="table")
        with Horizontal(id="detail"):
            with VerticalScroll(classes="detail-column"):
                yield Static("", id="detail-left")
            with VerticalScroll(classes="detail-column"):
                yield Static("", id="detail-right")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.table.focus()
        self.show_data()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    # -- subclass hooks -----------------------------------------------------------

    def load_items(self) -> list[T] | None:
        return None

    def build_row(self, item: T) -> Row:
        raise NotImplementedError

    def haystack(self, item: T) -> str:
        raise NotImplementedError

    def item_key(self, item: T) -> Any:
        raise NotImplementedError

    def detail(self, item: T | None) -> tuple[Content | str, Content | str]:
        return "", ""

    # -- data ----------------------------------------------------------------

    def show_data(self) -> None:
        items = self.load_items()
        if items is None:
            return
        self.items = items
        # a cursor the user left on the first row stays on the first row when new data re-sorts them
        at_top = self.table.at_top()
        self._rows = [(item, self.build_row(item), self.haystack(item)) for item in items]
        self._by_key = {self.item_key(item): item for item in items}
        self._sort_rows()
        self.apply_filter()
        if at_top:
            self.table.to_top()
        self._show_detail(self.table.cursor_key)  # new data: the same row may say something new

    def _sort_rows(self) -> None:
        key = self.sort_keys[self.sort_column]
        assert key is not None

        def sort_key(entry: tuple[T, Row, str]) -> tuple[int, Any]:
            value = key(entry[0])
            return (1, "") if value is None or value == "" else (0, value)

        present = [e for e in self._rows if sort_key(e)[0] == 0]
        missing = [e for e in self._rows if sort_key(e)[0] == 1]
        present.sort(key=lambda e: sort_key(e)[1], reverse=self.sort_reverse)
        self._rows = present + missing  # empty values last, whatever the order
        table = self.table
        table.sort_column = self.sort_column
        table.sort_reverse = self.sort_reverse

    def apply_filter(self) -> None:
        started = time.perf_counter()
        query = fold(self.query_one("#filter", Input).value.strip())
        rows = [row for _, row, hay in self._rows if not query or matches(hay, query)]
        table = self.table
        table.empty_text = "Ningún resultado para el filtro." if query else "No hay registros."
        table.set_rows(rows)
        self.last_filter_ms = (time.perf_counter() - started) * 1000
        if table.cursor_key is None:
            self._show_detail(None)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def on_key(self, event: Any) -> None:
        if event.key in ("down", "up") and isinstance(self.focused, Input) and self.focused.id == "filter":
            event.stop()
            self.table.focus()

    @on(VirtualTable.Highlighted, "#table")
    def _highlighted(self, event: VirtualTable.Highlighted) -> None:
        self._show_detail(event.key)

    @on(VirtualTable.Chosen, "#table")
    def _chosen(self) -> None:
        self.open_selected()

    def open_selected(self) -> None:
        """Enter on a row (subclasses open the row's main form)."""

    @on(VirtualTable.HeaderClicked, "#table")
    def _header_clicked(self, event: VirtualTable.HeaderClicked) -> None:
        if event.column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = event.column, False
        self._resort()

    def selected(self) -> T | None:
        key = self.table.cursor_key
        return self._by_key.get(key) if key is not None else None

    def _show_detail(self, key: Any) -> None:
        item = self._by_key.get(key) if key is not None else None
        left, right = self.detail(item)
        self.query_one("#detail-left", Static).update(left)
        self.query_one("#detail-right", Static).update(right)

    def _resort(self) -> None:
        self._sort_rows()
        self.apply_filter()
        label = self.columns[self.sort_column].label
        self.notify(f"Ordenado por {label.lower()}{' (descendente)' if self.sort_reverse else ''}.", timeout=2)

    # -- actions -----------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_sort_next(self) -> None:
        self.sort_column = (self.sort_column + 1) % len(self.columns)
        self.sort_reverse = False
        self._resort()

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._resort()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
            self.table.focus()
        elif box.has_focus:
            self.table.focus()
        else:
            self.workbench.show_view("hoy")
