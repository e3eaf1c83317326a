"""Pilot tests of Incidentes, Consultas and Solicitudes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, run_async, settle

from store import open_store
from tui.app import Workbench
from tui.forms.base import ConfirmDialog


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


async def open_view(pilot, key: str):  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


@run_async
async def test_incidents_tick_every_notice_and_close_with_a_motive(ine_db: Path) -> None:
    from tui.forms.workflows import IncidentCloseDialog
    from tui.screens.pick import PickScreen
    from tui.screens.workflows import IncidentesScreen

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(pilot, "5")
        assert isinstance(screen, IncidentesScreen)
        assert " · 1 incidente abierto · " in app.summary  # the header line counts them
        incident = screen.selected()
        assert incident is not None and incident.is_open and len(incident.pending) == 3
        assert "pendiente" in str(screen.query_one("#detail-right").render())
        for _ in range(3):
            await pilot.press("n")
            assert isinstance(app.screen, PickScreen)
            await pilot.press("enter")
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
        assert app.screen is screen and not screen.selected().pending
        await pilot.press("z")
        dialog = app.screen
        assert isinstance(dialog, IncidentCloseDialog)
        await pilot.press("ctrl+s")  # no rotation since it opened: refused before any confirmation
        await settle(pilot)
        refusal = str(dialog.query_one(".dialog-error").render())
        assert app.screen is dialog and "rotación" in refusal
        assert "--" not in refusal and "sin-rotacion" not in refusal  # no command-line option: the form has the box
        await pilot.press("tab", "space", "tab", *"Se recuperó el acceso sin cambio", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # validated first, then asked
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert not screen.selected().is_open
        await settle(pilot)
        assert " · 0 incidentes abiertos · " in app.summary
    with open_store(ine_db) as store:
        closed = store.incidents.get(incident.id)
        assert closed.closed_at is not None and closed.closed_without_rotation
        assert not closed.pending


@run_async
async def test_open_an_incident_from_the_screen(ine_db: Path) -> None:
    from tui.forms.workflows import IncidentOpenDialog

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(pilot, "5")
        before = len(screen.items)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, IncidentOpenDialog)
        await pilot.press("enter", "down", "enter")  # the first account of the picker
        dialog.query_one("#description").value = "Acceso no reconocido"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and len(screen.items) == before + 1
        assert any(i.description == "Acceso no reconocido" and i.is_open for i in screen.items)
        await settle(pilot)
        assert " · 2 incidentes abiertos · " in app.summary


@run_async
async def test_consultas_countdown_new_and_resolve(ine_db: Path) -> None:
    from tui.forms.agenda_items import ConsultationDialog
    from tui.forms.workflows import ConsultationNewDialog
    from tui.screens.workflows import ConsultasScreen

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(pilot, "6")
        assert isinstance(screen, ConsultasScreen)
        assert len(screen.items) == 2
        texts = [row.cells[0] for row in screen.table.rows]
        assert any(t.startswith("venció hace") for t in texts) and any(t.startswith("vence en") for t in texts)
        await pilot.press("a")
        assert isinstance(app.screen, ConsultationNewDialog)
        await pilot.press("enter", "down", "enter")
        app.screen.query_one("#subject").value = "Cartel del debate"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and len(screen.items) == 3
        first = screen.selected()
        await pilot.press("p")
        assert isinstance(app.screen, ConsultationDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and first.id not in {c.id for c in screen.items}
    with open_store(ine_db) as store:
        assert store.consultations.get(first.id).state == "aprobada"


@run_async
async def test_solicitudes_route_one(ine_db: Path) -> None:
    from tui.forms.agenda_items import RequestDialog
    from tui.screens.workflows import SolicitudesScreen

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(pilot, "7")
        assert isinstance(screen, SolicitudesScreen)
        assert len(screen.items) == 2
        first = screen.selected()
        await pilot.press("enter")
        assert isinstance(app.screen, RequestDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and len(screen.items) == 1
    with open_store(ine_db) as store:
        assert store.information_requests.get(first.id).state == "canalizada"
