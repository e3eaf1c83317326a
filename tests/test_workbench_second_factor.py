"""Pilot test, from the keyboard, of the second factor's form in Cuentas (``credencial segundo-factor``
through the same core function, ``set_second_factor``): the method, where the codes are, and the
recovery codes, typed masked and kept only in the keyring."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from textual.widgets import Input
from workbench_helpers import build_demo_db, run_async, settle

from policy.credentials import NO_2FA
from store import open_store
from tui.app import Workbench
from tui.core.credentials import review_passwords
from tui.forms.base import ConfirmDialog
from tui.screens.cuentas import CuentasScreen

CODES = "k3vq-88tz w1xp-40mr 7hda-2cfe"


@pytest.fixture
def ine_db(tmp_path: Path) -> Path:
    return build_demo_db(tmp_path / "ine.db", "ine")


def _issues(db: Path, account_id: int) -> tuple[str, ...]:
    with open_store(db, clock=lambda: NOW) as store:
        report = review_passwords(store)
    return next(item.issues for item in report.items if item.account.id == account_id)


async def open_form(pilot):  # type: ignore[no-untyped-def]
    from tui.forms.second_factor import SecondFactorDialog

    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CuentasScreen)
    account = screen.selected().account
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SecondFactorDialog)
    return screen, account, pilot.app.screen


@run_async
async def test_the_second_factor_and_its_codes_from_cuentas(ine_db: Path, memory_keyring: MemoryKeyring) -> None:
    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, account, dialog = await open_form(pilot)
        assert any(issue.startswith(NO_2FA) for issue in _issues(ine_db, account.id))  # the finding before
        await pilot.press("enter")  # the method's list
        await pilot.pause()
        await pilot.press("home", "enter")  # the first: «Aplicación autenticadora»
        await pilot.pause()
        await pilot.press("tab", "ctrl+a", *"Caja fuerte de la CNCS", "tab", *CODES)
        codes_box = dialog.query_one("#codes", Input)
        assert codes_box.password and codes_box.value == CODES and CODES not in str(codes_box.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "llavero" in app.screen.question
        # validated by a rehearsal that left the keyring alone
        assert not any(value == CODES for value in memory_keyring.entries.values())
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert "aplicación autenticadora · códigos en el llavero" in str(screen.query_one("#detail-left").render())
    with open_store(ine_db) as store:
        factor = store.credentials.second_factor(account.id)
    assert factor is not None
    assert (factor.method, factor.recovery_location, factor.codes_in_keyring) == ("app", "Caja fuerte de la CNCS", True)
    assert [k for k, v in memory_keyring.entries.items() if v == CODES] == [
        next(k for k in memory_keyring.entries if k.endswith(f":account-{account.id}:recovery"))
    ]
    for path in ine_db.parent.iterdir():  # never in the database, its journal or anything beside it
        if path.is_file():
            assert CODES.split()[0].encode() not in path.read_bytes(), path.name
    issues = _issues(ine_db, account.id)
    assert not any(issue.startswith(NO_2FA) for issue in issues)


@run_async
async def test_typed_codes_are_not_dropped_without_asking(ine_db: Path, memory_keyring: MemoryKeyring) -> None:
    from tui.forms.second_factor import UNSAVED_CODES

    app = Workbench(ine_db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        _screen, account, dialog = await open_form(pilot)
        await pilot.press("tab", "tab", *CODES, "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == UNSAVED_CODES
        await pilot.press("enter")  # the safe default: stay
        await pilot.pause()
        assert app.screen is dialog and dialog.query_one("#codes", Input).value == CODES
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.screen.question == UNSAVED_CODES
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog
    with open_store(ine_db) as store:
        assert (
            store.credentials.second_factor(account.id) is None
            or not store.credentials.second_factor(account.id).codes_in_keyring
        )
