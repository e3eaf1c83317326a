"""The business-day calendar as stored: official holidays (materialized once a
year from the ``holidays`` package), the institution's declared non-working
days, and declared electoral-process periods."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from policy.calendar import BusinessCalendar, DateRange
from store.errors import NotFoundError, StoreLockedError, StoreReadOnlyError

if TYPE_CHECKING:
    from store.db import Store

#: Years before this are never needed (the oldest dated rule is from 2021).
FIRST_YEAR = 2017


class DeclaredRange(NamedTuple):
    id: int
    start: date
    end: date
    label: str | None


def official_holidays_for(year: int) -> dict[date, str]:
    """Mexico's official days of rest for ``year`` (LFT art. 74), named in Spanish."""
    import holidays  # lazy: 100–170 ms, needed once per year per database

    calendar = holidays.country_holidays("MX", years=year, language="es")
    return {day: str(name) for day, name in sorted(calendar.items())}


class Calendar:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- official holidays ------------------------------------------------

    def ensure_years(self, first: int, last: int) -> None:
        """Materialize the official holidays of every year in [first, last] not stored yet.

        On a read-only database the calendar is still computed, just not saved.
        """
        first = max(first, FIRST_YEAR)
        stored = {r["year"] for r in self._store.query("SELECT year FROM holiday_years")}
        missing = [y for y in range(first, last + 1) if y not in stored]
        if not missing:
            return
        with self._store.atomic():
            for year in missing:
                for day, name in official_holidays_for(year).items():
                    self._store.execute(
                        "INSERT OR REPLACE INTO official_holidays (day, name) VALUES (?, ?)",
                        (day.isoformat(), name),
                    )
                self._store.execute(
                    "INSERT INTO holiday_years (year, materialized_at) VALUES (?, ?)",
                    (year, self._store.stamp()),
                )

    def official(self, first: int, last: int) -> dict[date, str]:
        rows = self._store.query(
            "SELECT day, name FROM official_holidays WHERE day BETWEEN ? AND ? ORDER BY day",
            (f"{first:04d}-01-01", f"{last:04d}-12-31"),
        )
        return {date.fromisoformat(r["day"]): r["name"] for r in rows}

    # -- declared ranges --------------------------------------------------

    def _add_range(self, table: str, label_column: str, start: date, end: date, label: str | None) -> DeclaredRange:
        """Persist a range already checked (``tui.core.calendar``: ``policy.calendar.check_declared_range``)."""
        with self._store.atomic():
            range_id = self._store.insert(
                table,
                {
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    label_column: label,
                    "created_at": self._store.stamp(),
                },
            )
        return DeclaredRange(range_id, start, end, label)

    def _list(self, table: str, label_column: str) -> list[DeclaredRange]:
        rows = self._store.query(f"SELECT * FROM {table} ORDER BY start_date, id")
        return [
            DeclaredRange(
                r["id"], date.fromisoformat(r["start_date"]), date.fromisoformat(r["end_date"]), r[label_column]
            )
            for r in rows
        ]

    def _remove(self, table: str, range_id: int, what: str) -> None:
        with self._store.atomic():
            cursor = self._store.execute(f"DELETE FROM {table} WHERE id = ?", (range_id,))
            if cursor.rowcount == 0:
                raise NotFoundError(f"No existe {what} con id {range_id}.")

    def add_non_working(self, start: date, end: date, reason: str | None = None) -> DeclaredRange:
        """Record the institution's own non-working day(s), from ``start`` to ``end`` inclusive (checked)."""
        return self._add_range("non_working_days", "reason", start, end, reason)

    def non_working(self) -> list[DeclaredRange]:
        return self._list("non_working_days", "reason")

    def remove_non_working(self, range_id: int) -> None:
        self._remove("non_working_days", range_id, "el día inhábil declarado")

    def add_electoral_period(self, start: date, end: date, name: str | None = None) -> DeclaredRange:
        """Record an electoral-process period (checked): every day in it counts as hábil."""
        return self._add_range("electoral_periods", "name", start, end, name)

    def electoral_periods(self) -> list[DeclaredRange]:
        return self._list("electoral_periods", "name")

    def remove_electoral_period(self, range_id: int) -> None:
        self._remove("electoral_periods", range_id, "el proceso electoral")

    # -- the calendar the rules use --------------------------------------

    def official_days(self, first: int, last: int) -> dict[date, str]:
        """Official holidays of the years [first, last], materializing missing years once.

        When the database cannot be written (read-only, or another process holds
        the write lock) they are computed without saving, so that reading the
        agenda never fails for it; years before FIRST_YEAR are never stored.
        """
        stored_first = max(first, FIRST_YEAR)
        days: dict[date, str] = {}
        if stored_first <= last:
            try:
                self.ensure_years(stored_first, last)
                days = self.official(stored_first, last)
            except (StoreReadOnlyError, StoreLockedError):
                for year in range(stored_first, last + 1):
                    days.update(official_holidays_for(year))
        for year in range(first, min(last, FIRST_YEAR - 1) + 1):
            days.update(official_holidays_for(year))
        return dict(sorted(days.items()))

    def business_calendar(self, first: int, last: int) -> BusinessCalendar:
        """The calendar for [first, last], materializing missing holiday years once."""
        holidays_by_day = self.official_days(first, last)
        return BusinessCalendar(
            holidays=holidays_by_day,
            non_working=[DateRange(r.start, r.end, r.label or "Día inhábil declarado") for r in self.non_working()],
            electoral=[DateRange(r.start, r.end, r.label or "Proceso electoral") for r in self.electoral_periods()],
        )
