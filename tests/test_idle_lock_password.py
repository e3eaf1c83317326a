"""Issue #14 C2: the idle lock over a dialog holding an unsaved password.

The lock still comes (an unattended screen must not show a password), but the
password is kept safe: it is masked before the lock covers it, the lock says a
dialog is waiting, and after unlocking the same dialog is back with what was
typed or generated, ready to save. The idle timer is driven as the other idle
tests do: the last input moved back, then the check run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from textual.widgets import Input
from workbench_helpers import build_demo_db, run_async, settle

from tui.app import Workbench
from tui.forms.base import ConfirmDialog
from tui.forms.password import UNSAVED_GENERATED, PasswordDialog
from tui.screens.cuentas import CuentasScreen
from tui.screens.misc import LockScreen


@pytest.fixture
def iecm_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "iecm.db")


async def open_password_dialog(pilot) -> PasswordDialog:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CuentasScreen)
    await pilot.press("c")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, PasswordDialog)
    return dialog


async def go_idle(pilot) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    app._last_input -= app.idle_minutes * 60 + 1
    app._check_idle()
    await settle(pilot)


def lock_text(app: Workbench) -> str:
    return str(app.screen.query_one("#lock-text").render())


@run_async
async def test_the_idle_lock_masks_a_generated_password_and_gives_the_dialog_back_intact(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = Workbench(iecm_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        secret = dialog.query_one("#password", Input).value
        assert secret and dialog.revealed  # shown once, as generated
        await go_idle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "contraseña sin guardar" in lock_text(app)  # the user learns, on coming back, what waits
        assert all(len(line) <= 78 for line in lock_text(app).splitlines())  # not cut at 80 columns
        assert not dialog.revealed and all(
            box.password for box in dialog.query(Input) if box.id in ("password", "confirm")
        )
        await pilot.press("x")  # any key, as for every lock (the system keyring asks no passphrase)
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#password", Input).value == secret
        assert dialog.query_one("#confirm", Input).value == secret
        assert dialog.unsaved_question() == UNSAVED_GENERATED  # still unsaved: Esc and ctrl+q still ask
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
    assert secret in memory_keyring.entries.values()


@run_async
async def test_the_idle_lock_over_a_question_about_the_password_keeps_both(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = Workbench(iecm_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press(*"una contraseña escrita")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        await go_idle(pilot)
        assert isinstance(app.screen, LockScreen) and "contraseña sin guardar" in lock_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is question  # the key that unlocked did not answer the question
        await pilot.press("enter")  # the safe default: stay
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#password", Input).value == "una contraseña escrita"
    assert memory_keyring.entries == {}


@run_async
async def test_the_idle_lock_without_a_password_waiting_says_nothing_of_one(
    iecm_db: Path, memory_keyring: MemoryKeyring
) -> None:
    app = Workbench(iecm_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_password_dialog(pilot)
        await go_idle(pilot)
        assert isinstance(app.screen, LockScreen) and "contraseña" not in lock_text(app)


@run_async
async def test_ctrl_l_locks_from_inside_the_password_dialog_too(iecm_db: Path, memory_keyring: MemoryKeyring) -> None:
    """The manual lock is the same lock: it used to do nothing in a dialog (a modal screen hides the app's
    bindings that are not priority ones), the very moment an administrator leaving the desk needs it."""
    app = Workbench(iecm_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_password_dialog(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        secret = dialog.query_one("#password", Input).value
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and "contraseña sin guardar" in lock_text(app)
        assert not dialog.revealed
        await pilot.press("space")
        await settle(pilot)
        assert app.screen is dialog and dialog.query_one("#password", Input).value == secret
