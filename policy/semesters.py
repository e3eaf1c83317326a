"""Semesters: the period of the evaluation every account gets at least every 6 months (POLICY.md §6).

A semester is named ``AAAA-S1`` (January to June) or ``AAAA-S2`` (July to December).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from policy.errors import UsageError

_NAME = re.compile(r"(\d{4})-[Ss]([12])")


class Semester(NamedTuple):
    year: int
    half: int

    @property
    def name(self) -> str:
        return f"{self.year}-S{self.half}"

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        """«primer semestre de 2026» / «segundo semestre de 2026»."""
        return f"{'primer' if self.half == 1 else 'segundo'} semestre de {self.year}"

    def months(self) -> tuple[date, ...]:
        """The first day of each of its six months."""
        start = self.first_day.month
        return tuple(date(self.year, month, 1) for month in range(start, start + 6))


def parse_semester(text: str) -> Semester:
    """``AAAA-S1`` or ``AAAA-S2``; UsageError (Spanish) for anything else or a year outside 2000–2100."""
    found = _NAME.fullmatch(text.strip())
    if found is None or not 2000 <= int(found.group(1)) <= 2100:
        shown = text.strip()[:40]
        raise UsageError(
            f"El periodo «{shown}» no es válido: use AAAA-S1 (enero a junio) o AAAA-S2 (julio a diciembre)."
        )
    return Semester(int(found.group(1)), int(found.group(2)))


def semester_of(day: date) -> Semester:
    """The semester ``day`` falls in."""
    return Semester(day.year, 1 if day.month <= 6 else 2)
