"""Pilot tests of the Calendario screen and the «Generar informe» form, and their snapshots."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, run_async, settle

from tui.app import Workbench
from tui.forms.base import ConfirmDialog


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "demo.db")


async def open_calendar(pilot):  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("8")
    await settle(pilot)
    return pilot.app.screen


def cell_text(screen, day: date) -> str:  # type: ignore[no-untyped-def]
    first = date(day.year, day.month, 1)
    index = first.weekday() + day.day - 1
    return str(screen.query_one(f"#cell-{index}").render())


@run_async
async def test_the_calendar_moves_by_day_week_and_month_and_marks_the_days(demo_db: Path) -> None:
    from tui.screens.calendario import CalendarioScreen

    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calendar(pilot)
        assert isinstance(screen, CalendarioScreen)
        assert screen.selected == date(2026, 3, 12)
        assert "Marzo de 2026" in str(screen.query_one("#month-title").render())
        today = screen.view.day(date(2026, 3, 12))
        assert today is not None and today.items, "the demo has deadlines today"
        assert "Jueves 12 de marzo de 2026 · hábil" in str(screen.query_one("#day-detail").render())
        # 16 March 2026 is Benito Juárez's day (third Monday): marked non-working
        assert screen.view.day(date(2026, 3, 16)).not_working is not None
        assert "inhábil" in cell_text(screen, date(2026, 3, 16))
        first = date(2026, 3, 1)
        assert screen.query_one(f"#cell-{first.weekday() + 15}").has_class("off")
        await pilot.press("right")
        assert screen.selected == date(2026, 3, 13)
        await pilot.press("down")
        assert screen.selected == date(2026, 3, 20)
        await pilot.press("pagedown")
        await settle(pilot)
        assert screen.selected == date(2026, 4, 20) and screen.view.month == 4
        assert "Abril de 2026" in str(screen.query_one("#month-title").render())
        await pilot.press("pageup", "pageup")
        await settle(pilot)
        assert screen.view.month == 2 and screen.selected == date(2026, 2, 20)
        await pilot.press("t")
        await settle(pilot)
        assert screen.selected == date(2026, 3, 12)


@run_async
async def test_enter_opens_the_days_items_and_an_item_opens_its_dialog(demo_db: Path) -> None:
    from tui.screens.calendario import DayScreen
    from tui.screens.hoy import ObligationScreen

    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calendar(pilot)
        items = screen.view.day(date(2026, 3, 12)).items
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DayScreen) and app.screen.info.items == items
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ObligationScreen) and app.screen.item is items[0]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


@run_async
async def test_an_electoral_process_day_is_marked(demo_db: Path) -> None:
    from store import open_store

    store = open_store(demo_db, clock=lambda: NOW)
    store.calendar.add_electoral_period(date(2026, 3, 20), date(2026, 3, 22), "Proceso local")
    store.close()
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_calendar(pilot)
        assert screen.view.day(date(2026, 3, 21)).electoral
        assert "PE" in cell_text(screen, date(2026, 3, 21)) and "PE" not in cell_text(screen, date(2026, 3, 19))


def test_the_palette_offers_generar_informe(demo_db: Path) -> None:
    from tui.commands import applicable_commands

    app = Workbench(demo_db, clock=lambda: NOW)
    titles = [c.title for c in applicable_commands(app, None)]
    assert "informe: Generar informe" in titles and "vista: Calendario" in titles


async def open_report_form(pilot):  # type: ignore[no-untyped-def]
    from tui.commands import open_report

    await settle(pilot)
    for _ in range(100):  # the accounts are built just after the first frame (a timer, not a worker)
        if pilot.app.institution is not None:
            break
        await pilot.pause(0.05)
    await settle(pilot)
    open_report(pilot.app)
    await settle(pilot)
    return pilot.app.screen


async def set_input(pilot, widget_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.value = text
    await pilot.pause()


@run_async
async def test_the_form_writes_the_status_report(demo_db: Path, tmp_path: Path) -> None:
    from tui.forms.reports import ReportDialog

    target = tmp_path / "estado.pdf"
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_report_form(pilot)
        assert isinstance(dialog, ReportDialog)
        await set_input(pilot, "target", str(target))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReportDialog)
        assert target.read_bytes().startswith(b"%PDF")
        assert any("Informe escrito en" in n.message for n in app._notifications)


@run_async
async def test_the_form_writes_an_evaluation_as_docx_and_asks_before_replacing(demo_db: Path, tmp_path: Path) -> None:
    from textual.widgets import Select

    from tui.forms.reports import EVALUATION, ReportDialog

    target = tmp_path / "evaluacion.docx"
    target.write_bytes(b"anterior")
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_report_form(pilot)
        dialog.query_one("#kind", Select).value = EVALUATION
        await pilot.pause()
        await pilot.press("ctrl+s")  # no account chosen
        await settle(pilot)
        assert app.screen is dialog and "Elija la cuenta" in str(dialog.query_one(".dialog-error").render())
        from tui.forms.base import account_options

        dialog.query_one("#account", Select).value = account_options(app)[0][1]
        await set_input(pilot, "target", str(target))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "¿Reemplazarlo?" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, ReportDialog)
        assert target.read_bytes()[:2] == b"PK"  # a DOCX is a zip


@run_async
async def test_the_form_refuses_a_bad_name_in_spanish(demo_db: Path, tmp_path: Path) -> None:
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_report_form(pilot)
        await set_input(pilot, "target", str(tmp_path / "informe.txt"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and ".pdf o .docx" in str(dialog.query_one(".dialog-error").render())
        await set_input(pilot, "target", str(tmp_path / "falta" / "informe.pdf"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No existe la carpeta" in str(dialog.query_one(".dialog-error").render())
        assert list(tmp_path.glob("*.pdf")) == []


@run_async
async def test_a_slow_report_shows_its_progress(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.forms.reports as form

    real = form._write_status

    def slow(store, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(1.8)
        return real(store, **kwargs)

    monkeypatch.setattr(form, "_write_status", slow)
    app = Workbench(demo_db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_report_form(pilot)
        await set_input(pilot, "target", str(tmp_path / "lento.pdf"))
        await pilot.press("ctrl+s")
        await pilot.pause(1.4)
        assert "Generando el informe…" in str(dialog.query_one("#progress").render())
        await settle(pilot)
        assert (tmp_path / "lento.pdf").exists()


# -- snapshots -----------------------------------------------------------------------------


@pytest.fixture
def demo_app(demo_db: Path) -> Workbench:
    return Workbench(demo_db, clock=lambda: NOW)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_calendario_snapshot(snap_compare, demo_app: Workbench, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_calendar(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_generar_informe_snapshot(snap_compare, demo_app: Workbench, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_report_form(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=run_before)
