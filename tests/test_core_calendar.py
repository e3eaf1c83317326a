"""tui.core.calendar: declared non-working days and electoral processes, the official days of rest."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from policy.calendar import check_declared_range, check_listed_year
from policy.errors import NotFoundError, UsageError
from store import open_store
from store.db import Store
from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run
from tui.core.calendar import (
    declare_electoral_period,
    declare_non_working,
    electoral_periods,
    non_working_days,
    remove_electoral_period,
    remove_non_working,
)


def test_one_day_by_default_with_its_reason_trimmed(store: Store) -> None:
    item = declare_non_working(store, date(2026, 4, 2), reason="  Jueves Santo ")
    assert (item.start, item.end, item.label) == (date(2026, 4, 2), date(2026, 4, 2), "Jueves Santo")
    assert store.calendar.business_calendar(2026, 2026).reason_not_working(date(2026, 4, 2)) == "Jueves Santo"
    blank = declare_non_working(store, date(2026, 4, 6), date(2026, 4, 7), reason="   ")
    assert blank.label is None


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (date(2026, 4, 3), date(2026, 4, 2), "La fecha final (02/04/2026) es anterior a la inicial (03/04/2026)."),
        (date(2026, 1, 1), date(2027, 1, 3), "Un periodo declarado no puede abarcar más de un año."),
    ],
)
def test_a_bad_range_is_refused_and_nothing_is_stored(store: Store, start: date, end: date, words: str) -> None:
    with pytest.raises(UsageError) as refusal:
        declare_non_working(store, start, end)
    assert refusal.value.message == words
    with pytest.raises(UsageError):
        declare_electoral_period(store, start, end, name="Proceso")
    assert store.calendar.non_working() == [] and electoral_periods(store) == []


def test_the_range_rules_are_pure_and_a_year_plus_one_day_is_the_limit() -> None:
    check_declared_range(date(2028, 1, 1), date(2029, 1, 1))  # 366 days after: a leap year, allowed
    with pytest.raises(UsageError, match="más de un año"):
        check_declared_range(date(2026, 1, 1), date(2027, 1, 3))
    check_listed_year(2000)
    check_listed_year(2100)
    with pytest.raises(UsageError, match="entre 2000 y 2100"):
        check_listed_year(2101)


def test_the_listing_is_this_years_by_the_stores_clock(store: Store) -> None:
    declare_non_working(store, date(2026, 12, 24), date(2026, 12, 31), reason="Vacaciones")
    days = non_working_days(store)
    assert days.year == NOW.year == 2026
    assert days.official[date(2026, 1, 1)] and all(day.year == 2026 for day in days.official)
    assert [(d.start, d.end, d.label) for d in days.declared] == [
        (date(2026, 12, 24), date(2026, 12, 31), "Vacaciones")
    ]
    assert set(non_working_days(store, 2027).official) == {d for d in store.calendar.official_days(2027, 2027)}
    with pytest.raises(UsageError, match="El año debe estar entre 2000 y 2100."):
        non_working_days(store, 1999)


def test_electoral_periods_make_every_day_hábil_until_removed(store: Store) -> None:
    period = declare_electoral_period(store, date(2026, 3, 1), date(2026, 6, 30), name="Proceso 2026")
    assert [(p.id, p.label) for p in electoral_periods(store)] == [(period.id, "Proceso 2026")]
    assert store.calendar.business_calendar(2026, 2026).is_business_day(date(2026, 3, 14))  # a Saturday
    remove_electoral_period(store, period.id)
    assert electoral_periods(store) == []
    with pytest.raises(NotFoundError, match=f"No existe el proceso electoral con id {period.id}."):
        remove_electoral_period(store, period.id)


def test_removing_a_declared_day(store: Store) -> None:
    item = declare_non_working(store, date(2026, 5, 15))
    remove_non_working(store, item.id)
    assert non_working_days(store).declared == []
    with pytest.raises(NotFoundError, match="día inhábil declarado"):
        remove_non_working(store, item.id)


def test_the_command_line_says_what_the_core_decided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "resguardo.db"
    cli_environment(monkeypatch)
    monkeypatch.setenv("RESGUARDO_DB", str(db))
    assert run("iniciar", "--perfil", "ine").code == 0
    refused(run("inhabiles", "agregar", "2026-04-03", "--hasta", "2026-04-02"), "anterior a la inicial")
    refused(run("inhabiles", "listar", "--anio", "2101"), "entre 2000 y 2100")
    done = run("inhabiles", "agregar", "2026-04-02", "--motivo", "Jueves Santo")
    assert done.out == "Día inhábil declarado: 02/04/2026 (id 1).\n"
    listed = json.loads(run("inhabiles", "listar", "--json").out)
    with open_store(db, clock=lambda: NOW) as store:
        days = non_working_days(store)
    assert listed["declared"] == [{"id": 1, "start": "2026-04-02", "end": "2026-04-02", "reason": "Jueves Santo"}]
    assert listed["official"] == [{"date": d.isoformat(), "name": n} for d, n in days.official.items()]
