"""An import inside a function is there for a reason, and says it: ``# lazy: <why>`` on its line.

Everything else imports at the top of its module. What may wait is what a
start-up path cannot afford (Textual, the keyring, zxcvbn, a repository a
command does not touch) or what would close an import cycle; the comment makes
each such choice visible where it is made.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def unexplained_lazy_imports(path: Path, root: Path = ROOT) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    span = lines[inner.lineno - 1 : (inner.end_lineno or inner.lineno)]
                    if not any("# lazy:" in line for line in span):
                        found.add(inner.lineno)
    return [f"{path.relative_to(root)}:{n}: {lines[n - 1].strip()}" for n in sorted(found)]


def test_every_import_inside_a_function_says_why_it_waits() -> None:
    offences = [
        offence
        for package in ("policy", "store", "tui")
        for path in sorted((ROOT / package).rglob("*.py"))
        for offence in unexplained_lazy_imports(path)
    ]
    assert offences == []


def test_the_reader_finds_an_unexplained_one(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    import json\n\ndef g():\n    import csv  # lazy: only exports\n", encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in unexplained_lazy_imports(sample, tmp_path)] == ["import json"]
