"""The bitácora's export: every entry with its hashes, as CSV or JSON, to verify it elsewhere.

The one writer of ``bitacora exportar`` and of the workbench's export (through
``tui.core.bitacora.export_entries``): the entries are streamed, never held in
memory, and a file is written beside its name and renamed (``store.files.atomic_text_file``).
"""

from __future__ import annotations

import csv
import json
from typing import TYPE_CHECKING

from store.bitacora import FORMAT, refs_text
from store.files import atomic_text_file

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import TextIO

    from store.bitacora import Entry

#: The formats of an export.
FORMATS = ("csv", "json")

#: The columns of the CSV export, in order (a stable interface: see docs/interfaces.md).
EXPORT_COLUMNS = (
    "id",
    "account_id",
    "account",
    "kind",
    "occurred_at",
    "recorded_at",
    "author",
    "text",
    "refs",
    "corrects_id",
    "prev_hash",
    "hash",
)


def write_entries(handle: TextIO, fmt: str, entries: Iterable[Entry]) -> int:
    """Stream the entries to ``handle`` as ``fmt`` (``csv`` or ``json``); returns how many were written."""
    count = 0
    if fmt == "csv":
        from policy.spreadsheet import neutralize_row  # lazy: it imports dataclasses (~20 ms), for CSV only

        writer = csv.writer(handle, lineterminator="\n")
        # With «\n» as the line end the csv module leaves a lone «\r» unquoted, and a spreadsheet
        # starts a new row there (whose first cell could be a formula): such rows are fully quoted.
        quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(EXPORT_COLUMNS)
        for e in entries:
            # Text cells starting with a formula character get a leading «'» (see
            # policy.spreadsheet.neutralize); the ids stay numbers. JSON needs none of this.
            row = neutralize_row(
                [
                    e.id,
                    "" if e.account_id is None else e.account_id,
                    e.account or "",
                    e.kind,
                    e.occurred_at,
                    e.recorded_at,
                    e.author,
                    e.text,
                    refs_text(e.refs) or "",
                    "" if e.corrects_id is None else e.corrects_id,
                    e.prev_hash,
                    e.hash,
                ]
            )
            (quoted if any(isinstance(cell, str) and "\r" in cell for cell in row) else writer).writerow(row)
            count += 1
        return count
    handle.write(f'{{"format": {json.dumps(FORMAT)}, "entries": [')
    for e in entries:
        handle.write(("," if count else "") + "\n  " + json.dumps(e.as_json(), ensure_ascii=False))
        count += 1
    handle.write("\n]}\n")
    return count


def write_entries_file(path: Path, fmt: str, entries: Iterable[Entry]) -> int:
    """``write_entries`` into the file ``path``, atomically (a failure never leaves half a file); the CSV
    starts with a BOM, as the inventory's, so Excel in Spanish shows the accents. Raises OSError."""
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with atomic_text_file(path, encoding=encoding, suffix=".tmp") as handle:
        return write_entries(handle, fmt, entries)
