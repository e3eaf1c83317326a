"""The agenda for a horizon: what is overdue, what falls due soon and why (``pendientes``, Hoy).

Both faces list the same items: one read of the institution's state, one run
of the engine, one horizon default (``DEFAULT_HORIZON_DAYS``). The command
line reads it as rows (``agenda_listing``), which are kept beside the database
while nothing changes (``store.agenda_cache``); the workbench keeps the
obligations themselves, to act on them.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from policy.clock import local, start_of_day
from policy.codes import Kind, Status
from policy.obligations import Obligation, State
from policy.profile import Profile
from policy.records import Account, Citation, Person
from policy.rows import AgendaRow, agenda_rows
from store import agenda_cache
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from policy.engine import SortKey
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

    def spans(self) -> list[tuple[Status, range]]:
        """The items' indexes as runs of one status, in order (one run per status: the agenda is
        sorted by status first), read without making the kept agenda's obligations."""
        statuses = self.statuses or [item.status for item in self.items]
        spans: list[tuple[Status, range]] = []
        start = 0
        for status, run in groupby(statuses):
            end = start + sum(1 for _ in run)
            spans.append((status, range(start, end)))
            start = end
        return spans


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
    if kept is None and days == DEFAULT_HORIZON_DAYS:
        kept = _patched_listing(store, now)
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


def _patched_listing(store: Store, now: datetime) -> agenda_cache.KeptAgenda | None:
    """After a change to a few accounts, the kept rows with theirs made again (``patched_agenda``),
    or None. Not kept: the change itself started the background preparation (``prepare_soon``);
    ``steady_until`` is ``now``: these rows are for this run."""
    patched = patched_agenda(store, now)
    if patched is None or not isinstance(patched.items, PatchedObligations):
        return None
    profile = patched.profile
    try:
        rows = patched.items.rows(profile)
    except agenda_cache.KeptAgendaDamaged:  # a block read now for the first time: computed instead
        agenda_cache.discard(store)
        return None
    return agenda_cache.KeptAgenda(
        now,
        now,
        patched.horizon_days,
        profile.short_name,
        profile.name,
        patched.accounts,
        patched.open_incidents,
        rows,
    )


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
    kept = agenda_cache.read_kept(store, now, DEFAULT_HORIZON_DAYS) or _patched_listing(store, now)
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


#: From how many accounts a change has the agenda computed again in the background: below it,
#: computing it at the next start costs less than starting a process.
PREPARE_FROM_ACCOUNTS = 1000
#: Set to «0» (the tests do), nothing is prepared in the background.
PREPARE_ENV = "RESGUARDO_PREPARAR"


def prepare_agendas(store: Store, *, settle: float = 1.5, patience: float = 60.0) -> tuple[bool, bool]:
    """Compute and keep, unless kept already, the agenda of now and the one of the start of the
    next working day (with the data of now: that day's first start then shows it at once; on a
    Friday, Monday's). Waits for
    the data to stay unchanged for ``settle`` seconds first (at most ``patience``), so that a burst
    of changes is computed once. Returns (now's kept, tomorrow's kept) by this call.

    Run in the background (``prepare_soon``); best effort, like ``keep_agenda``.
    """
    waited = 0.0
    key = agenda_cache.data_key(store)
    while waited < patience:
        time.sleep(settle)
        waited += settle
        again = agenda_cache.data_key(store)
        if again == key:
            break
        key = again
    now = local(store.now())
    tomorrow = _next_start(store, now)
    kept_now = kept_ahead = False
    for at, ahead in ((now, False), (tomorrow, True)):
        header = agenda_cache.kept_header(store, DEFAULT_HORIZON_DAYS, ahead=ahead)
        if header is not None and header.holds(at):
            continue
        key = agenda_cache.data_key(store)
        computed = compute_agenda(store, at=at)
        kept = _keep(store, computed, _kept(computed), key, ahead=ahead)
        if ahead:
            kept_ahead = kept
        else:
            kept_now = kept
    return kept_now, kept_ahead


