"""The deadline engine: state and a clock in, a sorted agenda out.

Each check is a pure function ``(state, now) -> iterable of Obligation``
registered in ``CHECKS``; the engine gives each obligation its status and
orders the agenda: overdue first, then due soon, then upcoming, each by date;
incident notices head their group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from policy import checks, credentials, duties, workflows
from policy.clock import end_of_day, local, start_of_day
from policy.codes import Kind, Status
from policy.errors import UsageError
from policy.obligations import Obligation, State
from policy.records import Waiver

Check = Callable[[State, datetime], Iterable[Obligation]]

CHECKS: list[Check] = [
    checks.rotation,
    checks.evaluation,
    checks.training,
    checks.missing_admin,
    checks.admin_rank,
    checks.restricted_access,
    checks.youtube_homologation,
    checks.utcsyd_coadmin,
    checks.email_domain,
    checks.email_generic,
    checks.handle_token,
    checks.public_account,
    checks.private_messages,
    checks.verification,
    checks.incident_notice,
    checks.institutional_phone,
    checks.content_current,
    duties.open_duties,
    credentials.weak_password,
    credentials.reused_password,
    credentials.no_password,
    workflows.consultation,
    workflows.information_request,
    workflows.opening_request,
    workflows.closing,
    workflows.admin_change_notice,
    workflows.holiday_notice,
    workflows.abandoned_account,
    workflows.designation_documents,
]

#: How close a deadline must be to count as ``due_soon``; kinds not listed use the default.
DEFAULT_SOON = timedelta(days=7)
SOON_WINDOWS: dict[str, timedelta] = {
    # A consultation window is two days at most (ine, ieeags): «pronto» means the last 12 hours.
    "consultation": timedelta(hours=12),
}

_STATUS_ORDER: Mapping[Status, int] = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2}

#: Kinds that go before everything else of their status: an incident's notices
#: are due "tan pronto como" it is known, so they head the overdue list.
_KIND_PRIORITY: Mapping[str, int] = {Kind.INCIDENT_NOTICE: 0, Kind.MATTER_NOTICE: 0}
_DEFAULT_PRIORITY = 1


def classify(due: datetime, now: datetime, kind: str) -> Status:
    """``overdue`` once the deadline has passed, ``due_soon`` inside the kind's window."""
    if due <= now:
        return Status.OVERDUE
    if due - now <= SOON_WINDOWS.get(kind, DEFAULT_SOON):
        return Status.DUE_SOON
    return Status.UPCOMING


class _WaiverIndex:
    """The waivers in force, indexed so that checking thousands of obligations stays cheap.

    Same matching as ``Waiver.covers``: by exact key, by kind and account, or by kind alone.
    """

    def __init__(self, waivers: Sequence[Waiver]) -> None:
        self.keys = {w.key for w in waivers if w.key is not None}
        self.pairs = {(w.kind, w.account_id) for w in waivers if w.key is None and w.account_id is not None}
        self.kinds = {w.kind for w in waivers if w.key is None and w.account_id is None and w.kind}

    def __bool__(self) -> bool:
        return bool(self.keys or self.pairs or self.kinds)

    def covers(self, item: Obligation) -> bool:
        kind = item.kind  # a StrEnum hashes and compares as its string
        if kind in self.kinds:
            return True
        if item.account is not None and (kind, item.account.id) in self.pairs:
            return True
        return bool(self.keys) and item.key in self.keys


def obligations(state: State, now: datetime) -> list[Obligation]:
    """Every obligation the rules produce for ``state`` at ``now``, with its status.

    Obligations covered by a waiver in force on ``now``'s date are left out;
    they come back by themselves the day after the waiver ends.
    """
    return _collect(state, local(now), None)


def _collect(state: State, now: datetime, limit: datetime | None) -> list[Obligation]:
    """The obligations with their status; with ``limit``, only those overdue or due by then."""
    waived = _WaiverIndex([w for w in state.waivers if w.active_on(now.date())])
    covered = waived.covers if waived else None  # asked once, not for each of thousands of items
    overdue = Status.OVERDUE
    found: list[Obligation] = []
    append = found.append
    for check in CHECKS:
        for item in check(state, now):
            status = overdue if item.standing else classify(item.due, now, item.kind)
            if limit is not None and status is not overdue and item.due > limit:
                continue
            if covered is not None and covered(item):
                continue
            item.status = status
            append(item)
    return found


