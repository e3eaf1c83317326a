"""Calendario: the month at a glance — non-working days, electoral-process days and what falls due
each day. Arrows move the day, PgUp/PgDn the month, Enter opens the day's items (and each item its
dialog, as in Hoy). The month is read in a thread worker (``tui.core.schedule.month_view``).
"""

from __future__ import annotations

import calendar as month_grid
from datetime import date, timedelta
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from policy.codes import Status
from policy.labels import KIND_LABELS
from policy.obligations import Obligation
from tui import flows
from tui.core.schedule import CalendarDay, MonthView, month_view
from tui.render.outline import MONTHS, long_date
from tui.screens.base import PaletteCommand, ViewScreen
from tui.screens.hoy import ObligationScreen, subject
from tui.widgets.footer import FittedFooter
from tui.widgets.status import StatusLine

WEEKDAYS = ("Lun", "Mar", "Mié", "Jue", "Vie", "Sáb", "Dom")
WEEKDAY_NAMES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_grid.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def day_summary(info: CalendarDay) -> str:
    """The detail line of a day: hábil or why not, the electoral process, how many items."""
    parts = [f"{WEEKDAY_NAMES[info.day.weekday()].capitalize()} {long_date(info.day)}"]
    if info.not_working is not None:
        parts.append(f"inhábil: {info.not_working}")
    else:
        parts.append("hábil")
    if info.electoral:
        parts.append("proceso electoral (todos los días cuentan)")
    overdue = sum(1 for i in info.items if i.status is Status.OVERDUE)
    count = len(info.items)
    if count:
        parts.append(
            f"{count} {'pendiente' if count == 1 else 'pendientes'}" + (f" ({overdue} vencidos)" if overdue else "")
        )
    else:
        parts.append("sin pendientes")
    return " · ".join(parts)


