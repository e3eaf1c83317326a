"""Pilot tests, from the keyboard, of the bitácora's tools that were command-line only: the checked
moderation with its legal basis (``bitacora moderar``), the seal (``bitacora sello``) and the export
(``bitacora exportar``), each through the same core function as the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, run_async, settle

from store import open_store
from tests.inprocess import cli_environment, run
from tui.app import Workbench
from tui.forms.base import ConfirmDialog


async def open_bitacora(pilot):  # type: ignore[no-untyped-def]
    from tui.screens.bitacora import BitacoraScreen

    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, BitacoraScreen)
    return pilot.app.screen


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def choose(pilot, option_label: str) -> None:  # type: ignore[no-untyped-def]
    """Open the focused Select with Enter and move to ``option_label`` with the arrows, then Enter."""
    from textual.widgets import Select

    select = pilot.app.focused
    assert isinstance(select, Select)
    labels = [str(prompt) for prompt, _value in select._options]
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("home")
    for _ in range(labels.index(option_label)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


@run_async
async def test_moderation_is_checked_against_the_profile_and_states_its_basis(tmp_path: Path) -> None:
    """ine: blocking is refused unless the comment is hate or violence speech; then the entry states the
    exception and its clause. The form shows the refusal and the basis before anything is saved."""
    from tui.forms.bitacora import ModerationDialog

    db = build_demo_db(tmp_path / "ine.db", "ine")
    with open_store(db) as store:
        before = store.bitacora.count()
        account = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[0]
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ModerationDialog)
        await choose(pilot, account.ref)  # the account, from the list
        await pilot.press("tab")
        await choose(pilot, "Bloquear a la persona usuaria")
        basis = _text(dialog.query_one("#basis"))
        assert "no permite bloquear" in basis and "Criterios" in basis and "--" not in basis
        await pilot.press("tab", "tab", *"Insultos a una consejera")  # the checkbox, then the text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused by the core's rehearsal: nothing asked, nothing saved
        error = _text(dialog.query_one(".dialog-error"))
        assert "No se registra el bloqueo" in error and "--odio-violencia" not in error
        await pilot.press("shift+tab", "space")  # back to the checkbox: hate or violence speech
        await pilot.pause()
        assert "odio o violencia" in _text(dialog.query_one("#basis"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Bloqueo por discurso de odio o violencia" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
    with open_store(db) as store:
        assert store.bitacora.count() == before + 1
        entry = store.bitacora.search(None, limit=1)[0]
    assert (entry.kind, entry.account_id) == ("moderacion", account.id)
    assert entry.text.startswith("Moderación: bloquear a la persona usuaria (bloquear). Bloqueo por discurso de odio")
    assert entry.text.endswith("Insultos a una consejera")


@run_async
async def test_the_plain_entry_form_offers_no_moderation_kind(tmp_path: Path) -> None:
    """A moderation action is recorded only through its checked form: the new entry's kinds leave it out
    (as they leave out the correction), while the screen's filter still finds moderation entries."""
    from textual.widgets import Select

    from tui.forms.bitacora import EntryDialog

    db = build_demo_db(tmp_path / "iecm.db")
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_bitacora(pilot)
        filter_kinds = [value for _label, value in screen.query_one("#kind", Select)._options]
        assert "moderacion" in filter_kinds
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EntryDialog)
        kinds = [value for _label, value in app.screen.query_one("#kind", Select)._options]
        assert "moderacion" not in kinds and "correccion" not in kinds and "nota" in kinds


@run_async
async def test_iecm_refuses_hiding_a_comment_in_the_form(tmp_path: Path) -> None:
    """iecm §9.XIII: offensive comments are ignored; the form says so as the action is chosen."""
    from tui.forms.bitacora import ModerationDialog

    db = build_demo_db(tmp_path / "iecm.db")
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ModerationDialog)
        await pilot.press("tab")
        await choose(pilot, "Ocultar el comentario")
        assert "se ignoran" in _text(dialog.query_one("#basis"))
        await choose(pilot, "Ignorar el comentario")
        assert "Fundamento" in _text(dialog.query_one("#basis"))


@run_async
async def test_the_seal_is_shown_as_the_command_line_prints_it_and_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.forms.bitacora import SealDialog

    db = build_demo_db(tmp_path / "demo.db")
    cli_environment(monkeypatch)
    printed = run("--db", str(db), "bitacora", "sello")
    assert printed.code == 0
    quoted = "\n".join(printed.out.splitlines()[:3])  # the seal itself; then the command line's hint
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SealDialog)
        assert dialog.text == quoted
        assert _text(dialog.query_one("#seal")) == quoted
        with open_store(db) as store:
            seal = store.bitacora.seal()
        assert seal.head in quoted and f"entradas: {seal.total}" in quoted
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.clipboard == quoted
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SealDialog)


@run_async
async def test_the_export_picks_a_folder_and_writes_the_command_lines_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.forms.bitacora import ExportEntriesDialog
    from tui.forms.transfer import FilePickerDialog

    db = build_demo_db(tmp_path / "demo.db")
    home = tmp_path / "casa"
    (home / "oficios").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    cli_environment(monkeypatch)
    expected = tmp_path / "cli.csv"
    assert run("--db", str(db), "bitacora", "exportar", "--formato", "csv", "--salida", str(expected)).code == 0
    app = Workbench(db, clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bitacora(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportEntriesDialog)
        await pilot.press("ctrl+o")
        await pilot.pause(0.3)  # not settle: the folder tree keeps a loader worker while it is open
        assert isinstance(app.screen, FilePickerDialog)
        await pilot.press("down", "enter")  # the tree: «oficios», opened
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")  # choose it
        await pilot.pause(0.1)
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#folder").value == str(home / "oficios")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
        target = home / "oficios" / f"bitacora-{NOW.date().isoformat()}.csv"
        assert target.read_bytes() == expected.read_bytes()
        assert [p.name for p in (home / "oficios").iterdir()] == [target.name]  # no temporary file left
        # JSON by the format's list, in the folder the picker starts from (the home folder)
        await pilot.press("e")
        await settle(pilot)
        await choose(pilot, "JSON")
        await pilot.press("ctrl+s")
        await settle(pilot)
        json_file = home / f"bitacora-{NOW.date().isoformat()}.json"
        assert json_file.read_text(encoding="utf-8").startswith('{"format": ')
        # the same again would replace it: asked first, after the rehearsal
        await pilot.press("e")
        await settle(pilot)
        await choose(pilot, "JSON")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "se reemplazará" in app.screen.question
