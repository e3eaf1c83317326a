"""Duties, as recorded (migration 11): opened by a use case or a bitácora entry, done once by an
entry. The rules (what opens one, who may fulfil it, how the agenda words it) are ``policy.duties``'.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from policy.duties import SPECS, DutyDraft, check_fulfil
from policy.entries import duties as entries
from policy.records import Account, Duty
from store.db import from_db_datetime, to_db_datetime
from store.errors import NotFoundError
from store.journal import moment

if TYPE_CHECKING:
    from store.bitacora import Entry
    from store.db import Store

_COLUMNS = (
    "id, kind, subject, arose_at, account_id, recipient, due_at, group_id, position, source_entry_id,"
    " reference, done_at, done_entry_id, done_note, author"
)


def _row(r: Any) -> Duty:
    """A row of ``_COLUMNS`` (a tuple or an ``sqlite3.Row``) as a ``Duty``."""
    return Duty(
        id=r[0],
        kind=r[1],
        subject=r[2],
        arose_at=from_db_datetime(r[3]),
        account_id=r[4],
        recipient=r[5],
        due_at=moment(r[6]),
        group_id=r[7],
        position=r[8],
        source_entry_id=r[9],
        reference=r[10],
        done_at=moment(r[11]),
        done_entry_id=r[12],
        done_note=r[13],
        author=r[14],
    )


class Duties:
    """Open duties (the agenda's), their history, and the entry that fulfils each."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def open(
        self,
        drafts: Sequence[DutyDraft],
        *,
        account: Account | int | None = None,
        source_entry_id: int | None = None,
        author: str | None = None,
    ) -> list[Duty]:
        """Record ``drafts`` (one group: the first one's id is their ``group_id``), inside the caller's
        transaction if there is one. Returns them with their ids."""
        store = self._store
        account_id = account.id if isinstance(account, Account) else account
        ids: list[int] = []
        with store.atomic():
            for position, draft in enumerate(drafts, start=1):
                new_id = store.insert(
                    "duties",
                    {
                        "kind": draft.kind.value,
                        "account_id": account_id,
                        "subject": draft.subject,
                        "recipient": draft.recipient,
                        "arose_at": to_db_datetime(draft.arose_at),
                        "due_at": to_db_datetime(draft.due_at) if draft.due_at is not None else None,
                        "group_id": ids[0] if ids else None,
                        "position": position,
                        "source_entry_id": source_entry_id,
                        "reference": draft.reference,
                        "author": author or store.author,
                        "created_at": store.stamp(),
                    },
                )
                ids.append(new_id)
            if len(ids) > 1:
                store.execute("UPDATE duties SET group_id = ? WHERE id = ?", (ids[0], ids[0]))
        return [self.get(i) for i in ids]

    def fulfil(self, duty_id: int, entry: Entry, *, note: str | None = None) -> Duty:
        """Mark ``duty_id`` done by ``entry`` (appended by the caller in the same transaction).

        NotFoundError for an unknown duty; ConflictError when it is done already; UsageError for an
        entry of another kind or account, or a moment before the duty arose.
        """
        store = self._store
        with store.atomic():
            duty = self.get(duty_id)
            check_fulfil(duty, entry.account_id, entry.kind, entry.occurred, store.now())
            store.execute(
                "UPDATE duties SET done_at = ?, done_entry_id = ?, done_note = ? WHERE id = ?",
                (to_db_datetime(entry.occurred), entry.id, note, duty_id),
            )
        return self.get(duty_id)

    def check(self, duty_id: int, account_id: int | None, entry_kind: str, at: datetime) -> Duty:
        """The duty, if an entry like this may fulfil it (the checks of ``fulfil``, before writing)."""
        duty = self.get(duty_id)
        check_fulfil(duty, account_id, entry_kind, at, self._store.now())
        return duty

    def get(self, duty_id: int) -> Duty:
        row = self._store.query_one(f"SELECT {_COLUMNS} FROM duties WHERE id = ?", (duty_id,))
        if row is None:
            raise NotFoundError(f"No existe el deber con id {duty_id}.")
        return _row(row)

    def for_entry(self, entry_id: int) -> builtins.list[Duty]:
        """The duties bitácora entry ``entry_id`` opened or did."""
        rows = self._store.query(
            f"SELECT {_COLUMNS} FROM duties WHERE source_entry_id = ? OR done_entry_id = ? ORDER BY id",
            (entry_id, entry_id),
        )
        return [_row(r) for r in rows]

    def pending(self) -> builtins.list[Duty]:
        """The open duties, in the order they were opened (what the agenda reads)."""
        return [_row(r) for r in self._store.rows(f"SELECT {_COLUMNS} FROM duties WHERE done_at IS NULL ORDER BY id")]

    def list(self, *, open_only: bool = False, account_id: int | None = None) -> builtins.list[Duty]:
        """Duties, newest first; ``open_only`` leaves out the done ones, ``account_id`` keeps one account's."""
        where, params = [], []
        if open_only:
            where.append("done_at IS NULL")
        if account_id is not None:
            where.append("account_id = ?")
            params.append(account_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._store.query(f"SELECT {_COLUMNS} FROM duties{clause} ORDER BY id DESC", tuple(params))
        return [_row(r) for r in rows]

    def opened_text(self, duties: Sequence[Duty], ref: str | None) -> str:
        """The bitácora sentence of duties opened by a use case (not by an entry)."""
        first = duties[0]
        return entries.duties_opened(
            first.id, SPECS[first.kind].label, ref, first.subject, [d.recipient for d in duties]
        )
