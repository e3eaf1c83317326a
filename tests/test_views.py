"""The main screens are declared once (tui.screens.VIEWS); the app, the status line and the palette follow it."""

from __future__ import annotations

from tui.app import Workbench
from tui.screens import BY_MODE, VIEWS


def test_each_declared_view_names_its_own_screen_class() -> None:
    assert [view.screen_class().mode for view in VIEWS] == [view.mode for view in VIEWS]
    assert len(BY_MODE) == len(VIEWS) == len({view.key for view in VIEWS})


def test_the_number_keys_are_made_from_the_registry() -> None:
    bindings = {b.id: b for b in Workbench.BINDINGS if not isinstance(b, tuple) and getattr(b, "id", None)}
    for view in VIEWS:
        binding = bindings[f"vista.{view.mode}"]
        assert (binding.key, binding.action, binding.description, binding.tooltip) == (
            view.key,
            f"show_view('{view.mode}')",
            view.label,
            view.tooltip,
        )
