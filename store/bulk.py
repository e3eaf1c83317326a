"""Bulk loading for benchmarks and large imports: many rows, one transaction.

Uses sqlite-utils' ``insert_all`` (batched executemany); imported on demand.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.db import Store

#: Tables that may be bulk-loaded; anything else is refused.
BULK_TABLES = frozenset(
    {
        "accounts",
        "people",
        "assignments",
        "rotations",
        "evaluations",
        "trainings",
        "consultations",
        "information_requests",
        "person_documents",
        "workflow_events",
        "credential_status",
        "second_factors",
    }
)


def bulk_insert(store: Store, table: str, rows: Iterable[dict[str, Any]], batch_size: int = 1000) -> None:
    """Insert ``rows`` into ``table`` inside the caller's transaction (or one of its own)."""
    if table not in BULK_TABLES:
        raise ValueError(f"bulk_insert does not load {table!r}")
    from sqlite_utils import Database  # lazy: ~100 ms import

    db = Database(store.conn, execute_plugins=False, recursive_triggers=False)
    with store.atomic():
        db.table(table).insert_all(rows, batch_size=batch_size)
