"""The workbench's «Revisar borrador» dialog: opened from the palette, it reviews what is typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW
from test_preflight import word_cache  # noqa: F401 - autouse: the spelling index in the run's folder
from workbench_helpers import build_demo_db, run_async, settle

from tui.app import Workbench
from tui.commands import applicable_commands
from tui.forms.preflight import PreflightDialog

DRAFT = "Invitamos a los ciudadanos. Info: bit.ly/abc"
KEYS = {" ": "space", ".": "full_stop", "/": "slash", ":": "colon"}


@pytest.fixture
def demo_app(tmp_path: Path) -> Workbench:
    return Workbench(build_demo_db(tmp_path / "demo.db"), clock=lambda: NOW)


async def open_and_type(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    app = pilot.app
    [command] = [c for c in applicable_commands(app, app.screen) if c.title == "borrador: Revisar borrador"]
    command.run()
    await settle(pilot)
    await pilot.press(*[KEYS.get(ch, ch) for ch in DRAFT])
    await pilot.press("ctrl+r")
    await settle(pilot)
    # the draft's cursor drawn steadily: blinking, the snapshot caught it lit or not by chance
    draft = pilot.app.screen.query_one("#draft")
    draft.cursor_blink = False
    draft.focus()
    await pilot.pause()


@run_async
async def test_typing_a_draft_shows_its_findings_and_jumps_between_them(demo_app: Workbench) -> None:
    async with demo_app.run_test(size=(120, 40)) as pilot:
        await open_and_type(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, PreflightDialog)
        assert dialog.review is not None and dialog.review.text == DRAFT
        assert [(f.kind, f.span.text) for f in dialog.review.findings] == [
            ("lenguaje_incluyente", "los ciudadanos"),
            ("acortador", "bit.ly/abc"),
        ]
        verdict = str(dialog.query_one("#verdict").render())
        assert "No publique todavía: 1 bloquea, 1 sugerencia." in verdict
        assert "1 de 2 · SUGERENCIA «los ciudadanos»" in str(dialog.query_one("#current").render())
        await pilot.press("f8")
        assert "2 de 2 · BLOQUEA «bit.ly/abc»" in str(dialog.query_one("#current").render())
        area = dialog.query_one("#draft")
        assert area.selected_text == "bit.ly/abc"
        await pilot.press("f7")
        assert area.selected_text == "los ciudadanos"
        await pilot.press("escape")
        assert not isinstance(demo_app.screen, PreflightDialog)


def test_preflight_dialog_120x40(snap_compare, demo_app: Workbench) -> None:
    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=open_and_type)
