"""The deadline engine: state and a clock in, a sorted agenda out.

Each check is a pure function ``(state, now) -> iterable of Obligation``
registered in ``CHECKS``; the engine gives each obligation its status and
orders the agenda: overdue first, then due soon, then upcoming, each by date;
incident notices head their group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from policy import checks, credentials
from policy.clock import end_of_day, local
from policy.errors import UsageError
from policy.model import Kind, Obligation, State, Status

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
    checks.incident_notice,
    credentials.weak_password,
    credentials.reused_password,
    credentials.no_password,
]

#: How close a deadline must be to count as ``due_soon``; kinds not listed use the default.
DEFAULT_SOON = timedelta(days=7)
SOON_WINDOWS: dict[str, timedelta] = {}

_STATUS_ORDER: Mapping[Status, int] = {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2}

#: Kinds that go before everything else of their status: an incident's notices
#: are due "tan pronto como" it is known, so they head the overdue list.
_KIND_PRIORITY: Mapping[str, int] = {Kind.INCIDENT_NOTICE: 0}
_DEFAULT_PRIORITY = 1


def classify(due: datetime, now: datetime, kind: str) -> Status:
    """``overdue`` once the deadline has passed, ``due_soon`` inside the kind's window."""
    if due <= now:
        return Status.OVERDUE
    if due - now <= SOON_WINDOWS.get(kind, DEFAULT_SOON):
        return Status.DUE_SOON
    return Status.UPCOMING


def obligations(state: State, now: datetime) -> list[Obligation]:
    """Every obligation the rules produce for ``state`` at ``now``, with its status."""
    now = local(now)
    found: list[Obligation] = []
    for check in CHECKS:
        for item in check(state, now):
            item.status = Status.OVERDUE if item.standing else classify(item.due, now, item.kind)
            found.append(item)
    return found


def sort_key(item: Obligation) -> tuple[int, int, datetime, str, str, str]:
    return (
        _STATUS_ORDER[item.status],
        _KIND_PRIORITY.get(item.kind, _DEFAULT_PRIORITY),
        item.due,
        item.kind,
        item.account.ref.lower() if item.account else "",
        item.person.name if item.person else "",
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
    selected = [
        item
        for item in obligations(state, now)
        if item.status is Status.OVERDUE or item.due <= limit
    ]
    selected.sort(key=sort_key)
    return selected
