"""Administrator changes, as recorded: who stops administering, why, and the notice sent."""

from __future__ import annotations

import builtins
import sqlite3
from datetime import date, timedelta
from typing import TYPE_CHECKING

from policy import validate
from policy.clock import format_date
from policy.codes import ChangeReason, EntryKind
from policy.entries import workflows as entries
from policy.records import AdminChange, Person
from store.errors import ConflictError, NotFoundError, UsageError
from store.journal import day, journal, on_day

if TYPE_CHECKING:
    from store.db import Store


#: Reasons that end an assignment for good (they take no return date).
PERMANENT_REASONS = (ChangeReason.LEAVES, ChangeReason.PROMOTION, ChangeReason.TRANSFER)


class AdminChanges:
    """A person stops administering: their assignments end, or are suspended and resume by themselves."""

    entity = "admin_change"

    def __init__(self, store: Store) -> None:
        self._store = store

    def _row(self, r: sqlite3.Row) -> AdminChange:
        links = self._store.query(
            "SELECT account_id FROM admin_change_assignments WHERE change_id = ? ORDER BY account_id", (r["id"],)
        )
        return AdminChange(
            id=r["id"],
            person_id=r["person_id"],
            reason=r["reason"],
            start=date.fromisoformat(r["start_date"]),
            until=day(r["until_date"]),
            account_ids=tuple(dict.fromkeys(link["account_id"] for link in links)),
            notified_on=day(r["notified_on"]),
            author=r["author"],
        )

    def record(
        self,
        person: Person,
        reason: str,
        *,
        start: date,
        until: date | None = None,
        note: str | None = None,
    ) -> AdminChange:
        """Record that ``person`` stops administering from ``start`` (their first day away).

        Without ``until`` their assignments current on ``start`` end the day before.
        With ``until`` (vacations, health, other absences) each one is split: it ends
        the day before ``start`` and a new one resumes the day after ``until``, so the
        rules see the gap. NotFoundError when the person holds no assignment that day;
        UsageError for a return date on a permanent change or before ``start``.
        """
        store = self._store
        clean = validate.choice(reason, "motivo", [r.value for r in ChangeReason])
        clean_note = validate.text(note, "nota", limit=validate.MAX_MEDIUM)
        if until is not None and clean in PERMANENT_REASONS:
            raise UsageError(f"Un cambio por {clean} es definitivo: no lleva fecha de regreso (--hasta).")
        if until is None and clean == ChangeReason.VACATION:
            raise UsageError("Indique con --hasta el último día de vacaciones.")
        if until is not None and until < start:
            raise UsageError(
                f"La fecha de regreso ({until.isoformat()}) es anterior al inicio del cambio ({start.isoformat()})."
            )
        with store.atomic():
            current = [a for a in store.assignments.for_person(person.id) if a.active_on(start)]
            if not current:
                raise NotFoundError(
                    f"{person.name} no administra ninguna cuenta el {format_date(start)}: no hay nada que cambiar."
                )
            change_id = store.insert(
                "admin_changes",
                {
                    "person_id": person.id,
                    "reason": clean,
                    "start_date": start.isoformat(),
                    "until_date": until.isoformat() if until else None,
                    "note": clean_note,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            last_day = start - timedelta(days=1)
            for item in current:
                if last_day < item.start:
                    raise UsageError(
                        f"La asignación de {person.name} como {item.role} empezó el {format_date(item.start)}:"
                        " la fecha del cambio debe ser posterior."
                    )
                store.execute("UPDATE assignments SET end_date = ? WHERE id = ?", (last_day.isoformat(), item.id))
                store.events.record(
                    "assignment",
                    item.id,
                    "terminada",
                    from_state=item.end.isoformat() if item.end else None,
                    to_state=last_day.isoformat(),
                    note=f"Cambio {change_id}: {clean}",
                )
                resumed_id = None
                if until is not None and (item.end is None or item.end > until):
                    resumed_id = store.insert(
                        "assignments",
                        {
                            "account_id": item.account_id,
                            "person_id": person.id,
                            "role": item.role,
                            "start_date": (until + timedelta(days=1)).isoformat(),
                            "end_date": item.end.isoformat() if item.end else None,
                            "created_at": store.stamp(),
                        },
                    )
                    store.events.record(
                        "assignment",
                        resumed_id,
                        "reanudada",
                        to_state=(until + timedelta(days=1)).isoformat(),
                        note=f"Cambio {change_id}: regreso tras {clean}",
                    )
                store.insert(
                    "admin_change_assignments",
                    {
                        "change_id": change_id,
                        "ended_assignment_id": item.id,
                        "resumed_assignment_id": resumed_id,
                        "account_id": item.account_id,
                    },
                )
            store.events.record(self.entity, change_id, "registrado", to_state=clean, note=clean_note)
            # One entry per account, so each account's log tells its own administration.
            # The assignments are changed here directly (not through store.assignments), so
            # these are the only entries of the change.
            roles_by_account: dict[int, list[str]] = {}
            for item in current:
                roles_by_account.setdefault(item.account_id, []).append(str(item.role))
            for account_id, roles in roles_by_account.items():
                ref = store.accounts.get(account_id).ref
                journal(
                    store,
                    EntryKind.ADMIN_CHANGE,
                    account=account_id,
                    occurred_at=on_day(store, start),
                    text=entries.admin_change_recorded(
                        change_id, person.name, roles, ref, start, until, clean, clean_note
                    ),
                )
        return self.get(change_id)

    def notify(self, change_id: int, *, on: date, reference: str | None = None) -> AdminChange:
        """Record that the change was notified to the profile's office on ``on``."""
        store = self._store
        clean_reference = validate.text(reference, "oficio")
        with store.atomic():
            current = self.get(change_id)
            if current.notified_on is not None:
                raise ConflictError(f"El cambio {change_id} ya se avisó el {format_date(current.notified_on)}.")
            validate.not_future(on, store.now(), "fecha del aviso")
            store.execute(
                "UPDATE admin_changes SET notified_on = ?, notice_reference = ? WHERE id = ?",
                (on.isoformat(), clean_reference, change_id),
            )
            store.events.record(self.entity, change_id, "avisado", to_state=on.isoformat(), note=clean_reference)
            person = store.people.get(current.person_id)
            for account_id in current.account_ids:
                journal(
                    store,
                    EntryKind.NOTE,
                    account=account_id,
                    occurred_at=on_day(store, on),
                    refs=(clean_reference,),
                    text=entries.admin_change_notified(change_id, person.name, on, clean_reference),
                )
        return self.get(change_id)

    def get(self, change_id: int) -> AdminChange:
        row = self._store.query_one("SELECT * FROM admin_changes WHERE id = ?", (change_id,))
        if row is None:
            raise NotFoundError(f"No existe el cambio de administración con id {change_id}.")
        return self._row(row)

    def list(self) -> list[AdminChange]:
        return [
            self._row(r) for r in self._store.query("SELECT * FROM admin_changes ORDER BY start_date DESC, id DESC")
        ]

    def unnotified(self) -> builtins.list[AdminChange]:
        rows = self._store.query("SELECT * FROM admin_changes WHERE notified_on IS NULL ORDER BY id")
        return [self._row(r) for r in rows]
