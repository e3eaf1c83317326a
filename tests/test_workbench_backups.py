"""Backups and the office's package in the workbench (issue #14 D2), end to end from the keyboard.

Each test opens its dialog as a user would (the palette, or Ajustes' key), acts with keys, and checks
the files and the database with the same core functions the command line calls.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, make_app, palette, run_async, settle, type_text

from policy.codes import Status
from store import open_store
from store.backup import ASIDE_PREFIX, MANUAL
from tui.forms.base import ConfirmDialog, FormDialog
from tui.workspace import Workspace


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "oficina" / "ine.db", "ine")


async def select_row(pilot, dialog, wanted) -> None:  # type: ignore[no-untyped-def]
    """Move the list's cursor with ↓ (from the top) to the first item ``wanted`` accepts."""
    await pilot.press("home")
    for _ in range(len(dialog.items)):
        item = dialog.selected()
        if item is not None and wanted(item):
            return
        await pilot.press("down")
    raise AssertionError("no such row")


def waiver_count(db: Path) -> int:
    with open_store(db, clock=lambda: NOW) as store:
        return int(store.query_one("SELECT count(*) FROM waivers")[0])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@run_async
async def test_make_a_backup_change_something_restore_it_and_the_change_is_gone(
    ine_db: Path, memory_keyring: object
) -> None:
    from tui.core.bitacora import verify_journal
    from tui.forms.backups import BackupsDialog
    from tui.forms.settings import SettingsDialog

    folder = ine_db.parent / "respaldos"
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.agenda_snapshot is not None
        overdue = app.agenda_snapshot.count(Status.OVERDUE)
        dialog = await palette(pilot, "respaldos: Respaldos")
        assert isinstance(dialog, BackupsDialog)
        before = {b.path for b in dialog.items}
        await pilot.press("c")
        await settle(pilot)
        made = [b for b in dialog.items if b.path not in before]
        assert len(made) == 1 and made[0].reason == MANUAL and made[0].path.parent == folder
        assert made[0].path.exists() and Path(f"{made[0].path}.json").exists()
        assert dialog.selected() == made[0]  # the new one is selected, newest first
        assert [b.created for b in dialog.items] == sorted((b.created for b in dialog.items), reverse=True)
        assert "Respaldo creado" in str(dialog.query_one("#intro").render())
        await pilot.press("escape")
        await settle(pilot)

        # change something: waive Hoy's first item
        await pilot.press("enter", "x")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "Oficio de la DEA")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert waiver_count(ine_db) == 1
        assert app.agenda_snapshot.count(Status.OVERDUE) == overdue - 1

        # restore it, from Ajustes' key this time
        settings = await palette(pilot, "ajustes: Ajustes del perfil")
        assert isinstance(settings, SettingsDialog)
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BackupsDialog)
        await select_row(pilot, dialog, lambda b: b.path == made[0].path)
        await pilot.press("r")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert made[0].path.name in confirm.question and ASIDE_PREFIX in confirm.question
        assert waiver_count(ine_db) == 1  # asked first: nothing changed yet
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog
        intro = str(dialog.query_one("#intro").render())
        assert "Base de datos restaurada" in intro and "testigo" not in intro, intro
        said = [str(n.message) for n in app._notifications][-1]
        assert "Testigos de la bitácora (archivo y llavero) al día" in said, said
        # on screen: the agenda was read again from the restored file
        assert app.agenda_snapshot.count(Status.OVERDUE) == overdue
        assert any(b.path.name.startswith(ASIDE_PREFIX) for b in dialog.items)
    # in the file
    assert waiver_count(ine_db) == 0
    aside = [p for p in folder.iterdir() if p.name.startswith(ASIDE_PREFIX) and p.suffix == ".db"]
    assert len(aside) == 1
    with open_store(aside[0], clock=lambda: NOW) as store:
        assert int(store.query_one("SELECT count(*) FROM waivers")[0]) == 1  # the set-aside copy has it
    with open_store(ine_db, clock=lambda: NOW) as store:
        assert verify_journal(store, None).ok


