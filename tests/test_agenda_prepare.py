"""The agenda prepared in the background (``tui.core.agenda.prepare_agendas``, ``prepare_soon``,
``python -m tui.cli.prepare``): after a change, and for the start of the next day, so that the
workbench's next start shows a kept agenda instead of computing it.

Checked as the user meets it: a command that writes starts it (one that only reads does not), the
process keeps the agenda of now and of tomorrow's start, tomorrow's first opening (with its daily
backup) shows that agenda and it equals the one computed then, two preparers at once and a write
between them leave only agendas the database gives, and a kill while one keeps loses nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from policy.clock import local, start_of_day
from store import agenda_cache
from store.db import open_store
from tests.conftest import NOW, make_runner
from tests.test_agenda_cache import demo_store, exact, fresh_json
from tui.core import agenda as core_agenda
from tui.core.agenda import DEFAULT_HORIZON_DAYS, compute_agenda, prepare_agendas, prepare_soon, recent_agenda

TOMORROW = start_of_day(NOW.date() + timedelta(days=1))


def _env(db: Path, now: datetime = NOW) -> dict[str, str]:
    env = {**os.environ, "RESGUARDO_DB": str(db), "RESGUARDO_NOW": now.isoformat(), "PYTHONPATH": str(Path.cwd())}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env.pop("RESGUARDO_PREPARAR", None)
    return env


def test_it_keeps_now_and_tomorrow_and_tomorrow_starts_from_it(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    store = demo_store(db)
    assert prepare_agendas(store, settle=0) == (True, True)
    assert prepare_agendas(store, settle=0) == (False, False)  # both hold: nothing computed again
    ahead = agenda_cache.kept_header(store, DEFAULT_HORIZON_DAYS, ahead=True)
    assert ahead is not None and ahead.computed_at == TOMORROW and ahead.steady_until > TOMORROW
    store.close()
    # the next morning (inside the span the agenda of tomorrow's start holds for): its first opening
    # makes the day's backup, and shows the agenda prepared the day before
    morning = min(TOMORROW + timedelta(hours=9), ahead.steady_until - timedelta(seconds=1))
    store = open_store(str(db), clock=lambda: morning)
    assert any((tmp_path / "respaldos").iterdir())  # the daily backup was made on opening
    shown, key = recent_agenda(store)
    assert key is None and shown.state is None  # the prepared one
    computed = compute_agenda(store, at=morning)
    assert exact(list(shown.items)) == exact(list(computed.items))
    assert (shown.now, shown.accounts, shown.open_incidents) == (morning, computed.accounts, computed.open_incidents)
    store.close()


def test_a_change_while_settling_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst of changes is computed once, after the data stays still; what is kept is the
    agenda of the data after the last change."""
    store = demo_store(tmp_path / "r.db")
    account = store.accounts.list()[0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) <= 2:  # a change during each of the first two waits
            store.evaluations.record(account, NOW.date(), note=f"cambio {len(sleeps)}")

    monkeypatch.setattr(core_agenda.time, "sleep", sleep)
    assert prepare_agendas(store, settle=1.0) == (True, True)
    assert sleeps == [1.0, 1.0, 1.0]
    kept = agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS)
    assert kept is not None
    assert [row.key for row in kept.rows] == [item.key for item in compute_agenda(store).items]
    store.close()


def test_only_a_large_institution_with_a_stale_agenda_starts_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    monkeypatch.setattr(core_agenda, "_start_preparing", lambda path: started.append(path) or True)
    monkeypatch.delenv("RESGUARDO_PREPARAR")
    store = demo_store(tmp_path / "r.db")
    accounts = store.conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    assert not prepare_soon(store) and started == []  # the demo is below the threshold
    monkeypatch.setattr(core_agenda, "PREPARE_FROM_ACCOUNTS", accounts)
    assert prepare_soon(store) and started == [store.path]
    prepare_agendas(store, settle=0)
    assert not prepare_soon(store) and len(started) == 1  # both kept: nothing to do
    store.evaluations.record(store.accounts.list()[0], NOW.date(), note="cambio")
    assert prepare_soon(store) and len(started) == 2  # a change: both stale
    monkeypatch.setenv("RESGUARDO_PREPARAR", "0")
    assert not prepare_soon(store) and len(started) == 2
    store.close()


def test_a_command_that_writes_starts_it_and_one_that_reads_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    monkeypatch.setattr(core_agenda, "_start_preparing", lambda path: started.append(path) or True)
    monkeypatch.setattr(core_agenda, "PREPARE_FROM_ACCOUNTS", 1)
    monkeypatch.delenv("RESGUARDO_PREPARAR")
    db = tmp_path / "r.db"
    store = demo_store(db)
    prepare_agendas(store, settle=0)
    ref = "/".join(store.rows("SELECT network, handle FROM accounts ORDER BY id LIMIT 1")[0])
    store.close()
    monkeypatch.setenv("RESGUARDO_DB", str(db))
    monkeypatch.setenv("RESGUARDO_NOW", NOW.isoformat())
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    from tui.cli import main

    assert main(["pendientes", "--json"]) == 0
    assert main(["cuentas", "listar"]) == 0
    assert started == []
    assert main(["rotaciones", "registrar", ref, "--motivo", "prueba"]) == 0
    assert started == [str(db)]
    assert main(["rotaciones", "registrar", "x/@no-existe", "--motivo", "prueba"]) != 0
    assert started == [str(db)]  # nothing written: nothing to prepare


