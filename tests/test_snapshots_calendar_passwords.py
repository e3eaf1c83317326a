"""SVG snapshots of the agenda's ICS export form and the password review (issue #14 E1) at 80×24 and
120×40, on the ine demo with a fixed clock and the in-memory keyring.

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_calendar_passwords.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from textual.widgets import Input
from workbench_helpers import build_demo_db, settle

from tui.app import Workbench

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("name", "keys"), [("exportar_calendario", ("8", "e")), ("revisar_contrasenas", ("2", "R"))])
def test_dialog(
    snap_compare, tmp_path: Path, memory_keyring, name: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    db = build_demo_db(tmp_path / "ine.db", "ine")
    home = Path("/srv/oficina")
    app = Workbench(db, clock=lambda: NOW)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
            if box.id == "folder":
                box.value = str(home)  # the same folder whatever the home folder of the machine
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
