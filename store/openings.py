"""Requests to open an account, as recorded: requested, resolved, opened and reported."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import date
from typing import TYPE_CHECKING

from policy import validate
from policy.clock import format_date
from policy.codes import AccountStatus, EntryKind, Network, OpeningState
from policy.entries import workflows as entries
from policy.labels import OPENING_REPORT_ITEMS
from policy.records import OpeningRequest
from policy.workflows import check_transition
from store.errors import ConflictError, NotFoundError, UsageError
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
        clean_network = validate.choice(network, "red", [n.value for n in Network])
        clean_handle = validate.text(handle, "usuario", required=True)
        assert clean_handle is not None
        clean_reference = validate.text(reference, "oficio", required=True)
        assert clean_reference is not None
        clean_area = validate.text(area, "área")
        validate.not_future(requested_on, store.now(), "fecha del oficio")
        office = store.settings.profile().settings.opening_office
        with store.atomic():
            existing = store.accounts.find(clean_network, clean_handle)
            if existing is not None:
                raise ConflictError(f"La cuenta {existing.ref} ya existe (id {existing.id}): no se solicita abrirla.")
            bare = clean_handle.lstrip("@").lower()
            other = store.query_one(
                "SELECT id FROM opening_requests WHERE network = ? AND lower(ltrim(handle, '@')) = ?"
                " AND state IN ('pendiente', 'autorizada')",
                (clean_network, bare),
            )
            if other is not None:
                raise ConflictError(
                    f"Ya hay una solicitud de apertura en trámite para {clean_network}/{clean_handle} (id {other['id']})."
                )
            new_id = store.insert(
                "opening_requests",
                {
                    "network": clean_network,
                    "handle": clean_handle,
                    "reference": clean_reference,
                    "requested_on": requested_on.isoformat(),
                    "area": clean_area,
                    "office": office or None,
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
                refs=(clean_reference,),
                text=entries.opening_requested(
                    new_id, f"{clean_network}/{clean_handle}", clean_reference, requested_on, office
                ),
            )
        return self.get(new_id)

    def resolve(self, opening_id: int, result: str, *, on: date, reason: str | None = None) -> OpeningRequest:
        """The office's answer. ``autorizada`` registers the account as authorized;
        ``rechazada`` keeps the request with its reason (required)."""
        store = self._store
        clean = validate.choice(result, "resultado", [OpeningState.AUTHORIZED, OpeningState.REJECTED])
        clean_reason = validate.text(reason, "motivo", limit=validate.MAX_MEDIUM)
        if clean == OpeningState.REJECTED and not clean_reason:
            raise UsageError("Indique el motivo del rechazo con --motivo.")
        with store.atomic():
            current = self.get(opening_id)
            check_transition(self.entity, opening_id, current.state, clean)
            self._check_day(on, current)
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
                    note=f"Apertura autorizada (solicitud {opening_id}, oficio {current.reference}).",
                )
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
            check_transition(self.entity, opening_id, current.state, OpeningState.OPENED)
            self._check_day(on, current)
            assert current.account_id is not None
            account = store.accounts.get(current.account_id)
            if account.status != AccountStatus.AUTHORIZED:
                raise ConflictError(f"La cuenta {account.ref} está {account.status}, no autorizada.")
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
        return self.get(opening_id)

    def report(self, opening_id: int, items: list[str], *, on: date) -> OpeningRequest:
        """Mark items of the opening report (nombre, direccion, propositos, operacion, administradores) as reported."""
        store = self._store
        if not items:
            raise UsageError(f"Indique qué se informó: {', '.join(OPENING_REPORT_ITEMS)}.")
        clean = [validate.choice(item, "punto del informe", list(OPENING_REPORT_ITEMS)) for item in items]
        with store.atomic():
            current = self.get(opening_id)
            if current.state != OpeningState.OPENED:
                raise ConflictError(
                    f"La solicitud de apertura {opening_id} está {current.state}: el informe se hace al abrir la cuenta."
                )
            self._check_day(on, current)
            for item in clean:
                if item in current.report:
                    raise ConflictError(f"El punto «{item}» ya se informó el {format_date(current.report[item])}.")
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

    def _check_day(self, on: date, current: OpeningRequest) -> None:
        validate.not_future(on, self._store.now(), "fecha")
        if on < current.requested_on:
            raise UsageError(
                f"La fecha ({on.isoformat()}) es anterior a la del oficio de solicitud ({current.requested_on.isoformat()})."
            )

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
