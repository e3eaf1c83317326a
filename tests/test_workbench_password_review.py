"""Pilot tests, from the keyboard, of the password review in the workbench (``credencial revisar``): from
Cuentas' key and from the palette, the same findings as the command line with the keyring re-read
(``--completo``) or without it (the encrypted file left locked), no password on screen, and Enter on a
finding selects its account in Cuentas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NOW
from memory_keyring import MemoryKeyring
from workbench_helpers import build_demo_db, make_app, palette, run_async, settle

from store import open_store
from tests.inprocess import cli_environment, run
from tui.forms.password_review import PasswordReviewDialog

STRONG = "x7#Gq9!mVb2$Lpz"
OTHER_STRONG = "Tq4%wZ8@cR1!nHy"
CHANGED = "Wb6&kP3#sJ9!dXe"


def _rows(dialog: PasswordReviewDialog) -> list[tuple[str, str]]:
    """(account, detail) of every row the review's table shows, in order."""
    table = dialog.table
    return [(row.cells[0], row.cells[2]) for row in table.rows]  # type: ignore[attr-defined]


def _cli_review(db: Path, *flags: str) -> list[tuple[str, str]]:
    result = run("--db", str(db), "credencial", "revisar", "--json", *flags)
    assert result.code == 0, result.err
    return [(item["account"], item["message"]) for item in json.loads(result.out)]


@pytest.fixture
def ine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> tuple[Path, list[str]]:
    """ine's demo with three passwords set by the command line; then, outside resguardo, one changed in
    the keyring and one removed from it (findings only a re-read of the keyring sees)."""
    db = build_demo_db(tmp_path / "ine.db", "ine")
    cli_environment(monkeypatch)
    with open_store(db) as store:
        refs = sorted((a.ref for a in store.accounts.list() if a.status == "activa"), key=str.lower)[:3]
    for ref, password in zip(refs, (STRONG, OTHER_STRONG, "Zr5^mQ2!vLp8#Tk"), strict=True):
        result = run(
            "--db", str(db), "credencial", "fijar", ref, "--motivo", "Alta en resguardo", stdin=password + "\n"
        )
        assert result.code == 0, result.err
    with open_store(db) as store:
        ids = {a.ref: a.id for a in store.accounts.list()}
    changed = next(k for k in memory_keyring.entries if k.endswith(f"account-{ids[refs[0]]}"))
    memory_keyring.entries[changed] = CHANGED
    missing = next(k for k in memory_keyring.entries if k.endswith(f"account-{ids[refs[1]]}"))
    del memory_keyring.entries[missing]
    return db, refs


@run_async
async def test_the_review_from_cuentas_rereads_the_keyring_and_enter_selects_the_account(
    ine: tuple[Path, list[str]],
) -> None:
    from tui.screens.cuentas import CuentasScreen

    db, refs = ine
    expected = _cli_review(db, "--completo")
    by_ref = dict(expected)
    assert "cambió fuera de resguardo" in by_ref[refs[0]]  # the re-read's findings are there to be shown
    assert "no está en el llavero" in by_ref[refs[1]]
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        cuentas = app.screen
        assert isinstance(cuentas, CuentasScreen)
        await pilot.press("R")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PasswordReviewDialog)
        assert _rows(dialog) == expected
        intro = str(dialog.query_one("#intro").render())
        assert intro.startswith(f"Contraseñas al {NOW:%d/%m/%Y}:") and "(relectura completa del llavero)" in intro
        screen_text = intro + "".join(str(w.render()) for w in dialog.query("Static"))
        for secret in (STRONG, OTHER_STRONG, CHANGED):
            assert secret not in screen_text
        # «t»: every account, also those in order (as --todas)
        await pilot.press("t")
        await settle(pilot)
        assert _rows(dialog) == _cli_review(db, "--completo", "--todas")
        await pilot.press("t")
        await settle(pilot)
        # the finding of the account whose password was removed: Enter goes to it in Cuentas
        position = [ref for ref, _ in expected].index(refs[1])
        await pilot.press("home", *["down"] * position)
        await pilot.pause()
        assert "no está en el llavero" in str(dialog.query_one("#record-detail").render())
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is cuentas
        assert cuentas.selected().account.ref == refs[1]  # type: ignore[union-attr]


@run_async
async def test_the_palette_review_with_the_encrypted_file_left_locked_shows_what_was_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No system keyring: the encrypted file asks its passphrase; Escape gives the review of what was
    recorded (the command line's without --completo), and says the keyring was not read."""
    import keyring

    from store.secrets import encrypted_file_class
    from tui.forms.password import PassphraseDialog

    db = build_demo_db(tmp_path / "ine.db", "ine")
    cli_environment(monkeypatch)
    expected = _cli_review(db)
    assert expected  # the demo has findings (no passwords set yet, no second factors)
    backend = encrypted_file_class()(tmp_path / "llavero.json")
    backend.kdf_cost = "ligero"
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        app = make_app(db)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await palette(pilot, "contraseñas: Revisar todas")
            assert isinstance(screen, PassphraseDialog)
            await pilot.press("escape")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, PasswordReviewDialog)
            assert _rows(dialog) == expected
            intro = str(dialog.query_one("#intro").render())
            assert "(lo registrado al guardar cada contraseña)" in intro
            assert "El llavero sigue bloqueado" in intro
    finally:
        keyring.set_keyring(previous)
