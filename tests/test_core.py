"""The use-case core (tui/core): Textual-free, and the one place a rule lives for both faces."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import NOW, make_runner
from workbench_helpers import build_demo_db

from policy.errors import PolicyError, UsageError
from store import open_store
from tui.core.notices import mark_holiday_notice, notice_periods
from tui.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def test_the_core_imports_no_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, tui.core\n"
        "for m in pkgutil.iter_modules(tui.core.__path__): importlib.import_module('tui.core.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def iecm_db(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return build_demo_db(tmp_path_factory.mktemp("nucleo") / "iecm.db", "iecm")


def test_a_profile_without_holiday_notices_refuses_them_in_both_faces(iecm_db: Path) -> None:
    """The IECM's guidelines ask for no notice: the command line refused it, the workbench did not."""
    with open_store(iecm_db, clock=lambda: NOW) as store, pytest.raises(PolicyError, match="no prevé avisos"):
        notice_periods(store, NOW, date(2026, 3, 1), date(2026, 12, 31))
    with pytest.raises(PolicyError, match="no prevé avisos"):
        Workspace(iecm_db, lambda: NOW).run(mark_holiday_notice, NOW, date(2026, 3, 16), date(2026, 3, 12), None)
    result = make_runner(iecm_db)("avisos", "cumplir", "2026-03-16")
    assert result.code == 1 and "no prevé avisos" in result.err
    with open_store(iecm_db) as store:
        assert store.holiday_notices.done() == {}


def test_marking_a_notice_is_the_same_record_from_either_face(tmp_path: Path) -> None:
    cli_db = build_demo_db(tmp_path / "cli.db", "ine")
    workbench_db = build_demo_db(tmp_path / "workbench.db", "ine")
    with open_store(cli_db, clock=lambda: NOW) as store:
        upcoming = [n for n in notice_periods(store, NOW, NOW.date(), date(2026, 12, 31)) if n.done_on is None]
    start = upcoming[0].period.start
    result = make_runner(cli_db)("avisos", "cumplir", start.isoformat(), "--fecha", "2026-03-12")
    assert result.code == 0, result.err
    Workspace(workbench_db, lambda: NOW).run(mark_holiday_notice, NOW, start, date(2026, 3, 12), None)
    for db in (cli_db, workbench_db):
        with open_store(db) as store:
            assert store.holiday_notices.done()[int(start.strftime("%Y%m%d"))] == date(2026, 3, 12)


def test_a_notice_after_its_period_is_refused(tmp_path: Path) -> None:
    db = build_demo_db(tmp_path / "ine.db", "ine")
    with open_store(db, clock=lambda: NOW) as store:
        period = notice_periods(store, NOW, date(2026, 1, 1), NOW.date())[0].period
        with pytest.raises(UsageError, match="posterior al periodo inhábil"):
            mark_holiday_notice(store, NOW, period.start, date(2026, 3, 12), None)


def test_a_rehearsal_raises_what_the_real_change_would_and_records_nothing(iecm_db: Path, tmp_path: Path) -> None:
    """Forms validate before asking to confirm by rehearsing the core's change: rolled back, whatever it did."""
    import shutil

    from tui.core.records import record_evaluation

    db = tmp_path / "copia.db"
    shutil.copy(iecm_db, db)
    workspace = Workspace(db, lambda: NOW)
    with open_store(db, clock=lambda: NOW) as store:
        account = store.accounts.list()[0]
        before = (len(store.evaluations.history(account.id, limit=1000)), store.bitacora.count())
    done = workspace.rehearse(lambda: workspace.run(record_evaluation, account.id, day=NOW.date(), note="ensayo"))
    assert done.account.id == account.id  # the use case ran to its end…
    with pytest.raises(UsageError):
        workspace.rehearse(lambda: workspace.run(record_evaluation, account.id, day=date(2099, 1, 1), note=None))
    with open_store(db, clock=lambda: NOW) as store:  # …and nothing of it stayed
        assert (len(store.evaluations.history(account.id, limit=1000)), store.bitacora.count()) == before
    workspace.run(record_evaluation, account.id, day=NOW.date(), note="de verdad")  # outside: recorded
    with open_store(db, clock=lambda: NOW) as store:
        assert len(store.evaluations.history(account.id, limit=1000)) == before[0] + 1
