"""The agenda for a horizon: what is overdue, what falls due soon and why (``pendientes``, Hoy).

Both faces list the same items: one read of the institution's state, one run
of the engine, one horizon default (``DEFAULT_HORIZON_DAYS``). The command
line reads it as rows (``agenda_listing``), which are kept beside the database
while nothing changes (``store.agenda_cache``); the workbench keeps the
obligations themselves, to act on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from policy.clock import local
from policy.codes import Kind, Status
from policy.obligations import Obligation, State
from policy.profile import Profile
from policy.records import Account, Person
from policy.rows import AgendaRow, agenda_rows
from store import agenda_cache
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["agenda_listing", "keep_agenda", "recent_agenda"]

ONE_SIDED: dict[str, str] = {
    "agenda_listing": "the command line prints the agenda's rows (made by compute_agenda, or kept from its last"
    " run); the workbench keeps the obligations themselves, since its keys act on them",
    "recent_agenda": "the workbench's first frame (and its reloads); the command line reads rows (agenda_listing)",
    "keep_agenda": "the workbench keeps what it computed after its first frame; the command line keeps its rows"
    " inside agenda_listing",
}

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
    #: the state the items were computed from (the workbench builds its tables from it too); None
    #: for the kept agenda (``recent_agenda``), whose state is read when the tables need it
    state: State | None
    #: each item's status, in the items' order (read without making the kept agenda's obligations)
    statuses: Sequence[Status] = ()

    def count(self, status: Status) -> int:
        return self.statuses.count(status) if self.statuses else sum(1 for i in self.items if i.status is status)

    def status_of(self, index: int) -> Status:
        return self.statuses[index] if self.statuses else self.items[index].status


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
    from policy.engine import agenda  # lazy: the rules, not needed to show a kept agenda (~25 ms)
    from store.state import load_state  # lazy: as above

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
        statuses=[item.status for item in items],
    )


class AgendaListing(NamedTuple):
    """The agenda as rows (``pendientes``): the items of ``compute_agenda``, and its header's figures."""

    now: datetime
    horizon_days: int
    profile_short: str
    profile_name: str
    rows: Sequence[AgendaRow]
    accounts: int
    open_incidents: int
    #: the agenda the rows were made from, when it was computed now (None when kept): held by the
    #: caller, so that a command ending with ``os._exit`` never spends time freeing its records
    source: Agenda | None = None

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)


def agenda_listing(
    store: Store,
    *,
    at: datetime | None = None,
    horizon_days: int | None = None,
    account: AccountKey | None = None,
) -> AgendaListing:
    """``compute_agenda``'s items as rows, shown again from the kept agenda while it holds (the same
    rows: ``store.agenda_cache`` says when it does). An agenda of now at the default horizon is
    kept for the next run. Same errors as ``compute_agenda``."""
    now = local(at if at is not None else store.now())
    days = DEFAULT_HORIZON_DAYS if horizon_days is None else horizon_days
    kept = agenda_cache.read_kept(store, now, days) if days == DEFAULT_HORIZON_DAYS else None
    source = None
    if kept is None:
        key = agenda_cache.data_key(store)
        source = compute_agenda(store, at=now, horizon_days=days)
        kept = _kept(source)
        if at is None:
            _keep(store, source, kept, key)
    rows = kept.rows
    if account is not None:
        wanted = account_of(store, account).id
        rows = [row for row in rows if row.account_id == wanted]
    return AgendaListing(now, days, kept.profile_short, kept.profile_name, rows, kept.accounts, kept.open_incidents)


def _kept(result: Agenda) -> agenda_cache.KeptAgenda:
    """``result`` as the kept agenda holds it: rows, and how long they stay true."""
    from policy.engine import steady_until  # lazy: see compute_agenda

    profile = result.profile
    return agenda_cache.KeptAgenda(
        computed_at=result.now,
        steady_until=steady_until(result.items, result.now),
        horizon_days=result.horizon_days,
        profile_short=profile.short_name,
        profile_name=profile.name,
        accounts=result.accounts,
        open_incidents=result.open_incidents,
        rows=agenda_rows(result.items, profile),
    )


def check_kept_agenda(store: Store) -> str | None:
    """Compare the kept agenda, if one holds now, with the agenda the database gives: a problem
    (in Spanish) when they differ, and the kept copy is removed; None when they agree or none holds."""
    now = local(store.now())
    kept = agenda_cache.read_kept(store, now, DEFAULT_HORIZON_DAYS)
    if kept is None:
        return None
    fresh = _kept(compute_agenda(store, at=now))
    if list(fresh.rows) == list(kept.rows) and fresh[3:7] == kept[3:7]:
        return None
    agenda_cache.discard(store)
    path = agenda_cache.cache_path(store.path)
    return (
        f"La copia de la agenda guardada junto a la base de datos ({path.name if path else 'agenda'}) no coincide"
        " con lo que la base de datos dice: se descartó y la agenda se calcula de nuevo."
    )


