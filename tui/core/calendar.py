"""The business-day calendar: the institution's declared non-working days and electoral processes,
and the official days of rest (``inhabiles agregar|listar|quitar``, ``procesos agregar|listar|quitar``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from policy import validate
from policy.calendar import check_declared_range, check_listed_year
from store.calendar import DeclaredRange

if TYPE_CHECKING:
    from store.db import Store

__all__ = [
    "declare_electoral_period",
    "declare_non_working",
    "electoral_periods",
    "non_working_days",
    "remove_electoral_period",
    "remove_non_working",
]

ONE_SIDED: dict[str, str] = {}


class NonWorkingDays(NamedTuple):
    """The official days of rest of ``year`` (LFT art. 74) and every range the institution declared."""

    year: int
    official: dict[date, str]
    declared: list[DeclaredRange]


def declare_non_working(
    store: Store, start: date, end: date | None = None, *, reason: str | None = None
) -> DeclaredRange:
    """Declare the institution's own non-working day(s), from ``start`` to ``end`` (by default ``start``)
    inclusive. UsageError for a range that ends before it starts, spans more than a year, or a bad reason."""
    last = start if end is None else end
    check_declared_range(start, last)
    return store.calendar.add_non_working(start, last, validate.text(reason, "motivo"))


def non_working_days(store: Store, year: int | None = None) -> NonWorkingDays:
    """The official days of rest of ``year`` (by default this year) and the declared ranges.

    UsageError for a year outside ``policy.calendar.LISTED_YEARS``.
    """
    shown = store.now().year if year is None else year
    check_listed_year(shown)
    declared = store.calendar.non_working()
    return NonWorkingDays(shown, store.calendar.official_days(shown, shown), declared)


def remove_non_working(store: Store, range_id: int) -> None:
    """Remove a declared non-working range; NotFoundError when there is none with that id."""
    store.calendar.remove_non_working(range_id)


def declare_electoral_period(store: Store, start: date, end: date, *, name: str | None = None) -> DeclaredRange:
    """Declare an electoral-process period, ``start`` to ``end`` inclusive: every day in it is hábil.

    UsageError as in ``declare_non_working``.
    """
    check_declared_range(start, end)
    return store.calendar.add_electoral_period(start, end, validate.text(name, "motivo"))


def electoral_periods(store: Store) -> list[DeclaredRange]:
    """The declared electoral-process periods, by their first day."""
    return store.calendar.electoral_periods()


def remove_electoral_period(store: Store, range_id: int) -> None:
    """Remove a declared electoral-process period; NotFoundError when there is none with that id."""
    store.calendar.remove_electoral_period(range_id)
