"""add_months must agree with dateutil's relativedelta on every day of several years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from policy.clock import ZONE, add_months


@pytest.mark.parametrize("months", [-25, -12, -6, -1, 0, 1, 2, 3, 6, 12, 18, 24, 120])
def test_add_months_matches_relativedelta(months: int) -> None:
    day = date(2023, 1, 1)
    while day < date(2029, 1, 1):
        assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += timedelta(days=1)


def test_add_months_keeps_time_and_zone_of_a_datetime() -> None:
    moment = datetime(2026, 8, 31, 23, 59, 59, tzinfo=ZONE)
    assert add_months(moment, 6) == datetime(2027, 2, 28, 23, 59, 59, tzinfo=ZONE)
