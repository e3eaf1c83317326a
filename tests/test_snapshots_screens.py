"""SVG snapshots at 80×24 and 120×40 of every main screen and of every dialog of the workbench.

Each case is reached from the keyboard as a user would (a key sequence from
Hoy), on the INE demo (it has an item of every kind Hoy resolves) with the fixed
clock and the in-memory keyring.
Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_screens.py --snapshot-update
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, settle

from tui.app import Workbench

SIZES = [(80, 24), (120, 40)]


async def keys(pilot, *pressed: str) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    await settle(pilot)
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)
    # a blinking cursor is drawn or not depending on the moment: steady, the picture is the same each run
    for screen in pilot.app.screen_stack:
        for box in screen.query(Input):
            box.cursor_blink = False
    # the footer shows the keys the selected row allows: recomputed once the rows are in, not mid-load
    pilot.app.refresh_bindings()
    await settle(pilot)


async def first_of(pilot, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Move Hoy's cursor to the first item of ``kind``."""
    await settle(pilot)
    screen = pilot.app.screen
    for _ in range(150):
        item = screen.selected_item
        if item is not None and item.kind == kind:
            return
        await pilot.press("down")
    raise AssertionError(f"no {kind} in Hoy")


def press(*pressed: str) -> Callable[..., Awaitable[None]]:
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, *pressed)

    return run


def on_item(kind: str, *pressed: str) -> Callable[..., Awaitable[None]]:
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await first_of(pilot, kind)
        await keys(pilot, *pressed)

    return run


def call(method: str, *pressed: str) -> Callable[..., Awaitable[None]]:
    async def run(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        getattr(pilot.app, method)()
        await keys(pilot, *pressed)

    return run


async def passphrase(pilot) -> None:  # type: ignore[no-untyped-def]
    from tui.forms.password import PassphraseDialog

    await settle(pilot)
    pilot.app.push_screen(PassphraseDialog(pilot.app.workspace, new_file=True))
    await keys(pilot)


CASES: dict[str, Callable[..., Awaitable[None]]] = {
    # the main screens
    "hoy": press(),
    "cuentas": press("2"),
    "personas": press("3"),
    "bitacora": press("4"),
    "incidentes": press("5"),
    "consultas": press("6"),
    "solicitudes": press("7"),
    # Hoy as a queue
    "hoy_filtro": press("slash", *"capacitacion"),
    "hoy_marcas": on_item("training", "space", "space"),
    # dialogs of Hoy's items
    "pendiente": press("enter"),
    "aviso_incidente": on_item("incident_notice", "n"),
    "consulta_resolver": on_item("consultation", "p"),
    "solicitud_atender": on_item("information_request", "s"),
    "firma_documento": on_item("designation_form", "f"),
    "aviso_dado": on_item("holiday_notice", "m"),
    "dispensa": press("x"),
    "capacitacion": on_item("training", "c"),
    # Cuentas
    "contrasena": press("2", "c"),
    "contrasena_sin_guardar": press("2", "c", *"Prueba-fija-123", "escape"),
    "frase_maestra": passphrase,
    "rotacion": press("2", "r"),
    "evaluacion": press("2", "v"),
    "confirmar": press("2", "v", "ctrl+s"),
    "cuenta_nueva": press("2", "n"),
    "cuenta_editar": press("2", "e"),
    "asignar": press("2", "a"),
    "desasignar_elegir": press("2", "x"),
    # Personas
    "persona_nueva": press("3", "n"),
    "persona_editar": press("3", "e"),
    # Bitácora
    "bitacora_entrada": press("4", "enter"),
    "bitacora_nueva": press("4", "n"),
    # workflows
    "incidente_nuevo": press("5", "a"),
    "incidente_cerrar": press("5", "z"),
    "consulta_nueva": press("6", "a"),
    "solicitud_nueva": press("7", "a"),
    # the app's own
    "ayuda": press("question_mark"),
    "paleta": press("ctrl+p"),
    "bloqueo_inactividad": call("action_idle_settings"),
    "bloqueo": press("ctrl+l"),
}


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return build_demo_db(tmp_path_factory.mktemp("capturas") / "demo.db", "ine")


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A copy per case: a case that writes (a form's rehearsal, the first start's own records) must not
    change what the next case shows, whatever order the workers run them in."""
    copy = tmp_path / "demo.db"
    with closing(sqlite3.connect(demo_template)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return copy


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", list(CASES))
def test_screen(snap_compare, demo_db: Path, memory_keyring, case: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = Workbench(demo_db, clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=CASES[case])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_wizard(snap_compare, tmp_path: Path, memory_keyring, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    app = Workbench(tmp_path / "nueva.db", clock=lambda: NOW)
    assert snap_compare(app, terminal_size=size, run_before=press())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pending_secret(snap_compare, demo_db: Path, memory_keyring, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The decision a crash leaves (a new password in the keyring, its rotation not recorded), as the
    password dialog of that account shows it."""
    from store import open_store
    from store.secrets import Secrets
    from tui.core.credentials import set_password

    app = Workbench(demo_db, clock=lambda: NOW)

    async def interrupted(pilot) -> None:  # type: ignore[no-untyped-def]
        await keys(pilot, "2")
        account_id = pilot.app.screen.selected().account.id
        with open_store(demo_db, clock=lambda: NOW) as store:
            secrets = Secrets(memory_keyring, store.credentials.installation_id())
            account = store.accounts.get(account_id)
            set_password(store, secrets, account.id, "x7#Gq9!mVb2$Lpz")
            store.credentials.begin_pending(account, "password", source="fijar", reason="Rotación periódica")
            secrets.put(secrets.pending_name(secrets.password_key(account_id)), "Tq4%wZ8@cR1!nHy")
        await keys(pilot, "c")

    assert snap_compare(app, terminal_size=size, run_before=interrupted)
