"""Both faces list the same agenda: the workbench's Hoy and ``resguardo pendientes --json``.

Same database, same clock, same window: the same obligations in the same
order. The clock is set at several times of day, so deadlines that fall later
on the window's last day are in play (the workbench used to cut the window at
the minute and drop them).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import NOW, make_runner
from workbench_helpers import build_demo_db

from tui.core.agenda import compute_agenda
from tui.workspace import Workspace

PROFILES = ("ine", "ieeags", "ieesonora", "iecm")


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("paridad")
    return {profile: build_demo_db(folder / f"{profile}.db", profile) for profile in PROFILES}


def _identity(kind: str, status: str, due: str, account_id: int | None, person_id: int | None, key: str) -> tuple:
    return (kind, status, due, account_id, person_id, key)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("hour", [0, 10, 23])
def test_hoy_and_pendientes_list_the_same_items(demos, profile: str, hour: int) -> None:
    clock = NOW.replace(hour=hour, minute=30)
    workbench = Workspace(demos[profile], lambda: clock).run(compute_agenda, horizon_days=30).items
    run = make_runner(demos[profile])
    result = run("pendientes", "--json", "--dias", "30", extra_env={"RESGUARDO_NOW": clock.isoformat()})
    assert result.code == 0, result.err
    printed = json.loads(result.out)
    assert [
        _identity(o["kind"], o["status"], o["due"], o["account_id"], o["person_id"], o["key"]) for o in printed
    ] == [
        _identity(
            str(i.kind),
            str(i.status),
            i.due.isoformat(timespec="seconds"),
            i.account.id if i.account else None,
            i.person.id if i.person else None,
            i.key,
        )
        for i in workbench
    ]
    assert len(printed) > 10


def test_the_window_reaches_the_end_of_its_last_day(demos) -> None:
    """The case the parity test guards: something falls due on day 30 after the clock's time of day."""
    clock = NOW.replace(hour=23, minute=30)
    last_day: date = clock.date() + timedelta(days=30)
    found = [
        item
        for profile in PROFILES
        for item in Workspace(demos[profile], lambda: clock).run(compute_agenda, horizon_days=30).items
        if item.due.date() == last_day
    ]
    assert found, "ningún vencimiento cae el día 30 en los demos: la prueba de paridad no cubriría el borde"
    assert any(item.due > clock + timedelta(days=30) for item in found)  # past the minute-exact cut
