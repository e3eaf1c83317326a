"""SVG snapshots of the workflows' dialogs (issue #14 B) at 80×24 and 120×40, on the ine demo with a
waiver, an opening, a closing and an administrator change recorded, and a fixed clock.

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_flows.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import NOW
from textual.widgets import Input
from workbench_helpers import build_demo_db, settle

from store import open_store
from tui import flows
from tui.app import Workbench
from tui.core.waivers import add_waiver
from tui.core.workflows import add_opening, close_account, record_admin_change

SIZES = [(80, 24), (120, 40)]


def _with_records(path: Path) -> Path:
    build_demo_db(path, "ine")
    with open_store(path, clock=lambda: NOW) as store:
        accounts = sorted(store.accounts.list(), key=lambda a: a.ref.lower())
        people = sorted(store.people.list(), key=lambda p: p.name)
        add_waiver(
            store, reason="Oficio de la DEA", until=date(2026, 12, 15), kind="evaluation", account=accounts[1].id
        )
        add_opening(store, network="x", handle="@INENueva", reference="INE/DECS/12/2026", requested_on=NOW.date())
        close_account(store, accounts[0].id, reason="Fin del programa")
        record_admin_change(store, people[0].id, "promocion")
    return path


def _open(name: str) -> Callable[[Workbench], None]:
    def entry(app: Workbench) -> None:
        with open_store(app.workspace.db_path) as store:
            entry = store.bitacora.search(limit=1)[0]
        flows.correct_entry(app, entry)

    def account(app: Workbench) -> None:
        with open_store(app.workspace.db_path) as store:
            found = sorted(store.accounts.list(), key=lambda a: a.ref.lower())[2]
        flows.close_account(app, found)

    def person(app: Workbench) -> None:
        with open_store(app.workspace.db_path) as store:
            found = sorted(store.people.list(), key=lambda p: p.name)[1]
        flows.admin_change(app, found)

    def export(app: Workbench) -> None:
        from tui.forms.transfer import ExportDialog

        app.push_screen(ExportDialog(app.workspace, Path("/srv/respaldos")))

    def load(app: Workbench) -> None:
        from tui.forms.transfer import ImportDialog

        app.push_screen(ImportDialog(app.workspace, Path("/srv/respaldos")))

    return {
        "correccion": entry,
        "dispensas": flows.show_waivers,
        "altas": flows.show_openings,
        "alta_nueva": flows.new_opening,
        "bajas": flows.show_closings,
        "baja_nueva": account,
        "cambios": flows.show_admin_changes,
        "cambio_nuevo": person,
        "ajustes": flows.show_settings,
        "calendario": flows.show_calendar,
        "exportar": export,
        "importar": load,
        "historial": flows.show_history,
        "listas": flows.show_lists,
    }[name]


NAMES = [
    "correccion",
    "dispensas",
    "altas",
    "alta_nueva",
    "bajas",
    "baja_nueva",
    "cambios",
    "cambio_nuevo",
    "ajustes",
    "calendario",
    "exportar",
    "importar",
    "historial",
    "listas",
]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", NAMES)
def test_dialog(snap_compare, tmp_path: Path, name: str, size: tuple[int, int]) -> None:
    db = _with_records(tmp_path / "ine.db")
    app = Workbench(db, clock=lambda: NOW)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        _open(name)(app)
        await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
