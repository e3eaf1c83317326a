"""Administrator changes, as recorded: who stops administering, why, and the notice sent."""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from policy import validate
from policy.clock import format_date
from policy.codes import ChangeOrigin, ChangeReason, EntryKind
from policy.entries import workflows as entries
from policy.records import AdminChange, Assignment, Person
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
            "SELECT account_id FROM admin_change_assignments WHERE change_id = ?"
            " UNION ALL SELECT account_id FROM admin_change_starts WHERE change_id = ? ORDER BY account_id",
            (r["id"], r["id"]),
        )
        successors = self._store.query(
            "SELECT a.person_id FROM admin_change_starts s JOIN assignments a ON a.id = s.started_assignment_id"
            " WHERE s.change_id = ? ORDER BY a.start_date, a.id",
            (r["id"],),
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
            origin=r["origin"],
            successor_ids=tuple(dict.fromkeys(row["person_id"] for row in successors)),
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
                f"La fecha de regreso ({format_date(until)}) es anterior al inicio del cambio ({format_date(start)})."
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

    def record_handover(self, person: Person, ended: Sequence[Assignment], *, start: date) -> AdminChange:
        """Record, as a change to notify, that ``person`` left the roles ``ended`` (ended by hand, the
        day before ``start``). Nobody said why: the reason is ``otro`` and the origin ``desasignacion``.
        The assignments are already ended; the bitácora already tells it (``store.assignments``)."""
        store = self._store
        with store.atomic():
            change_id = self._insert(person.id, ChangeReason.OTHER, start, ChangeOrigin.UNASSIGNED)
            for item in ended:
                store.insert(
                    "admin_change_assignments",
                    {"change_id": change_id, "ended_assignment_id": item.id, "account_id": item.account_id},
                )
            store.events.record(self.entity, change_id, "registrado", to_state=ChangeOrigin.UNASSIGNED)
        return self.get(change_id)

    def record_arrival(self, person: Person, started: Assignment) -> AdminChange:
        """Record, as a change to notify, that ``person`` became an administrator of an account that
        already had one (``started``, already recorded by ``store.assignments``)."""
        store = self._store
        with store.atomic():
            change_id = self._insert(person.id, ChangeReason.OTHER, started.start, ChangeOrigin.ARRIVAL)
            self.add_successor(change_id, started)
            store.events.record(self.entity, change_id, "registrado", to_state=ChangeOrigin.ARRIVAL)
        return self.get(change_id)

    def add_successor(self, change_id: int, started: Assignment) -> None:
        """``started`` takes over in change ``change_id`` (the successor of a handover)."""
        self._store.insert(
            "admin_change_starts",
            {"change_id": change_id, "started_assignment_id": started.id, "account_id": started.account_id},
        )

    def _insert(self, person_id: int, reason: str, start: date, origin: str) -> int:
        store = self._store
        return store.insert(
            "admin_changes",
            {
                "person_id": person_id,
                "reason": reason,
                "start_date": start.isoformat(),
                "origin": origin,
                "author": store.author,
                "created_at": store.stamp(),
            },
        )

    def unnotified_on(self, account_id: int) -> builtins.list[AdminChange]:
        """The changes not yet notified that touch ``account_id``, newest first."""
        rows = self._store.query(
            "SELECT * FROM admin_changes WHERE notified_on IS NULL AND id IN ("
            " SELECT change_id FROM admin_change_assignments WHERE account_id = ?"
            " UNION SELECT change_id FROM admin_change_starts WHERE account_id = ?)"
            " ORDER BY start_date DESC, id DESC",
            (account_id, account_id),
        )
        return [self._row(r) for r in rows]

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
