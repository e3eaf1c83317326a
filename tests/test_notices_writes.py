"""The holiday notice's write path (``avisos cumplir``, and the workbench's notices' list and Hoy's
item, which call the same use case), killed at each write and run two at a time.

Marking a notice writes its row, its event and its bitácora entry in one transaction: a kill at any
write point leaves all of them or none, and two terminals marking the same notice at once record it
once (the other one is refused in Spanish, nothing half-written).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import NOW
from write_harness import SCRIPT, copy, env, kill_at_every_write, make_template

from store import integrity, open_store


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("plantilla"), (("iniciar", "--perfil", "ine"),))


def _snapshot(db: Path) -> tuple[int, ...]:
    with open_store(db, clock=lambda: NOW) as store:
        assert integrity.check_records(store.conn).problems == []
        return tuple(
            store.query_one(sql)[0]
            for sql in (
                "SELECT count(*) FROM holiday_notices",
                "SELECT count(*) FROM workflow_events WHERE entity = 'holiday_notice'",
                "SELECT count(*) FROM bitacora",
            )
        )


def test_a_kill_at_every_write_leaves_all_or_nothing(template: Path, tmp_path: Path) -> None:
    kill_at_every_write(template, tmp_path, ("avisos", "cumplir", "2026-03-16", "--nota", "Publicado en X"), _snapshot)


def test_two_terminals_marking_notices_at_once_record_each_once(template: Path, tmp_path: Path) -> None:
    db = copy(template, tmp_path / "dos")
    before = _snapshot(db)
    runs = [
        subprocess.Popen(
            [SCRIPT, "avisos", "cumplir", day], env=env(db), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for day in ("2026-03-16", "2026-03-16", "2026-03-16", "2026-05-01")
    ]
    results = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in runs]
    for p in runs:
        for stream in (p.stdout, p.stderr):
            if stream is not None:
                stream.close()
    same = results[:3]
    assert sorted(code for code, _ in same) == [0, 1, 1], results
    for code, err in same:
        if code:
            assert "ya se marcó cumplido" in err and "Traceback" not in err, err
    assert results[3][0] == 0, results[3]
    # two notices, each with its event and its bitácora entry
    assert _snapshot(db) == (before[0] + 2, before[1] + 2, before[2] + 2)
    with open_store(db, clock=lambda: NOW) as store:
        assert sorted(store.holiday_notices.done()) == [20260316, 20260501]
