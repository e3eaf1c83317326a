"""The agenda laid on the calendar: the month view of the workbench and the events of
``calendario exportar`` (an ICS file for Outlook, Thunderbird or GNOME Calendar).

Both read the agenda through ``tui.core.agenda.compute_agenda``, the function
``pendientes`` calls, so the calendar and ``pendientes --json --dias N`` list
the same obligations with the same due times.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, NamedTuple

from policy.calendar import BusinessCalendar
from policy.clock import local
from policy.errors import UsageError
from policy.obligations import Obligation
from policy.profile import Profile
from tui.core.agenda import DEFAULT_HORIZON_DAYS, compute_agenda

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["agenda_events", "month_view"]

ONE_SIDED: Final[dict[str, str]] = {
    "month_view": "the month calendar is a workbench screen; the command line lists the same days with"
    " inhabiles listar and the same deadlines with pendientes",
}

#: How far the month view may move from today's month, either way (the agenda's calendar holds the
#: holidays of last year to next year).
MAX_MONTHS_AWAY: Final = 12


class NonWorkingDay(NamedTuple):
    day: date
    #: the holiday's name or the declared range's reason
    reason: str


class AgendaEvents(NamedTuple):
    """The agenda within ``horizon_days`` and the non-working days from today to its end."""

    now: datetime
    profile: Profile
    horizon_days: int
    items: Sequence[Obligation]
    non_working: tuple[NonWorkingDay, ...]


class CalendarDay(NamedTuple):
    day: date
    #: why the day is not hábil (a holiday, a declared range, «Sábado»/«Domingo»), None when it is
    not_working: str | None
    #: in a declared electoral-process period (every day counts)
    electoral: bool
    #: the obligations due that day (by the local date of their due time)
    items: tuple[Obligation, ...]

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


class MonthView(NamedTuple):
    year: int
    month: int
    #: the moment the agenda was computed at, and its profile (an item's dialog words both)
    now: datetime
    profile: Profile
    days: tuple[CalendarDay, ...]

    @property
    def today(self) -> date:
        return local(self.now).date()

    def day(self, day: date) -> CalendarDay | None:
        for candidate in self.days:
            if candidate.day == day:
                return candidate
        return None


def _non_working(calendar: BusinessCalendar, first: date, last: date) -> tuple[NonWorkingDay, ...]:
    """Holidays and declared days between ``first`` and ``last`` (weekends are left out: every
    calendar shows them already)."""
    found = []
    day = first
    while day <= last:
        reason = calendar.reason_not_working(day)
        if reason is not None and (day in calendar.holidays or day.weekday() < 5):
            found.append(NonWorkingDay(day, reason))
        day += timedelta(days=1)
    return tuple(found)


def agenda_events(store: Store, *, days: int | None = None, at: datetime | None = None) -> AgendaEvents:
    """Every obligation of the agenda within ``days`` (by default the agenda's own horizon; overdue
    always), and the non-working days (holidays, declared days) from today to the horizon's end.

    UsageError when ``days`` is negative."""
    horizon = DEFAULT_HORIZON_DAYS if days is None else days
    if horizon < 0:
        raise UsageError("Los días de anticipación no pueden ser negativos.")
    result = compute_agenda(store, at=at, horizon_days=horizon)
    today = local(result.now).date()
    last = today + timedelta(days=horizon)
    # (compute_agenda always has its state; only the workbench's kept agenda has none)
    calendar = (
        result.state.calendar if result.state is not None else store.calendar.business_calendar(today.year, last.year)
    )
    if last.year > today.year + 1:  # beyond the years the agenda read: those holidays too (stored once)
        calendar = store.calendar.business_calendar(today.year, last.year)
    return AgendaEvents(
        now=result.now,
        profile=result.profile,
        horizon_days=horizon,
        items=result.items,
        non_working=_non_working(calendar, today, last),
    )


def month_view(store: Store, year: int, month: int) -> MonthView:
    """Each day of ``month``: whether it is hábil, whether it falls in an electoral process and the
    obligations due on it (the agenda as of now, reaching the month's last day; overdue items on the
    day they fell due). UsageError for a month more than ``MAX_MONTHS_AWAY`` from today's."""
    now = store.now()
    today = local(now).date()
    if not 1 <= month <= 12 or abs((year - today.year) * 12 + month - today.month) > MAX_MONTHS_AWAY:
        raise UsageError(f"El calendario muestra hasta {MAX_MONTHS_AWAY} meses antes o después del actual.")
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    horizon = max(0, (last - today).days)
    result = compute_agenda(store, at=now, horizon_days=horizon)
    by_day: dict[date, list[Obligation]] = {}
    for item in result.items:
        by_day.setdefault(local(item.due).date(), []).append(item)
    calendar = (
        result.state.calendar if result.state is not None else store.calendar.business_calendar(first.year, last.year)
    )
    days = []
    day = first
    while day <= last:
        days.append(
            CalendarDay(
                day=day,
                not_working=calendar.reason_not_working(day),
                electoral=calendar.in_electoral_period(day),
                items=tuple(by_day.get(day, ())),
            )
        )
        day += timedelta(days=1)
    return MonthView(year, month, now, result.profile, tuple(days))
