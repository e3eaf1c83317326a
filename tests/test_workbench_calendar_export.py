"""Pilot tests, from the keyboard, of the agenda's ICS export in the workbench (``calendario exportar``):
from the Calendario screen's key and from the palette, the same bytes as the command line on the same
database and clock, the days ahead, the question before replacing a file and a bad number refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, make_app, palette, run_async, settle

from tests.inprocess import cli_environment, run
from tui.forms.base import ConfirmDialog


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The demo database and a home folder with «oficios» in it (where the picker starts)."""
    db = build_demo_db(tmp_path / "demo.db")
    home = tmp_path / "casa"
    (home / "oficios").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    cli_environment(monkeypatch)
    return db, home


def cli_ics(db: Path, target: Path, *days: str) -> bytes:
    result = run("--db", str(db), "calendario", "exportar", "--salida", str(target), *days)
    assert result.code == 0, result.err
    return target.read_bytes()


@run_async
async def test_the_calendar_key_picks_a_folder_and_writes_the_command_lines_file(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    from tui.forms.calendar_export import CalendarExportDialog
    from tui.forms.transfer import FilePickerDialog
    from tui.screens.calendario import CalendarioScreen

    db, home = demo
    expected = cli_ics(db, tmp_path / "cli.ics")
    assert expected.count(b"BEGIN:VEVENT") > 3  # a real agenda, not an empty calendar
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        calendario = app.screen
        assert isinstance(calendario, CalendarioScreen)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CalendarExportDialog)
        assert dialog.value("name") == f"agenda-{NOW.date().isoformat()}.ics"
        assert dialog.value("days") == "30"
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)  # not settle: the folder tree keeps a loader worker while it is open
        assert isinstance(app.screen, FilePickerDialog)
        await pilot.press("down", "enter")  # the tree: «oficios», opened
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")  # choose it
        await pilot.pause(0.1)
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.value("folder") == str(home / "oficios")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is calendario
        target = home / "oficios" / f"agenda-{NOW.date().isoformat()}.ics"
        assert target.read_bytes() == expected
        assert [p.name for p in (home / "oficios").iterdir()] == [target.name]  # no temporary file left
        events = expected.count(b"BEGIN:VEVENT")
        said = [n.message for n in app._notifications]
        assert any(f"Calendario escrito en {target}" in m and "obligaciones" in m for m in said), said

        # a file of that name in the folder the form starts in (home): asked first; «n» keeps it, «s» replaces it
        target = home / target.name
        target.write_bytes(b"viejo")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "se reemplazará" in app.screen.question
        assert target.read_bytes() == b"viejo"  # the rehearsal wrote nothing
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog and target.read_bytes() == b"viejo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.screen is calendario
        assert target.read_bytes() == expected
        assert events == target.read_bytes().count(b"BEGIN:VEVENT")


@run_async
async def test_the_palette_exports_with_the_days_ahead_and_refuses_a_bad_number(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    from tui.forms.calendar_export import CalendarExportDialog

    db, home = demo
    expected = cli_ics(db, tmp_path / "cli-90.ics", "--dias", "90")
    assert expected != cli_ics(db, tmp_path / "cli-30.ics")  # the days ahead change the file
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await palette(pilot, "calendario: Exportar la agenda")
        assert isinstance(dialog, CalendarExportDialog)
        # the name without «.ics» gets it; the days: «-3» is refused with the core's words, nothing written
        await pilot.press("tab", "tab", *"oficina", "tab", *"-3", "ctrl+s")  # a field reached by Tab: all selected
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one(".dialog-error").render())  # type: ignore[attr-defined]
        assert "no pueden ser negativos" in error
        assert not (home / "oficina.ics").exists()
        await pilot.press("end", "ctrl+u", *"90", "ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
        assert (home / "oficina.ics").read_bytes() == expected
