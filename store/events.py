"""The history of every workflow record, as recorded: one ``workflow_events`` row per change
(what changed, from which state to which, who and when), never edited.

Every operation of the workflow repositories (store/consultations.py, store/openings.py…)
is one ``atomic()`` block that also writes its row here, so no state is ever overwritten
without a record of the previous one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from store.db import from_db_datetime

if TYPE_CHECKING:
    from store.db import Store


class Event(NamedTuple):
    id: int
    entity: str
    entity_id: int
    action: str
    from_state: str | None
    to_state: str | None
    note: str | None
    author: str | None
    at: datetime


class Events:
    """The history of every workflow record: one row per change, never edited."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        entity: str,
        entity_id: int,
        action: str,
        *,
        from_state: str | None = None,
        to_state: str | None = None,
        note: str | None = None,
    ) -> None:
        """Append one event; call it inside the operation's ``atomic()`` block."""
        self._store.insert(
            "workflow_events",
            {
                "entity": entity,
                "entity_id": entity_id,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "note": note,
                "author": self._store.author,
                "at": self._store.stamp(),
            },
        )

    def for_record(self, entity: str, entity_id: int) -> list[Event]:
        rows = self._store.query(
            "SELECT * FROM workflow_events WHERE entity = ? AND entity_id = ? ORDER BY id",
            (entity, entity_id),
        )
        return [
            Event(
                r["id"],
                r["entity"],
                r["entity_id"],
                r["action"],
                r["from_state"],
                r["to_state"],
                r["note"],
                r["author"],
                from_db_datetime(r["at"]),
            )
            for r in rows
        ]
