"""SVG snapshots of the forms that open duties (issue #14 C1) at 80×24 and 120×40, each on the demo of
a profile that has the duty's rule, with a fixed clock; and of the openings list with an authorized
opening still owing its UNICOM step (ine), with the form that records it.

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_duty_forms.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW
from textual.widgets import Input
from workbench_helpers import build_demo_db, first_account, settle

from store import open_store
from tui import flows
from tui.app import Workbench
from tui.core.workflows import add_opening, resolve_opening

SIZES = [(80, 24), (120, 40)]


def _holder(app: Workbench) -> None:
    account = first_account(app)
    flows.change_holder(app, account)


def _entry(app: Workbench) -> None:
    from tui.forms.base import account_options
    from tui.forms.bitacora import EntryDialog

    app.with_institution(
        lambda: app.push_screen(
            EntryDialog(app.workspace, account_options(app), first_account(app).id, kind="publicacion")
        )
    )


def _unicom_step(app: Workbench) -> None:
    flows.show_openings(app)


#: name -> (profile of the demo, what opens the dialog, keys pressed once it is open)
CASES: dict[str, tuple[str, Callable[[Workbench], None], tuple[str, ...]]] = {
    "mensaje_utcsyd": ("iecm", lambda app: flows.register_message(app, first_account(app).id), ()),
    "asunto": ("iecm", lambda app: flows.report_matter(app), ()),
    "retiro": ("ieeags", lambda app: flows.request_removal(app, first_account(app).id), ()),
    "cambio_titular": ("ine", _holder, ()),
    "entrada_iecm": ("iecm", _entry, ()),
    "entrada_ieeags": ("ieeags", _entry, ()),
    "altas_unicom": ("ine", _unicom_step, ()),
    "altas_unicom_paso": ("ine", _unicom_step, ("u",)),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(CASES))
def test_dialog(snap_compare, tmp_path: Path, name: str, size: tuple[int, int]) -> None:
    profile, opener, keys = CASES[name]
    db = build_demo_db(tmp_path / f"{profile}.db", profile)
    if name.startswith("altas"):
        with open_store(db, clock=lambda: NOW) as store:
            new = add_opening(
                store, network="x", handle="@INENueva", reference="INE/DECS/12/2026", requested_on=NOW.date()
            )
            resolve_opening(store, new.opening.id, "autorizada")
    app = Workbench(db, clock=lambda: NOW)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for _ in range(100):  # the accounts the pickers need: loaded, so no «Cargando…» notice in the picture
            if app.institution is not None:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        opener(app)
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
