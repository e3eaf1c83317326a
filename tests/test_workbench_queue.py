"""Issue #14 part A: no way to lose a password, dialogs that show their keys, the user's keymap."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from workbench_helpers import build_demo_db, run_async, settle

from tui.app import Workbench
from tui.forms.base import ConfirmDialog
from tui.forms.password import UNSAVED_GENERATED, UNSAVED_TYPED, PasswordDialog
from tui.screens.cuentas import CuentasScreen


@pytest.fixture
def iecm_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "iecm.db")


def make_app(db: Path) -> Workbench:
    return Workbench(db, clock=lambda: NOW)


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
        await pilot.click("#cancel")
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
async def test_ctrl_q_without_an_unsaved_password_closes_at_once(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
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
