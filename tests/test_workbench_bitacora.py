"""Pilot tests of the Bitácora screen: search as you type, filters, a new entry, verification."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, run_async, settle

from store import open_store
from tui.app import Workbench
from tui.forms.base import ConfirmDialog


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "demo.db")


async def open_bitacora(pilot):  # type: ignore[no-untyped-def]
    from tui.screens.bitacora import BitacoraScreen

    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BitacoraScreen)
    return screen


async def after_typing(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(0.35)  # the debounce
    await settle(pilot)


@run_async
async def test_bitacora_lists_newest_first_and_searches_as_you_type(demo_db: Path) -> None:
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        ids = [entry.id for entry in screen.entries]
        # listed by when they happened (the «Ocurrió» column), newest first, then by id
        order = [(entry.occurred, entry.id) for entry in screen.entries]
        assert ids and order == sorted(order, reverse=True)
        first_cell = screen.query_one("#entries").rows[0].cells[0]  # type: ignore[attr-defined]
        assert first_cell[2] == "/" and first_cell[5] == "/"  # dd/mm/aaaa HH:MM, not ISO
        word = next(w for w in screen.entries[-1].text.split() if len(w) > 5 and w.isalpha())
        await pilot.press("slash", *word.upper())
        await after_typing(pilot)
        assert screen.shown_generation == screen._generation  # the latest search is the one shown
        assert screen.entries and all(word.lower() in e.text.lower() for e in screen.entries)
        await pilot.press("escape")
        await after_typing(pilot)
        assert len(screen.entries) == len(ids)


@run_async
async def test_add_an_entry_and_find_it_without_accents(demo_db: Path) -> None:
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        from tui.forms.bitacora import EntryDialog

        screen = await open_bitacora(pilot)
        await pilot.press("n")
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        dialog.query_one("#text").value = "Publicación sobre la jornada electoral en Tláhuac"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("slash", *"tlahuac jornada")
        await after_typing(pilot)
        assert [e.text for e in screen.entries] == ["Publicación sobre la jornada electoral en Tláhuac"]
    with open_store(demo_db) as store:
        assert store.bitacora.search("Tláhuac")[0].kind == "nota"


@run_async
async def test_empty_entry_is_refused_and_nothing_recorded(demo_db: Path) -> None:
    with open_store(demo_db) as store:
        before = store.bitacora.count()
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("n", "ctrl+s")
        await settle(pilot)
        assert "texto" in str(app.screen.query_one(".dialog-error").render())
    with open_store(demo_db) as store:
        assert store.bitacora.count() == before


@run_async
async def test_filter_by_kind_and_dates(demo_db: Path) -> None:
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        from textual.widgets import Input, Select

        screen = await open_bitacora(pilot)
        kinds = {e.kind for e in screen.entries}
        kind = sorted(kinds)[0]
        screen.query_one("#kind", Select).value = kind
        await after_typing(pilot)
        assert screen.entries and {e.kind for e in screen.entries} == {kind}
        screen.query_one("#kind", Select).clear()
        screen.query_one("#since", Input).value = "2030-01-01"
        await after_typing(pilot)
        assert screen.entries == []
        screen.query_one("#since", Input).value = "ayer"
        await after_typing(pilot)
        assert "fecha" in str(screen.query_one("#entry-detail").render())


@run_async
async def test_verify_shows_the_chain_result(demo_db: Path) -> None:
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "íntegra" in str(screen.query_one("#entry-detail").render())
    conn = sqlite3.connect(demo_db, isolation_level=None)  # as an attacker would: triggers dropped
    conn.execute("DROP TRIGGER bitacora_no_update")
    conn.execute("UPDATE bitacora SET text = text || ' (alterado)' WHERE id = 1")
    conn.close()
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        await pilot.press("v")
        await settle(pilot)
        detail = str(screen.query_one("#entry-detail").render())
        assert "Cadena alterada" in detail and "entrada 1" in detail
