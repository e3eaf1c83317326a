"""Business days: weekends, Mexico's official holidays, declared days, electoral periods."""

from __future__ import annotations

from datetime import date

import pytest

from policy.calendar import BusinessCalendar, DateRange
from policy.errors import UsageError
from store.calendar import official_holidays_for


@pytest.fixture(scope="module")
def holidays_2021_2026() -> dict[date, str]:
    days: dict[date, str] = {}
    for year in (2021, 2025, 2026, 2027):
        days.update(official_holidays_for(year))
    return days


@pytest.fixture
def cal(holidays_2021_2026) -> BusinessCalendar:
    return BusinessCalendar(holidays=holidays_2021_2026)


def test_official_holidays_come_from_the_holidays_package_in_spanish(holidays_2021_2026):
    # The Monday rule of LFT art. 74: first Monday of February, third of March and November.
    assert "Constitución" in holidays_2021_2026[date(2026, 2, 2)]
    assert "Juárez" in holidays_2021_2026[date(2026, 3, 16)]
    assert "Revolución" in holidays_2021_2026[date(2026, 11, 16)]
    assert date(2026, 1, 1) in holidays_2021_2026
    assert date(2026, 9, 16) in holidays_2021_2026
    assert date(2026, 2, 5) not in holidays_2021_2026  # the old fixed date is not the official one


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        (date(2026, 3, 13), True, None),  # Friday
        (date(2026, 3, 14), False, "Sábado"),
        (date(2026, 3, 15), False, "Domingo"),
        (date(2026, 3, 16), False, "Natalicio de Benito Juárez"),
        (date(2026, 2, 2), False, "Día de la Constitución"),
        (date(2026, 11, 16), False, "Día de la Revolución"),
        (date(2026, 3, 17), True, None),
    ],
)
def test_is_business_day(cal, day, working, reason):
    assert cal.is_business_day(day) is working
    assert cal.reason_not_working(day) == reason


def test_add_business_days_from_a_friday_skips_the_weekend(cal):
    friday = date(2026, 3, 6)
    assert cal.add_business_days(friday, 1) == date(2026, 3, 9)  # Monday
    assert cal.add_business_days(friday, 5) == date(2026, 3, 13)


def test_add_business_days_from_a_friday_before_a_holiday_monday(cal):
    # Fri 13 Mar 2026; Mon 16 Mar is Juárez: the first business day is Tue 17.
    assert cal.add_business_days(date(2026, 3, 13), 1) == date(2026, 3, 17)
    assert cal.add_business_days(date(2026, 3, 13), 3) == date(2026, 3, 19)
    # Fri 30 Jan 2026; Mon 2 Feb is Constitución.
    assert cal.add_business_days(date(2026, 1, 30), 1) == date(2026, 2, 3)
    # Fri 13 Nov 2026; Mon 16 Nov is Revolución.
    assert cal.add_business_days(date(2026, 11, 13), 2) == date(2026, 11, 18)


def test_user_non_working_days_are_skipped(holidays_2021_2026):
    holy_week = DateRange(date(2026, 4, 2), date(2026, 4, 3), "Semana Santa")
    cal = BusinessCalendar(holidays=holidays_2021_2026, non_working=[holy_week])
    assert not cal.is_business_day(date(2026, 4, 2))
    assert cal.reason_not_working(date(2026, 4, 3)) == "Semana Santa"
    # Wed 1 Apr + 1 business day: Thu/Fri declared, weekend → Mon 6 Apr.
    assert cal.add_business_days(date(2026, 4, 1), 1) == date(2026, 4, 6)
    assert cal.business_days_between(date(2026, 3, 31), date(2026, 4, 6)) == 2  # 1 Apr and 6 Apr


def test_electoral_period_makes_every_day_habil(holidays_2021_2026):
    process = DateRange(date(2026, 3, 1), date(2026, 3, 31), "Proceso electoral")
    declared = DateRange(date(2026, 3, 18), date(2026, 3, 18), "Asueto")
    cal = BusinessCalendar(holidays=holidays_2021_2026, non_working=[declared], electoral=[process])
    for day in (date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 16), date(2026, 3, 18)):
        assert cal.is_business_day(day), day
    assert cal.add_business_days(date(2026, 3, 13), 3) == date(2026, 3, 16)
    # Outside the period the ordinary rule is back.
    assert not cal.is_business_day(date(2026, 4, 4))
    assert cal.add_business_days(date(2026, 3, 31), 1) == date(2026, 4, 1)


def test_business_days_between_and_previous(cal):
    assert cal.business_days_between(date(2026, 3, 13), date(2026, 3, 20)) == 4  # 16 Mar is a holiday
    assert cal.business_days_between(date(2026, 3, 20), date(2026, 3, 13)) == 0
    assert cal.previous_business_days(date(2026, 3, 17), 1) == date(2026, 3, 13)


def test_count_must_be_positive(cal):
    with pytest.raises(UsageError, match="mayor que cero"):
        cal.add_business_days(date(2026, 3, 13), 0)


def test_ine_generic_email_deadline_is_sixty_business_days_after_the_agreement(cal):
    # INE/CGyPE/003/2021 was approved on Thu 25 Mar 2021. Counting by hand:
    # business day 1 is Fri 26 Mar; weeks of 5 from Mon 29 Mar to Fri 11 Jun add
    # 11 × 5 = 55 (day 56). 2021's official holidays in between (1 May) fell on a
    # Saturday, and Semana Santa is not an official holiday. Days 57–60 are
    # Mon 14, Tue 15, Wed 16 and Thu 17 June 2021.
    assert cal.add_business_days(date(2021, 3, 25), 60) == date(2021, 6, 17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-12", date(2026, 3, 12)),
        ("12/03/2026", date(2026, 3, 12)),
        ("6/1/2025", date(2025, 1, 6)),
        (" 2028-02-29 ", date(2028, 2, 29)),
    ],
)
def test_parse_date(text, expected):
    from policy.clock import parse_date

    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13-01", "no existe"),
        ("2026-02-30", "no existe"),
        ("2027-02-29", "no existe"),
        ("31/04/2026", "no existe"),
        ("ayer", "formato"),
        ("", "formato"),
        ("2026-03-1a", "formato"),
        ("2026-3-1", "formato"),
        ("-1/03/2026", "formato"),
        ("2026/03/12", "formato"),
    ],
)
def test_parse_date_refuses_in_spanish(text, message):
    from policy.clock import parse_date

    with pytest.raises(UsageError, match=message):
        parse_date(text)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "31/12/2101", "1899-12-31"])
def test_parse_date_refuses_years_out_of_range(text):
    from policy.clock import parse_date, parse_datetime

    with pytest.raises(UsageError, match="fuera del intervalo"):
        parse_date(text)
    with pytest.raises(UsageError, match="fuera del intervalo"):
        parse_datetime(text)


def test_parse_datetime_refuses_years_out_of_range_with_a_time():
    from policy.clock import parse_datetime

    with pytest.raises(UsageError, match="fuera del intervalo"):
        parse_datetime("0001-01-01T00:00+01:00")


def test_a_range_ending_on_the_last_representable_day_does_not_overflow():
    cal = BusinessCalendar(non_working=[DateRange(date(9999, 12, 30), date(9999, 12, 31), "x")])
    assert not cal.is_business_day(date(9999, 12, 31))
