"""Issue #14 part A: no way to lose a password, dialogs that show their keys, the user's keymap."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from textual.widgets import Button
from workbench_helpers import build_demo_db, make_app, run_async, settle

from tui.app import Workbench
from tui.forms.base import ConfirmDialog
from tui.forms.password import UNSAVED_GENERATED, UNSAVED_TYPED, PasswordDialog
from tui.screens.cuentas import CuentasScreen


@pytest.fixture
def iecm_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "iecm.db")


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


def question_of(app: Workbench) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmDialog), f"no question asked: {screen!r}"
    return screen.question


# -- no way to lose a password -------------------------------------------------------------


@run_async
async def test_escape_with_a_generated_password_asks_and_enter_keeps_the_dialog(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        secret = dialog.query_one("#password").value  # type: ignore[attr-defined]
        assert secret
        await pilot.press("escape")
        await settle(pilot)
        assert question_of(app) == UNSAVED_GENERATED
        await pilot.press("enter")  # the safe default: «Cancelar» has the focus
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#password").value == secret  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")  # no: stay
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")  # yes: leave without saving
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
    assert memory_keyring.entries == {}


@run_async
async def test_cancel_button_with_a_typed_password_asks(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press(*"una contraseña escrita a mano")
        await settle(pilot)
        # the button pressed as a click does, without aiming at screen cells a slow layout may not have placed yet
        dialog.query_one("#cancel", Button).press()
        await settle(pilot)
        assert question_of(app) == UNSAVED_TYPED
        await pilot.press("escape")  # Esc on the question keeps the dialog
        await settle(pilot)
        assert app.screen is dialog


@run_async
async def test_escape_with_nothing_typed_leaves_at_once(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_password_dialog(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)


@run_async
async def test_ctrl_q_with_an_unsaved_password_asks_before_closing(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert question_of(app) == UNSAVED_GENERATED
        assert app.is_running
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is dialog and app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert not app.is_running
    assert memory_keyring.entries == {}


@run_async
async def test_ctrl_q_without_an_unsaved_password_closes_at_once(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_password_dialog(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


@run_async
async def test_a_saved_password_leaves_without_asking(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running
    assert len(memory_keyring.entries) >= 1


# -- dialogs show their keys ---------------------------------------------------------------


@run_async
async def test_password_dialog_shows_its_keys(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = make_app(iecm_db)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_password_dialog(pilot)
        hints = str(dialog.query_one(".key-hints").render())
        for expected in ("ctrl+g Generar", "ctrl+y Copiar", "ctrl+s Guardar", "Esc Cancelar"):
            assert expected in hints, hints
        keyring_line = str(dialog.query_one("#keyring").render())
        assert "tests." not in keyring_line and "Keyring" not in keyring_line  # a Spanish name, not a class


# -- Hoy as a work queue -------------------------------------------------------------------


@pytest.fixture(scope="module")
def ine_demo(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return build_demo_db(tmp_path_factory.mktemp("cola") / "ine.db", "ine")


@run_async
async def test_hoy_counts_per_group_equal_pendientes_json(ine_demo: Path) -> None:
    import json
    from collections import Counter

    from conftest import make_runner

    from policy.codes import Status

    result = make_runner(ine_demo)("pendientes", "--json", extra_env={"RESGUARDO_NOW": NOW.isoformat()})
    assert result.code == 0, result.err
    printed = Counter(item["status"] for item in json.loads(result.out))
    app = make_app(ine_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        counts = {str(status): shown for status, (shown, _total) in screen.counts.items() if shown}  # type: ignore[attr-defined]
        assert counts == dict(printed)
        headings = [row.cells[0] for row in screen.query_one("#agenda").rows if row.kind == "section"]  # type: ignore[attr-defined]
        assert headings[0] == f"VENCIDOS ({printed[str(Status.OVERDUE)]})"


@run_async
async def test_hoy_filter_folds_accents_and_case(ine_demo: Path) -> None:
    app = make_app(ine_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query("#hoy-filter")  # mounted on the first «/» (not on the first frame)
        everyone = sum(total for _, total in screen.counts.values())  # type: ignore[attr-defined]
        await pilot.press("slash", *"CAPACITACION")
        await settle(pilot)
        items = [
            app.agenda_snapshot.items[row.key] for row in screen.query_one("#agenda").rows if row.kind != "section"
        ]  # type: ignore[attr-defined, union-attr]
        assert items and all(item.kind == "training" for item in items)
        shown = sum(shown for shown, _ in screen.counts.values())  # type: ignore[attr-defined]
        assert shown == len(items) < everyone
        heading = next(row.cells[0] for row in screen.query_one("#agenda").rows if row.kind == "section")  # type: ignore[attr-defined]
        assert " de " in heading  # «VENCIDOS (3 de 45)»
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.query_one("#hoy-filter").display
        assert sum(shown for shown, _ in screen.counts.values()) == everyone  # type: ignore[attr-defined]


@run_async
async def test_a_resolving_key_acts_on_the_selected_row_without_opening_it(ine_demo: Path) -> None:
    from tui.forms.records import TrainingDialog
    from tui.screens.hoy import HoyScreen

    app = make_app(ine_demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HoyScreen)
        for _ in range(80):
            if screen.selected_item is not None and screen.selected_item.kind == "training":
                break
            await pilot.press("down")
        person = screen.selected_item.person  # type: ignore[union-attr]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, TrainingDialog) and app.screen.person == person


@run_async
async def test_marked_rows_get_one_confirmation_and_one_summary(tmp_path: Path) -> None:
    from policy.codes import Kind
    from tui.screens.hoy import HoyScreen

    db = build_demo_db(tmp_path / "ine.db", "ine")
    app = make_app(db)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HoyScreen)
        evaluations = [i for i in app.agenda_snapshot.items if i.kind == Kind.EVALUATION]  # type: ignore[union-attr]
        assert len(evaluations) >= 3
        await pilot.press("slash", *"evaluar la cuenta", "enter")
        await settle(pilot)
        marked = 0
        while marked < 3:
            await pilot.press("space")
            marked += 1
        assert len(screen.marked) == 3
        wanted = {item.account.id for item in screen.marked_items}  # type: ignore[union-attr]
        original = app.notify

        def spy(message: str, **kwargs):  # type: ignore[no-untyped-def]
            notes.append(message)
            return original(message, **kwargs)

        app.notify = spy  # type: ignore[method-assign]
        await pilot.press("v")
        await settle(pilot)
        assert "3 cuentas" in question_of(app)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, HoyScreen) and not screen.marked
    assert "3 cuentas evaluadas." in notes
    from store import open_store

    with open_store(db) as store:
        latest = store.evaluations.latest()
    assert all(latest[account_id] == NOW.date() for account_id in wanted)


# -- the user's keymap ---------------------------------------------------------------------


@run_async
async def test_a_remapped_key_works_and_a_bad_line_is_a_spanish_warning(
    ine_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"hoy.filtrar" = "ctrl+f"\n"app.volar" = "f2"\n', encoding="utf-8")
    monkeypatch.setenv("RESGUARDO_CONFIG", str(config))
    app = make_app(ine_demo)
    warnings: list[str] = []
    original = app.notify

    def spy(message: str, **kwargs):  # type: ignore[no-untyped-def]
        warnings.append(message)
        return original(message, **kwargs)

    app.notify = spy  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        screen = app.screen
        await pilot.press("ctrl+f")
        await settle(pilot)
        box = screen.query_one("#hoy-filter")
        assert box.display and box.has_focus
    assert any("«app.volar» no es una acción de resguardo" in w for w in warnings), warnings


# -- keys typed fast across Tab ------------------------------------------------------------


@run_async
async def test_keys_typed_fast_across_tab_land_in_the_right_fields(ine_demo: Path) -> None:
    """Every key is queued before any is handled (as a fast typist or a paste does): the ones after
    Tab must go to the next field, not stay in the first."""
    from textual import events
    from textual.widgets import Input

    from tui.forms.records import PersonDialog

    app = make_app(ine_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PersonDialog)
        typed = [*"Rosa Gómez", "tab", *"rosa@ine.mx"]
        for key in typed:
            character = key if len(key) == 1 else None
            name = "space" if key == " " else ("tab" if key == "tab" else key)
            app.post_message(events.Key(name, character))
        await settle(pilot)
        assert dialog.query_one("#name", Input).value == "Rosa Gómez"
        assert dialog.query_one("#email", Input).value == "rosa@ine.mx"


@run_async
async def test_the_palette_says_no_match_in_spanish(ine_demo: Path) -> None:
    from textual.command import CommandList

    app = make_app(ine_demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"zzzzqq")
        await pilot.pause(0.8)  # the palette says so after half a second
        await settle(pilot)
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Ninguna acción coincide" in text for text in shown), shown
        assert not any("No matches" in text for text in shown)
