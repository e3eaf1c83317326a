"""Business days (días hábiles) for an institution.

A day is hábil unless it is a Saturday or Sunday, one of Mexico's official
holidays (Ley Federal del Trabajo art. 74), or a non-working day the
institution declared. Inside a declared electoral-process period every day is
hábil, the general rule in electoral matters.

The official holidays are handed in by the caller (the store keeps them,
materialized once per year), so this module never imports ``holidays``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import NamedTuple

from policy.clock import format_date
from policy.errors import UsageError

#: A declared range (non-working days, an electoral process) ends at most this many days after it starts.
MAX_DECLARED_DAYS = 366
#: The years whose official days of rest a listing shows.
LISTED_YEARS = (2000, 2100)


def check_declared_range(start: date, end: date) -> None:
    """UsageError when a declared range ends before it starts or spans more than a year."""
    if end < start:
        raise UsageError(f"La fecha final ({format_date(end)}) es anterior a la inicial ({format_date(start)}).")
    if (end - start).days > MAX_DECLARED_DAYS:
        raise UsageError("Un periodo declarado no puede abarcar más de un año.")


def check_listed_year(year: int) -> None:
    """UsageError for a year whose official days no listing shows (outside LISTED_YEARS)."""
    if not LISTED_YEARS[0] <= year <= LISTED_YEARS[1]:
        raise UsageError(f"El año debe estar entre {LISTED_YEARS[0]} y {LISTED_YEARS[1]}.")


class DateRange(NamedTuple):
    start: date
    end: date
    label: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class BusinessCalendar:
    """Answers «is this day hábil?» and counts business days.

    ``holidays`` maps each official holiday to its name; ``non_working`` are the
    institution's declared ranges (vacations, Semana Santa…); ``electoral`` are
    the periods in which every day counts.
    """

    #: Counting more business days than this means a broken setting, not a deadline.
    MAX_SPAN = 3660

    def __init__(
        self,
        holidays: Mapping[date, str] | None = None,
        non_working: Iterable[DateRange] = (),
        electoral: Iterable[DateRange] = (),
    ) -> None:
        self._holidays = dict(holidays or {})
        self._non_working = tuple(non_working)
        self._electoral = tuple(electoral)
        self._extra_days: dict[date, str] = {}
        for span in self._non_working:
            for offset in range((span.end - span.start).days + 1):  # never steps past date.max
                day = span.start + timedelta(days=offset)
                self._extra_days.setdefault(day, span.label or "Día inhábil declarado")

    @property
    def holidays(self) -> Mapping[date, str]:
        return self._holidays

    @property
    def non_working(self) -> tuple[DateRange, ...]:
        return self._non_working

    def in_electoral_period(self, day: date) -> bool:
        return any(day in span for span in self._electoral)

    def reason_not_working(self, day: date) -> str | None:
        """Why ``day`` is not hábil (Spanish), or None when it is."""
        if self.in_electoral_period(day):
            return None
        if day in self._holidays:
            return self._holidays[day]
        if day in self._extra_days:
            return self._extra_days[day]
        if day.weekday() >= 5:
            return "Sábado" if day.weekday() == 5 else "Domingo"
        return None

    def is_business_day(self, day: date) -> bool:
        return self.reason_not_working(day) is None

    def add_business_days(self, start: date, count: int) -> date:
        """The ``count``-th business day after ``start`` (``start`` itself is not counted).

        This is how Mexican administrative deadlines run: a term notified on a
        Friday starts on the next business day. ``count`` must be positive.
        """
        if count < 1:
            raise UsageError("El número de días hábiles debe ser mayor que cero.")
        day = start
        remaining = count
        steps = 0
        while remaining:
            day += timedelta(days=1)
            steps += 1
            if steps > self.MAX_SPAN:
                raise UsageError(
                    "El calendario no tiene suficientes días hábiles: revise los días inhábiles declarados."
                )
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]: how many have run since ``start``."""
        if end <= start:
            return 0
        total = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                total += 1
        return total

    def previous_business_days(self, end: date, count: int) -> date:
        """The business day that falls ``count`` business days before ``end``."""
        if count < 1:
            raise UsageError("El número de días hábiles debe ser mayor que cero.")
        day = end
        remaining = count
        steps = 0
        while remaining:
            day -= timedelta(days=1)
            steps += 1
            if steps > self.MAX_SPAN:
                raise UsageError(
                    "El calendario no tiene suficientes días hábiles: revise los días inhábiles declarados."
                )
            if self.is_business_day(day):
                remaining -= 1
        return day
