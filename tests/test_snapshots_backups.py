"""SVG snapshots of the backups dialog and the office's package dialog (issue #14 D2) at 80×24 and
120×40, on the ine demo with two backups (one verified in the dialog) and a fixed office key.

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots_backups.py --snapshot-update
"""

from __future__ import annotations

import base64
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW
from textual.widgets import Input
from workbench_helpers import build_demo_db, settle

from tui.app import Workbench
from tui.core.backup import make_backup

SIZES = [(80, 24), (120, 40)]
#: a fixed Ed25519 private key, so the fingerprint in the picture never changes
OFFICE_KEY = base64.b64encode(bytes(range(32))).decode("ascii")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's folder is the test's: paths under it are shown from «~», the same in every run."""
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_backups_dialog(snap_compare, home: Path, memory_keyring: object, size: tuple[int, int]) -> None:
    db = build_demo_db(home / "oficina" / "ine.db", "ine")
    make_backup(db, now=NOW - timedelta(days=3))
    make_backup(db, now=NOW)
    app = Workbench(db, clock=lambda: NOW)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        from tui import flows

        await settle(pilot)
        flows.show_backups(app)
        await settle(pilot)
        await pilot.press("v")  # the newest one, verified: its row says «sí» and the detail says why
        await settle(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_package_dialog(snap_compare, home: Path, memory_keyring: object, size: tuple[int, int]) -> None:
    db = build_demo_db(home / "oficina" / "ine.db", "ine")
    app = Workbench(db, clock=lambda: NOW)
    secrets = app.workspace.open_secrets()
    secrets.put_if_absent(f"{secrets.installation_id}:office-key", OFFICE_KEY)

    async def open_dialog(pilot) -> None:  # type: ignore[no-untyped-def]
        from tui.forms.package import PackageDialog

        await settle(pilot)
        app.push_screen(PackageDialog(app.workspace, Path("/srv/paquetes")))
        await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture depend on the moment
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_dialog)
