"""SVG snapshots of the lists of issue #14 E2 at 80×24 and 120×40, on the demo with a fixed clock:
the duties' list (the ine demo with a pending and a done duty), the holiday notices' list (ine) and
the same list where the profile provides no notice (iecm: the core's message).

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_duty_lists.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, settle

from store import open_store
from tui import flows
from tui.app import Workbench
from tui.core.duties import fulfil_duty, report_matter

SIZES = [(80, 24), (120, 40)]


def _with_duties(db: Path) -> None:
    with open_store(db, clock=lambda: NOW) as store:
        first, second = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[:2]
        (done,) = report_matter(store, first.id, "Circula un video falso", at=NOW - timedelta(hours=3))
        fulfil_duty(store, done.id, at=NOW - timedelta(hours=2))
        report_matter(store, second.id, "Cuenta apócrifa", at=NOW - timedelta(hours=1))


#: name -> (profile, what to add to the demo, what opens the dialog)
CASES: dict[str, tuple[str, Callable[[Path], None], Callable[[Workbench], None]]] = {
    "deberes": ("ine", _with_duties, lambda app: flows.show_duties(app)),
    "avisos": ("ine", lambda db: None, flows.show_holiday_notices),
    "avisos_sin_regla": ("iecm", lambda db: None, flows.show_holiday_notices),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(CASES))
def test_dialog(snap_compare, tmp_path: Path, name: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    profile, seed, opener = CASES[name]
    db = build_demo_db(tmp_path / f"{profile}.db", profile)
    seed(db)
    app = Workbench(db, clock=lambda: NOW)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for _ in range(100):  # the accounts' names the duties' list shows: loaded first
            if app.institution is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        opener(app)
        await settle(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
