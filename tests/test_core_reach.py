"""Every use case of the core is called by both faces, or is listed as one-sided with the reason.

Read from the source with ``ast``: a face "calls" a use case when one of its
files imports the function from its core module (``from tui.core.x import f``)
or names it through the module (``from tui.core import x`` … ``x.f``).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import tui.core

ROOT = Path(__file__).resolve().parent.parent
CLI = sorted((ROOT / "tui" / "cli").rglob("*.py"))
WORKBENCH = sorted(
    path
    for path in (ROOT / "tui").rglob("*.py")
    if not path.is_relative_to(ROOT / "tui" / "cli") and not path.is_relative_to(ROOT / "tui" / "core")
)
CORE_MODULES = sorted(m.name for m in pkgutil.iter_modules(tui.core.__path__) if m.name != "common")


def references(paths: list[Path]) -> set[tuple[str, str]]:
    """(core module, name) pairs the files import or name through their module."""
    found: set[tuple[str, str]] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}  # local name -> core module
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("tui.core."):
                    module = node.module.removeprefix("tui.core.")
                    found.update((module, alias.name) for alias in node.names)
                elif node.module == "tui.core":
                    aliases.update({alias.asname or alias.name: alias.name for alias in node.names})
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("tui.core.") and alias.asname:
                        aliases[alias.asname] = alias.name.removeprefix("tui.core.")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                found.add((aliases[node.value.id], node.attr))
    return found


def use_cases() -> list[tuple[str, str]]:
    cases = []
    for name in CORE_MODULES:
        module = importlib.import_module(f"tui.core.{name}")
        exported = getattr(module, "__all__", None)
        assert exported, f"tui/core/{name}.py must list its use cases in __all__"
        cases.extend((name, function) for function in exported)
    return cases


CLI_REFS = references(CLI)
WORKBENCH_REFS = references(WORKBENCH)


@pytest.mark.parametrize(("module", "function"), use_cases())
def test_each_use_case_is_reachable_from_both_faces(module: str, function: str) -> None:
    core = importlib.import_module(f"tui.core.{module}")
    assert callable(getattr(core, function))
    one_sided: dict[str, str] = getattr(core, "ONE_SIDED", {})
    faces = {"la línea de comandos": (module, function) in CLI_REFS, "la mesa": (module, function) in WORKBENCH_REFS}
    if function in one_sided:
        assert one_sided[function].strip(), "a one-sided use case says why"
        assert list(faces.values()).count(True) == 1, f"{module}.{function} is listed as one-sided"
    else:
        assert faces == {"la línea de comandos": True, "la mesa": True}


def test_the_reader_finds_imports_and_module_attributes(tmp_path: Path) -> None:
    sample = tmp_path / "face.py"
    sample.write_text(
        "from tui.core.notices import mark_holiday_notice\nfrom tui.core import agenda\nagenda.for_horizon(1)\n",
        encoding="utf-8",
    )
    assert references([sample]) == {("notices", "mark_holiday_notice"), ("agenda", "for_horizon")}
