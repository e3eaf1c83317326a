"""Incidents: an account operated by unauthorized people or hacked; its checklist of notices and its closing."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from store.errors import NotFoundError
from store.incidents import Incident
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["close_incident", "incidents", "notify_incident", "notify_incident_notice", "open_incident"]

ONE_SIDED: dict[str, str] = {
    "notify_incident_notice": "the agenda's items name a notice by its id; the command line names the incident"
    " and the recipient (notify_incident)",
}


def incidents(store: Store, *, open_only: bool = False, account: AccountKey | None = None) -> list[Incident]:
    """Incidents, newest first; ``open_only`` leaves out the closed ones, ``account`` keeps one account's."""
    account_id = account_of(store, account).id if account is not None else None
    return store.incidents.list(open_only=open_only, account_id=account_id)


def open_incident(store: Store, account: AccountKey, description: str, *, at: datetime | None = None) -> Incident:
    """Open an incident (known at ``at``, now by default) with the profile's checklist of notices."""
    return store.incidents.open(account_of(store, account), description, at=at)


def notify_incident(store: Store, incident_id: int, recipient: str | int, *, at: datetime | None = None) -> Incident:
    """Tick the notice to ``recipient`` (its name, part of it, or its number in the list), given now by default."""
    return store.incidents.notify(incident_id, str(recipient), at=at)


def notify_incident_notice(store: Store, notice_id: int, *, at: datetime | None = None) -> Incident:
    """Tick the pending notice ``notice_id`` (an agenda item's ``ref_id``); NotFoundError when it is no longer pending."""
    notice = next((n for n in store.incidents.pending_notices() if n.id == notice_id), None)
    if notice is None:
        raise NotFoundError("Ese aviso ya no está pendiente: actualice la agenda.")
    incident = store.incidents.get(notice.incident_id)
    position = next(n.position for n in incident.notices if n.id == notice_id)
    return store.incidents.notify(incident.id, str(position), at=at)


def close_incident(
    store: Store,
    incident_id: int,
    *,
    at: datetime | None = None,
    without_rotation: bool = False,
    reason: str | None = None,
) -> Incident:
    """Close the incident (now by default): it needs a rotation after the opening, or ``without_rotation`` and a reason."""
    return store.incidents.close(incident_id, at=at, without_rotation=without_rotation, reason=reason)
