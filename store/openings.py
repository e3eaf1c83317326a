"""Requests to open an account, as recorded: requested, resolved, opened and reported."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from policy.codes import AccountStatus, EntryKind, OpeningState
from policy.duties import check_unicom_done, opening_duties, unicom_step
from policy.entries import workflows as entries
from policy.labels import OPENING_REPORT_ITEMS
from policy.records import OpeningRequest
from policy.workflows import (
    check_account_to_open,
    check_opening_report,
    check_opening_request,
    check_opening_step,
    opening_fields,
    opening_key,
    opening_resolution,
    report_items,
)
from store.errors import NotFoundError
from store.journal import day, journal, on_day

if TYPE_CHECKING:
    from store.db import Store


class Openings:
    """Requests to open an account, their answer, the opening and its report."""

    entity = "opening_request"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _row(self, r: sqlite3.Row) -> OpeningRequest:
        items = self._store.query("SELECT item, reported_on FROM opening_report_items WHERE opening_id = ?", (r["id"],))
        return OpeningRequest(
            id=r["id"],
            network=r["network"],
            handle=r["handle"],
            reference=r["reference"],
            requested_on=date.fromisoformat(r["requested_on"]),
            area=r["area"],
            state=r["state"],
            resolved_on=day(r["resolved_on"]),
            reason=r["reason"],
            account_id=r["account_id"],
            report={i["item"]: date.fromisoformat(i["reported_on"]) for i in items},
            author=r["author"],
        )

    def add(
        self,
        *,
        network: str,
        handle: str,
        reference: str,
        requested_on: date,
        area: str | None = None,
    ) -> OpeningRequest:
        """Record a request to open an account, by oficio.

        ConflictError when the account is already registered or another request for it is open.
        """
        store = self._store
        fields = opening_fields(
            network=network,
            handle=handle,
            reference=reference,
            area=area,
            requested_on=requested_on,
            now=store.now(),
            profile=store.settings.profile(),
        )
        with store.atomic():
            other = store.query_one(
                "SELECT id FROM opening_requests WHERE network = ? AND lower(ltrim(handle, '@')) = ?"
                " AND state IN ('pendiente', 'autorizada')",
                opening_key(fields),
            )
            check_opening_request(
                fields, store.accounts.find(fields.network, fields.handle), other["id"] if other else None
            )
            new_id = store.insert(
                "opening_requests",
                {
                    "network": fields.network,
                    "handle": fields.handle,
                    "reference": fields.reference,
                    "requested_on": requested_on.isoformat(),
                    "area": fields.area,
                    "office": fields.office,
                    "state": OpeningState.PENDING.value,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "solicitada", to_state=OpeningState.PENDING.value)
            journal(
                store,
                EntryKind.NOTE,
                occurred_at=on_day(store, requested_on),
                refs=(fields.reference,),
                text=entries.opening_requested(new_id, fields.ref, fields.reference, requested_on, fields.office),
            )
        return self.get(new_id)

    def resolve(self, opening_id: int, result: str, *, on: date, reason: str | None = None) -> OpeningRequest:
        """The office's answer. ``autorizada`` registers the account as authorized;
        ``rechazada`` keeps the request with its reason (required)."""
        store = self._store
        clean, clean_reason = opening_resolution(result, reason)
        with store.atomic():
            current = self.get(opening_id)
            check_opening_step(current, clean, on, store.now())
            account_id = None
            if clean == OpeningState.AUTHORIZED:
                account = store.accounts.add(
                    network=current.network,
                    handle=current.handle,
                    area=current.area,
                    status=AccountStatus.AUTHORIZED,
                )
                account_id = account.id
                store.events.record(
                    "account",
                    account.id,
                    "registrada",
                    to_state=AccountStatus.AUTHORIZED.value,
                    note=entries.account_authorized(opening_id, current.reference),
                )
                # ine §7.VI: between the authorization and the opening, the procedures before the UNICOM.
                unicom = unicom_step(store.settings.profile(), opening_id, on_day(store, on))
                if unicom is not None:
                    store.duties.open([unicom], account=account)
            store.execute(
                "UPDATE opening_requests SET state = ?, resolved_on = ?, reason = ?, account_id = ? WHERE id = ?",
                (clean, on.isoformat(), clean_reason, account_id, opening_id),
            )
            store.events.record(
                self.entity, opening_id, "resuelta", from_state=current.state, to_state=clean, note=clean_reason
            )
            journal(
                store,
                EntryKind.NOTE,
                account=account_id,
                occurred_at=on_day(store, on),
                refs=(current.reference,),
                text=entries.opening_resolved(
                    opening_id, f"{current.network}/{current.handle}", clean, on, clean_reason
                ),
            )
        return self.get(opening_id)

    def open_account(self, opening_id: int, *, on: date) -> OpeningRequest:
        """The authorized account was opened on ``on``: it becomes ``activa``."""
        store = self._store
        with store.atomic():
            current = self.get(opening_id)
            check_opening_step(current, OpeningState.OPENED, on, store.now())
            assert current.account_id is not None
            account = store.accounts.get(current.account_id)
            check_account_to_open(account)
            check_unicom_done(store.duties.list(open_only=True, account_id=account.id))
            store.accounts.update(account.id, status=AccountStatus.ACTIVE, opened_on=on)
            store.events.record(
                "account", account.id, "abierta", from_state=account.status, to_state=AccountStatus.ACTIVE.value
            )
            store.execute(
                "UPDATE opening_requests SET state = ?, resolved_on = ? WHERE id = ?",
                (OpeningState.OPENED.value, on.isoformat(), opening_id),
            )
            store.events.record(
                self.entity, opening_id, "abierta", from_state=current.state, to_state=OpeningState.OPENED.value
            )
            journal(
                store,
                EntryKind.NOTE,
                account=account,
                occurred_at=on_day(store, on),
                refs=(current.reference,),
                text=entries.account_opened(opening_id, account.ref, on),
            )
            # ine §7.XI, §6.XXXIII: a Junta's account is notified by oficio; a Junta Local reports its strategy.
            drafts = opening_duties(store.settings.profile(), account, on_day(store, on))
            if drafts:
                store.duties.open(drafts, account=account)
        return self.get(opening_id)

    def report(self, opening_id: int, items: list[str], *, on: date) -> OpeningRequest:
        """Mark items of the opening report (nombre, direccion, propositos, operacion, administradores) as reported."""
        store = self._store
        clean = report_items(items)
        with store.atomic():
            current = self.get(opening_id)
            check_opening_report(current, clean, on, store.now())
            for item in clean:
                store.insert(
                    "opening_report_items",
                    {
                        "opening_id": opening_id,
                        "item": item,
                        "reported_on": on.isoformat(),
                        "author": store.author,
                        "created_at": store.stamp(),
                    },
                )
            store.events.record(self.entity, opening_id, "informe", note=", ".join(clean))
            journal(
                store,
                EntryKind.NOTE,
                account=current.account_id,
                occurred_at=on_day(store, on),
                refs=(current.reference,),
                text=entries.opening_reported(opening_id, f"{current.network}/{current.handle}", clean),
            )
        return self.get(opening_id)

    def get(self, opening_id: int) -> OpeningRequest:
        row = self._store.query_one("SELECT * FROM opening_requests WHERE id = ?", (opening_id,))
        if row is None:
            raise NotFoundError(f"No existe la solicitud de apertura con id {opening_id}.")
        return self._row(row)

    def list(self) -> list[OpeningRequest]:
        rows = self._store.query("SELECT * FROM opening_requests ORDER BY requested_on DESC, id DESC")
        return [self._row(r) for r in rows]

    def in_progress(self) -> builtins.list[OpeningRequest]:
        """Pending requests, and opened ones whose report is incomplete (what the rules look at)."""
        rows = self._store.query(
            "SELECT * FROM opening_requests WHERE state = 'pendiente' OR (state = 'abierta' AND"
            " (SELECT count(*) FROM opening_report_items i WHERE i.opening_id = opening_requests.id) < ?)"
            " ORDER BY id",
            (len(OPENING_REPORT_ITEMS),),
        )
        return [self._row(r) for r in rows]
