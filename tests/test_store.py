"""The store: schema and migrations, the file, transactions, constraints and SQLite errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from policy.clock import ZONE
from store import open_store
from store.db import Store
from store.errors import (
    ConflictError,
    NotFoundError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreNewerSchemaError,
    StoreReadOnlyError,
    UsageError,
)
from store.migrations import LATEST_VERSION, MIGRATIONS
from tests.conftest import NOW
from tui.core.calendar import declare_non_working


def _counts(store: Store) -> dict[str, int]:
    tables = ("accounts", "people", "assignments", "rotations", "evaluations", "trainings", "settings")
    return {t: int(store.query_one(f"SELECT count(*) FROM {t}")[0]) for t in tables}  # type: ignore[index]


# -- the file and its schema -------------------------------------------------------


def test_migrations_from_an_empty_file(tmp_path: Path):
    path = tmp_path / "nuevo.db"
    path.touch()
    with open_store(path, clock=lambda: NOW, create=True) as store:
        assert int(store.query_one("PRAGMA user_version")[0]) == LATEST_VERSION  # type: ignore[index]
        rows = store.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        assert [(r["version"], r["name"]) for r in rows] == [(v, n) for v, n, _ in MIGRATIONS]
        assert all(r["applied_at"].endswith("+00:00") for r in rows)
        tables = {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"accounts", "people", "assignments", "rotations", "official_holidays"} <= tables
    # Opening again applies nothing more.
    with open_store(path) as store:
        assert len(store.query("SELECT * FROM schema_migrations")) == len(MIGRATIONS)


def test_creates_missing_folders_and_file(tmp_path: Path):
    path = tmp_path / "a" / "b" / "resguardo.db"
    with open_store(path, create=True):
        pass
    assert path.is_file()
    if os.name == "posix":
        assert (tmp_path / "a").stat().st_mode & 0o777 == 0o700
        assert (tmp_path / "a" / "b").stat().st_mode & 0o777 == 0o700


def test_only_create_makes_a_file(tmp_path: Path):
    from store.errors import StoreMissingError

    path = tmp_path / "a" / "resguardo.db"
    with pytest.raises(StoreMissingError, match="No existe"):
        open_store(path)
    assert not (tmp_path / "a").exists()
    empty = tmp_path / "vacia.db"
    empty.touch()
    with pytest.raises(StoreMissingError, match="vacío"):
        open_store(empty)
    assert empty.read_bytes() == b""


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows keeps ACLs")
def test_file_mode_is_0600(tmp_path: Path):
    path = tmp_path / "privado.db"
    old = os.umask(0o022)
    try:
        with open_store(path, create=True):
            pass
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o600


def test_wal_and_foreign_keys(tmp_path: Path):
    with open_store(tmp_path / "x.db", create=True) as store:
        assert store.query_one("PRAGMA journal_mode")[0] == "wal"  # type: ignore[index]
        assert store.query_one("PRAGMA foreign_keys")[0] == 1  # type: ignore[index]
        with pytest.raises(StoreError):
            store.insert("rotations", {"account_id": 999, "rotated_at": "2026-01-01", "created_at": "x"})


def test_newer_schema_refused(tmp_path: Path):
    path = tmp_path / "futuro.db"
    with open_store(path, create=True):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreNewerSchemaError, match="más reciente"):
        open_store(path)


def test_foreign_sqlite_file_refused_and_left_alone(tmp_path: Path):
    path = tmp_path / "otro.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE clientes (id INTEGER PRIMARY KEY, nombre TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorruptError, match="otro programa"):
        open_store(path)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    assert tables == {"clientes"} and version == 0


def test_garbage_file_refused(tmp_path: Path):
    path = tmp_path / "basura.db"
    path.write_bytes(b"esto no es una base de datos " * 200)
    with pytest.raises(StoreCorruptError, match="no es una base de datos"):
        open_store(path)


def test_folder_refused(tmp_path: Path):
    with pytest.raises(StoreError, match="carpeta"):
        open_store(tmp_path)


# -- repositories --------------------------------------------------------------------


def test_repositories_are_typed_attributes_built_once_per_store(store: Store, tmp_path: Path):
    from store.accounts import Accounts
    from store.waivers import Waivers

    assert type(store.accounts) is Accounts and type(store.waivers) is Waivers
    assert store.accounts is store.accounts  # built on first use, then kept
    with open_store(tmp_path / "otra.db", clock=lambda: NOW, create=True) as other:
        assert other.accounts is not store.accounts
    with pytest.raises(AttributeError, match="acounts"):
        store.acounts  # type: ignore[attr-defined]  # noqa: B018  # a typo is no repository


# -- transactions --------------------------------------------------------------------


def test_atomic_rolls_back_everything(store: Store):
    before = _counts(store)
    with pytest.raises(RuntimeError), store.atomic():
        store.accounts.add(network="x", handle="@INEMexico")
        store.people.add(name="Ana Pérez")
        raise RuntimeError("boom")
    assert _counts(store) == before
    assert not store.conn.in_transaction


def test_nested_savepoint_rolls_back_only_the_inner_block(store: Store):
    with store.atomic():
        store.accounts.add(network="x", handle="@INEMexico")
        with pytest.raises(ConflictError), store.atomic():
            store.people.add(name="Ana Pérez")
            store.accounts.add(network="x", handle="inemexico")  # duplicate: the inner block fails
        assert store.people.find("Ana Pérez") is None
        store.people.add(name="Beto Ruiz")
    assert [a.handle for a in store.accounts.list()] == ["@INEMexico"]
    assert [p.name for p in store.people.list()] == ["Beto Ruiz"]


def test_outer_failure_undoes_committed_inner_savepoints(store: Store):
    with pytest.raises(ValueError), store.atomic():
        with store.atomic():
            store.people.add(name="Ana Pérez")
        raise ValueError
    assert store.people.list() == []


# -- constraints -----------------------------------------------------------------


@pytest.mark.parametrize("other", ["@INEMexico", "INEMexico", "inemexico", " @inemexico "])
def test_duplicate_handle_refused_case_and_at_insensitive(store: Store, other: str):
    store.accounts.add(network="x", handle="@INEMexico")
    with pytest.raises(ConflictError, match="Ya existe la cuenta x/@INEMexico"):
        store.accounts.add(network="x", handle=other)
    store.accounts.add(network="facebook", handle=other)  # another network is fine
    assert store.accounts.count() == 2


def test_duplicate_handle_refused_on_update(store: Store):
    store.accounts.add(network="x", handle="@INEMexico")
    other = store.accounts.add(network="x", handle="@INEtelMX")
    with pytest.raises(ConflictError):
        store.accounts.update(other.id, handle="inemexico")


def test_empty_required_fields(store: Store):
    with pytest.raises(UsageError, match="usuario"):
        store.accounts.add(network="x", handle="   ")
    with pytest.raises(UsageError, match="nombre"):
        store.people.add(name="")
    with pytest.raises(UsageError, match="red"):
        store.accounts.add(network="myspace", handle="a")
    with pytest.raises(UsageError, match="correo"):
        store.accounts.add(network="x", handle="a", email="no-es-correo")
    assert store.accounts.count() == 0


def test_person_name_unique(store: Store):
    store.people.add(name="Ana Pérez")
    with pytest.raises(ConflictError, match="Ya existe una persona"):
        store.people.add(name="ana pérez")
    with pytest.raises(ConflictError):
        store.people.add(name="  Ana Pérez ")


def test_resolve_account_and_person(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico")
    person = store.people.add(name="Ana Pérez")
    assert store.accounts.resolve(str(acc.id)) == acc
    assert store.accounts.resolve("x/inemexico") == acc
    assert store.accounts.resolve("@INEMexico") == acc
    assert store.people.resolve("Ana Pérez") == person
    assert store.people.resolve(str(person.id)) == person
    with pytest.raises(NotFoundError):
        store.accounts.resolve("facebook/@INEMexico")
    with pytest.raises(NotFoundError):
        store.accounts.resolve("999")
    with pytest.raises(NotFoundError):
        store.people.resolve("Nadie")


def test_assignment_conflicts(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico")
    ana = store.people.add(name="Ana Pérez")
    beto = store.people.add(name="Beto Ruiz")
    store.assignments.assign(acc, ana, "titular", date(2026, 1, 1))
    with pytest.raises(ConflictError, match="ya es titular"):
        store.assignments.assign(acc, ana, "titular", date(2026, 2, 1))
    with pytest.raises(ConflictError, match="ya tiene titular: Ana Pérez"):
        store.assignments.assign(acc, beto, "titular", date(2026, 2, 1))
    with pytest.raises(UsageError, match="rol"):
        store.assignments.assign(acc, beto, "jefe", date(2026, 2, 1))
    # Co-administrators may be several.
    store.assignments.assign(acc, ana, "coadministrador", date(2026, 1, 1))
    store.assignments.assign(acc, beto, "coadministrador", date(2026, 1, 1))
    # After Ana leaves, Beto can take the role the next day.
    store.assignments.unassign(acc, ana, date(2026, 2, 28))
    store.assignments.assign(acc, beto, "titular", date(2026, 3, 1))
    titulares = [a for a in store.assignments.for_account(acc.id) if a.role == "titular"]
    assert [(a.person_id, a.end) for a in titulares] == [(ana.id, date(2026, 2, 28)), (beto.id, None)]


def test_assign_refused_on_closed_account(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico", status="baja")
    with pytest.raises(ConflictError, match="baja"):
        store.assignments.assign(acc, store.people.add(name="Ana"), "titular", date(2026, 1, 1))


def test_unassign_of_a_person_not_assigned(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico")
    ana = store.people.add(name="Ana Pérez")
    with pytest.raises(NotFoundError, match="no está asignada"):
        store.assignments.unassign(acc, ana, date(2026, 3, 1))


def test_unassign_before_start_refused_and_nothing_changed(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico")
    ana = store.people.add(name="Ana Pérez")
    store.assignments.assign(acc, ana, "titular", date(2026, 3, 1))
    store.assignments.assign(acc, ana, "coadministrador", date(2026, 1, 1))
    with pytest.raises(UsageError, match="anterior al inicio"):
        store.assignments.unassign(acc, ana, date(2026, 2, 1))
    assert all(a.end is None for a in store.assignments.for_account(acc.id))


def test_future_dates_refused(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico")
    ana = store.people.add(name="Ana Pérez")
    tomorrow = NOW + timedelta(days=1)
    with pytest.raises(UsageError, match="futuro"):
        store.rotations.record(acc, tomorrow)
    with pytest.raises(UsageError, match="futuro"):
        store.evaluations.record(acc, tomorrow.date())
    with pytest.raises(UsageError, match="futuro"):
        store.trainings.record(ana, tomorrow.date())
    assert _counts(store)["rotations"] == 0
    store.rotations.record(acc, NOW, reason="rutina")
    assert store.rotations.latest()[acc.id] == NOW


def test_records_refused_on_closed_account(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico", status="baja")
    with pytest.raises(ConflictError):
        store.rotations.record(acc, NOW)
    with pytest.raises(ConflictError):
        store.evaluations.record(acc, NOW.date())


def test_rotation_stored_in_utc_and_read_back_in_mexico_city(store: Store):
    acc = store.accounts.add(network="x", handle="@INEMexico")
    at = datetime(2026, 1, 31, 23, 30, tzinfo=ZONE)
    store.rotations.record(acc, at)
    raw = store.query_one("SELECT rotated_at FROM rotations")[0]  # type: ignore[index]
    assert raw == "2026-02-01T05:30:00+00:00"
    assert store.rotations.latest()[acc.id].date() == date(2026, 1, 31)


def test_settings_profile_and_overrides(make_store):
    store = make_store(None)
    with pytest.raises(StoreError, match="iniciar"):
        store.settings.profile()
    with pytest.raises(UsageError, match="Perfil desconocido"):
        store.settings.set_profile("ife")
    store.settings.set_profile("ieesonora")
    store.settings.set_override("rotation_months", 4)
    assert store.settings.profile().settings.rotation_months == 4
    store.settings.reset_override("rotation_months")
    assert store.settings.profile().settings.rotation_months is None


# -- SQLite errors become Spanish store errors ---------------------------------------


def test_read_only_translation(store: Store):
    store.execute("PRAGMA query_only = 1")
    with pytest.raises(StoreReadOnlyError, match="solo lectura"):
        store.people.add(name="Ana Pérez")
    store.execute("PRAGMA query_only = 0")
    assert store.people.list() == []


def test_read_only_database_still_computes_the_calendar(tmp_path: Path):
    path = tmp_path / "ro.db"
    with open_store(path, clock=lambda: NOW, create=True) as store:
        store.settings.set_profile("ine")
    with open_store(path, clock=lambda: NOW) as store:
        store.execute("PRAGMA query_only = 1")
        cal = store.calendar.business_calendar(2026, 2026)
        assert not cal.is_business_day(date(2026, 3, 16))


def test_locked_database(tmp_path: Path, monkeypatch):
    path = tmp_path / "ocupada.db"
    with open_store(path, create=True):
        pass
    monkeypatch.setenv("RESGUARDO_LOCK_TIMEOUT", "0.1")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_store(path, clock=lambda: NOW) as store:
            started = time.monotonic()
            with pytest.raises(StoreLockedError, match="ocupada por otro proceso"):
                store.people.add(name="Ana Pérez")
            assert time.monotonic() - started < 2
            assert not store.conn.in_transaction
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# -- the holiday calendar is materialized once -------------------------------------


def test_holidays_materialized_once(tmp_path: Path, monkeypatch):
    import store.calendar as calendar_module

    path = tmp_path / "cal.db"
    with open_store(path, clock=lambda: NOW, create=True) as store:
        cal = store.calendar.business_calendar(2025, 2027)
        assert cal.reason_not_working(date(2026, 3, 16)) == "Natalicio de Benito Juárez"
        years = [r[0] for r in store.query("SELECT year FROM holiday_years ORDER BY year")]
        assert years == [2025, 2026, 2027]

    def forbidden(year: int) -> dict[date, str]:
        raise AssertionError(f"holidays imported again for {year}")

    monkeypatch.setattr(calendar_module, "official_holidays_for", forbidden)
    with open_store(path, clock=lambda: NOW) as store:
        cal = store.calendar.business_calendar(2025, 2027)
        assert not cal.is_business_day(date(2026, 11, 16))


def test_second_load_does_not_import_holidays(tmp_path: Path):
    path = tmp_path / "cal.db"
    with open_store(path, clock=lambda: NOW, create=True) as store:
        store.settings.set_profile("ine")
        from store.state import load_state

        load_state(store, NOW)
    code = (
        "import sys; from datetime import datetime; from policy.clock import ZONE;"
        "from store import open_store; from store.state import load_state;"
        f"s = open_store({str(path)!r}); load_state(s, datetime(2026, 3, 12, 10, tzinfo=ZONE));"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('holidays', 'sqlite_utils')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_declared_ranges(store: Store):
    item = store.calendar.add_non_working(date(2026, 4, 2), date(2026, 4, 3), "Semana Santa")
    with pytest.raises(UsageError, match="anterior"):
        declare_non_working(store, date(2026, 4, 3), date(2026, 4, 2))
    with pytest.raises(UsageError, match="más de un año"):
        declare_non_working(store, date(2026, 1, 1), date(2027, 6, 1))
    assert [(r.start, r.end, r.label) for r in store.calendar.non_working()] == [
        (date(2026, 4, 2), date(2026, 4, 3), "Semana Santa")
    ]
    cal = store.calendar.business_calendar(2026, 2026)
    assert cal.reason_not_working(date(2026, 4, 2)) == "Semana Santa"
    store.calendar.remove_non_working(item.id)
    with pytest.raises(NotFoundError):
        store.calendar.remove_non_working(item.id)
    period = store.calendar.add_electoral_period(date(2026, 3, 1), date(2026, 6, 30), "Proceso 2026")
    assert store.calendar.business_calendar(2026, 2026).is_business_day(date(2026, 3, 14))
    store.calendar.remove_electoral_period(period.id)
    assert not store.calendar.business_calendar(2026, 2026).is_business_day(date(2026, 3, 14))


@pytest.mark.parametrize("handle", ["@", "@@", " @ "])
def test_handle_made_only_of_at_signs_refused(store: Store, handle: str):
    with pytest.raises(UsageError, match="usuario"):
        store.accounts.add(network="x", handle=handle)
    assert store.accounts.count() == 0


def test_locked_database_still_computes_the_calendar(tmp_path: Path, monkeypatch):
    path = tmp_path / "ocupada.db"
    with open_store(path, create=True):
        pass
    monkeypatch.setenv("RESGUARDO_LOCK_TIMEOUT", "0.05")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_store(path, clock=lambda: NOW) as store:
            cal = store.calendar.business_calendar(2026, 2026)
            assert cal.reason_not_working(date(2026, 2, 2)) == "Día de la Constitución"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with open_store(path) as store:
        assert store.query("SELECT * FROM holiday_years") == []  # nothing was half-written


def test_years_before_the_stored_range_are_computed(store: Store):
    days = store.calendar.official_days(2016, 2017)
    assert date(2016, 2, 1) in days and date(2017, 2, 6) in days
    assert [r[0] for r in store.query("SELECT year FROM holiday_years")] == [2017]


def test_constraint_violations_are_spanish_without_sqlite_english(store: Store):
    from store.db import translate

    unique = translate(sqlite3.IntegrityError("UNIQUE constraint failed: index 'people_name'"), ":memory:")
    assert isinstance(unique, ConflictError) and "Ya existe" in unique.message
    foreign = translate(sqlite3.IntegrityError("FOREIGN KEY constraint failed"), ":memory:")
    check = translate(sqlite3.IntegrityError("CHECK constraint failed: end_date >= start_date"), ":memory:")
    for error in (unique, foreign, check):
        assert "constraint" not in error.message.lower() and "no se guardó nada" in error.message


def test_duplicate_found_inside_the_transaction(store: Store, monkeypatch):
    # Another process may insert between a check made outside the transaction and the
    # insert: the check runs inside it, and a late duplicate is still a Spanish conflict.
    store.accounts.add(network="x", handle="@INEMexico")
    store.people.add(name="Ana Pérez")
    monkeypatch.setattr(type(store.accounts), "find", lambda self, network, handle: None)
    monkeypatch.setattr(type(store.people), "find", lambda self, name: None)
    with pytest.raises(ConflictError, match="Ya existe"):
        store.accounts.add(network="x", handle="inemexico")
    with pytest.raises(ConflictError, match="Ya existe"):
        store.people.add(name="ana pérez")


@pytest.mark.parametrize("other", ["ÁNGEL RUIZ", "ángel ruiz", "Ángel ruiz"])
def test_person_names_compare_without_case_also_for_accented_capitals(store: Store, other: str):
    # SQLite's lower() only folds ASCII: «Á» and «á» must still be the same letter here.
    angel = store.people.add(name="Ángel Ruiz")
    assert store.people.resolve(other) == angel
    with pytest.raises(ConflictError, match="Ya existe una persona"):
        store.people.add(name=other)
    assert store.people.find("Angel Ruiz") is None  # an accent is not a case difference


def test_stored_moments_convert_on_access_like_from_db_datetime():
    from store.db import StoredMoments, from_db_datetime

    raw = {3: "2026-03-01T16:00:00+00:00", 5: "2021-06-01T04:59:59+00:00"}
    moments = StoredMoments(raw)
    assert len(moments) == 2 and sorted(moments) == [3, 5] and 3 in moments and 4 not in moments
    assert moments[3] == from_db_datetime(raw[3]) and moments[3].utcoffset().total_seconds() == -6 * 3600
    assert moments[5].isoformat() == "2021-05-31T23:59:59-05:00"  # daylight saving time, then
    assert moments.get(4) is None and moments.get(5) is moments[5]  # converted once, then reused
    assert dict(moments) == {k: from_db_datetime(v) for k, v in raw.items()}


def test_consultations_latest_by_account_is_the_newest_sent(store: Store):
    account = store.accounts.add(network="x", handle="@Consultas")
    other = store.accounts.add(network="facebook", handle="Otra")
    for hours in (5, 1, 30):
        store.consultations.add(account, subject=f"Consulta {hours}", sent_at=NOW - timedelta(hours=hours))
    latest = store.consultations.latest_by_account()
    assert latest[account.id] == NOW - timedelta(hours=1)
    assert other.id not in latest and len(latest) == 1
