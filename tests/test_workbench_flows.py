"""Every workflow of the command line, run end to end in the workbench from the keyboard (issue #14 B).

Each test opens its workflow the way a user would (the screen's key or the
palette), fills the form with keys, confirms, and checks the database with the
same core functions the command line calls.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, make_app, palette, run_async, settle, type_text

from store import open_store
from tui.forms.base import ConfirmDialog, FormDialog


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


async def save_and_confirm(pilot) -> None:  # type: ignore[no-untyped-def]
    """ctrl+s, then the confirmation (asked only once the rehearsal found nothing to refuse)."""
    form = pilot.app.screen
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmDialog), form.query_one(".dialog-error").render()
    await pilot.press("y")
    await settle(pilot)


@run_async
async def test_correct_the_selected_bitacora_entry_and_the_chain_still_verifies(ine_db: Path) -> None:
    from tui.core.bitacora import verify_journal
    from tui.forms.bitacora import CorrectionDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.pause(0.4)
        await settle(pilot)
        screen = app.screen
        corrected = screen.entries[0]  # type: ignore[attr-defined]
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, CorrectionDialog) and dialog.entry.id == corrected.id
        await pilot.press("ctrl+s")  # no text: refused before any confirmation
        await settle(pilot)
        assert app.screen is dialog and "texto" in str(dialog.query_one(".dialog-error").render()).lower()
        await type_text(pilot, "Decia 10:00, fue a las 11:00")
        await save_and_confirm(pilot)
        assert app.screen is screen
    with open_store(ine_db) as store:
        newest = store.bitacora.search(limit=1)[0]
        assert newest.kind == "correccion" and newest.corrects_id == corrected.id
        assert newest.account_id == corrected.account_id
        assert newest.text == "Decia 10:00, fue a las 11:00"
        assert verify_journal(store, None).ok


@run_async
async def test_waive_an_item_then_list_and_revoke_the_waiver(ine_db: Path) -> None:
    from tui.core.waivers import waivers
    from tui.forms.waivers import WaiversDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "x")  # the first item of Hoy, then «Dispensar»
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "Oficio de la DEA")
        await save_and_confirm(pilot)
        dialog = await palette(pilot, "dispensas: Ver")
        assert isinstance(dialog, WaiversDialog)
        assert [v.state for v in dialog.items] == ["vigente"]
        assert "Oficio de la DEA" in str(dialog.query_one("#record-detail").render())
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog and [v.state for v in dialog.items] == ["revocada"]
    with open_store(ine_db) as store:
        assert [v.state for v in waivers(store)] == ["revocada"]


@run_async
async def test_an_opening_from_the_oficio_to_the_report(ine_db: Path) -> None:
    from policy.codes import DutyKind
    from tui.core.duties import duties
    from tui.core.workflows import openings
    from tui.forms.duties import DutyDialog
    from tui.forms.openings import OpeningNewDialog, OpeningsDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("A")  # Cuentas: «Altas»
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OpeningsDialog) and dialog.items == []
        await pilot.press("a")
        assert isinstance(app.screen, OpeningNewDialog)
        await pilot.press("enter", "down", "down", "enter")  # the network: the second one (x)
        await pilot.press("tab")
        await type_text(pilot, "@INENuevaCuenta")
        await pilot.press("tab")
        await type_text(pilot, "INE/DECS/123/2026")
        await save_and_confirm(pilot)
        assert app.screen is dialog and len(dialog.items) == 1
        assert dialog.items[0].opening.ref == "x/@INENuevaCuenta"
        await pilot.press("enter")  # pending: its answer
        await settle(pilot)
        await save_and_confirm(pilot)  # «autorizada» is the first answer
        assert dialog.items[0].opening.state == "autorizada"
        # ine §7.VI: the UNICOM step comes between authorized and opened, and the list says so
        assert dialog.items[0].stage == "trámite UNICOM pendiente"
        assert "trámite UNICOM pendiente" in str(dialog.query_one("#record-detail").render())
        await pilot.press("b")  # not yet: the core refuses to open it before the step, before any question
        await settle(pilot)
        form = app.screen
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "Falta el trámite ante la UNICOM" in str(form.query_one(".dialog-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("u")  # the step, recorded as Hoy's item records it
        await settle(pilot)
        assert isinstance(app.screen, DutyDialog) and app.screen.title_text == "Registrar el trámite ante la UNICOM"
        await pilot.press("tab", "tab")
        await type_text(pilot, "Ticket UNICOM 4411")
        await save_and_confirm(pilot)
        assert app.screen is dialog and dialog.items[0].stage == "por abrir"
        await pilot.press("enter")  # authorized: opened today
        await settle(pilot)
        await save_and_confirm(pilot)
        assert dialog.items[0].opening.state == "abierta"
        assert dialog.items[0].stage == "informe pendiente"
        said = [str(n.message) for n in app._notifications][-1]
        assert "Falta el informe de apertura: selecciónela en Altas y registre el informe." in said
        assert "tecla" not in said
        await pilot.press("i")  # the report: two items
        await settle(pilot)
        await pilot.press("space", "tab", "space")
        await save_and_confirm(pilot)
        assert app.screen is dialog and dialog.items[0].stage == "informe parcial"
    with open_store(ine_db) as store:
        opening = openings(store)[0].opening
        assert opening.state == "abierta" and set(opening.report) == {"nombre", "direccion"}
        account = store.accounts.get(opening.account_id)
        assert account.status == "activa"
        [unicom] = [d for d in duties(store) if d.kind == DutyKind.UNICOM_STEP]
        assert unicom.done_entry_id is not None and unicom.done_note == "Ticket UNICOM 4411"


@run_async
async def test_close_an_account_mark_its_steps_and_remove_its_secrets(ine_db: Path, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    from tui.core.credentials import open_keyring
    from tui.core.workflows import closings
    from tui.forms.closings import ClosingNewDialog, ClosingsDialog

    with open_store(ine_db) as store:
        account = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[0]
        secrets = open_keyring(store)
        secrets.put(secrets.password_key(account.id), "una-clave-de-prueba-larga")
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        cuentas = app.screen
        cuentas.table.move_to_key(account.id)  # type: ignore[attr-defined]
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, ClosingNewDialog) and app.screen.account.id == account.id
        await pilot.press("tab")
        await type_text(pilot, "Fin del programa")
        await save_and_confirm(pilot)
        assert app.screen is cuentas
        dialog = await palette(pilot, "bajas: Bajas")
        assert isinstance(dialog, ClosingsDialog) and len(dialog.items) == 1
        await pilot.press("m")  # both manual steps
        await settle(pilot)
        await pilot.press("space", "tab", "space")
        await save_and_confirm(pilot)
        await pilot.press("l")  # the keyring (llavero): asked, irreversible
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), dialog.query_one(".dialog-error").render()
        assert secrets.get(secrets.password_key(account.id)) is not None  # the rehearsal deleted nothing
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog
    with open_store(ine_db) as store:
        (closing, _ref), *_ = closings(store)
        assert set(closing.done) == {"contenido", "oficio", "llavero"}
        assert store.accounts.get(account.id).status == "baja"
        assert open_keyring(store).get(secrets.password_key(account.id)) is None


@run_async
async def test_an_administrator_change_from_personas_and_its_listing(ine_db: Path) -> None:
    from tui.core.workflows import admin_changes
    from tui.forms.staff import AdminChangeDialog, AdminChangesDialog

    with open_store(ine_db) as store:
        before = len(admin_changes(store))  # the demo's own handovers
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        personas = app.screen
        person = personas.selected().person  # type: ignore[attr-defined]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, AdminChangeDialog)
        await pilot.press("ctrl+s")  # no reason chosen: refused first
        await settle(pilot)
        assert "motivo" in str(app.screen.query_one(".dialog-error").render())
        await pilot.press("enter", "down", "down", "enter")  # «promoción»
        await save_and_confirm(pilot)
        assert app.screen is personas
        await pilot.press("h")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AdminChangesDialog) and len(dialog.items) == before + 1
        assert [v.person for v in dialog.items if v.change.reason == "promocion"] == [person.name]
    with open_store(ine_db) as store:
        assert [name for change, name, _accounts in admin_changes(store) if change.reason == "promocion"] == [
            person.name
        ]


@run_async
async def test_settings_change_and_reset_and_the_idle_lock(ine_db: Path) -> None:
    from tui.core.records import idle_lock_minutes, profile_settings
    from tui.forms.settings import SettingDialog, SettingsDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await palette(pilot, "ajustes: Ajustes del perfil")
        assert isinstance(dialog, SettingsDialog) and dialog.items
        first = dialog.items[0]
        await pilot.press("enter")
        assert isinstance(app.screen, SettingDialog)
        app.screen.query_one("#value").value = "999999"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SettingDialog)  # out of range: the core's message, nothing saved
        assert str(app.screen.query_one(".dialog-error").render())
        app.screen.query_one("#value").value = "2"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and dialog.items[0].overridden and dialog.items[0].value == 2
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not dialog.items[0].overridden and dialog.items[0].value == first.value
        await pilot.press("b")
        await settle(pilot)
        app.screen.query_one("#minutes").value = "30"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "tras 30 min" in str(dialog.query_one("#intro").render())
    with open_store(ine_db) as store:
        assert idle_lock_minutes(store) == 30
        assert not profile_settings(store).settings[0].overridden


@run_async
async def test_calendar_declare_and_remove_non_working_days_and_a_process(ine_db: Path) -> None:
    from tui.core.calendar import electoral_periods, non_working_days
    from tui.forms.calendar import CalendarDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await palette(pilot, "calendario: Días")
        assert isinstance(dialog, CalendarDialog) and dialog.year == 2026
        official = len(dialog.items)
        assert official >= 7 and all(r.kind == "oficial" for r in dialog.items)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#start").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"2026-12-24", "tab", *"2026-12-26", "tab")
        await type_text(pilot, "Vacaciones")
        await save_and_confirm(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#start").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"2026-09-01", "tab", *"2027-06-30", "tab")
        await type_text(pilot, "Proceso 2026-2027")
        await save_and_confirm(pilot)
        assert len(dialog.items) == official + 2
        declared = next(r for r in dialog.items if r.kind == "inhábil declarado")
        dialog.table.move_to_key(dialog.item_key(declared))
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert len(dialog.items) == official + 1
        await pilot.press("right")
        await settle(pilot)
        assert dialog.year == 2027 and any(r.kind == "proceso electoral" for r in dialog.items)
    with open_store(ine_db) as store:
        assert non_working_days(store, 2026).declared == []
        assert [p.label for p in electoral_periods(store)] == ["Proceso 2026-2027"]


@run_async
async def test_export_then_import_the_inventory_with_the_pickers(ine_db: Path, tmp_path: Path) -> None:
    from tui.core.transfer import read_inventory
    from tui.forms.transfer import ExportDialog, FilePickerDialog, ImportDialog

    folder = tmp_path / "hojas"
    folder.mkdir()
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await palette(pilot, "inventario: Exportar")
        assert isinstance(form, ExportDialog)
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)  # not settle: the folder tree keeps a loader worker while it is open
        picker = app.screen
        assert isinstance(picker, FilePickerDialog)
        picker.query_one("#path").value = str(folder)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        await settle(pilot)
        assert app.screen is form and form.value("folder") == str(folder)
        await pilot.press("ctrl+s")  # a new file: nothing to confirm
        await settle(pilot)
        exported = folder / f"inventario-{NOW.date().isoformat()}.csv"
        assert exported.exists() and not isinstance(app.screen, FormDialog)
        assert not [p for p in folder.iterdir() if p.name.startswith(".resguardo-")]
        rows = read_inventory(exported.read_bytes(), NOW.date()).rows
        # import a copy with one new account: simulated first, then confirmed
        text = exported.read_text(encoding="utf-8-sig").splitlines()
        new_line = text[1].replace(text[1].split(",")[1], "@CuentaImportada", 1)
        (folder / "nuevo.csv").write_text("\n".join([*text, new_line]) + "\n", encoding="utf-8")
        form = await palette(pilot, "inventario: Importar")
        assert isinstance(form, ImportDialog)
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)
        picker = app.screen
        assert isinstance(picker, FilePickerDialog)
        picker.query_one("#path").value = str(folder / "nuevo.csv")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        await settle(pilot)
        assert app.screen is form
        await pilot.press("ctrl+s")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog) and "1 cuentas nuevas" in confirm.question
        with open_store(ine_db) as store:
            assert not any(a.handle == "@CuentaImportada" for a in store.accounts.list())  # simulated only
        await pilot.press("y")
        await settle(pilot)
    with open_store(ine_db) as store:
        assert any(a.handle == "@CuentaImportada" for a in store.accounts.list())
        assert len(store.accounts.list()) == len(rows) + 1


@run_async
async def test_history_lists_what_was_resolved_and_a_records_changes(ine_db: Path) -> None:
    from tui.forms.history import HistoryDialog, RecordHistoryDialog, RotationHistoryDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")  # resolve a consultation first
        await settle(pilot)
        resolved = app.screen.selected().id  # type: ignore[attr-defined]
        await pilot.press("p")
        await settle(pilot)
        await save_and_confirm(pilot)
        dialog = await palette(pilot, "historial: Lo ya resuelto")
        assert isinstance(dialog, HistoryDialog)
        assert ("consultation", resolved) in [r.key for r in dialog.items]
        assert dialog.items[0].day >= dialog.items[-1].day  # newest first
        dialog.table.move_to_key(("consultation", resolved))
        await pilot.press("enter")
        await settle(pilot)
        record = app.screen
        assert isinstance(record, RecordHistoryDialog)
        assert [e.action for e in record.items] == ["registrada", "resuelta"]
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, RotationHistoryDialog)


@run_async
async def test_preflight_lists_add_and_remove(ine_db: Path) -> None:
    from tui.core.preflight import list_entries
    from tui.forms.lists import ListsDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await palette(pilot, "borrador: Listas")
        assert isinstance(dialog, ListsDialog) and dialog.kind == "candidatos"
        await pilot.press("right")
        await settle(pilot)
        assert dialog.kind == "palabras"
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Tlalpan")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [e.value for e in dialog.items] == ["Tlalpan"]
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert dialog.items == []
    with open_store(ine_db) as store:
        assert list_entries(store, "palabras") == []
