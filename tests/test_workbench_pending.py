"""Pilot tests: a password save a crash left half-way is shown, and confirmed or discarded, in the workbench."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from workbench_helpers import build_demo_db, run_async, settle

from store import open_store
from store.secrets import Secrets
from tui.app import Workbench
from tui.core.credentials import set_password
from tui.forms.password import PasswordDialog, PendingSecretDialog
from tui.screens.cuentas import CuentasScreen

OLD = "x7#Gq9!mVb2$Lpz"
NEW = "Tq4%wZ8@cR1!nHy"


async def first_account_id(db: Path) -> int:
    """The account Cuentas selects when it opens (the one ``c`` acts on)."""
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)
        return app.screen.account.id


def interrupted_save(db: Path, backend: MemoryKeyring, account_id: int) -> Secrets:
    """OLD in place and NEW beside it with no rotation: a save killed after the keyring write."""
    with open_store(db, clock=lambda: NOW) as store:
        secrets = Secrets(backend, store.credentials.installation_id())
        account = store.accounts.get(account_id)
        set_password(store, secrets, account.id, OLD)
        store.credentials.begin_pending(account, "password", source="fijar", reason="Rotación periódica")
        secrets.put(secrets.pending_name(secrets.password_key(account_id)), NEW)
        return secrets


def rotations(db: Path, account_id: int) -> int:
    with open_store(db) as store:
        return len(store.rotations.for_account(account_id))


@pytest.mark.parametrize(("key", "expected", "added"), [("c", NEW, 1), ("d", OLD, 0)])
@run_async
async def test_an_interrupted_save_is_shown_and_decided_from_cuentas(
    tmp_path: Path, memory_keyring: MemoryKeyring, key: str, expected: str, added: int
) -> None:
    db = build_demo_db(tmp_path / "iecm.db")
    account_id = await first_account_id(db)
    secrets = interrupted_save(db, memory_keyring, account_id)
    before = rotations(db, account_id)
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)  # the accounts are built after the first frames
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("Quedó a medias el guardado de la contraseña" in m for m in said), said
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PendingSecretDialog)
        text = str(dialog.query_one(".dialog-text").render())
        assert "se interrumpió" in text and "confírmela" in text
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)  # back to the dialog, free to save another
    assert secrets.get(secrets.password_key(account_id)) == expected
    assert secrets.get(secrets.pending_name(secrets.password_key(account_id))) is None
    assert rotations(db, account_id) == before + added
    with open_store(db) as store:
        assert store.credentials.pending() == []


@run_async
async def test_deciding_later_saves_nothing_and_closes_the_dialog(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    db = build_demo_db(tmp_path / "iecm.db")
    account_id = await first_account_id(db)
    secrets = interrupted_save(db, memory_keyring, account_id)
    before = rotations(db, account_id)
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PendingSecretDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CuentasScreen)
    assert secrets.get(secrets.password_key(account_id)) == OLD
    assert secrets.get(secrets.pending_name(secrets.password_key(account_id))) == NEW
    assert rotations(db, account_id) == before
