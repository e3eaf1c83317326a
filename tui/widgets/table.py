"""A virtual table: renders only the rows on screen, so 10,000 rows cost what 40 do.

Textual's DataTable measures every cell when rows are added (about 1.1 s for
10,000 rows); filtering as you type needs the rows replaced on each keystroke.
This widget keeps plain tuples of strings and draws the visible lines with the
line API. Section rows (``kind="section"``) are headings the cursor skips.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias, overload

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    #: fixed width in cells; ``None`` shares what is left among the flexible columns
    width: int | None = None
    min_width: int = 8
    #: share of the spare width a flexible column takes
    weight: int = 1
    #: hidden (the detail pane still shows it) when the terminal is too narrow for every column
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    key: Any
    cells: tuple[str, ...]
    #: component class suffix: "", "overdue", "soon", "muted" or "section"
    kind: str = ""


class LazyRow:
    """A row whose cells are computed the first time it is drawn: a table of thousands of
    rows (Hoy's agenda) pays only for the ones on screen."""

    __slots__ = ("_cells", "_make", "key", "kind")

    def __init__(self, key: Any, make: Callable[[Any], tuple[str, ...]], kind: str = "") -> None:
        self.key = key
        self.kind = kind
        #: called with ``key`` (one bound method serves every row: no closure per row)
        self._make: Callable[[Any], tuple[str, ...]] | None = make
        self._cells: tuple[str, ...] = ()

    @property
    def cells(self) -> tuple[str, ...]:
        if self._make is not None:
            self._cells, self._make = self._make(self.key), None
        return self._cells


TableRow: TypeAlias = Row | LazyRow


class SectionedRows(Sequence[TableRow]):
    """Section headings, each followed by the rows of its keys, made the first time they are read:
    Hoy's ~50,000 items (20,000 accounts) cost the table the rows on screen, not a list of them.

    ``keys`` of a section is any sequence (a ``range`` of the agenda's indexes when unfiltered);
    each row is a ``LazyRow(key, make, kind)``.
    """

    def __init__(self, sections: Sequence[tuple[Row, Sequence[Any], str]], make: Callable[[Any], tuple[str, ...]]):
        self._sections = list(sections)
        self._make = make
        self._starts: list[int] = []
        position = 0
        for _, keys, _ in self._sections:
            self._starts.append(position)
            position += 1 + len(keys)
        self._length = position
        self._made: dict[int, TableRow] = {}
        self._positions: dict[Any, int] | None = None

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> TableRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[TableRow]: ...

    def __getitem__(self, index: int | slice) -> TableRow | list[TableRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        made = self._made.get(index)
        if made is None:
            number = bisect_right(self._starts, index) - 1
            heading, keys, kind = self._sections[number]
            offset = index - self._starts[number]
            made = heading if offset == 0 else LazyRow(keys[offset - 1], self._make, kind)
            self._made[index] = made
        return made

    @property
    def selectable(self) -> int:
        return self._length - len(self._sections)

    def position_of(self, key: Any) -> int:
        """Where the row of ``key`` is (-1 when no section has it)."""
        if key is None:
            return -1
        for start, (_, keys, _) in zip(self._starts, self._sections, strict=True):
            if isinstance(keys, range) and type(key) is int and key in keys:
                return start + 1 + keys.index(key)
        if self._positions is None:  # a filtered list: indexed once, when first asked
            self._positions = {}
            for start, (_, keys, _) in zip(self._starts, self._sections, strict=True):
                if not isinstance(keys, range):
                    for offset, each in enumerate(keys, start + 1):
                        self._positions.setdefault(each, offset)
        return self._positions.get(key, -1)

    def forget(self, key: Any) -> None:
        """Make the row of ``key`` again when next read (its cells changed)."""
        self._made.pop(self.position_of(key), None)


def fit(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` cells, marking a cut with «…»."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class VirtualTable(ScrollView, can_focus=True):
    """Rows of text with a header line, a cursor and one highlighted column for sorting."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--section",
        "vtable--overdue",
        "vtable--soon",
        "vtable--muted",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Subir", show=False, id="tabla.subir", tooltip="Fila anterior"),
        Binding("down,j", "cursor(1)", "Bajar", show=False, id="tabla.bajar", tooltip="Fila siguiente"),
        Binding(
            "pageup", "page(-1)", "Página anterior", show=False, id="tabla.pagina_anterior", tooltip="Sube una pantalla"
        ),
        Binding(
            "pagedown",
            "page(1)",
            "Página siguiente",
            show=False,
            id="tabla.pagina_siguiente",
            tooltip="Baja una pantalla",
        ),
        Binding("home", "edge(0)", "Inicio", show=False, id="tabla.inicio", tooltip="Primera fila"),
        Binding("end", "edge(1)", "Final", show=False, id="tabla.final", tooltip="Última fila"),
        Binding("enter", "choose", "Abrir", id="tabla.abrir", tooltip="Abre la fila seleccionada"),
    ]
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; overflow-x: hidden; }
    """

    cursor: reactive[int] = reactive(-1, init=False)

    class Highlighted(Message):
        """The cursor moved to another row (coalesced: only the latest one matters)."""

        def __init__(self, table: VirtualTable, key: Any) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, VirtualTable.Highlighted) and message.table is self.table

    class Chosen(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: VirtualTable, key: Any) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class HeaderClicked(Message):
        def __init__(self, table: VirtualTable, column: int) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, empty_text: str = "Sin filas.", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.columns = list(columns)
        self.rows: Sequence[TableRow] = []
        self.empty_text = empty_text
        self.sort_column: int | None = None
        self.sort_reverse = False
        self._highlighted_key: Any = None
        self._highlighted_sent = False

    # -- data ----------------------------------------------------------------

    def set_rows(self, rows: Sequence[TableRow], keep_key: Any = None) -> None:
        """Replace every row; the cursor stays on ``keep_key`` (or the current key) when present."""
        previous = keep_key if keep_key is not None else self.cursor_key
        self.rows = rows if isinstance(rows, SectionedRows) else list(rows)
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        target = self.position_of(previous)
        if target < 0:
            target = self._next_selectable(-1, 1)
        self._set_cursor(target, force=True)
        self.refresh()

    @property
    def cursor_key(self) -> Any:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    @property
    def selectable_count(self) -> int:
        if isinstance(self.rows, SectionedRows):
            return self.rows.selectable
        return sum(1 for row in self.rows if row.kind != "section")

    def position_of(self, key: Any) -> int:
        """The position of the row of ``key`` (-1 when none has it)."""
        if isinstance(self.rows, SectionedRows):
            return self.rows.position_of(key)
        return next((i for i, row in enumerate(self.rows) if row.kind != "section" and row.key == key), -1)

    def redraw_key(self, key: Any, row: TableRow | None = None) -> None:
        """Draw the row of ``key`` again: made anew (``SectionedRows``) or replaced by ``row``."""
        position = self.position_of(key)
        if position < 0:
            return
        if isinstance(self.rows, SectionedRows):
            self.rows.forget(key)
        elif row is not None:
            rows = self.rows
            assert isinstance(rows, list)
            rows[position] = row
        self.refresh()

    def _next_selectable(self, start: int, step: int) -> int:
        index = start + step
        while 0 <= index < len(self.rows):
            if self.rows[index].kind != "section":
                return index
            index += step
        return -1

    def _set_cursor(self, index: int, force: bool = False) -> None:
        if index == self.cursor and not force:
            return
        previous = self._highlighted_key
        self.cursor = index
        self._scroll_to_cursor()
        self.refresh()
        if force and self.cursor_key == previous and self._highlighted_sent:
            return  # same row after new data: nothing for the listeners to redo
        self._highlighted_key = self.cursor_key
        self._highlighted_sent = True
        self.post_message(self.Highlighted(self, self.cursor_key))

    def _scroll_to_cursor(self) -> None:
        if self.cursor < 0:
            return
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_offset.y)
        # keep the section heading above the first row visible
        wanted = self.cursor - 1 if self.cursor > 0 and self.rows[self.cursor - 1].kind == "section" else self.cursor
        if wanted < top:
            self.scroll_to(y=wanted, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def at_top(self) -> bool:
        """The cursor is on the first selectable row (or there is none)."""
        return self.cursor_key is None or self.cursor == self._next_selectable(-1, 1)

    def to_top(self) -> None:
        self._set_cursor(self._next_selectable(-1, 1), force=True)

    def move_to_key(self, key: Any) -> None:
        index = self.position_of(key)
        if index >= 0:
            self._set_cursor(index)

    # -- actions -----------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        target = self._next_selectable(self.cursor, step)
        if target >= 0:
            self._set_cursor(target)

    def action_page(self, direction: int) -> None:
        page = max(1, self.size.height - 2)
        index = min(max(self.cursor + direction * page, 0), len(self.rows) - 1)
        if index < 0:
            return
        if self.rows[index].kind == "section":
            found = self._next_selectable(index, direction)
            index = found if found >= 0 else self._next_selectable(index, -direction)
        if index >= 0:
            self._set_cursor(index)

    def action_edge(self, end: int) -> None:
        target = self._next_selectable(len(self.rows), -1) if end else self._next_selectable(-1, 1)
        if target >= 0:
            self._set_cursor(target)

    def action_choose(self) -> None:
        if self.cursor_key is not None:
            self.post_message(self.Chosen(self, self.cursor_key))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            offset = 0
            for index, width in enumerate(self._widths()):
                if not width:
                    continue
                if offset <= event.x < offset + width + 1:
                    self.post_message(self.HeaderClicked(self, index))
                    return
                offset += width + 1
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows) and self.rows[index].kind != "section":
            self._set_cursor(index)
            if event.chain >= 2:
                self.action_choose()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- rendering -------------------------------------------------------------

    @property
    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    def _widths(self) -> list[int]:
        """Fixed columns keep their width while it fits, then shrink towards ``min_width``;
        flexible ones share what is left in proportion to their ``weight``."""
        total = self._content_width - (len(self.columns) - 1)
        widths = [c.width if c.width is not None else c.min_width for c in self.columns]
        excess = sum(widths) - total
        for index in reversed(range(len(self.columns))):
            if excess <= 0:
                break
            column = self.columns[index]
            if column.width is not None and widths[index] > column.min_width:
                cut = min(excess, widths[index] - column.min_width)
                widths[index] -= cut
                excess -= cut
        for index in reversed(range(len(self.columns))):
            if excess <= 0:
                break
            if self.columns[index].optional and widths[index]:
                excess -= widths[index] + 1
                widths[index] = 0
        spare = -excess if excess < 0 else 0
        flexible = [i for i, c in enumerate(self.columns) if c.width is None and widths[i]]
        weights = sum(self.columns[i].weight for i in flexible)
        if flexible and spare:
            given = 0
            for i in flexible:
                extra = spare * self.columns[i].weight // weights
                widths[i] += extra
                given += extra
            widths[flexible[-1]] += spare - given
        return widths

    def _line_text(self, cells: Sequence[str], widths: Sequence[int]) -> str:
        parts = [fit(cells[i] if i < len(cells) else "", w) for i, w in enumerate(widths) if w]
        return " ".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self._content_width
        widths = self._widths()
        base = self.rich_style
        if y == 0:
            labels = []
            for index, column in enumerate(self.columns):  # hidden columns are skipped in _line_text
                mark = ""
                if index == self.sort_column:
                    mark = " ▼" if self.sort_reverse else " ▲"
                labels.append(column.label + mark)
            header_style = base + self.get_component_rich_style("vtable--header")
            return Strip([Segment(fit(self._line_text(labels, widths), width), header_style)], width)
        index = int(self.scroll_offset.y) + y - 1
        if not self.rows:
            if y == 1:
                muted = base + self.get_component_rich_style("vtable--muted")
                return Strip([Segment(fit("  " + self.empty_text, width), muted)], width)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        style: Style = base
        if row.kind:
            style = style + self.get_component_rich_style(f"vtable--{row.kind}")
        if row.kind == "section":
            text = fit(" " + " ".join(c for c in row.cells if c), width)
        else:
            text = fit(self._line_text(row.cells, widths), width)
        if index == self.cursor:
            cursor_style = self.get_component_rich_style("vtable--cursor")
            style = style + (cursor_style if self.has_focus else Style(reverse=False, underline=True))
        return Strip([Segment(text, style)], width)
