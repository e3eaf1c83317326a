"""The agenda for a horizon: what is overdue, what falls due soon and why (``pendientes``, Hoy).

Both faces list the same items: one read of the institution's state, one run
of the engine, one horizon default (``DEFAULT_HORIZON_DAYS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from policy.codes import Status
from policy.engine import agenda
from policy.obligations import Obligation, State
from policy.profile import Profile
from store.state import load_state
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["compute_agenda"]

#: How many days ahead the agenda looks when the user does not say (overdue items always show).
DEFAULT_HORIZON_DAYS = 30


class Agenda(NamedTuple):
    """The agenda as of ``now`` within ``horizon_days``, and the counts of its header line.

    (A NamedTuple: ``dataclasses`` would cost ``pendientes`` ~20 ms of imports.)
    """

    now: datetime
    profile: Profile
    horizon_days: int
    #: overdue first, then by due date (``policy.engine.sort_key``)
    items: Sequence[Obligation]
    #: the institution's accounts (all of them, also when the agenda is of one account)
    accounts: int
    open_incidents: int
    #: the state the items were computed from (the workbench builds its tables from it too)
    state: State

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.status is status)


def compute_agenda(
    store: Store,
    *,
    at: datetime | None = None,
    horizon_days: int | None = None,
    account: AccountKey | None = None,
) -> Agenda:
    """The agenda as of ``at`` (by default, now): everything overdue, plus what falls due by the
    end of the ``horizon_days``-th day (by default ``DEFAULT_HORIZON_DAYS``); only ``account``'s
    items when one is named.

    UsageError when the horizon is negative; NotFoundError when the account does not exist.
    """
    now = at if at is not None else store.now()
    days = DEFAULT_HORIZON_DAYS if horizon_days is None else horizon_days
    state = load_state(store, now)
    items = agenda(state, now, days)
    if account is not None:
        wanted = account_of(store, account).id
        items = [item for item in items if item.account is not None and item.account.id == wanted]
    return Agenda(
        now=now,
        profile=state.profile,
        horizon_days=days,
        items=items,
        accounts=len(state.accounts),
        open_incidents=store.incidents.open_count(),
        state=state,
    )
