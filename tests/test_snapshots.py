"""SVG snapshots of the main screens on the demo institution with a fixed clock.

Regenerate after an intended visual change with:
    .venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from workbench_helpers import build_demo_db, settle

from tui.app import Workbench


@pytest.fixture
def demo_app(tmp_path: Path) -> Workbench:
    return Workbench(build_demo_db(tmp_path / "demo.db"), clock=lambda: NOW)


def test_hoy_120x40(snap_compare, demo_app: Workbench) -> None:
    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=settle)


def test_hoy_80x24(snap_compare, demo_app: Workbench) -> None:
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=settle)


def test_cuentas_120x40(snap_compare, demo_app: Workbench) -> None:
    async def open_cuentas(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=open_cuentas)


def test_obligation_detail_120x40(snap_compare, demo_app: Workbench) -> None:
    async def open_item(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=open_item)


def test_bitacora_120x40(snap_compare, demo_app: Workbench) -> None:
    async def open_bitacora(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=open_bitacora)
