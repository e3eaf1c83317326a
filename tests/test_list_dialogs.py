"""Issue #14 C2: the list dialogs (TableDialog) at 80×24: the selected record's detail is read whole (a
closing's checklist down to its last step), and the keys line is the one every dialog uses (KeyHints)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from textual.widgets import Static
from workbench_helpers import build_demo_db, run_async, settle, shown

from policy.labels import CLOSING_ITEMS
from store import open_store
from tui import flows
from tui.app import Workbench
from tui.core.workflows import add_opening, close_account
from tui.forms.tables import TableDialog
from tui.widgets.keyhints import KeyHints


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    path = build_demo_db(tmp_path / "ine.db", "ine")
    with open_store(path, clock=lambda: NOW) as store:
        account = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[0]
        close_account(store, account.id, reason="Fin del programa", reference="INE/DECS/0456/2026")
        add_opening(store, network="x", handle="@INENueva", reference="INE/DECS/12/2026", requested_on=NOW.date())
    return path


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@run_async
async def test_a_closing_checklist_is_read_down_to_its_last_step(ine_db: Path, size: tuple[int, int]) -> None:
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        flows.show_closings(app)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TableDialog) and dialog.items
        text = shown(app)
        for label in CLOSING_ITEMS.values():  # every step, the last one included, on screen at once
            assert label in text, (label, text)
        assert "Esc Cerrar" in text and "m Marcar pasos" in text, text


@pytest.mark.parametrize("opener", [flows.show_closings, flows.show_openings, flows.show_waivers])
@run_async
async def test_list_dialogs_show_their_keys_with_the_widget_every_dialog_uses(ine_db: Path, opener) -> None:  # type: ignore[no-untyped-def]
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        opener(app)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TableDialog)
        hints = dialog.query_one(KeyHints)
        assert not dialog.query(".dialog-keys")  # one mechanism: no line of its own
        line = str(hints.render())
        assert line.endswith("Esc Cerrar"), line  # the dialog's own keys first, closing last
        assert line in shown(app)


@run_async
async def test_a_long_detail_can_be_scrolled_from_the_keyboard(ine_db: Path) -> None:
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        flows.show_closings(app)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TableDialog)
        long = "\n".join(f"línea {n} del detalle" for n in range(1, 31))
        dialog.query_one("#record-detail", Static).update(long)
        await settle(pilot)
        assert "línea 30 del detalle" not in shown(app)
        await pilot.press("tab")  # from the table to the detail
        await pilot.press("end")
        await settle(pilot)
        assert "línea 30 del detalle" in shown(app)


@run_async
async def test_keys_the_focused_table_also_binds_are_still_named(ine_db: Path) -> None:
    """←/→ change the calendar's year (the table cannot scroll sideways and leaves them to the dialog):
    the hint line names them although the focused table binds them too."""
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        flows.show_calendar(app)
        await settle(pilot)
        dialog = app.screen
        line = str(dialog.query_one(KeyHints).render())
        assert "← Año anterior · → Año siguiente · Esc Cerrar" in line, line
        year = dialog.year  # type: ignore[attr-defined]
        await pilot.press("right")
        await settle(pilot)
        assert dialog.year == year + 1  # type: ignore[attr-defined]
