"""Consultations of pertinence, as recorded: sent, then approved or rejected."""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policy.codes import ConsultationState, EntryKind
from policy.entries import workflows as entries
from policy.records import Account, Consultation
from policy.workflows import check_consultation_answer, consultation_answer, consultation_fields
from store.db import StoredMoments, among, from_db_datetime, to_db_datetime
from store.errors import NotFoundError
from store.journal import journal, moment

if TYPE_CHECKING:
    from store.db import Store


def _row_to_consultation(r: sqlite3.Row) -> Consultation:
    return Consultation(
        id=r["id"],
        account_id=r["account_id"],
        subject=r["subject"],
        sent_at=from_db_datetime(r["sent_at"]),
        office=r["office"],
        text=r["body"],
        state=r["state"],
        answered_at=moment(r["answered_at"]),
        note=r["note"],
        author=r["author"],
        # A database still at version 8 or older (read while migrating) has no ``review`` column.
        review=r["review"] if len(r) > _REVIEW_INDEX else None,
    )


#: ``review`` is the last column of ``consultations`` (added by migration 9).
_REVIEW_INDEX = 11


class Consultations:
    """Consultations before publishing («consultas de pertinencia»)."""

    entity = "consultation"

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        account: Account,
        *,
        subject: str,
        sent_at: datetime,
        text: str | None = None,
        office: str | None = None,
        review: Mapping[str, Any] | None = None,
    ) -> Consultation:
        """Record a consultation sent at ``sent_at`` (not in the future) to the profile's office.

        ``review`` is the preflight of ``text`` (JSON data), kept in the same row."""
        store = self._store
        fields = consultation_fields(
            account,
            subject=subject,
            text=text,
            office=office,
            sent_at=sent_at,
            now=store.now(),
            profile=store.settings.profile(),
        )
        row: dict[str, Any] = {
            "account_id": account.id,
            "subject": fields.subject,
            "body": fields.body,
            "office": fields.office,
            "sent_at": to_db_datetime(sent_at),
            "state": ConsultationState.PENDING.value,
            "author": store.author,
            "created_at": store.stamp(),
        }
        if review is not None:
            row["review"] = json.dumps(review, ensure_ascii=False, separators=(",", ":"))
        with store.atomic():
            new_id = store.insert("consultations", row)
            store.events.record(self.entity, new_id, "registrada", to_state=ConsultationState.PENDING.value)
            journal(
                store,
                EntryKind.CONSULTATION,
                account=account,
                occurred_at=sent_at,
                text=entries.consultation_sent(new_id, fields.office, fields.subject),
            )
        return self.get(new_id)

    def resolve(self, consultation_id: int, result: str, *, at: datetime, note: str | None = None) -> Consultation:
        """Record the office's answer: ``aprobada`` or ``rechazada``.

        NotFoundError for an unknown id; PolicyError when it is already resolved;
        UsageError when ``at`` is in the future or before the sending.
        """
        store = self._store
        clean, clean_note = consultation_answer(result, note)
        with store.atomic():
            current = self.get(consultation_id)
            check_consultation_answer(current, clean, at, store.now())
            store.execute(
                "UPDATE consultations SET state = ?, answered_at = ?, note = ? WHERE id = ?",
                (clean, to_db_datetime(at), clean_note, consultation_id),
            )
            store.events.record(
                self.entity, consultation_id, "resuelta", from_state=current.state, to_state=clean, note=clean_note
            )
            journal(
                store,
                EntryKind.CONSULTATION,
                account=current.account_id,
                occurred_at=at,
                text=entries.consultation_resolved(consultation_id, current.subject, clean, clean_note),
            )
        return self.get(consultation_id)

    def get(self, consultation_id: int) -> Consultation:
        row = self._store.query_one("SELECT * FROM consultations WHERE id = ?", (consultation_id,))
        if row is None:
            raise NotFoundError(f"No existe la consulta con id {consultation_id}.")
        return _row_to_consultation(row)

    def list(self, state: str | None = None) -> list[Consultation]:
        """All consultations, newest first; ``state`` filters by the recorded state."""
        if state:
            rows = self._store.query(
                "SELECT * FROM consultations WHERE state = ? ORDER BY sent_at DESC, id DESC", (state,)
            )
        else:
            rows = self._store.query("SELECT * FROM consultations ORDER BY sent_at DESC, id DESC")
        return [_row_to_consultation(r) for r in rows]

    def pending(self) -> builtins.list[Consultation]:
        rows = self._store.query("SELECT * FROM consultations WHERE state = 'pendiente' ORDER BY id")
        return [_row_to_consultation(r) for r in rows]

    def latest_by_account(self, accounts: Collection[int] | None = None) -> Mapping[int, datetime]:
        """account id -> when its newest consultation was sent (of ``accounts`` when given; one
        index seek per account)."""
        where, params = among("a.id", accounts)
        rows = self._store.rows(
            "SELECT a.id, (SELECT c.sent_at FROM consultations c WHERE c.account_id = a.id"
            f" ORDER BY c.sent_at DESC LIMIT 1) FROM accounts a WHERE {where}",
            params,
        )
        return StoredMoments({account_id: last for account_id, last in rows if last})
