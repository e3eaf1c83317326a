"""Account closings, as recorded: the closing itself and the checklist of its items."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from policy.codes import KEYRING_CLOSING_ITEM, AccountStatus, EntryKind
from policy.entries import workflows as entries
from policy.labels import CLOSING_ITEMS
from policy.records import Account, Closing
from policy.workflows import (
    assignment_end_on_closing,
    check_closing_marks,
    check_closing_secrets,
    closing_fields,
    closing_marks,
)
from store.errors import NotFoundError
from store.journal import journal, on_day

if TYPE_CHECKING:
    from store.db import Store


class Closings:
    """Closing an account («baja») and its checklist."""

    entity = "closing"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _row(self, r: sqlite3.Row) -> Closing:
        items = self._store.query("SELECT item, done_on FROM closing_items WHERE closing_id = ?", (r["id"],))
        return Closing(
            id=r["id"],
            account_id=r["account_id"],
            closed_on=date.fromisoformat(r["closed_on"]),
            reason=r["reason"],
            done={i["item"]: date.fromisoformat(i["done_on"]) for i in items},
            reference=r["reference"],
            author=r["author"],
        )

    def close(
        self,
        account: Account,
        *,
        on: date,
        reason: str | None = None,
        done: list[str] | None = None,
        reference: str | None = None,
    ) -> Closing:
        """Close ``account`` on ``on``: status ``baja``, its current assignments end that day,
        and the checklist starts (``done`` items already completed)."""
        store = self._store
        clean_reason, clean_reference, items = closing_fields(
            account, on=on, now=store.now(), reason=reason, reference=reference, done=done or []
        )
        with store.atomic():
            for item in store.assignments.for_account(account.id):
                end = assignment_end_on_closing(item, on)
                if end is not None:
                    store.execute("UPDATE assignments SET end_date = ? WHERE id = ?", (end.isoformat(), item.id))
                    store.events.record(
                        "assignment",
                        item.id,
                        "terminada",
                        from_state=item.end.isoformat() if item.end else None,
                        to_state=end.isoformat(),
                        note=entries.ASSIGNMENT_ENDED_BY_CLOSING,
                    )
            store.accounts.update(account.id, status=AccountStatus.CLOSED)
            store.events.record(
                "account",
                account.id,
                "baja",
                from_state=account.status,
                to_state=AccountStatus.CLOSED.value,
                note=clean_reason,
            )
            closing_id = store.insert(
                "closings",
                {
                    "account_id": account.id,
                    "closed_on": on.isoformat(),
                    "reason": clean_reason,
                    "reference": clean_reference,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            for done_item in dict.fromkeys(items):
                self._insert_item(closing_id, done_item, on)
            store.events.record(self.entity, closing_id, "registrada", note=", ".join(items) or None)
            journal(
                store,
                EntryKind.NOTE,
                account=account,
                occurred_at=on_day(store, on),
                refs=(clean_reference,),
                text=entries.account_closed(closing_id, account.ref, on, clean_reason, items),
            )
        return self.get(closing_id)

    def mark(self, closing_id: int, items: list[str], *, on: date, reference: str | None = None) -> Closing:
        """Mark checklist items done (``contenido``, ``oficio``)."""
        store = self._store
        clean, clean_reference = closing_marks(items, reference)
        with store.atomic():
            current = self.get(closing_id)
            check_closing_marks(current, clean, on, store.now())
            for item in clean:
                self._insert_item(closing_id, item, on)
            if clean_reference:
                store.events.record(
                    self.entity, closing_id, "oficio", from_state=current.reference, to_state=clean_reference
                )
                store.execute("UPDATE closings SET reference = ? WHERE id = ?", (clean_reference, closing_id))
            store.events.record(self.entity, closing_id, "lista", note=", ".join(clean))
            journal(
                store,
                EntryKind.NOTE,
                account=current.account_id,
                occurred_at=on_day(store, on),
                refs=(clean_reference,),
                text=entries.closing_items_done(closing_id, clean, on),
            )
        return self.get(closing_id)

    def record_secrets_removed(self, closing_id: int, *, on: date, removed: builtins.list[str]) -> Closing:
        """Mark «contraseña borrada del llavero» done. Only for
        ``store.credentials.remove_closing_secrets``, which deletes the secrets in the
        same transaction; ``removed`` says what the keyring held (Spanish, may be empty).
        ConflictError when already done."""
        store = self._store
        with store.atomic():
            current = self.get(closing_id)
            check_closing_secrets(current, on, store.now())
            self._insert_item(closing_id, KEYRING_CLOSING_ITEM, on)
            what = entries.closing_secrets_note(removed)
            store.events.record(self.entity, closing_id, "lista", note=f"{KEYRING_CLOSING_ITEM}: {what}")
            ref = store.accounts.get(current.account_id).ref
            journal(
                store,
                EntryKind.NOTE,
                account=current.account_id,
                occurred_at=on_day(store, on),
                text=entries.closing_secrets_removed(closing_id, ref, removed),
            )
        return self.get(closing_id)

    def _insert_item(self, closing_id: int, item: str, on: date) -> None:
        self._store.insert(
            "closing_items",
            {
                "closing_id": closing_id,
                "item": item,
                "done_on": on.isoformat(),
                "author": self._store.author,
                "created_at": self._store.stamp(),
            },
        )

    def get(self, closing_id: int) -> Closing:
        row = self._store.query_one("SELECT * FROM closings WHERE id = ?", (closing_id,))
        if row is None:
            raise NotFoundError(f"No existe la baja con id {closing_id}.")
        return self._row(row)

    def list(self) -> list[Closing]:
        return [self._row(r) for r in self._store.query("SELECT * FROM closings ORDER BY closed_on DESC, id DESC")]

    def incomplete(self) -> builtins.list[Closing]:
        rows = self._store.query(
            "SELECT * FROM closings WHERE (SELECT count(*) FROM closing_items i WHERE i.closing_id = closings.id) < ?",
            (len(CLOSING_ITEMS),),
        )
        return [self._row(r) for r in rows]