def recent_agenda(store: Store) -> tuple[Agenda, tuple[Any, ...] | None]:
    """The agenda of now at the default horizon: the kept one when it holds (its ``state`` None, its
    obligations rebuilt from the kept rows and records, equal to computed ones), else computed.

    The second value is what ``keep_agenda`` needs to keep a computed agenda (None when it was the
    kept one): the data's key, read before the computation.
    """
    now = local(store.now())
    kept = agenda_cache.read_kept_items(store, now, DEFAULT_HORIZON_DAYS)
    items = KeptObligations.check(kept) if kept is not None else None
    if kept is not None and items is not None:
        head = kept.agenda
        profile = store.settings.profile()
        agenda = Agenda(
            now, profile, head.horizon_days, items, head.accounts, head.open_incidents, None, items.statuses
        )
        return agenda, None
    key = agenda_cache.data_key(store)
    return compute_agenda(store, at=now), key


def keep_agenda(store: Store, agenda: Agenda, key: tuple[Any, ...]) -> bool:
    """Keep ``agenda`` (computed by ``recent_agenda`` from the data of ``key``) for the next run, unless
    the data moved meanwhile. Best effort: False when not kept."""
    return _keep(store, agenda, _kept(agenda), key)


def _keep(store: Store, agenda: Agenda, kept: agenda_cache.KeptAgenda, key: tuple[Any, ...]) -> bool:
    if agenda.horizon_days != DEFAULT_HORIZON_DAYS or agenda_cache.data_key(store) != key:
        return False
    accounts: dict[int, Account] = {}
    people: dict[int, Person] = {}
    for item in agenda.items:
        if item.account is not None:
            accounts[item.account.id] = item.account
        if item.person is not None:
            people[item.person.id] = item.person
    return agenda_cache.keep(store, key, kept, agenda_cache.KeptRecords(accounts, people))


#: Kinds and statuses by their text, to give rebuilt obligations the very values the checks gave.
_KINDS: dict[str, str] = {k.value: k for k in Kind}
_STATUSES: dict[str, Status] = {s.value: s for s in Status}


class KeptObligations(Sequence[Obligation]):
    """The kept agenda's obligations, each made the first time it is read: Hoy's first frame reads
    the statuses and the few rows on screen, not ~50,000 items (20,000 accounts).

    ``check`` makes one only when every row is whole and names records the file holds, so reading an
    item can never fail later. Each is the obligation the engine gave: its kind as the enum, its
    status by identity, its due in Mexico City's zone, the very account and person records.
    """

    def __init__(self, kept: agenda_cache.KeptItems, statuses: list[Status]) -> None:
        self._kept = kept
        self._made: list[Obligation | None] = [None] * len(kept.rows)
        self._dues: dict[str, datetime] = {}
        self.statuses = statuses

    @classmethod
    def check(cls, kept: agenda_cache.KeptItems) -> KeptObligations | None:
        accounts, people, rows = kept.records.accounts, kept.records.people, kept.rows
        try:
            # Column by column, in C: ~50,000 rows at 20,000 accounts.
            if rows and set(map(len, rows)) != {len(AgendaRow._fields)}:
                return None
            columns = list(zip(*rows, strict=True)) if rows else [()] * len(AgendaRow._fields)
            account_ids, person_ids, rules = set(columns[4]), set(columns[6]), set(columns[9])
            account_ids.discard(None)
            person_ids.discard(None)
            if (
                not account_ids <= accounts.keys()
                or not person_ids <= people.keys()
                or (rules and (set(map(type, rules)) != {int} or min(rules) < 0 or max(rules) >= len(kept.rules)))
                or (rows and set(map(type, columns[8])) != {str})
            ):
                return None
            found = list(map(_STATUSES.__getitem__, columns[1]))
            parsed = {text: local(datetime.fromisoformat(text)) for text in set(columns[2])}
        except (KeyError, IndexError, TypeError, ValueError):  # a file from elsewhere: computed instead
            return None
        made = cls(kept, found)
        made._dues = parsed
        return made

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, index: int) -> Obligation: ...

    @overload
    def __getitem__(self, index: slice) -> list[Obligation]: ...

    def __getitem__(self, index: int | slice) -> Obligation | list[Obligation]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._made)))]
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._make(self._kept.rows[index], self.statuses[index])
        return made

    def _make(self, row: tuple[Any, ...], status: Status) -> Obligation:
        kind, _, due_text, standing, account_id, _, person_id, _, message, rule, _, _, ref_id, label = row
        due = self._dues[due_text]  # every one parsed by ``check``
        records = self._kept.records
        return Obligation(
            _KINDS.get(kind, kind),
            due,
            self._kept.rules[rule],
            message,
            status,
            None if account_id is None else records.accounts[account_id],
            None if person_id is None else records.people[person_id],
            ref_id,
            standing,
            label,
        )