class DayScreen(ModalScreen[Obligation | None]):
    """The items due on one day; Enter opens one (its dialog offers what resolves it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Volver", id="dia.volver", tooltip="Vuelve al calendario"),
    ]

    def __init__(self, info: CalendarDay) -> None:
        super().__init__(classes="dialog-screen")
        self.info = info

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick"):
            yield Label(day_summary(self.info), classes="dialog-title")
            if self.info.items:
                yield OptionList(
                    *(
                        Option(f"{KIND_LABELS.get(i.kind, str(i.kind))} · {subject(i)}: {i.message}", id=str(n))
                        for n, i in enumerate(self.info.items)
                    ),
                    id="day-items",
                )
            else:
                yield Static("Nada vence este día.", classes="dialog-text")
        yield Footer()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.info.items[int(event.option.id or 0)])


class CalendarioScreen(ViewScreen):
    """A month: each day with its marks; the selected day's summary below."""

    mode = "calendario"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Día anterior", id="calendario.anterior", show=False, tooltip="Un día antes"),
        Binding("right", "move(1)", "Día siguiente", id="calendario.siguiente", show=False, tooltip="Un día después"),
        Binding("up", "move(-7)", "Semana anterior", id="calendario.arriba", show=False, tooltip="Una semana antes"),
        Binding("down", "move(7)", "Semana siguiente", id="calendario.abajo", show=False, tooltip="Una semana después"),
        Binding("pageup", "month(-1)", "Mes anterior", id="calendario.mes_anterior", tooltip="El mes anterior"),
        Binding("pagedown", "month(1)", "Mes siguiente", id="calendario.mes_siguiente", tooltip="El mes siguiente"),
        Binding("t", "today", "Hoy", id="calendario.hoy", tooltip="Vuelve al día de hoy"),
        Binding("enter", "open_day", "Abrir el día", id="calendario.abrir", tooltip="Lista lo que vence ese día"),
        Binding(
            "a", "notices", "Avisos", id="calendario.avisos", tooltip="Los avisos al público antes de días inhábiles"
        ),
        Binding(
            "e",
            "export_calendar",
            "Exportar ICS",
            id="calendario.exportar",
            tooltip="Escribe la agenda como archivo .ics para el calendario de la oficina",
        ),
    ]

    class Loaded(Message):
        def __init__(self, view: MonthView) -> None:
            super().__init__()
            self.view = view

    def __init__(self) -> None:
        super().__init__()
        self.selected: date | None = None
        self.view: MonthView | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine(self.mode)
        yield Static("", id="month-title")
        with Grid(id="weekdays"):
            for name in WEEKDAYS:
                yield Static(name, classes="weekday")
        with Grid(id="month"):
            for index in range(42):
                yield Static("", id=f"cell-{index}", classes="day")
        yield Static("Cargando el mes…", id="day-detail")
        yield FittedFooter()

    def on_mount(self) -> None:
        self.selected = self.workbench.workspace.now().date()
        self.show_data()

    def show_data(self) -> None:
        if self.selected is not None:
            self._load(self.selected.year, self.selected.month)

    @work(thread=True, exclusive=True, exit_on_error=False, group="calendario")
    def _load(self, year: int, month: int) -> None:
        self.post_message(self.Loaded(self.workbench.workspace.run(month_view, year, month)))

    @on(Loaded)
    def _loaded(self, event: CalendarioScreen.Loaded) -> None:
        self.view = event.view
        self._draw()

    # -- drawing -------------------------------------------------------------

    def _draw(self) -> None:
        view = self.view
        if view is None or self.selected is None:
            return
        self.query_one("#month-title", Static).update(
            f"{MONTHS[view.month - 1].capitalize()} de {view.year}   ←→↑↓ días · RePág/AvPág meses · Enter abre el día"
        )
        first = date(view.year, view.month, 1)
        offset = first.weekday()
        by_day = {info.day: info for info in view.days}
        for index in range(42):
            cell = self.query_one(f"#cell-{index}", Static)
            day = first + timedelta(days=index - offset)
            info = by_day.get(day)
            cell.set_classes("day")
            if info is None:
                cell.update("")
                cell.add_class("outside")
                continue
            overdue = sum(1 for i in info.items if i.status is Status.OVERDUE)
            marks = []
            if info.electoral:
                marks.append("PE")
            if overdue:
                marks.append(f"{overdue}!")
            elif info.items:
                marks.append(str(len(info.items)))
            second = "inhábil" if info.not_working is not None and not info.weekend else ""
            cell.update(f"{day.day:>2} {' '.join(marks)}".rstrip() + (f"\n{second}" if second else ""))
            if info.not_working is not None:
                cell.add_class("off")
            if info.electoral:
                cell.add_class("electoral")
            if overdue:
                cell.add_class("overdue")
            elif info.items:
                cell.add_class("due")
            if day == view.today:
                cell.add_class("today")
            if day == self.selected:
                cell.add_class("selected")
        chosen = view.day(self.selected)
        if chosen is not None:
            lines = [day_summary(chosen)]
            lines += [f"• {KIND_LABELS.get(i.kind, str(i.kind))} · {subject(i)}" for i in chosen.items[:3]]
            if len(chosen.items) > 3:
                lines.append(f"  … y {len(chosen.items) - 3} más (Enter)")
            self.query_one("#day-detail", Static).update("\n".join(lines))

    # -- keys ------------------------------------------------------------------

    def _go(self, day: date) -> None:
        today = self.workbench.workspace.now().date()
        if abs((day.year - today.year) * 12 + day.month - today.month) > 12:
            self.notify("El calendario llega a 12 meses antes o después del actual.", severity="warning")
            return
        previous = self.selected
        self.selected = day
        if previous is None or (previous.year, previous.month) != (day.year, day.month):
            self._load(day.year, day.month)
        else:
            self._draw()

    def action_move(self, days: int) -> None:
        if self.selected is not None:
            self._go(self.selected + timedelta(days=days))

    def action_month(self, months: int) -> None:
        if self.selected is not None:
            self._go(add_months(self.selected, months))

    def action_today(self) -> None:
        self._go(self.workbench.workspace.now().date())

    def action_notices(self) -> None:
        from tui.flows import show_holiday_notices  # lazy: the palette's module, not needed by the first frame

        show_holiday_notices(self.workbench)

    def action_open_day(self) -> None:
        if self.view is None or self.selected is None:
            return
        info = self.view.day(self.selected)
        if info is None:
            return
        view = self.view
        self.app.push_screen(DayScreen(info), lambda item: self._open_item(view, item))

    def _open_item(self, view: MonthView, item: Obligation | None) -> None:
        if item is None:
            return

        def resolved(resolution: object) -> None:
            opener = getattr(resolution, "open", None)
            if opener is not None:
                opener(self.workbench, item)

        self.app.push_screen(ObligationScreen(item, view.profile, view.now), resolved)

    def action_export_calendar(self) -> None:
        flows.export_calendar(self.workbench)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand("calendario: Abrir el día", self.action_open_day, "Lista lo que vence el día elegido"),
            PaletteCommand("calendario: Hoy", self.action_today, "Vuelve al día de hoy"),
        ]
