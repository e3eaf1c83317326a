"""The duties of issue #13 opened from the workbench, from the keyboard (issue #14 C1).

Each test opens its form where a user looks for it (Bitácora's, Cuentas' or the openings list's
key, or the palette), fills it with keys, confirms after the rehearsal, and checks the database
with the same core functions the command line calls. A form is offered only where the profile
has the duty's rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from test_workbench_flows import make_app, palette, save_and_confirm, type_text
from workbench_helpers import build_demo_db, run_async, settle

from policy.codes import DutyKind
from store import open_store
from tui.core.duties import duties


@pytest.fixture
def iecm_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "iecm.db", "iecm")


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


@pytest.fixture
def ieeags_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ieeags.db", "ieeags")


def open_duties(db: Path, kind: DutyKind) -> list:  # type: ignore[type-arg]
    with open_store(db) as store:
        return [d for d in duties(store, open_only=True) if d.kind == kind]


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications]


async def open_bitacora(pilot) -> object:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    await pilot.pause(0.4)  # the search's debounce
    await settle(pilot)
    return pilot.app.screen


async def pick_first(pilot) -> None:  # type: ignore[no-untyped-def]
    """The focused Select: open it, go past its prompt to the first option, take it."""
    await pilot.press("enter", "down", "enter")


@run_async
async def test_a_utcsyd_message_registered_from_bitacora(iecm_db: Path) -> None:
    from tui.forms.duties import MessageNewDialog

    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MessageNewDialog)
        await pilot.press("ctrl+s")  # no account: refused before any confirmation
        await settle(pilot)
        assert app.screen is dialog and "cuenta" in str(dialog.query_one(".dialog-error").render())
        await pick_first(pilot)
        await pilot.press("tab")
        await type_text(pilot, "Jornada de participación")
        await pilot.press("tab", "tab")  # the first day is today; the last one
        await type_text(pilot, "2026-03-08")  # ends before it starts: the core refuses, nothing asked
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and "termina antes" in str(dialog.query_one(".dialog-error").render())
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "2026-03-20")
        await save_and_confirm(pilot)
        assert app.screen is screen
        assert any("Mensaje de la UTCSyD registrado" in n for n in notices(app))
    [message] = open_duties(iecm_db, DutyKind.UTCSYD_MESSAGE)
    assert message.subject == "Jornada de participación" and message.account_id is not None
    assert message.due_at is not None and message.due_at.date().isoformat() == "2026-03-20"


@run_async
async def test_a_matter_from_bitacora_opens_one_notice_per_recipient(iecm_db: Path) -> None:
    from tui.forms.duties import MatterNewDialog

    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, MatterNewDialog)
        await pilot.press("tab")  # no account: a matter of the whole office
        await type_text(pilot, "Video alterado de la consejera")
        await save_and_confirm(pilot)
        assert app.screen is screen
    opened = open_duties(iecm_db, DutyKind.MATTER_NOTICE)
    assert sorted(d.recipient for d in opened) == [
        "Titular de la dirección distrital",
        "instancias competentes",
        "la UTCSyD",
    ]
    assert {d.subject for d in opened} == {"Video alterado de la consejera"} and {d.account_id for d in opened} == {
        None
    }


@run_async
async def test_a_removal_request_from_the_palette_where_the_profile_has_it(ieeags_db: Path) -> None:
    from tui.forms.duties import RemovalNewDialog

    app = make_app(ieeags_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        dialog = await palette(pilot, "deberes: Registrar solicitud de retiro")
        assert isinstance(dialog, RemovalNewDialog)
        await pick_first(pilot)
        await pilot.press("tab")
        await type_text(pilot, "Foto de un menor publicada sin permiso")
        await save_and_confirm(pilot)
        assert any("Solicitud de retiro registrado" in n or "Solicitud de retiro" in n for n in notices(app))
    opened = open_duties(ieeags_db, DutyKind.REMOVAL_REQUEST)
    assert sorted(d.recipient for d in opened) == ["Coordinación de Comunicación Social", "Presidencia del Instituto"]
    assert len({d.account_id for d in opened}) == 1 and opened[0].account_id is not None


@run_async
async def test_the_forms_are_offered_only_where_the_profile_has_the_rule(ine_db: Path) -> None:
    """ine has no UTCSyD messages nor removal requests: no key, no palette entry (the core would refuse)."""
    from tui.commands import applicable_commands
    from tui.forms.base import FormDialog

    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        titles = [c.title for c in applicable_commands(app, screen)]
        assert "deberes: Registrar asunto (crisis de imagen)" in titles
        assert not [t for t in titles if "UTCSyD" in t or "retiro" in t]
        await pilot.press("m")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen and not isinstance(app.screen, FormDialog)


@run_async
async def test_change_of_holder_from_cuentas(ine_db: Path) -> None:
    from tui.forms.duties import HolderChangeDialog

    with open_store(ine_db) as store:
        account = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[0]
    app = make_app(ine_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        cuentas = app.screen
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HolderChangeDialog) and dialog.account.id == account.id
        await type_text(pilot, "Laura Méndez Ortiz")
        await save_and_confirm(pilot)
        assert app.screen is cuentas
        assert any("notifíquelo a la persona titular de la CNCS" in n for n in notices(app)), notices(app)
    [notice] = open_duties(ine_db, DutyKind.HOLDERS_NOTICE)
    assert notice.subject == "Laura Méndez Ortiz" and notice.account_id == account.id


@run_async
async def test_no_change_of_holder_key_where_the_profile_has_no_such_notice(iecm_db: Path) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        cuentas = app.screen
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is cuentas
        assert "cuenta: Cambio de titular" not in [c.title for c in cuentas.palette_commands()]  # type: ignore[attr-defined]


@run_async
async def test_an_entry_declares_its_modality_and_people_and_says_what_it_opened(iecm_db: Path) -> None:
    from tui.forms.bitacora import EntryDialog

    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        assert not dialog.query("#material")  # ieeags' rule, not iecm's
        await pick_first(pilot)  # the account
        await pilot.press("tab", "enter", "down", "enter")  # kind: after «nota», the next one…
        kind = dialog.query_one("#kind").value  # type: ignore[attr-defined]
        while kind != "publicacion":
            await pilot.press("enter", "down", "enter")
            kind = dialog.query_one("#kind").value  # type: ignore[attr-defined]
        await pilot.press("tab", "tab")
        await type_text(pilot, "Transmision de la sesion del consejo")
        await pilot.press("tab", "tab", "tab")  # review, reference, people
        await type_text(pilot, "Ana Pérez, Luis Gómez")
        await pilot.press("tab")
        await pilot.press("enter", "down", "enter")  # the modality: the first, a live broadcast
        assert dialog.query_one("#modality").value == "transmision"  # type: ignore[attr-defined]
        await save_and_confirm(pilot)
        said = notices(app)[-1]
        assert "Abre el deber" in said and "carta de descargo (Ana Pérez)" in said
        assert "coordinación con la UTCSyD (transmisión en vivo)" in said
    assert sorted(d.subject for d in open_duties(iecm_db, DutyKind.RELEASE_LETTER)) == ["Ana Pérez", "Luis Gómez"]
    assert len(open_duties(iecm_db, DutyKind.UTCSYD_SUPPORT)) == 1


@run_async
async def test_material_of_another_institution_without_its_request_opens_the_formal_request(
    ieeags_db: Path,
) -> None:
    app = make_app(ieeags_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert not dialog.query("#people") and not dialog.query("#modality")  # iecm's rules
        dialog.query_one("#kind").value = "publicacion"  # type: ignore[attr-defined]
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "Infografia del INE sobre la credencial")
        dialog.query_one("#material").focus()
        await type_text(pilot, "INE")
        await save_and_confirm(pilot)
        assert "solicitud formal de material (INE)" in notices(app)[-1]
    [request] = open_duties(ieeags_db, DutyKind.FORMAL_REQUEST)
    assert request.subject == "INE"


@run_async
async def test_waive_the_selected_row_from_hoy_and_see_the_waivers(ine_db: Path) -> None:
    """«x» on the selected row (not opened), then «X» lists the waivers: both on Hoy's footer."""
    from tui.core.waivers import waivers
    from tui.forms.agenda_items import WaiverDialog
    from tui.forms.waivers import WaiversDialog

    app = make_app(ine_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        hoy = app.screen
        footer = " ".join(str(k.description) for k in hoy.query("FooterKey"))
        assert "Dispensar" in footer and "Dispensas" in footer and "Ayuda" in footer
        item = hoy.selected_item  # type: ignore[attr-defined]
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WaiverDialog) and dialog.item is item
        await type_text(pilot, "No aplica a esta cuenta")
        await pilot.press("tab", "tab")
        await type_text(pilot, "INE/DECS/9/2026")
        await save_and_confirm(pilot)
        assert app.screen is hoy
        await pilot.press("X")
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, WaiversDialog) and [v.state for v in listing.items] == ["vigente"]
        assert "INE/DECS/9/2026" in str(listing.query_one("#record-detail").render())
    with open_store(ine_db) as store:
        [view] = waivers(store)
        assert view.record.waiver.key == item.key and view.record.waiver.reason == "No aplica a esta cuenta"
        assert view.record.waiver.until.isoformat() > NOW.date().isoformat()
