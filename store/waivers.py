"""Waivers, as recorded: obligations postponed or waived until a date, and their revocation."""

from __future__ import annotations

import builtins
import sqlite3
from contextlib import suppress
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from policy.codes import EntryKind
from policy.entries import workflows as entries
from policy.records import Account, Waiver
from policy.workflows import check_waiver_revocable, waiver_fields
from store.db import from_db_datetime
from store.errors import NotFoundError
from store.journal import journal, moment

if TYPE_CHECKING:
    from store.db import Store


def _row_to_waiver(r: sqlite3.Row) -> Waiver:
    return Waiver(
        id=r["id"],
        until=date.fromisoformat(r["until_date"]),
        reason=r["reason"],
        kind=r["kind"],
        account_id=r["account_id"],
        key=r["key"],
        reference=r["reference"],
        author=r["author"],
        created_at=from_db_datetime(r["created_at"]),
    )


class WaiverRecord(NamedTuple):
    waiver: Waiver
    revoked_at: datetime | None
    revoked_by: str | None


class Waivers:
    """Obligations postponed or waived until a date, with a reason and their author."""

    entity = "waiver"

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        *,
        until: date,
        reason: str,
        kind: str | None = None,
        account: Account | None = None,
        key: str | None = None,
        reference: str | None = None,
    ) -> Waiver:
        """Postpone the obligations matching ``key``, or ``kind`` (and ``account``), until ``until`` inclusive.

        UsageError for an unknown kind, a missing reason or an end date already past
        (``policy.workflows.waiver_fields``).
        """
        store = self._store
        clean_reason, clean_key, clean_kind, clean_reference = waiver_fields(
            reason=reason,
            key=key,
            kind=kind,
            for_account=account is not None,
            until=until,
            today=store.now().date(),
            reference=reference,
        )
        with store.atomic():
            new_id = store.insert(
                "waivers",
                {
                    "kind": clean_kind,
                    "account_id": account.id if account else None,
                    "key": clean_key,
                    "until_date": until.isoformat(),
                    "reason": clean_reason,
                    "reference": clean_reference,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record(self.entity, new_id, "registrada", to_state=until.isoformat(), note=clean_reason)
            journal(
                store,
                EntryKind.NOTE,
                account=account,
                refs=(clean_reference,),
                text=entries.waiver_added(
                    new_id,
                    clean_kind,
                    clean_key,
                    account.ref if account else self._key_subject(clean_key),
                    until,
                    clean_reason,
                ),
            )
        return self.get(new_id)

    def _key_subject(self, key: str | None) -> str | None:
        """Who a one-item waiver is about, read from its key (``kind:a9:p3``): «x/@cuenta (Nombre)»,
        so the bitácora names the account rather than a code."""
        if not key:
            return None
        account = person = None
        for part in key.split(":")[1:]:
            number = int(part[1:]) if part[1:].isdigit() else None
            if number is None:
                continue
            with suppress(NotFoundError):
                if part[0] == "a":
                    account = self._store.accounts.get(number).ref
                elif part[0] == "p":
                    person = self._store.people.get(number).name
        if account and person:
            return f"{account} ({person})"
        return account or person

    def revoke(self, waiver_id: int) -> None:
        """End a waiver today: its obligations come back at once (the record stays)."""
        store = self._store
        with store.atomic():
            record = self.record(waiver_id)
            check_waiver_revocable(waiver_id, record.revoked_at)
            store.execute(
                "UPDATE waivers SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                (store.stamp(), store.author, waiver_id),
            )
            store.events.record(self.entity, waiver_id, "revocada", from_state=record.waiver.until.isoformat())
            waiver = record.waiver
            journal(
                store,
                EntryKind.NOTE,
                account=waiver.account_id,
                refs=(waiver.reference,),
                text=entries.waiver_revoked(waiver_id, waiver.kind, waiver.key),
            )

    def get(self, waiver_id: int) -> Waiver:
        return self.record(waiver_id).waiver

    def record(self, waiver_id: int) -> WaiverRecord:
        row = self._store.query_one("SELECT * FROM waivers WHERE id = ?", (waiver_id,))
        if row is None:
            raise NotFoundError(f"No existe la dispensa con id {waiver_id}.")
        return WaiverRecord(_row_to_waiver(row), moment(row["revoked_at"]), row["revoked_by"])

    def list(self) -> list[WaiverRecord]:
        rows = self._store.query("SELECT * FROM waivers ORDER BY id")
        return [WaiverRecord(_row_to_waiver(r), moment(r["revoked_at"]), r["revoked_by"]) for r in rows]

    def in_force(self, today: date) -> builtins.list[Waiver]:
        rows = self._store.query(
            "SELECT * FROM waivers WHERE revoked_at IS NULL AND until_date >= ? ORDER BY id", (today.isoformat(),)
        )
        return [_row_to_waiver(r) for r in rows]