def test_the_background_process_keeps_both(tmp_path: Path) -> None:
    """``python -m tui.cli.prepare`` as ``prepare_soon`` starts it (here waited for): silent, both
    agendas kept, equal to those the database gives; started again, it computes nothing."""
    db = tmp_path / "r.db"
    demo_store(db).close()
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli.prepare", str(db)], env=_env(db), capture_output=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    store = open_store(str(db), clock=lambda: NOW)
    kept = agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS)
    assert kept is not None and agenda_cache.kept_header(store, DEFAULT_HORIZON_DAYS, ahead=True) is not None
    assert [row.key for row in kept.rows] == [item.key for item in compute_agenda(store).items]
    stamps = [Path(f"{db}{suffix}").stat().st_mtime_ns for suffix in ("-agenda", "-agenda-next")]
    store.close()
    again = subprocess.run([sys.executable, "-m", "tui.cli.prepare", str(db)], env=_env(db), timeout=120)
    assert again.returncode == 0
    assert [Path(f"{db}{suffix}").stat().st_mtime_ns for suffix in ("-agenda", "-agenda-next")] == stamps
    # nothing to read: a missing database, a folder, no argument
    for arguments in ([str(tmp_path / "falta.db")], [str(tmp_path)], []):
        failed = subprocess.run(
            [sys.executable, "-m", "tui.cli.prepare", *arguments], env=_env(db), capture_output=True, timeout=60
        )
        assert failed.returncode != 0 and failed.stdout == failed.stderr == b""
    assert not (tmp_path / "falta.db").exists()


def test_two_at_once_and_a_write_between(tmp_path: Path) -> None:
    """Two preparers started together and a write while they run: one waits for the other (a lock
    beside the database); what is kept in the end is the agenda of the data after the write."""
    db = tmp_path / "r.db"
    store = demo_store(db)
    ref = "/".join(store.rows("SELECT network, handle FROM accounts ORDER BY id LIMIT 1")[0])
    store.close()
    run = make_runner(db)
    preparers = [subprocess.Popen([sys.executable, "-m", "tui.cli.prepare", str(db)], env=_env(db)) for _ in range(2)]
    assert run("rotaciones", "registrar", ref, "--motivo", "prueba").code == 0
    assert [p.wait(timeout=120) for p in preparers] == [0, 0]
    store = open_store(str(db), clock=lambda: NOW)
    kept = agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS)
    expected = fresh_json(store)
    store.close()
    if kept is not None:  # kept only if the data stayed still after the write: then it is that data's
        assert run("pendientes", "--json").out == expected
    assert run("pendientes", "--json").out == expected


KILLER = """
import os, sys
import store.agenda_cache as cache
def killed(*args, **kwargs):
    os._exit(9)
cache.os.replace = killed
from tui.cli.prepare import main
sys.exit(main([sys.argv[1]]))
"""


def test_a_kill_while_preparing_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    demo_store(db).close()
    killed = subprocess.run([sys.executable, "-c", KILLER, str(db)], env=_env(db), capture_output=True, timeout=120)
    assert killed.returncode == 9
    assert not Path(f"{db}-agenda").exists() and not Path(f"{db}-agenda-next").exists()
    done = subprocess.run([sys.executable, "-m", "tui.cli.prepare", str(db)], env=_env(db), timeout=120)
    assert done.returncode == 0
    store = open_store(str(db), clock=lambda: NOW)
    shown, key = recent_agenda(store)
    assert key is None and exact(list(shown.items)) == exact(list(compute_agenda(store).items))
    store.close()


def test_on_a_friday_it_prepares_the_next_working_day(tmp_path: Path) -> None:
    """Prepared on Friday 13 March 2026, the agenda is the one of Tuesday 17's start: Saturday,
    Sunday and Monday 16 (the third Monday of March, an official holiday) are not working days."""
    friday = NOW + timedelta(days=1)
    store = demo_store(tmp_path / "r.db")
    store.close()
    store = open_store(str(tmp_path / "r.db"), clock=lambda: friday)
    assert prepare_agendas(store, settle=0) == (True, True)
    ahead = agenda_cache.kept_header(store, DEFAULT_HORIZON_DAYS, ahead=True)
    assert ahead is not None and ahead.computed_at == start_of_day(date(2026, 3, 17))
    store.close()
    tuesday = min(ahead.computed_at + timedelta(hours=9), ahead.steady_until - timedelta(seconds=1))
    assert tuesday.date() == date(2026, 3, 17)
    store = open_store(str(tmp_path / "r.db"), clock=lambda: tuesday)
    shown, key = recent_agenda(store)
    assert key is None and exact(list(shown.items)) == exact(list(compute_agenda(store, at=tuesday).items))
    store.close()
