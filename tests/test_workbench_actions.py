"""Pilot tests of the second round: resolving workflow items from Hoy, the password dialog."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from textual.widgets import Input, Label
from workbench_helpers import build_demo_db, make_app, run_async, settle

from policy.codes import Kind
from store import open_store
from tui.app import Workbench
from tui.forms.agenda_items import ConsultationDialog, DocumentDialog, IncidentNoticeDialog, RequestDialog, WaiverDialog
from tui.forms.base import ConfirmDialog
from tui.forms.password import PasswordDialog
from tui.screens.cuentas import CuentasScreen
from tui.screens.hoy import HoyScreen, ObligationScreen


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


@pytest.fixture
def iecm_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "iecm.db")


async def select_first(pilot, kind: str):  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, HoyScreen)
    for _ in range(120):
        item = screen.selected_item
        if item is not None and item.kind == kind:
            return item
        await pilot.press("down")
    raise AssertionError(f"no {kind} item in Hoy")


async def resolve_with(pilot, kind: str, key: str, dialog_type: type):  # type: ignore[no-untyped-def]
    """Open the first item of ``kind``, press ``key``, save and confirm; returns the item."""
    app = pilot.app
    await settle(pilot)
    item = await select_first(pilot, kind)
    await pilot.press("enter")
    assert isinstance(app.screen, ObligationScreen)
    await pilot.press(key)
    assert isinstance(app.screen, dialog_type)
    await pilot.press("ctrl+s")
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(app.screen, HoyScreen)
    assert item.key not in {i.key for i in app.agenda_snapshot.items}
    return item


@run_async
async def test_tick_an_incident_notice_with_n(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        item = await resolve_with(pilot, Kind.INCIDENT_NOTICE, "n", IncidentNoticeDialog)
    with open_store(ine_db) as store:
        notices = {n.id: n for n in store.incidents.get(1).notices}
        assert notices[item.ref_id].notified_at is not None
        assert "se notificó" in store.bitacora.search(None, limit=1)[0].text


@run_async
async def test_resolve_a_consultation_as_rejected(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        item = await select_first(pilot, Kind.CONSULTATION)
        await pilot.press("enter", "p")
        dialog = app.screen
        assert isinstance(dialog, ConsultationDialog)
        await pilot.press("enter", "down", "enter")  # the Select: Rechazada
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
        assert item.key not in {i.key for i in app.agenda_snapshot.items}
    with open_store(ine_db) as store:
        assert store.consultations.get(item.ref_id).state == "rechazada"


@run_async
async def test_route_an_information_request(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        item = await resolve_with(pilot, Kind.INFORMATION_REQUEST, "s", RequestDialog)
    with open_store(ine_db) as store:
        assert store.information_requests.get(item.ref_id).state == "canalizada"


@run_async
async def test_answering_a_request_needs_the_area_and_keeps_the_form(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        item = await select_first(pilot, Kind.INFORMATION_REQUEST)
        await pilot.press("enter", "s")
        dialog = app.screen
        assert isinstance(dialog, RequestDialog)
        await pilot.press("enter", "down", "enter")  # Respondida directamente
        dialog.query_one("#note").value = "Se indicó el módulo más cercano"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "área" in str(dialog.query_one(".dialog-error").render())
        assert dialog.query_one("#note").value == "Se indicó el módulo más cercano"  # type: ignore[attr-defined]
    with open_store(ine_db) as store:
        assert store.information_requests.get(item.ref_id).state == "abierta"


@run_async
async def test_mark_a_holiday_notice_given(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        from tui.forms.agenda_items import NoticeGivenDialog

        item = await resolve_with(pilot, Kind.HOLIDAY_NOTICE, "m", NoticeGivenDialog)
    with open_store(ine_db) as store:
        assert item.ref_id in store.holiday_notices.done()


@run_async
async def test_record_a_signed_designation_form(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        item = await resolve_with(pilot, Kind.DESIGNATION_FORM, "f", DocumentDialog)
    with open_store(ine_db) as store:
        assert "designation_form" in store.person_documents.for_person(item.person.id)


@run_async
async def test_waive_any_item_with_reason_and_end_date(ine_db: Path) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        item = await select_first(pilot, Kind.EVALUATION)
        await pilot.press("enter", "x")
        dialog = app.screen
        assert isinstance(dialog, WaiverDialog)
        await pilot.press("ctrl+s")  # no reason yet
        await settle(pilot)
        assert app.screen is dialog and "motivo" in str(dialog.query_one(".dialog-error").render())
        await pilot.press(*"Cuenta en pausa")
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen)
        assert item.key not in {i.key for i in app.agenda_snapshot.items}
    with open_store(ine_db) as store:
        waiver = store.waivers.list()[-1].waiver
        assert waiver.key == item.key and waiver.reason == "Cuenta en pausa"


# -- the password dialog ------------------------------------------------------------------


async def open_password_dialog(pilot) -> PasswordDialog:  # type: ignore[no-untyped-def]
    app = pilot.app
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(app.screen, CuentasScreen)
    await pilot.press("c")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, PasswordDialog)
    return dialog


async def wait_check(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause(0.35)  # the debounce
    await settle(pilot)


def db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


@run_async
async def test_weak_password_refused_with_spanish_feedback(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        account = dialog.account
        await pilot.press(*"iecm2024")
        await wait_check(pilot)
        check = dialog.last_check
        assert check is not None and not check.report.acceptable
        meter = str(dialog.query_one("#meter").render())
        assert "no cumple la regla" in meter and "de 4" in meter
        await pilot.press("enter", *"iecm2024", "ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is dialog
        assert "no se guardó" in str(dialog.query_one(".dialog-error").render()).lower()
    assert memory_keyring.entries == {}
    with open_store(iecm_db) as store:
        assert store.credentials.status(account.id) is None


@run_async
async def test_generated_password_saved_in_keyring_never_in_sqlite(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        account = dialog.account
        await pilot.press("ctrl+g")
        await wait_check(pilot)
        secret = dialog.query_one("#password").value  # type: ignore[attr-defined]
        assert secret and dialog.query_one("#confirm").value == secret  # type: ignore[attr-defined]
        assert dialog.revealed  # shown once
        assert dialog.last_check is not None and dialog.last_check.report.acceptable
        await pilot.press("ctrl+r")
        assert not dialog.revealed and dialog.query_one("#password").password  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
    assert secret in memory_keyring.entries.values()
    assert secret.encode() not in db_bytes(iecm_db)
    with open_store(iecm_db) as store:
        state = store.credentials.status(account.id)
        assert state is not None and state.score >= 3


@run_async
async def test_reused_password_is_flagged_live(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await wait_check(pilot)
        secret = dialog.query_one("#password").value  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("down", "c")  # the next account, the same password
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PasswordDialog)
        dialog.query_one("#password").value = secret  # type: ignore[attr-defined]
        await wait_check(pilot)
        assert dialog.last_check is not None and dialog.last_check.reuse
        assert "Repetida" in str(dialog.query_one("#feedback").render())


@run_async
async def test_locked_keyring_records_nothing(iecm_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESGUARDO_TEST_KEYRING_FAIL", "locked")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        app = make_app(iecm_db)
        async with app.run_test(size=(120, 40)) as pilot:
            dialog = await open_password_dialog(pilot)
            account = dialog.account
            dialog.query_one("#password").value = "Kq7#vLp2!mZr9@Tx"  # type: ignore[attr-defined]
            dialog.query_one("#confirm").value = "Kq7#vLp2!mZr9@Tx"  # type: ignore[attr-defined]
            await wait_check(pilot)
            meter = str(dialog.query_one("#meter").render())
            assert "No se pudo medir" in meter and "inesperado" not in meter
            await pilot.press("ctrl+s")
            await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is dialog
            assert "llavero" in str(dialog.query_one(".dialog-error").render()).lower()
    finally:
        keyring.set_keyring(previous)
    with open_store(iecm_db) as store:
        assert store.credentials.status(account.id) is None
        assert b"Kq7#vLp2" not in db_bytes(iecm_db)


@run_async
async def test_cuentas_detail_shows_credential_health_and_latest_entries(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        account = dialog.account
        screen = app.screen_stack[-2]
        assert isinstance(screen, CuentasScreen)
        assert "sin registrar" in str(screen.query_one("#detail-left").render())
        await pilot.press("ctrl+g")
        await wait_check(pilot)
        secret = dialog.query_one("#password").value  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and screen.selected().account.id == account.id
        left = str(screen.query_one("#detail-left").render())
        right = str(screen.query_one("#detail-right").render())
        assert "Contraseña: cumple" in left and "puntaje" in left and secret not in left + right
        assert "Bitácora reciente" in right and "cargando" not in right
    with open_store(iecm_db) as store:
        latest = store.bitacora.search(None, account_id=account.id, limit=1)[0]
    assert latest.text[:40] in right


@run_async
async def test_encrypted_keyring_asks_its_passphrase_and_the_idle_lock_asks_again(
    iecm_db: Path, tmp_path: Path
) -> None:
    from store.secrets import encrypted_file_class
    from tui.forms.password import PassphraseDialog
    from tui.screens.misc import LockScreen

    backend = encrypted_file_class()(tmp_path / "llavero.json")
    backend.kdf_cost = "ligero"
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    passphrase = "una frase maestra larga"
    try:
        app = make_app(iecm_db)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, PassphraseDialog) and app.screen.new_file  # no file yet: asked twice
            await pilot.press(*passphrase, "enter", *passphrase, "enter")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, PasswordDialog) and dialog.secrets is not None
            await pilot.press("ctrl+g")
            await wait_check(pilot)
            secret = dialog.query_one("#password").value  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, CuentasScreen)
            await pilot.press("ctrl+l")
            assert isinstance(app.screen, LockScreen) and not backend.unlocked
            await pilot.press("space")
            assert isinstance(app.screen, PassphraseDialog) and not app.screen.new_file  # the file exists now
            await pilot.press(*"otra frase equivocada", "enter")
            await settle(pilot)
            assert isinstance(app.screen, PassphraseDialog)
            assert "no abre" in str(app.screen.query_one(".dialog-error").render())
            await pilot.press(*passphrase, "enter")
            await settle(pilot)
            assert isinstance(app.screen, CuentasScreen) and backend.unlocked
    finally:
        keyring.set_keyring(previous)
    assert secret.encode() not in (tmp_path / "llavero.json").read_bytes()
    assert secret.encode() not in db_bytes(iecm_db)


@pytest.fixture
def encrypted_file(tmp_path: Path):  # type: ignore[no-untyped-def]
    """resguardo's encrypted keyring file as the keyring (cheap KDF), not created yet."""
    from store.secrets import encrypted_file_class

    backend = encrypted_file_class()(tmp_path / "llavero.json")
    backend.kdf_cost = "ligero"
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def dialog_error(app: Workbench) -> str:
    return str(app.screen.query_one(".dialog-error").render())


