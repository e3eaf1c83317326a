"""SVG snapshots of the dialogs of issue #14 D1 at 80×24 and 120×40, on the ine demo with a fixed
clock: the checked moderation (with the refusal and with the legal basis), the seal, the bitácora's
export and the second factor.

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_journal_tools.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW
from textual.widgets import Input
from workbench_helpers import build_demo_db, first_account, settle

from tui import flows
from tui.app import Workbench

SIZES = [(80, 24), (120, 40)]


def _second_factor(app: Workbench) -> None:
    account = first_account(app)
    flows.second_factor(app, account)


#: name -> (what opens the dialog, keys pressed once it is open)
CASES: dict[str, tuple[Callable[[Workbench], None], tuple[str, ...]]] = {
    "moderar": (lambda app: flows.moderate_comment(app, first_account(app).id), ()),
    "moderar_rechazo": (
        lambda app: flows.moderate_comment(app, first_account(app).id),
        ("tab", "enter", "home", "enter"),
    ),
    "sello": (flows.show_seal, ()),
    "exportar_bitacora": (lambda app: flows.export_journal(app), ()),
    "segundo_factor": (_second_factor, ()),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(CASES))
def test_dialog(  # type: ignore[no-untyped-def]
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring, name: str, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("HOME", "/home/oficina")  # the export's folder starts there: the same on every machine
    opener, keys = CASES[name]
    db = build_demo_db(tmp_path / "ine.db", "ine")
    app = Workbench(db, clock=lambda: NOW)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for _ in range(100):  # the accounts the pickers need: loaded, so no «Cargando…» notice in the picture
            if app.institution is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        opener(app)
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
