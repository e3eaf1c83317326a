"""Pilot tests: the duties and findings of POLICY.md §11 resolved from Hoy (issue #13)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from test_workbench_actions import make_app, resolve_with, select_first
from workbench_helpers import build_demo_db, run_async, settle

from policy.codes import Kind
from store import open_store
from tui.core import duties
from tui.forms.base import ConfirmDialog
from tui.forms.bitacora import EntryDialog
from tui.forms.duties import DutyDialog
from tui.screens.hoy import HoyScreen, ObligationScreen


@pytest.fixture
def iecm_db(tmp_path: Path) -> Path:
    db = build_demo_db(tmp_path / "iecm.db")
    with open_store(db, clock=lambda: NOW) as store:
        ref = store.accounts.list()[0].ref
        duties.report_matter(store, ref, "Circula una convocatoria falsa")
    return db


@run_async
async def test_a_matter_notice_is_ticked_from_hoy_with_its_entry(iecm_db: Path) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        item = await resolve_with(pilot, Kind.MATTER_NOTICE, "h", DutyDialog)
    with open_store(iecm_db) as store:
        done = store.duties.get(item.ref_id)
        assert done.done_at is not None and done.done_entry_id is not None
        assert store.bitacora.get(done.done_entry_id).kind == "nota"
        assert len([d for d in store.duties.list(open_only=True) if d.kind == "aviso_asunto"]) == 2


@run_async
async def test_people_declared_in_the_entry_form_open_their_release_letters(iecm_db: Path) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await select_first(pilot, Kind.INSTITUTIONAL_PHONE)
        await pilot.press("enter")
        assert isinstance(app.screen, ObligationScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
        account = app.screen.selected_item.account  # type: ignore[union-attr]
        assert account is not None
        app.push_screen(EntryDialog(app.workspace, [(account.ref, account.id)], account.id, kind="publicacion"))
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        dialog.query_one("#text").value = "Jornada cívica en la plaza"  # type: ignore[attr-defined]
        dialog.query_one("#people").value = "Ana López, Juan Ruiz"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
    with open_store(iecm_db) as store:
        letters = [d for d in store.duties.list(open_only=True) if d.kind == "carta_descargo"]
        assert sorted(d.subject for d in letters) == ["Ana López", "Juan Ruiz"]
        assert {d.account_id for d in letters} == {account.id}