@run_async
async def test_wizard_creates_the_encrypted_keyring_passphrase(tmp_path: Path, encrypted_file) -> None:  # type: ignore[no-untyped-def]
    from tui.forms.password import PassphraseDialog
    from tui.screens.misc import WizardScreen

    app = make_app(tmp_path / "nueva.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog) and app.screen.new_file
        await pilot.press("enter")
        assert "Escriba una frase maestra nueva" in dialog_error(app)
        await pilot.press(*"corta", "enter")  # too short for a new file, like the command line
        await settle(pilot)
        assert "12 caracteres" in dialog_error(app)
        assert isinstance(app.screen, PassphraseDialog) and not encrypted_file.unlocked
        await pilot.press(*"frase maestra nueva de prueba", "enter")
        assert app.screen.focused is app.screen.query_one("#repeated")
        await pilot.press(*"frase maestra nueva de prueba", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert "abierto" in str(app.screen.query_one("#keyring").render())
        assert encrypted_file.unlocked


@run_async
async def test_wizard_refuses_two_different_new_passphrases_and_creates_nothing(
    tmp_path: Path,  # type: ignore[no-untyped-def]
    encrypted_file,
) -> None:
    from tui.forms.password import PassphraseDialog
    from tui.screens.misc import WizardScreen

    app = make_app(tmp_path / "nueva.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog)
        await pilot.press(*"frase maestra nueva de prueba", "enter", *"frase maestra nueva de prueva", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog)
        assert "Las dos frases maestras no coinciden; no se creó nada." in dialog_error(app)
        assert not encrypted_file.unlocked and not encrypted_file.exists
        boxes = list(app.screen.query(Input))
        assert [box.value for box in boxes] == ["", ""] and app.screen.focused is boxes[0]
        await pilot.press(*"frase maestra nueva de prueba", "enter", *"frase maestra nueva de prueba", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen) and encrypted_file.unlocked
    assert not (tmp_path / "llavero.json").exists()  # written with the first secret, never before


@run_async
async def test_idle_lock_before_the_file_exists_asks_for_a_new_passphrase_twice(
    tmp_path: Path,  # type: ignore[no-untyped-def]
    encrypted_file,
) -> None:
    from tui.forms.password import PassphraseDialog
    from tui.screens.misc import LockScreen, WizardScreen

    app = make_app(tmp_path / "nueva.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"frase maestra nueva de prueba", "enter", *"frase maestra nueva de prueba", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("ctrl+s")  # the profile, no demo
        await settle(pilot)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, LockScreen) and not encrypted_file.unlocked
        await pilot.press("space")
        assert isinstance(app.screen, PassphraseDialog) and app.screen.new_file  # nothing was written yet
        await pilot.press(*"otra frase maestra nueva", "enter", *"otra frase maestra nuevo", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PassphraseDialog) and "no coinciden" in dialog_error(app)
        await pilot.press(*"otra frase maestra nueva", "enter", *"otra frase maestra nueva", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, (PassphraseDialog, LockScreen)) and encrypted_file.unlocked


@run_async
async def test_mark_an_admin_change_notice_given(ine_db: Path) -> None:
    from datetime import timedelta

    from tui.forms.agenda_items import NoticeGivenDialog

    with open_store(ine_db, clock=lambda: NOW) as store:
        assignment = store.query_one("SELECT person_id FROM assignments WHERE end_date IS NULL LIMIT 1")
        person = store.people.get(assignment["person_id"])
        change = store.admin_changes.record(person, "baja", start=NOW.date() - timedelta(days=10))
        # the demo's own handovers are changes to notify too (issue #13)
        pending = {c.id for c in store.admin_changes.unnotified()}
    assert change.id in pending and len(pending) > 1
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        item = await resolve_with(pilot, Kind.ADMIN_CHANGE_NOTICE, "m", NoticeGivenDialog)
        assert item.ref_id in pending
    with open_store(ine_db) as store:
        assert store.admin_changes.get(item.ref_id).notified_on == NOW.date()


@run_async
async def test_copy_uses_the_clipboard_with_auto_clear(
    iecm_db: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui import clipboard

    copied: list[str] = []
    cleared: list[str] = []
    monkeypatch.setattr(clipboard, "copy", lambda secret, tools=None: copied.append(secret))
    monkeypatch.setattr(clipboard, "schedule_clear", lambda secret, seconds=None: cleared.append(secret))
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await wait_check(pilot)
        secret = dialog.query_one("#password").value  # type: ignore[attr-defined]
        await pilot.press("ctrl+y")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    assert copied == [secret] and cleared == [secret]
    assert any("portapapeles se borrará" in m for m in messages)
    assert not any(secret in m for m in messages)


class PlaintextKeyring(MemoryKeyring):
    @property
    def name(self) -> str:  # type: ignore[override]
        return "keyrings.alt.file.PlaintextKeyring"


@run_async
async def test_unusable_keyring_is_a_spanish_notification_and_records_nothing(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    keyring.set_keyring(PlaintextKeyring())
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)  # the dialog closed itself
        messages = [n.message for n in app._notifications]
        assert any("sin cifrar" in m and "No se registró nada" in m for m in messages)
    with open_store(iecm_db) as store:
        assert store.credentials.all() == {}


# -- the rotation's reason and oficio, as ``credencial fijar --motivo --oficio`` -------------


STRONG = "x7#Gq9!mVb2$Lpz"


def latest_rotation(db: Path, account_id: int):  # type: ignore[no-untyped-def]
    with open_store(db) as store:
        rotation = store.query_one(
            "SELECT reason, reference, author FROM rotations WHERE account_id = ? ORDER BY id DESC LIMIT 1",
            (account_id,),
        )
        source = store.query_one("SELECT source FROM credential_status WHERE account_id = ?", (account_id,))
        entry = store.bitacora.search(None, account_id=account_id, limit=1)[0]
    return rotation, source["source"], entry


@run_async
async def test_password_dialog_records_the_reason_and_oficio_in_the_rotation(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        account = dialog.account
        assert "UTCSyD" in str(dialog.query_one("#reference-label", Label).render())  # the oficio's label, in the IECM
        await pilot.press(*STRONG, "enter", *STRONG, "enter")
        assert dialog.focused is dialog.query_one("#reason")
        await pilot.press(*"Cambio de enlace distrital", "enter")
        assert dialog.focused is dialog.query_one("#reference")
        await pilot.press(*"IECM/UTCSyD/0042/2026", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert "«Cambio de enlace distrital»" in str(app.screen.query_one(".dialog-text").render())
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
        messages = [n.message for n in app._notifications]
        assert any(
            "Rotación registrada (Cambio de enlace distrital), oficio IECM/UTCSyD/0042/2026" in m for m in messages
        ), messages
        assert not any("sin referencia de oficio" in m for m in messages)  # the oficio was given
    rotation, source, entry = latest_rotation(iecm_db, account.id)
    assert (rotation["reason"], rotation["reference"], source) == (
        "Cambio de enlace distrital",
        "IECM/UTCSyD/0042/2026",
        "fijar",
    )
    assert entry.kind == "cambio_contrasena" and "Cambio de enlace distrital" in entry.text
    assert entry.refs == ("IECM/UTCSyD/0042/2026",)
    assert STRONG in memory_keyring.entries.values()
    assert STRONG.encode() not in db_bytes(iecm_db)


@run_async
async def test_iecm_reminds_the_oficio_after_saving_without_one(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        account = dialog.account
        await pilot.press(*STRONG, "enter", *STRONG, "enter", *"Rotación periódica", "ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
        reminders = [n for n in app._notifications if "UTCSyD" in n.message]
        assert len(reminders) == 1 and reminders[0].severity == "warning"
        assert reminders[0].message == (
            "En el IECM el cambio de contraseñas se gestiona con la UTCSyD por vía oficial"
            " (Lineamientos §6.X, §6.XI y §11.1). Esta rotación quedó registrada sin referencia de oficio."
        )
    rotation, _, _ = latest_rotation(iecm_db, account.id)
    assert (rotation["reason"], rotation["reference"]) == ("Rotación periódica", None)
    assert STRONG.encode() not in db_bytes(iecm_db)


@run_async
async def test_a_generated_password_is_recorded_like_credencial_generar(
    ine_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        account = dialog.account
        assert str(dialog.query_one("#reference-label", Label).render()) == "Oficio (opcional)"
        await pilot.press("ctrl+g")
        await wait_check(pilot)
        assert dialog.query_one("#reason", Input).value == "Contraseña generada"  # the default of generar
        secret = dialog.query_one("#password", Input).value
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
        assert not any("UTCSyD" in n.message for n in app._notifications)  # not the IECM
    rotation, source, _ = latest_rotation(ine_db, account.id)
    assert (rotation["reason"], rotation["reference"], source) == ("Contraseña generada", None, "generar")
    assert secret.encode() not in db_bytes(ine_db)


@run_async
async def test_rotation_after_an_administrator_change_is_recorded_with_that_reason(iecm_db: Path) -> None:
    from tui.forms.records import RotationDialog

    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        item = await select_first(pilot, Kind.ROTATION)
        assert item.person is not None  # the iecm demo's rotations are owed to administrator changes
        await pilot.press("enter", "r")
        dialog = app.screen
        assert isinstance(dialog, RotationDialog)
        assert dialog.query_one("#reason", Input).value == "Cambio de administración"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the form validates (a rehearsal in a worker), then asks
        await pilot.press("y")
        await settle(pilot)
    assert item.account is not None
    with open_store(iecm_db) as store:
        rows = store.query(
            "SELECT reason FROM rotations WHERE account_id = ? ORDER BY id DESC LIMIT 1", (item.account.id,)
        )
        assert rows[0]["reason"] == "Cambio de administración"
