"""Notices to the public before non-working days (ine §5.1, ieeags, ieesonora): list and mark them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from policy.clock import format_date
from policy.errors import PolicyError, UsageError
from policy.workflows import holiday_notice_due, holiday_periods
from store.errors import NotFoundError
from store.state import calendar_years

if TYPE_CHECKING:
    from policy.workflows import HolidayPeriod
    from store.db import Store

__all__ = ["mark_holiday_notice", "notice_periods"]

ONE_SIDED: dict[str, str] = {}

#: How many days ahead the notices' list looks by default (both faces).
NOTICE_WINDOW_DAYS = 90


class NoticePeriod(NamedTuple):
    """A non-working period that needs a notice, when the notice is due, and when it was given."""

    period: HolidayPeriod
    due: datetime
    done_on: date | None


def notice_periods(
    store: Store, now: datetime, first: date | None = None, last: date | None = None
) -> list[NoticePeriod]:
    """The periods starting between ``first`` (today by default) and ``last`` (``NOTICE_WINDOW_DAYS``
    after ``first`` by default) whose notice the profile asks for.

    PolicyError when the institution's profile provides no such notice.
    """
    first = first if first is not None else now.date()
    last = last if last is not None else first + timedelta(days=NOTICE_WINDOW_DAYS)
    profile = store.settings.profile()
    if not profile.settings.holiday_notice or not profile.has_rule("holiday_notice"):
        raise PolicyError(f"El perfil {profile.short_name} no prevé avisos al público antes de los días inhábiles.")
    years = calendar_years(profile, now)
    calendar = store.calendar.business_calendar(min(years[0], first.year), max(years[1], last.year))
    done = store.holiday_notices.done()
    return [
        NoticePeriod(period, holiday_notice_due(profile, calendar, period.start), done.get(period.id))
        for period in holiday_periods(calendar, first, last)
    ]


def mark_holiday_notice(store: Store, now: datetime, start: date, on: date, note: str | None) -> HolidayPeriod:
    """Record that the notice of the period starting on ``start`` was given on ``on``.

    PolicyError when the profile provides no such notice; NotFoundError when no
    period starts that day; UsageError when ``on`` is after the period;
    ConflictError when it was already marked.
    """
    matches = [n.period for n in notice_periods(store, now, start, start) if n.period.start == start]
    if not matches:
        raise NotFoundError(
            f"No hay un día inhábil oficial ni un periodo declarado que empiece el {format_date(start)}."
        )
    period = matches[0]
    if on > period.end:
        raise UsageError(f"La fecha del aviso ({format_date(on)}) es posterior al periodo inhábil.")
    store.holiday_notices.mark_done(period, on=on, note=note)
    return period