def prepare_soon(store: Store) -> bool:
    """After a change, or after the first frame: start ``prepare_agendas`` in a process of its own
    (it outlives this one, and shares no interpreter lock with it) when the institution is large
    enough and the agenda of now or of tomorrow's start is not kept for the data of now. True when
    one was started. Never raises: the agenda is then computed when next shown."""
    if os.environ.get(PREPARE_ENV) == "0" or agenda_cache.cache_path(store.path) is None:
        return False
    try:
        now = local(store.now())
        tomorrow = _next_start(store, now)
        wanted = [
            (now, agenda_cache.kept_header(store, DEFAULT_HORIZON_DAYS)),
            (tomorrow, agenda_cache.kept_header(store, DEFAULT_HORIZON_DAYS, ahead=True)),
        ]
        if all(header is not None and header.holds(at) for at, header in wanted):
            return False
        if store.accounts.count() < PREPARE_FROM_ACCOUNTS:
            return False
        return _start_preparing(store.path)
    except Exception:  # a locked or damaged database: nothing prepared, nothing lost
        return False


def _next_start(store: Store, now: datetime) -> datetime:
    """The start of the next working day after ``now``'s (the next day in an electoral process, when
    every day is hábil): the day whose first start the agenda is prepared for."""
    from policy.errors import UsageError  # lazy: only when preparing

    today = now.date()
    try:
        day = store.calendar.business_calendar(today.year, today.year + 1).add_business_days(today, 1)
    except UsageError:  # a calendar without working days ahead: tomorrow
        day = today + timedelta(days=1)
    return start_of_day(day)


