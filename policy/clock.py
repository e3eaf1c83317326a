"""Time zone and date helpers shared by the rules.

All deadlines live in America/Mexico_City. Month arithmetic always starts from
the original date (dateutil's relativedelta), so that a series never drifts:
31 Aug + 6 months is 28 Feb, and 31 Aug + 12 months is 31 Aug again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from policy.errors import UsageError

ZONE = ZoneInfo("America/Mexico_City")
END_OF_DAY = time(23, 59, 59)

_MONTHS_ES = (
    "ene",
    "feb",
    "mar",
    "abr",
    "may",
    "jun",
    "jul",
    "ago",
    "sep",
    "oct",
    "nov",
    "dic",
)


@lru_cache(maxsize=8192)
def add_months(start: date, months: int) -> date:
    """Return ``start`` plus ``months`` calendar months, clamped to the month's end.

    Cached: the agenda asks for the same few thousand dates on every run.
    """
    result: date = start + _month_delta(months)
    return result


@lru_cache(maxsize=64)
def _month_delta(months: int) -> Any:
    """One ``relativedelta(months=n)`` per n: building one costs more than adding it."""
    from dateutil.relativedelta import relativedelta  # lazy: ~4 ms, only the engine needs it

    return relativedelta(months=months)


@lru_cache(maxsize=8192)
def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Mexico City: when a date-based deadline expires.

    Cached, like ``add_months``: thousands of deadlines fall on a few hundred days.
    """
    return datetime.combine(day, END_OF_DAY, tzinfo=ZONE)


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in Mexico City."""
    return datetime.combine(day, time(0, 0), tzinfo=ZONE)


def effective_moment(day: date, now: datetime) -> datetime:
    """When a change recorded by its day took effect, for the bitácora: the start of that
    day, or ``now`` when the day is today or later (the log records the past)."""
    return min(start_of_day(day), now)


def local(moment: datetime) -> datetime:
    """Convert an aware datetime to Mexico City; a naive one is taken as Mexico City time."""
    zone = moment.tzinfo
    if zone is ZONE:  # already there (the store hands out Mexico City times): nothing to convert
        return moment
    if zone is None:
        return moment.replace(tzinfo=ZONE)
    return moment.astimezone(ZONE)


#: Years a typed date may have. Records outside them are typing mistakes, and a date at the
#: edge of Python's range (9999-12-31) would overflow the calendar and month arithmetic.
YEARS = (1900, 2100)

#: How a person writes a date and a moment in the forms, and how the messages name it.
DATE_HINT = "dd/mm/aaaa"
MOMENT_HINT = "dd/mm/aaaa HH:MM"

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SPANISH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_SPANISH_MOMENT = re.compile(r"(\d{1,2}/\d{1,2}/\d{4})[ T](\d{1,2}):(\d{2})")


def parse_date(text: str, field: str = "fecha") -> date:
    """Parse a date as a person writes it: ``dd/mm/aaaa`` or ``d/m/aaaa`` (as Mexican readers and
    spreadsheets in Spanish write it), or ``AAAA-MM-DD`` (ISO, for whoever pastes it).

    The one rule both faces share: the forms, the command line and the spreadsheet import.
    Raises UsageError with a Spanish message naming the expected format for malformed or
    impossible dates («31/02/2026», «13/13/2026», «mañana»), and for years outside YEARS.
    """
    value = (text or "").strip()
    parsed: date | None = None
    try:
        if match := _ISO_DATE.fullmatch(value):
            year, month, day = match.groups()
            parsed = date(int(year), int(month), int(day))
        elif match := _SPANISH_DATE.fullmatch(value):
            day, month, year = match.groups()
            parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise UsageError(
            f"La {field} «{value}» no existe en el calendario (escríbala como {DATE_HINT}, p. ej. 05/03/2026)."
        ) from None
    if parsed is None:
        raise UsageError(f"La {field} «{value}» no tiene el formato {DATE_HINT} (p. ej. 05/03/2026).")
    _check_year(parsed.year, value, field)
    return parsed


def _check_year(year: int, value: str, field: str) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise UsageError(f"La {field} «{value}» está fuera del intervalo admitido (años {YEARS[0]} a {YEARS[1]}).")


def parse_datetime(text: str, field: str = "fecha y hora") -> datetime:
    """Parse a moment: ``dd/mm/aaaa HH:MM`` (also ``d/m/aaaa H:MM``), an ISO 8601 datetime
    (``AAAA-MM-DD HH:MM`` or with a ``T``), or a bare date as ``parse_date`` reads it, meaning
    the start of that day. The result is aware, in Mexico City.

    Raises UsageError with a Spanish message naming the expected format when malformed.
    """
    value = (text or "").strip()
    if _ISO_DATE.fullmatch(value) or _SPANISH_DATE.fullmatch(value):
        return start_of_day(parse_date(value, field))
    if match := _SPANISH_MOMENT.fullmatch(value):
        day_text, hour, minute = match.groups()
        try:
            day = parse_date(day_text, field)
        except UsageError as exc:  # said of the whole text the user typed
            raise UsageError(exc.message.replace(f"«{day_text}»", f"«{value}»")) from None
        if int(hour) > 23 or int(minute) > 59:
            raise UsageError(f"La {field} «{value}» no tiene una hora válida (escríbala como {MOMENT_HINT}).")
        return datetime.combine(day, time(int(hour), int(minute)), tzinfo=ZONE)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"La {field} «{value}» no tiene el formato {MOMENT_HINT} (p. ej. 05/03/2026 14:30).") from None
    _check_year(moment.year, value, field)
    return local(moment)


@lru_cache(maxsize=8192)
def format_date(day: date) -> str:
    """A date as Mexican readers write it: 12/03/2026 (cached: the agenda words thousands)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_moment(moment: datetime) -> str:
    """A moment as the forms show it and ``parse_datetime`` reads it back: 12/03/2026 14:30 (Mexico City)."""
    moment = local(moment)
    return f"{format_date(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def by_deadline(due: datetime) -> str:
    """«a más tardar el 12/03/2026»: how every deadline sentence names its last day (issue #13)."""
    return f"a más tardar el {format_date(local(due).date())}"


def format_day_month(day: date) -> str:
    """Short Spanish date: 12 mar 2026."""
    return f"{day.day} {_MONTHS_ES[day.month - 1]} {day.year}"


def relative(due: datetime, now: datetime) -> str:
    """Spanish relative time: «vence en 5 h», «vence mañana», «venció hace 5 días»."""
    due, now = local(due), local(now)
    seconds = (due - now).total_seconds()
    days = (due.date() - now.date()).days
    if seconds > 0:  # the engine calls a deadline overdue once due <= now
        if seconds < 3600:
            return "vence en menos de una hora"
        if seconds < 86400 and days <= 1:
            return f"vence en {int(seconds // 3600)} h"
        if days == 1:
            return "vence mañana"
        return f"vence en {days} días"
    if -seconds < 3600:
        return "venció hace menos de una hora"
    if -seconds < 86400 and days == 0:
        return f"venció hace {int(-seconds // 3600)} h"
    if days == -1:
        return "venció ayer"
    return f"venció hace {-days} días"
