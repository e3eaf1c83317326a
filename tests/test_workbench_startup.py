"""The workbench's start-up: Hoy's rows in the first frame, everything else after it.

``resguardo`` reads the agenda before importing Textual (``Workspace.startup``) and
hands it to the app; the first frame must show it without another read, and the
accounts and people of the other screens are built only once that frame is painted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, run_async, settle

from policy.codes import Status
from tui.app import Workbench
from tui.core.records import Institution, institution
from tui.screens.hoy import HoyScreen
from tui.widgets.table import LazyRow, VirtualTable
from tui.workspace import Workspace


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "demo.db")


def probe_first_frame(app: Workbench) -> dict[str, object]:
    """What the app holds when its first frame of Hoy has been painted (filled in then)."""
    seen: dict[str, object] = {}
    first_frame = app._first_frame

    def record() -> bool:
        screen = app.screen
        table = screen.query_one("#agenda", VirtualTable)
        seen.update(
            screen=type(screen).__name__,
            rows=len(table.rows),
            drawn=sum(1 for row in table.rows if isinstance(row, LazyRow) and row._make is None),
            institution=app.institution,
        )
        return first_frame()

    app._first_frame = record  # type: ignore[method-assign]
    return seen


@run_async
async def test_preloaded_agenda_is_in_the_first_frame_without_reading_again(demo_db: Path) -> None:
    workspace = Workspace(demo_db, lambda: NOW)
    startup = workspace.startup()
    assert startup.agenda is not None
    app = Workbench(demo_db, lambda: NOW, startup)
    seen = probe_first_frame(app)

    def no_second_read() -> None:
        raise AssertionError("the app read the database again before its first frame")

    app.workspace.startup = no_second_read  # type: ignore[method-assign]
    app.INSTITUTION_DELAY = 3600  # type: ignore[misc]  # only a key starts the build here
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert seen["screen"] == "HoyScreen"
        items = len(startup.agenda.items)
        sections = len({item.status for item in startup.agenda.items})
        assert seen["rows"] == items + sections
        assert 0 < int(seen["drawn"]) < items  # type: ignore[call-overload]  # only the rows on screen
        assert seen["institution"] is None  # built after the first frame
        assert app.agenda_snapshot is startup.agenda
        overdue = startup.agenda.count(Status.OVERDUE)
        assert app.summary.startswith(f"{overdue} vencidos · ")
        assert app.institution is None  # not yet: Textual's next frames come first
        await pilot.press("down")  # the user's first key starts it at once
        await settle(pilot)
        assert isinstance(app.institution, Institution)  # built from the same state
        assert len(app.institution.accounts) == startup.agenda.accounts


@run_async
async def test_institution_is_built_after_the_first_frame(demo_db: Path) -> None:
    app = Workbench(demo_db, lambda: NOW)
    seen = probe_first_frame(app)
    load = app.workspace.load
    built_after_frame: list[bool] = []

    def recording_load():  # type: ignore[no-untyped-def]
        agenda, build = load()

        def build_recorded() -> Institution:
            built_after_frame.append(bool(seen))
            return build()

        return agenda, build_recorded

    app.workspace.load = recording_load  # type: ignore[method-assign]
    app.INSTITUTION_DELAY = 0  # type: ignore[misc]  # (the first build waits INSTITUTION_DELAY, or a key)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert seen["rows"]
        assert built_after_frame == [True]
        assert app.institution is not None
        app.action_reload()  # a reload shows the agenda, then builds the rest at once
        await settle(pilot)
        assert built_after_frame == [True, True]


@run_async
async def test_switching_screens_keeps_hoy_at_the_bottom(demo_db: Path) -> None:
    app = Workbench(demo_db, lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hoy = app.screen
        assert isinstance(hoy, HoyScreen) and app.screen_stack == [hoy]
        for key, mode in (("2", "cuentas"), ("3", "personas"), ("1", "hoy"), ("3", "personas"), ("1", "hoy")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_view == mode
            assert app.screen_stack[0] is hoy and len(app.screen_stack) == (1 if mode == "hoy" else 2)
        assert app.institution is not None  # the first key started it


@run_async
async def test_a_superseded_load_is_not_shown(demo_db: Path) -> None:
    app = Workbench(demo_db, clock=lambda: NOW)
    app.INSTITUTION_DELAY = 0  # type: ignore[misc]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        current = app.institution
        assert current is not None
        stale = Workspace(demo_db, lambda: NOW).run(institution)
        app.post_message(Workbench.InstitutionLoaded(stale, app._load_generation - 1))
        await settle(pilot)
        assert app.institution is current
        assert isinstance(app.screen, HoyScreen)


def test_first_frame_imports_only_what_hoy_needs(demo_db: Path) -> None:
    """Other screens, forms, keyring, zxcvbn, sqlite-utils and holidays load on first use."""
    lazy = (
        "keyring",
        "zxcvbn",
        "sqlite_utils",
        "holidays",
        "policy.strength",
        "store.secrets",
        "tui.screens.cuentas",
        "tui.screens.personas",
        "tui.screens.listing",
        "tui.screens.bitacora",
        "tui.screens.workflows",
        "tui.screens.misc",
        "tui.forms.base",
        "tui.forms.records",
        "tui.forms.agenda_items",
        "tui.forms.password",
        "textual.widgets._data_table",
    )
    code = (
        "import asyncio, json, sys\n"
        "from datetime import datetime\n"
        "from tui.workspace import Workspace\n"
        "from tui.app import Workbench\n"
        f"now = datetime.fromisoformat({NOW.isoformat()!r})\n"
        f"db = {str(demo_db)!r}\n"
        "startup = Workspace(db, lambda: now).startup()\n"
        "loaded = []\n"
        "async def main():\n"
        "    app = Workbench(db, lambda: now, startup)\n"
        "    app._first_frame = lambda: bool(loaded.extend(sys.modules))\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        while not loaded:\n"
        "            await pilot.pause()\n"
        "asyncio.run(main())\n"
        f"print(json.dumps(sorted(m for m in set(loaded) if m.startswith({lazy!r}))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_first_frame_on_a_terminal_shows_hoy_whole(demo_db: Path) -> None:
    """``resguardo`` in a pseudo-terminal: the first frame with the agenda has all of its data.

    Textual drops the frames drawn while it mounts the app and then writes only what
    changed; data shown too early reached the terminal without the preview pane.
    """
    from bench.terminal import first_frame

    script = Path(sys.executable).with_name("resguardo")
    env = {**os.environ, "RESGUARDO_NOW": NOW.isoformat(), "TERM": "xterm-256color"}
    frame = first_frame(
        [str(script), "--db", str(demo_db)],
        env,
        until=lambda lines: any("VENCIDOS (" in line for line in lines),
        timeout=30,
    )
    assert frame is not None, "Hoy never showed its agenda"
    lines = frame.lines
    assert "vencidos" in lines[0]  # the counts
    heading = next(i for i, line in enumerate(lines) if "VENCIDOS (" in line)
    row = lines[heading + 1]  # a row under it, starting with when it was due
    assert row.startswith(("venció", "hallazgo vigente", "avisar de inmediato")), row
    assert any("«" in line for line in lines[heading + 2 :])  # the selected item's clause
    # (The Footer's keys are widgets of their own, mounted after it: on a busy machine they
    # may land a frame later; the benchmark waits for them.)


@run_async
async def test_a_form_opened_before_the_people_are_built_waits_for_them(demo_db: Path) -> None:
    """«Asignar» in the instant after the first frame offers every person, not an empty list."""
    from tui.forms.records import AssignDialog

    app = Workbench(demo_db, lambda: NOW)
    app.INSTITUTION_DELAY = 3600  # type: ignore[misc]  # nothing built until asked
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.institution is None and app.agenda_snapshot is not None
        account = next(i.account for i in app.agenda_snapshot.items if i.account is not None)
        app.assign_person(account)  # what Enter → «Asignar» calls
        assert not isinstance(app.screen, AssignDialog)  # not with an empty list: it waits
        await settle(pilot)
        assert isinstance(app.institution, Institution)
        dialog = app.screen
        assert isinstance(dialog, AssignDialog)
        assert len(dialog.people) == len(app.institution.people_by_id) > 0