def _start_preparing(db_path: str) -> bool:
    """Start ``python -m tui.cli.prepare DB`` detached from this process: no console window on
    Windows, its own session on POSIX, no inherited streams. False when it could not start."""
    import subprocess  # lazy: only after a change
    import sys  # lazy: as above

    options: dict[str, Any] = {}
    if sys.platform == "win32":
        flags = ("DETACHED_PROCESS", "CREATE_NEW_PROCESS_GROUP", "CREATE_NO_WINDOW")
        options["creationflags"] = sum(getattr(subprocess, flag, 0) for flag in flags)
    else:
        options["start_new_session"] = True
    try:
        subprocess.Popen(
            [sys.executable, "-m", "tui.cli.prepare", db_path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            cwd=str(Path(__file__).resolve().parent.parent.parent),
            **options,
        )
    except OSError:
        return False
    return True


def settle_kept_agenda(store: Store, agenda: Agenda) -> bool:
    """After the workbench's first frame: True when ``agenda`` was computed, or was kept (or patched
    from a kept one) and every block of the kept file is sound; else the file is removed and False
    (compute it again)."""
    items = agenda.items
    if not isinstance(items, _MadeWhenRead) or items.sound():
        return True
    agenda_cache.discard(store)
    return False


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
    patched = patched_agenda(store, now)
    if patched is not None:
        return patched, None
    key = agenda_cache.data_key(store)
    return compute_agenda(store, at=now), key


#: The most accounts a change may reach (with those sharing their passwords) for the agenda to be
#: patched rather than computed.
PATCH_MOST_ACCOUNTS = 300


def patched_agenda(store: Store, now: datetime) -> Agenda | None:
    """The agenda of ``now`` from a kept agenda of an earlier state of the same day's span
    (``agenda_cache.read_base``), when what changed since belongs to a few accounts or people
    (``agenda_cache.changes_since``: new bitácora entries, rotations, evaluations, passwords,
    consultations, requests, incidents, duties, an account's record or closing, a person's record,
    trainings or documents): the items of those accounts (with those sharing their passwords and
    those the people administer) and people computed again from their state alone
    (``store.state.load_state`` with ``accounts`` and ``people``), the others' as kept. The same items, in the same order, as ``compute_agenda`` (``tests/test_agenda_patch.py``);
    None when it cannot be patched (then it is computed)."""
    from policy.engine import agenda, row_sort_key, sort_key  # lazy: see compute_agenda
    from store.state import load_state  # lazy: as above

    base = agenda_cache.read_base(store, now, DEFAULT_HORIZON_DAYS)
    if base is None:
        return None
    kept, since = base
    changed = agenda_cache.changes_since(store, since)
    base_items = KeptObligations.check(kept)
    if changed is None or base_items is None or len(changed.accounts) + len(changed.people) > PATCH_MOST_ACCOUNTS:
        return None
    blocks = kept.blocks
    try:
        row_accounts, row_people, row_kinds = blocks.index()
    except agenda_cache.KeptAgendaDamaged:
        return None
    # a person's items, and those of every account they administer (each account's items name or
    # count its administrators)
    people = set(changed.people)
    scope = set(changed.accounts) | store.assignments.accounts_of(people)
    if scope:
        # a password shared links the accounts sharing it: each finding names the others, so a
        # change to one changes the others' (those found before the change, and after it)
        reused = Kind.REUSED_PASSWORD
        scope.update(
            account_id
            for account_id, kind in zip(row_accounts, row_kinds, strict=True)
            if kind == reused and account_id is not None
        )
        scope |= store.credentials.sharing(scope)
    if len(scope) > PATCH_MOST_ACCOUNTS:
        return None

    def touched(account_id: int | None, person_id: int | None) -> bool:
        return account_id in scope if account_id is not None else person_id in people

    fresh: list[Obligation] = []
    profile = store.settings.profile()
    if scope or people:
        state = load_state(store, now, profile, accounts=scope, people=people)
        fresh = [
            item
            for item in agenda(state, now, DEFAULT_HORIZON_DAYS)
            if touched(item.account.id if item.account else None, item.person.id if item.person else None)
        ]
    drop = (
        [index for index, ids in enumerate(zip(row_accounts, row_people, strict=True)) if touched(*ids)]
        if scope or people
        else []
    )
    dues: dict[str, datetime] = {}

    def row_key(index: int) -> SortKey:
        number, offset = divmod(index, agenda_cache.BLOCK_ROWS)
        kind, status, due, _, account_id, account_ref, person_id, person_name = blocks.plain_block(number)[offset][:8]
        moment = dues.get(due)
        if moment is None:
            moment = dues[due] = datetime.fromisoformat(due)
        return row_sort_key(status, kind, moment, account_ref, person_name, account_id, person_id)

    try:
        items = PatchedObligations(base_items, drop, fresh, sort_key, row_key, (blocks, kept.rules))
    except agenda_cache.KeptAgendaDamaged:
        return None
    return Agenda(
        now,
        profile,
        DEFAULT_HORIZON_DAYS,
        items,
        store.accounts.count(),
        store.incidents.open_count(),
        None,
        items.statuses,
    )


def keep_agenda(store: Store, agenda: Agenda, key: tuple[Any, ...]) -> bool:
    """Keep ``agenda`` (computed by ``recent_agenda`` from the data of ``key``) for the next run, unless
    the data moved meanwhile. Best effort: False when not kept."""
    return _keep(store, agenda, _kept(agenda), key)


def _keep(
    store: Store, agenda: Agenda, kept: agenda_cache.KeptAgenda, key: tuple[Any, ...], *, ahead: bool = False
) -> bool:
    if agenda.horizon_days != DEFAULT_HORIZON_DAYS or agenda_cache.data_key(store) != key:
        return False
    accounts: dict[int, Account] = {}
    people: dict[int, Person] = {}
    for item in agenda.items:
        if item.account is not None:
            accounts[item.account.id] = item.account
        if item.person is not None:
            people[item.person.id] = item.person
    return agenda_cache.keep(store, key, kept, agenda_cache.KeptRecords(accounts, people), ahead=ahead)


#: Kinds and statuses by their text, to give rebuilt obligations the very values the checks gave.
_KINDS: dict[str, str] = {k.value: k for k in Kind}
_STATUSES: dict[str, Status] = {s.value: s for s in Status}


class _MadeWhenRead(Sequence[Obligation]):
    """A sequence of obligations whose item ``index`` is made by ``_item`` when read (the kept
    agenda's, and the patched one's): ``statuses`` tells their count and status without them."""

    statuses: list[Status]

    def __len__(self) -> int:
        return len(self.statuses)

    @overload
    def __getitem__(self, index: int) -> Obligation: ...

    @overload
    def __getitem__(self, index: slice) -> list[Obligation]: ...

    def __getitem__(self, index: int | slice) -> Obligation | list[Obligation]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._item(index)

    def _item(self, index: int) -> Obligation:
        raise NotImplementedError

    def sound(self) -> bool:
        """Every stored block it reads decoded and checked (False when one is not: the file is then
        to be discarded)."""
        raise NotImplementedError


class KeptObligations(_MadeWhenRead):
    """The kept agenda's obligations, each made the first time it is read: Hoy's first frame reads
    the statuses and the few rows on screen, not ~50,000 items (20,000 accounts); their block of
    stored rows is decoded then (``store.agenda_cache.KeptBlocks``).

    ``check`` makes one only when the statuses are known and the first block is sound; the other
    blocks are checked when first read, or all at once by ``sound`` (the workbench calls it after
    its first frame). Each is the obligation the engine gave: its kind as the enum, its status by
    identity, its due in Mexico City's zone, the very account and person records.
    """

    def __init__(self, kept: agenda_cache.KeptItems, statuses: list[Status]) -> None:
        self._kept = kept
        self._blocks = kept.blocks
        self._made: list[Obligation | None] = [None] * len(statuses)
        self.statuses = statuses

    @classmethod
    def check(cls, kept: agenda_cache.KeptItems) -> KeptObligations | None:
        try:
            found = list(map(_STATUSES.__getitem__, kept.statuses))
        except KeyError:  # a file from elsewhere: computed instead
            return None
        return cls(kept, found)

    def sound(self) -> bool:
        return self._blocks.check_all()

    def _item(self, index: int) -> Obligation:
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._make(index)
        return made

    def _make(self, index: int) -> Obligation:
        """KeptAgendaDamaged when the row's block is not sound."""
        number, offset = divmod(index, agenda_cache.BLOCK_ROWS)
        block = self._blocks.block(number)
        kind, _, due_text, standing, account_id, _, person_id, _, message, rule, _, _, ref_id, label = block.rows[
            offset
        ]
        return Obligation(
            _KINDS.get(kind, kind),
            block.dues[due_text],
            self._kept.rules[rule],
            message,
            self.statuses[index],
            None if account_id is None else block.accounts[account_id],
            None if person_id is None else block.people[person_id],
            ref_id,
            standing,
            label,
        )


class PatchedObligations(_MadeWhenRead):
    """A kept agenda's obligations (``KeptObligations``) without the rows ``drop`` (indexes into
    it, ascending) and with the ``fresh`` items (sorted by ``key``) in their place in the order:
    the agenda after a change to a few accounts (``patched_agenda``). Only the rows read are made,
    as in ``KeptObligations``. Each fresh item is placed by a binary search on the kept rows' keys
    (``base_key``: from the stored rows, no obligation made)."""

    def __init__(
        self,
        base: KeptObligations,
        drop: list[int],
        fresh: list[Obligation],
        key: Callable[[Obligation], SortKey],
        base_key: Callable[[int], SortKey],
        stored: tuple[agenda_cache.KeptBlocks, list[Citation]],
    ) -> None:
        self._base = base
        self._fresh = fresh
        self._drop = drop
        #: the kept rows as stored and the clauses they index (for ``rows``)
        self._stored = stored
        # the k-th row kept is row k + (how many dropped rows d_t have d_t - t <= k)
        self._shifts = [row - order for order, row in enumerate(drop)]
        kept = len(base) - len(drop)
        # where each fresh item goes among the rows kept: a binary search on the rows' keys,
        # starting where the one before went (both are in order)
        placed: list[int] = []
        low = 0
        for item in fresh:
            wanted = key(item)
            high = kept
            while low < high:
                middle = (low + high) // 2
                if base_key(self._kept_row(middle)) < wanted:
                    low = middle + 1
                else:
                    high = middle
            placed.append(low)
        #: the fresh items' indexes in this sequence
        self._at = [where + order for order, where in enumerate(placed)]
        statuses = list(base.statuses)
        for row in reversed(drop):
            del statuses[row]
        for at, item in zip(self._at, fresh, strict=True):
            statuses.insert(at, item.status)
        self.statuses = statuses

    def rows(self, profile: Profile) -> list[AgendaRow]:
        """The items as rows (``policy.rows.agenda_rows``), the kept ones made from the stored
        rows (no obligation made): what ``pendientes`` prints."""
        blocks, rules = self._stored
        dropped = set(self._drop)
        found = agenda_cache.agenda_rows_of(
            (row for index, row in enumerate(blocks.plain_rows()) if index not in dropped), rules
        )
        for at, row in zip(self._at, agenda_rows(self._fresh, profile), strict=True):
            found.insert(at, row)
        return found

    def _kept_row(self, kept: int) -> int:
        return kept + bisect_right(self._shifts, kept)

    def sound(self) -> bool:
        return self._base.sound()

    def _item(self, index: int) -> Obligation:
        order = bisect_left(self._at, index)
        if order < len(self._at) and self._at[order] == index:
            return self._fresh[order]
        return self._base._item(self._kept_row(index - order))
