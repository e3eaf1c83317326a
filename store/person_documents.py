"""ine: each administrator's signed designation form and responsiva, as recorded."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from policy.records import Person
from policy.workflows import person_document
from store.db import among

if TYPE_CHECKING:
    from store.db import Store


class PersonDocuments:
    """ine: each administrator's signed designation form and responsiva."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, person: Person, kind: str, *, on: date, reference: str | None = None) -> None:
        store = self._store
        clean, reference = person_document(kind, on, store.now(), reference)
        with store.atomic():
            new_id = store.insert(
                "person_documents",
                {
                    "person_id": person.id,
                    "kind": clean,
                    "signed_on": on.isoformat(),
                    "reference": reference,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record("person_document", new_id, "registrado", to_state=clean)

    def on_record(self, people: Collection[int] | None = None) -> frozenset[tuple[int, str]]:
        """(person id, kind) of every document recorded (of ``people`` when given): what the rules need."""
        where, params = among("person_id", people)
        return frozenset(
            self._store.rows(f"SELECT DISTINCT person_id, kind FROM person_documents WHERE {where}", params)
        )

    def for_person(self, person_id: int) -> dict[str, date]:
        """kind -> the latest date signed, for one person."""
        rows = self._store.query(
            "SELECT kind, max(signed_on) AS last FROM person_documents WHERE person_id = ? GROUP BY kind",
            (person_id,),
        )
        return {r["kind"]: date.fromisoformat(r["last"]) for r in rows}
