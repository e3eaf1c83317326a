"""Incidents: an account operated by unauthorized people or hacked.

Opening one creates its notification checklist from the profile setting
``incident_recipients``; each notice is pending (and overdue) until ticked.
Closing requires a password rotation recorded after the incident opened, or an
explicit reason for closing without one. Every step goes to the bitácora in the
same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from policy.codes import EntryKind
from policy.entries import workflows as entries
from policy.records import Account, IncidentNotice
from policy.workflows import (
    check_incident_close,
    check_incident_moment,
    check_incident_notice,
    check_incident_rotation,
    incident_closing_reason,
    incident_description,
    incident_recipients,
    notice_position,
)
from store.bitacora import FUTURE_TOLERANCE
from store.db import from_db_datetime, to_db_datetime
from store.errors import NotFoundError

if TYPE_CHECKING:
    from store.db import Store


class Notice(NamedTuple):
    id: int
    incident_id: int
    position: int
    recipient: str
    notified_at: datetime | None


class Incident(NamedTuple):
    id: int
    account_id: int
    account: str
    description: str
    opened_at: datetime
    closed_at: datetime | None
    close_note: str | None
    closed_without_rotation: bool
    author: str
    notices: tuple[Notice, ...]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def pending(self) -> tuple[Notice, ...]:
        return tuple(n for n in self.notices if n.notified_at is None)


class Incidents:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _check_moment(self, moment: datetime, field: str) -> None:
        # The bitácora accepts an entry this little ahead of the clock (store.bitacora).
        check_incident_moment(moment, self._store.now() + FUTURE_TOLERANCE, field)

    def open(
        self, account: Account, description: str, *, at: datetime | None = None, author: str | None = None
    ) -> Incident:
        """Open an incident on ``account`` and its checklist of notices from the profile.

        UsageError for an empty description or a future time; StoreError when the
        profile lists no recipients.
        """
        store = self._store
        clean = incident_description(description)
        moment = at or store.now()
        self._check_moment(moment, "fecha y hora del incidente")
        profile = store.settings.profile()
        recipients = incident_recipients(profile)
        clause = entries.incident_clause(profile.rules.get("incident"))
        who = author or store.author
        with store.atomic():
            incident_id = store.insert(
                "incidents",
                {
                    "account_id": account.id,
                    "description": clean,
                    "opened_at": to_db_datetime(moment),
                    "author": who,
                    "created_at": store.stamp(),
                },
            )
            for position, recipient in enumerate(recipients, start=1):
                store.insert(
                    "incident_notices",
                    {"incident_id": incident_id, "position": position, "recipient": recipient},
                )
            store.bitacora.append(
                kind=EntryKind.INCIDENT,
                account=account,
                occurred_at=moment,
                author=who,
                text=entries.incident_opened(incident_id, account.ref, clean, recipients, clause),
            )
        return self.get(incident_id)

    def _resolve_notice(self, incident: Incident, recipient: str) -> Notice:
        position = notice_position(incident.id, [(n.position, n.recipient) for n in incident.notices], recipient)
        return next(n for n in incident.notices if n.position == position)

    def notify(
        self, incident_id: int, recipient: str, *, at: datetime | None = None, author: str | None = None
    ) -> Incident:
        """Tick the notice to ``recipient`` (its name, part of it, or its number in the list).

        UsageError for a recipient not in the checklist or a time before the
        incident opened or in the future; ConflictError when already notified.
        """
        store = self._store
        moment = at or store.now()
        self._check_moment(moment, "fecha y hora del aviso")
        who = author or store.author
        with store.atomic():
            incident = self.get(incident_id)
            notice = self._resolve_notice(incident, recipient)
            check_incident_notice(incident.id, notice.recipient, notice.notified_at, moment, incident.opened_at)
            store.execute(
                "UPDATE incident_notices SET notified_at = ?, recorded_at = ? WHERE id = ?",
                (to_db_datetime(moment), store.stamp(), notice.id),
            )
            remaining = [n.recipient for n in incident.pending if n.id != notice.id]
            store.bitacora.append(
                kind=EntryKind.INCIDENT,
                account=incident.account_id,
                occurred_at=moment,
                author=who,
                text=entries.incident_notified(incident.id, notice.recipient, remaining),
            )
        return self.get(incident_id)

    def close(
        self,
        incident_id: int,
        *,
        at: datetime | None = None,
        without_rotation: bool = False,
        reason: str | None = None,
        author: str | None = None,
    ) -> Incident:
        """Close an incident once a password rotation was recorded after it opened.

        ``without_rotation`` closes it anyway and then needs ``reason``.
        RefusedUnless (a PolicyError) when there is no such rotation; ConflictError
        when already closed; UsageError for a missing reason or a bad time. Pending notices
        stay on the agenda after closing: closing never silences them.
        """
        store = self._store
        moment = at or store.now()
        self._check_moment(moment, "fecha y hora del cierre")
        note = incident_closing_reason(without_rotation, reason)
        who = author or store.author
        with store.atomic():
            incident = self.get(incident_id)
            check_incident_close(incident.id, incident.closed_at, moment, incident.opened_at)
            rotation = store.query_one(
                "SELECT rotated_at FROM rotations WHERE account_id = ? AND rotated_at >= ? ORDER BY rotated_at LIMIT 1",
                (incident.account_id, to_db_datetime(incident.opened_at)),
            )
            check_incident_rotation(
                incident.id, incident.account, incident.opened_at, rotation is not None, without_rotation
            )
            store.execute(
                "UPDATE incidents SET closed_at = ?, close_note = ?, closed_without_rotation = ? WHERE id = ?",
                (to_db_datetime(moment), note, 1 if rotation is None else 0, incident.id),
            )
            rotated_at = from_db_datetime(rotation["rotated_at"]) if rotation is not None else None
            pending = [n.recipient for n in incident.pending]
            text = entries.incident_closed(incident.id, rotated_at, note, pending)
            store.bitacora.append(
                kind=EntryKind.INCIDENT, account=incident.account_id, occurred_at=moment, author=who, text=text
            )
        return self.get(incident_id)

    # -- reading ----------------------------------------------------------

    def _notices(self, incident_ids: list[int]) -> dict[int, list[Notice]]:
        grouped: dict[int, list[Notice]] = {i: [] for i in incident_ids}
        if not incident_ids:
            return grouped
        marks = ", ".join("?" for _ in incident_ids)
        rows = self._store.query(
            f"SELECT * FROM incident_notices WHERE incident_id IN ({marks}) ORDER BY incident_id, position",
            incident_ids,
        )
        for r in rows:
            grouped[r["incident_id"]].append(
                Notice(
                    id=r["id"],
                    incident_id=r["incident_id"],
                    position=r["position"],
                    recipient=r["recipient"],
                    notified_at=from_db_datetime(r["notified_at"]) if r["notified_at"] else None,
                )
            )
        return grouped

    def _load(self, where: str = "", params: tuple[object, ...] = ()) -> list[Incident]:
        rows = self._store.query(
            "SELECT i.*, a.network || '/' || a.handle AS account_ref FROM incidents i"
            f" JOIN accounts a ON a.id = i.account_id {where} ORDER BY i.opened_at DESC, i.id DESC",
            params,
        )
        notices = self._notices([r["id"] for r in rows])
        return [
            Incident(
                id=r["id"],
                account_id=r["account_id"],
                account=r["account_ref"],
                description=r["description"],
                opened_at=from_db_datetime(r["opened_at"]),
                closed_at=from_db_datetime(r["closed_at"]) if r["closed_at"] else None,
                close_note=r["close_note"],
                closed_without_rotation=bool(r["closed_without_rotation"]),
                author=r["author"],
                notices=tuple(notices[r["id"]]),
            )
            for r in rows
        ]

    def get(self, incident_id: int) -> Incident:
        found = self._load("WHERE i.id = ?", (incident_id,))
        if not found:
            raise NotFoundError(f"No existe el incidente {incident_id}.")
        return found[0]

    def pending_notices(self) -> list[IncidentNotice]:
        """Every notice not yet given, for the engine (open and closed incidents alike)."""
        rows = self._store.query(
            "SELECT n.id, n.incident_id, n.recipient, i.account_id, i.opened_at, i.description"
            " FROM incident_notices n JOIN incidents i ON i.id = n.incident_id"
            " WHERE n.notified_at IS NULL ORDER BY i.opened_at, n.incident_id, n.position"
        )
        return [
            IncidentNotice(
                id=r["id"],
                incident_id=r["incident_id"],
                account_id=r["account_id"],
                recipient=r["recipient"],
                opened_at=from_db_datetime(r["opened_at"]),
                description=r["description"],
            )
            for r in rows
        ]

    def open_count(self) -> int:
        """How many incidents are still open (the workbench's header line)."""
        row = self._store.query_one("SELECT count(*) FROM incidents WHERE closed_at IS NULL")
        return int(row[0]) if row else 0

    def list(self, *, open_only: bool = False, account_id: int | None = None) -> list[Incident]:
        """Incidents, newest first; ``open_only`` leaves out the closed ones."""
        clauses: list[str] = []
        params: list[object] = []
        if open_only:
            clauses.append("i.closed_at IS NULL")
        if account_id is not None:
            clauses.append("i.account_id = ?")
            params.append(account_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._load(where, tuple(params))
