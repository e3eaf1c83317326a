"""The deadline engine: state and a clock in, a sorted agenda out.

Each check is a pure function ``(state, now) -> iterable of Obligation``
registered in ``CHECKS``; the engine gives each obligation its status and
orders the agenda: overdue first, then due soon, then upcoming, each by date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from policy import checks, workflows
from policy.clock import local
from policy.errors import UsageError
from policy.model import Obligation, State, Status

Check = Callable[[State, datetime], Iterable[Obligation]]

CHECKS: list[Check] = [
    checks.rotation,
    checks.evaluation,
    checks.training,
    checks.missing_admin,
    checks.admin_rank,
    checks.email_domain,
    checks.email_generic,
    checks.handle_token,
    checks.public_account,
    checks.private_messages,
    checks.verification,
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


def classify(due: datetime, now: datetime, kind: str) -> Status:
    """``overdue`` once the deadline has passed, ``due_soon`` inside the kind's window."""
    if due <= now:
        return Status.OVERDUE
    if due - now <= SOON_WINDOWS.get(kind, DEFAULT_SOON):
        return Status.DUE_SOON
    return Status.UPCOMING


def obligations(state: State, now: datetime) -> list[Obligation]:
    """Every obligation the rules produce for ``state`` at ``now``, with its status.

    Obligations covered by a waiver in force on ``now``'s date are left out;
    they come back by themselves the day after the waiver ends.
    """
    now = local(now)
    today = now.date()
    waivers = [w for w in state.waivers if w.active_on(today)]
    found: list[Obligation] = []
    for check in CHECKS:
        for item in check(state, now):
            if waivers and any(w.covers(item) for w in waivers):
                continue
            status = Status.OVERDUE if item.standing else classify(item.due, now, item.kind)
            found.append(replace(item, status=status))
    return found


def sort_key(item: Obligation) -> tuple[int, datetime, str, str, str]:
    return (
        _STATUS_ORDER[item.status],
        item.due,
        item.kind,
        item.account.ref.lower() if item.account else "",
        item.person.name if item.person else "",
    )


def agenda(state: State, now: datetime, horizon_days: int = 30) -> list[Obligation]:
    """The agenda as of ``now``: everything overdue plus what falls due within the horizon.

    Raises UsageError when ``horizon_days`` is negative.
    """
    if horizon_days < 0:
        raise UsageError("Los días de anticipación no pueden ser negativos.")
    now = local(now)
    limit = now + timedelta(days=horizon_days)
    state = replace(state, agenda_until=limit)
    selected = [
        item
        for item in obligations(state, now)
        if item.status is Status.OVERDUE or item.due <= limit
    ]
    selected.sort(key=sort_key)
    return selected