def steady_until(items: Iterable[Obligation], now: datetime) -> datetime:
    """Until when ``agenda(state, t, h)`` equals the agenda ``items`` computed at ``now`` for the
    same state and horizon, for every ``t`` from ``now`` up to (not including) the moment returned.

    Time alone changes an agenda only when it crosses the start of a day (the horizon, the waivers
    and the assignments in force, what «today» is) or one of its items' thresholds: its deadline
    (overdue from then on, and a consultation says so) or the start of its «pronto» window. The
    checks keep to that: none words a message or picks a deadline from the time of day itself
    (``tests/test_agenda_cache.py`` checks it on every profile's demo). This is what lets a
    computed agenda be kept and shown again (``store.agenda_cache``).
    """
    now = local(now)
    # Date-based deadlines expire at the last second of their day (``end_of_day``): the agenda is
    # kept until then, not until midnight, so that a deadline no item shows (a waived rotation
    # still named by a password finding) cannot flip unseen in that last second.
    until = end_of_day(now.date())
    if until <= now:
        until = start_of_day(now.date() + timedelta(days=1))
    for item in items:
        if item.standing:
            continue
        due = item.due
        if due > now:
            if due < until:
                until = due
            soon = due - SOON_WINDOWS.get(item.kind, DEFAULT_SOON)
            if now < soon < until:
                until = soon
    return until


SortKey = tuple[int, int, datetime, str, str, str, int, int]


def sort_key(item: Obligation) -> SortKey:
    """Status, an incident's notices first, due, kind, account, person; the account's and the
    person's ids last, so that items of two accounts or two namesakes never tie (``tui.core.agenda``
    merges a change's items into a kept agenda by this key, and must find the very place the sort
    gives them)."""
    account, person = item.account, item.person
    return row_sort_key(
        item.status,
        item.kind,
        item.due,
        account.ref if account else None,
        person.name if person else None,
        account.id if account else None,
        person.id if person else None,
    )


def row_sort_key(
    status: str,
    kind: str,
    due: datetime,
    account_ref: str | None,
    person_name: str | None,
    account_id: int | None,
    person_id: int | None,
) -> SortKey:
    """``sort_key`` of an item given by its values (a kept agenda's row: ``policy.rows.AgendaRow``)."""
    return (
        _STATUS_ORDER[Status(status)],
        _KIND_PRIORITY.get(kind, _DEFAULT_PRIORITY),
        due,
        kind,
        account_ref.lower() if account_ref else "",
        person_name or "",
        account_id or 0,
        person_id or 0,
    )


def agenda(state: State, now: datetime, horizon_days: int = 30) -> list[Obligation]:
    """The agenda as of ``now``: everything overdue plus what falls due by the end of the
    ``horizon_days``-th day after today.

    Raises UsageError when ``horizon_days`` is negative.
    """
    if horizon_days < 0:
        raise UsageError("Los días de anticipación no pueden ser negativos.")
    now = local(now)
    # Whole calendar days: deadlines expire at the end of their day, so «30 days» must reach
    # the end of the 30th day, and 0 still shows what falls due later today.
    limit = end_of_day(now.date() + timedelta(days=horizon_days))
    state = state.replace(agenda_until=limit)
    selected = _collect(state, now, limit)
    selected.sort(key=_sort_key_cached())
    return selected


def _sort_key_cached() -> Callable[[Obligation], SortKey]:
    """``sort_key``, with each account's lowered ``ref`` made once (thousands of items share a few
    per account): the same tuples, so the same order."""
    refs: dict[int, str] = {}
    status_order = _STATUS_ORDER
    priority = _KIND_PRIORITY.get

    def key(item: Obligation) -> SortKey:
        account, person, kind = item.account, item.person, item.kind
        ref = ""
        if account is not None:
            cached = refs.get(id(account))  # by identity: the state's accounts outlive the sort
            ref = cached if cached is not None else refs.setdefault(id(account), account.ref.lower())
        return (
            status_order[item.status],
            priority(kind, _DEFAULT_PRIORITY),
            item.due,
            kind,
            ref,
            person.name if person else "",
            account.id if account is not None else 0,
            person.id if person is not None else 0,
        )

    return key
