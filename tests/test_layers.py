"""The layering, read from the source: tui → store → policy, and the core below both faces.

Each module's imports (at any depth, ``TYPE_CHECKING`` ones included) are
read with ``ast``; a forbidden one fails with the module and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: package → the imports it must never make (a prefix matches the module and its submodules)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "policy": ("store", "tui", "textual", "sqlite_utils", "sqlite3", "keyring"),
    "store": ("tui", "textual"),
    "tui/core": ("textual", "tui.cli", "tui.app", "tui.screens", "tui.widgets", "tui.forms", "tui.workspace"),
    # the report writers: below both faces, like the core
    "tui/render": (
        "textual",
        "tui.cli",
        "tui.app",
        "tui.coordination_app",
        "tui.screens",
        "tui.widgets",
        "tui.forms",
        "tui.workspace",
    ),
    "tui/cli": (
        "textual",
        "tui.app",
        "tui.coordination_app",
        "tui.screens",
        "tui.widgets",
        "tui.forms",
        "tui.workspace",
    ),
}

#: The entry point: ``resguardo`` with no command opens the workbench from the command line's ``run``.
ENTRY_POINT = {
    ("tui/cli/__init__.py", "tui.workspace"),
    ("tui/cli/__init__.py", "tui.app"),
    # ``resguardo coordinacion`` with no subcommand opens the read-only coordination workbench
    ("tui/cli/coordination.py", "tui.coordination_app"),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _hits(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_is_below_it(package: str) -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in imported_modules(path)
        if _hits(module, FORBIDDEN[package]) and (str(path.relative_to(ROOT)), module) not in ENTRY_POINT
    ]
    assert offences == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from textual.app import App\n", encoding="utf-8")
    assert [m for _, m in imported_modules(sample) if _hits(m, FORBIDDEN["tui/core"])] == ["textual.app"]
