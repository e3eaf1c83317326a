"""Information requests received for an account, as recorded: open, then attended."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from policy import validate
from policy.codes import EntryKind, RequestState
from policy.entries import workflows as entries
from policy.records import Account, InformationRequest
from policy.workflows import check_request_resolution, check_transition
from store.db import from_db_datetime, to_db_datetime
from store.errors import NotFoundError
from store.journal import journal, live, moment, when

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
        live(account)
        who = validate.text(requester, "quién solicita", required=True)
        what = validate.text(subject, "asunto", required=True, limit=validate.MAX_MEDIUM)
        assert who is not None and what is not None
        when(received_at, store.now(), "fecha de recepción")
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
        clean = validate.choice(result, "resultado", [RequestState.ANSWERED, RequestState.ROUTED])
        clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
        clean_area = validate.text(area, "área")
        check_request_resolution(clean, clean_note, clean_area)
        office = store.settings.profile().settings.information_request_office if clean == RequestState.ROUTED else None
        with store.atomic():
            current = self.get(request_id)
            check_transition(self.entity, request_id, current.state, clean)
            when(at, store.now(), "fecha de atención", current.received_at, "la de recepción")
            store.execute(
                "UPDATE information_requests SET state = ?, closed_at = ?, note = ?, area = ?, office = ? WHERE id = ?",
                (clean, to_db_datetime(at), clean_note, clean_area, office or None, request_id),
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
