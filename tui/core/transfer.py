"""The inventory in a spreadsheet: import it from a CSV, export it to one (``importar``, ``exportar``).

Reading is two steps so that a bad file is refused before the database is
opened: ``read_inventory`` checks every row (pure), ``import_inventory``
writes them all in one transaction, or none.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from policy.spreadsheet import RowSpec, decode, parse, to_csv
from store.spreadsheet import ImportSummary, export_rows, import_rows

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["export_inventory", "import_inventory", "read_inventory"]

ONE_SIDED: dict[str, str] = {}


class Inventory(NamedTuple):
    """The rows of a CSV inventory, every one checked against ``today`` (no date may be later)."""

    rows: list[RowSpec]
    today: date


class InventoryImport(NamedTuple):
    """What an import wrote (or, ``simulated``, would have written: nothing was kept)."""

    rows: int
    summary: ImportSummary
    simulated: bool


class InventoryExport(NamedTuple):
    """The inventory as CSV text (the import's columns, formulas neutralized) and how many accounts it has."""

    text: str
    accounts: int


class _DryRun(Exception):
    """Raised inside the transaction of a simulated import to roll it back."""


def read_inventory(data: bytes, today: date) -> Inventory:
    """Decode (UTF-8, with or without BOM) and check every row of a CSV inventory as of ``today``.

    UsageError for a file that is not UTF-8, too big, empty or with a bad
    header; ImportRowError (a UsageError naming the line) for the first bad row.
    """
    return Inventory(parse(decode(data), today), today)


def import_inventory(store: Store, inventory: Inventory, *, simulate: bool = False) -> InventoryImport:
    """Write the checked rows in one transaction: accounts, people, assignments, the last rotation and
    evaluation of each account; a row already imported changes nothing. With ``simulate`` everything is
    checked against the database too, then rolled back.

    StoreError when the database has no profile yet; ImportRowError (naming the line) when a row
    fails against the database: then nothing is written.
    """
    store.settings.profile()  # an import needs an initialized database
    if not simulate:
        return InventoryImport(len(inventory.rows), import_rows(store, inventory.rows, inventory.today), False)
    summary = ImportSummary()
    with contextlib.suppress(_DryRun), store.atomic():
        summary = import_rows(store, inventory.rows, inventory.today)
        raise _DryRun
    return InventoryImport(len(inventory.rows), summary, True)


def export_inventory(store: Store) -> InventoryExport:
    """Every account with its current administrators and last rotation and evaluation, as the import reads it."""
    rows = export_rows(store, store.now().date())
    return InventoryExport(to_csv(rows), len(rows))
