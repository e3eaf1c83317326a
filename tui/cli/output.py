"""Printing for the command line: tables that fit the terminal, and JSON."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any


def print_json(data: Any) -> None:
    """Write ``data`` as JSON. A non-empty array puts one compact object per line: the
    agenda can hold thousands, and ``indent`` would force json's pure-Python encoder
    (about five times slower than the C one used here)."""
    if isinstance(data, list) and data:
        sys.stdout.write("[\n")
        sys.stdout.write(",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in data))
        sys.stdout.write("\n]\n")
        return
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


def terminal_width() -> int:
    return max(60, shutil.get_terminal_size((120, 40)).columns)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    wrap: int | None = None,
    width: int | None = None,
    indent: str = "",
) -> str:
    """Render rows as aligned columns; column ``wrap`` is wrapped to fit ``width``."""
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    total = width or terminal_width()
    gap = 2
    if wrap is not None:
        others = sum(w for i, w in enumerate(widths) if i != wrap) + gap * (len(widths) - 1) + len(indent)
        widths[wrap] = max(20, min(widths[wrap], total - others))
    lines = [indent + _join_line(headers, widths, gap).rstrip()]
    lines.append(indent + _join_line(["─" * w for w in widths], widths, gap).rstrip())
    for row in cells:
        parts = [
            textwrap.wrap(value, widths[i]) or [""] if i == wrap else [value]
            for i, value in enumerate(row)
        ]
        height = max(len(p) for p in parts)
        for line_no in range(height):
            line = [p[line_no] if line_no < len(p) else "" for p in parts]
            lines.append(indent + _join_line(line, widths, gap).rstrip())
    return "\n".join(lines)


def _join_line(values: Sequence[str], widths: Sequence[int], gap: int) -> str:
    return (" " * gap).join(value.ljust(widths[i]) for i, value in enumerate(values))


def yes_no(value: bool) -> str:
    return "sí" if value else "no"
