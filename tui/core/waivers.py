"""Waivers: obligations postponed or waived until a date, with their reason and author."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from policy.records import Waiver
from policy.workflows import waiver_until
from store.waivers import WaiverRecord
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["add_waiver", "revoke_waiver", "waivers"]

ONE_SIDED: dict[str, str] = {}


def add_waiver(
    store: Store,
    *,
    reason: str,
    until: date | None = None,
    key: str | None = None,
    kind: str | None = None,
    account: AccountKey | None = None,
    reference: str | None = None,
) -> Waiver:
    """Take the obligation ``key`` (or every ``kind`` one, of ``account`` if given) off the agenda
    until ``until`` inclusive (by default ``policy.workflows.DEFAULT_WAIVER_DAYS`` from today)."""
    last = waiver_until(until, store.now().date())
    found = account_of(store, account) if account is not None else None
    return store.waivers.add(until=last, reason=reason, kind=kind, account=found, key=key, reference=reference)


class WaiverView(NamedTuple):
    record: WaiverRecord
    #: the ``red/usuario`` of its account, when it is about one account
    account: str | None
    #: ``vigente``, ``terminada`` or ``revocada``
    state: str

    @property
    def in_force(self) -> bool:
        return self.state == "vigente"


def waivers(store: Store) -> list[WaiverView]:
    """Every waiver, in force, ended or revoked, oldest first."""
    today = store.now().date()
    refs = {acc.id: acc.ref for acc in store.accounts.list()}
    views: list[WaiverView] = []
    for record in store.waivers.list():
        waiver = record.waiver
        state = "revocada" if record.revoked_at else ("vigente" if waiver.active_on(today) else "terminada")
        views.append(WaiverView(record, refs.get(waiver.account_id) if waiver.account_id else None, state))
    return views


def revoke_waiver(store: Store, waiver_id: int) -> Waiver:
    """End the waiver today: its obligations come back at once (the record stays)."""
    store.waivers.revoke(waiver_id)
    return store.waivers.get(waiver_id)