@run_async
async def test_a_backup_with_one_byte_changed_is_refused_and_nothing_changes(
    ine_db: Path, memory_keyring: object
) -> None:
    from tui.forms.backups import BackupsDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await palette(pilot, "respaldos: Respaldos")
        assert isinstance(dialog, BackupsDialog)
        await pilot.press("c")
        await settle(pilot)
        backup = dialog.selected()
        assert backup is not None and backup.reason == MANUAL
        data = bytearray(backup.path.read_bytes())
        data[len(data) // 2] ^= 0x01
        backup.path.write_bytes(bytes(data))
        database = sha256(ine_db)
        listed = {p.name for p in backup.path.parent.iterdir()}

        await pilot.press("v")
        await settle(pilot)
        error = str(dialog.query_one(".dialog-error").render())
        assert "no coincide con su manifiesto" in error or "dañado" in error, error
        assert dialog.table.rows[dialog.table.cursor].cells[3] == "no"  # the «Verificado» column

        await pilot.press("r")
        await settle(pilot)
        assert app.screen is dialog  # refused before anything is asked
        error = str(dialog.query_one(".dialog-error").render())
        assert error.startswith("No se restauró nada:"), error
    assert sha256(ine_db) == database
    assert {p.name for p in backup.path.parent.iterdir()} == listed  # nothing set aside


@run_async
async def test_export_the_office_package_and_the_coordination_imports_it(
    ine_db: Path, memory_keyring: object, tmp_path: Path
) -> None:
    from store.coordination import open_coordination
    from tui.core.coordination import import_package, register_office
    from tui.forms.package import PackageDialog
    from tui.forms.transfer import FilePickerDialog

    out = tmp_path / "entrega"
    out.mkdir()
    app = make_app(ine_db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await palette(pilot, "paquete: Paquete de la oficina")
        assert isinstance(dialog, PackageDialog)
        key = dialog.key
        assert key is not None and key.created
        assert key.fingerprint in str(dialog.query_one("#fingerprint").render())
        await pilot.press("ctrl+y")
        assert app.clipboard == key.fingerprint
        await pilot.press("ctrl+b")
        assert app.clipboard == key.public_key

        await pilot.press("ctrl+s")  # no office code: refused, nothing written
        await settle(pilot)
        assert app.screen is dialog and "clave de oficina" in str(dialog.query_one(".dialog-error").render())
        await type_text(pilot, "ine-jl09")
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)  # not settle: the folder tree keeps a loader worker while it is open
        picker = app.screen
        assert isinstance(picker, FilePickerDialog)
        await pilot.press("shift+tab", "end", "ctrl+u")  # the path field, emptied
        await type_text(pilot, str(out))
        await pilot.press("enter")
        await pilot.pause(0.1)
        await settle(pilot)
        assert app.screen is dialog and dialog.value("folder") == str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
    package = out / f"paquete-{NOW.date().isoformat()}.zip"
    assert package.exists() and not [p for p in out.iterdir() if p.name.startswith(".")]

    # the coordination office registers the copied key and imports the package
    with open_coordination(tmp_path / "coordinacion.db", create=True, clock=lambda: NOW) as coordination:
        register_office(coordination, code="INE-JL09", public_key=key.public_key)
        imported = import_package(coordination, package)
        counts = coordination.counts()
    with open_store(ine_db, clock=lambda: NOW) as store:
        accounts = len(store.accounts.list())
        entries = int(store.query_one("SELECT count(*) FROM bitacora")[0])
    assert imported.office == "INE-JL09" and imported.changed
    assert imported.accounts == accounts and imported.entries == entries
    assert counts["packages"] == 1 and counts["accounts"] == accounts


@run_async
async def test_the_package_dialog_asks_before_replacing_a_file(ine_db: Path, memory_keyring: object) -> None:
    from tui.forms.package import PackageDialog

    folder = ine_db.parent
    existing = folder / f"paquete-{NOW.date().isoformat()}.zip"
    existing.write_bytes(b"old")
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = PackageDialog(app.workspace, folder)
        app.push_screen(dialog)
        await settle(pilot)
        await type_text(pilot, "INE-JL09")
        await pilot.press("ctrl+s")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog) and "se reemplazará" in confirm.question
        assert existing.read_bytes() == b"old"  # rehearsed: nothing written yet
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog and existing.read_bytes() == b"old"
    assert not [p for p in folder.iterdir() if p.name.startswith(".resguardo-paquete")]


def test_database_closed_waits_for_open_connections_and_holds_new_ones(tmp_path: Path) -> None:
    db = build_demo_db(tmp_path / "ine.db", "ine")
    workspace = Workspace(db, lambda: NOW)
    events: list[str] = []
    opened = threading.Event()
    release = threading.Event()

    def reader() -> None:
        with workspace.session():
            opened.set()
            release.wait(5)
            events.append("reader closed")

    def late_reader() -> None:
        with workspace.session():
            events.append("late opened")

    thread = threading.Thread(target=reader)
    thread.start()
    opened.wait(5)
    threading.Timer(0.2, release.set).start()
    with workspace.database_closed():
        events.append("replacing")
        late = threading.Thread(target=late_reader)
        late.start()
        late.join(0.2)
        assert "late opened" not in events  # held while the file is replaced
        events.append("replaced")
    late.join(5)
    thread.join(5)
    assert events == ["reader closed", "replacing", "replaced", "late opened"]


def test_database_closed_gives_up_with_a_spanish_message(tmp_path: Path) -> None:
    from store.errors import StoreError

    db = build_demo_db(tmp_path / "ine.db", "ine")
    workspace = Workspace(db, lambda: NOW)
    with workspace.session(), pytest.raises(StoreError) as caught, workspace.database_closed(wait=0.1):
        pass
    assert "No se cambió nada" in caught.value.message
    with workspace.session():  # and the workspace works again afterwards
        pass


@run_async
async def test_a_restore_says_when_the_keyrings_witness_could_not_follow(ine_db: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    from tui.forms.backups import BackupsDialog

    app = make_app(ine_db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await palette(pilot, "respaldos: Respaldos")
        assert isinstance(dialog, BackupsDialog)
        await pilot.press("c")
        await settle(pilot)
        memory_keyring.fail = "get"  # the keyring cannot be read from now on
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog
        assert "El testigo del llavero no se actualizó" in str(dialog.query_one("#intro").render())
        said = [str(n.message) for n in app._notifications][-1]
        assert "Base de datos restaurada" in said and "El testigo del llavero no se actualizó (" in said, said
        assert "resguardo " not in said and "--" not in said  # no command-line option named
    assert any(p.name.startswith(ASIDE_PREFIX) for p in (ine_db.parent / "respaldos").iterdir())
