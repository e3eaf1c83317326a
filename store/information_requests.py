"""Information requests received for an account, as recorded: open, then attended."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from policy.codes import EntryKind, RequestState
from policy.entries import workflows as entries
from policy.records import Account, InformationRequest
from policy.workflows import check_request_answer, request_fields, request_resolution
from store.db import from_db_datetime, to_db_datetime
from store.errors import NotFoundError
from store.journal import journal, moment

if TYPE_CHECKING:
    from store.db import Store


def _row_to_request(r: sqlite3.Row) -> InformationRequest:
    return InformationRequest(
        id=r["id"],
        account_id=r["account_id"],
        requester=r["requester"],
        subject=r["subject"],
        received_at=from_db_datetime(r["received_at"]),
        state=r["state"],
        closed_at=moment(r["closed_at"]),
        area=r["area"],
        office=r["office"],
        note=r["note"],
        author=r["author"],
    )


class InformationRequests:
    """Requests for information from the public, received through an account."""

    entity = "information_request"

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, account: Account, *, requester: str, subject: str, received_at: datetime) -> InformationRequest:
        store = self._store
        who, what = request_fields(
            account, requester=requester, subject=subject, received_at=received_at, now=store.now()
        )
        with store.atomic():
            new_id = store.insert(
                "information_requests",
                {
                    "account_id": account.id,
                    "requester": who,
                    "subject": what,
                    "received_at": to_db_datetime(received_at),
                    "state": RequestState.OPEN.value,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "registrada", to_state=RequestState.OPEN.value)
            journal(
                store,
                EntryKind.REQUEST,
                account=account,
                occurred_at=received_at,
                text=entries.request_received(new_id, who, what),
            )
        return self.get(new_id)

    def resolve(
        self,
        request_id: int,
        result: str,
        *,
        at: datetime,
        note: str | None = None,
        area: str | None = None,
    ) -> InformationRequest:
        """Close a request: ``respondida`` (needs the area notified) or ``canalizada`` to the profile's office."""
        store = self._store
        clean, clean_note, clean_area, office = request_resolution(result, note, area, store.settings.profile())
        with store.atomic():
            current = self.get(request_id)
            check_request_answer(current, clean, at, store.now())
            store.execute(
                "UPDATE information_requests SET state = ?, closed_at = ?, note = ?, area = ?, office = ? WHERE id = ?",
                (clean, to_db_datetime(at), clean_note, clean_area, office, request_id),
            )
            store.events.record(
                self.entity, request_id, "atendida", from_state=current.state, to_state=clean, note=clean_note
            )
            journal(
                store,
                EntryKind.REQUEST,
                account=current.account_id,
                occurred_at=at,
                text=entries.request_resolved(
                    request_id, current.requester, clean, area=clean_area, office=office, note=clean_note
                ),
            )
        return self.get(request_id)

    def get(self, request_id: int) -> InformationRequest:
        row = self._store.query_one("SELECT * FROM information_requests WHERE id = ?", (request_id,))
        if row is None:
            raise NotFoundError(f"No existe la solicitud de información con id {request_id}.")
        return _row_to_request(row)

    def list(self, state: str | None = None) -> list[InformationRequest]:
        if state:
            rows = self._store.query(
                "SELECT * FROM information_requests WHERE state = ? ORDER BY received_at DESC, id DESC", (state,)
            )
        else:
            rows = self._store.query("SELECT * FROM information_requests ORDER BY received_at DESC, id DESC")
        return [_row_to_request(r) for r in rows]

    def open(self) -> builtins.list[InformationRequest]:
        rows = self._store.query("SELECT * FROM information_requests WHERE state = 'abierta' ORDER BY id")
        return [_row_to_request(r) for r in rows]
