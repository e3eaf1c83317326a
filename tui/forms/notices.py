"""The notices to the public before non-working days (the command line's «avisos listar»): each
period, by when its notice is due and whether it was given; «m» records a pending one.

Only where the institution's profile provides the notice: elsewhere the core refuses, and the
dialog shows its message.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from policy.clock import format_date
from tui.core.notices import NoticePeriod, notice_periods
from tui.forms.agenda_items import HolidayNoticeDialog
from tui.forms.tables import TableDialog
from tui.widgets.table import Column, Row


def notice_given_text(item: NoticePeriod) -> str:
    """«no» or the day it was given, as the command line's «Cumplido» column says it."""
    return format_date(item.done_on) if item.done_on else "no"


class NoticesDialog(TableDialog[NoticePeriod]):
    """The non-working periods of the coming days (the core's default window) and their notices."""

    title_text = "Avisos de días inhábiles"
    empty_text = "No hay días inhábiles en los próximos días."
    BINDINGS: ClassVar[list[BindingType]] = [
        *TableDialog.BINDINGS,
        Binding(
            "m", "mark", "Marcar dado", id="avisos.marcar", tooltip="Registra el aviso del periodo elegido como dado"
        ),
    ]
    columns = (
        Column("Desde", 10, 10),
        Column("Hasta", 10, 10),
        Column("Motivo", None, 14, 2),
        Column("Avisar antes de", 15, 10),
        Column("Cumplido", 10, 8),
    )

    def intro(self) -> str:
        return "Los periodos inhábiles de los próximos días y su aviso al público. Enter o «m»: marcarlo dado."

    def fetch(self) -> list[NoticePeriod]:
        return self.workspace.run(notice_periods, self.workspace.now())

    def item_key(self, item: NoticePeriod) -> Any:
        return item.period.id

    def build_row(self, item: NoticePeriod) -> Row:
        period = item.period
        return Row(
            period.id,
            (
                format_date(period.start),
                format_date(period.end),
                period.label,
                format_date(item.due.date()),
                notice_given_text(item),
            ),
            "muted" if item.done_on else "",
        )

    def detail(self, item: NoticePeriod | None) -> Content | str:
        if item is None:
            return ""
        period = item.period
        said = (
            f"Aviso dado el {format_date(item.done_on)}."
            if item.done_on
            else "Aviso pendiente. Enter o «m»: marcarlo dado."
        )
        return Content.assemble(
            (f"{period.label}", "bold"),
            f" · del {format_date(period.start)} al {format_date(period.end)}\n",
            f"Avisar a más tardar el {format_date(item.due.date())}. {said}",
        )

    def show_error(self, text: str) -> None:
        super().show_error(text)
        if text and not self.loaded:  # the core refused the list (a profile without the notice)
            self.table.empty_text = "Sin avisos que mostrar."
            self.table.set_rows([])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            item = self.selected()
            return item is not None and item.done_on is None
        return super().check_action(action, parameters)

    def action_mark(self) -> None:
        item = self.selected()
        if item is None or item.done_on is not None:
            return
        period = item.period
        intro = (
            f"Aviso de {period.label} (del {format_date(period.start)} al {format_date(period.end)}),"
            f" a dar a más tardar el {format_date(item.due.date())}."
        )
        self.open_form(HolidayNoticeDialog(self.workspace, period, intro))

    def open_selected(self) -> None:
        self.action_mark()
