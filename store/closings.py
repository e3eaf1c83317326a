"""Account closings, as recorded: the closing itself and the checklist of its items."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from policy import validate
from policy.clock import format_date
from policy.codes import KEYRING_CLOSING_ITEM, AccountStatus, EntryKind
from policy.entries import workflows as entries
from policy.labels import CLOSING_ITEMS, MANUAL_CLOSING_ITEMS
from policy.records import Account, Closing
from store.errors import ConflictError, NotFoundError, UsageError
from store.journal import journal, live, on_day

if TYPE_CHECKING:
    from store.db import Store


def _manual_item(item: str) -> str:
    if item == KEYRING_CLOSING_ITEM:
        raise UsageError(
            "La contraseña no se marca a mano: bórrela del llavero con «resguardo bajas completar ID"
            " --borrar-llavero», que registra el paso."
        )
    return validate.choice(item, "punto", list(MANUAL_CLOSING_ITEMS))


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
        live(account)
        validate.not_future(on, store.now(), "fecha de baja")
        clean_reason = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
        clean_reference = validate.text(reference, "oficio")
        items = [_manual_item(item) for item in done or []]
        if clean_reference and "oficio" not in items:
            items.append("oficio")
        with store.atomic():
            for item in store.assignments.for_account(account.id):
                if item.end is None or item.end > on:
                    end = max(on, item.start)
                    store.execute("UPDATE assignments SET end_date = ? WHERE id = ?", (end.isoformat(), item.id))
                    store.events.record(
                        "assignment",
                        item.id,
                        "terminada",
                        from_state=item.end.isoformat() if item.end else None,
                        to_state=end.isoformat(),
                        note="Baja de la cuenta",
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
        if not items:
            raise UsageError(f"Indique qué se completó: {', '.join(MANUAL_CLOSING_ITEMS)}.")
        clean = [_manual_item(item) for item in items]
        clean_reference = validate.text(reference, "oficio")
        with store.atomic():
            current = self.get(closing_id)
            validate.not_future(on, store.now(), "fecha")
            if on < current.closed_on:
                raise UsageError(
                    f"La fecha ({on.isoformat()}) es anterior a la baja ({current.closed_on.isoformat()})."
                )
            for item in clean:
                if item in current.done:
                    raise ConflictError(f"«{CLOSING_ITEMS[item]}» ya se registró el {format_date(current.done[item])}.")
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
            if KEYRING_CLOSING_ITEM in current.done:
                raise ConflictError(
                    f"«{CLOSING_ITEMS[KEYRING_CLOSING_ITEM]}» ya se registró el"
                    f" {format_date(current.done[KEYRING_CLOSING_ITEM])}."
                )
            self._check_day(on, current)
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

    def _check_day(self, on: date, current: Closing) -> None:
        validate.not_future(on, self._store.now(), "fecha")
        if on < current.closed_on:
            raise UsageError(f"La fecha ({on.isoformat()}) es anterior a la baja ({current.closed_on.isoformat()}).")

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
