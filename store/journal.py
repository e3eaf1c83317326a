"""What the workflow repositories (store/events.py, store/consultations.py, store/openings.py…)
share: reading dates back from SQLite, the checks every operation makes before writing, and
the bitácora entry each change writes inside its own ``atomic()`` block.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from policy import validate
from policy.clock import start_of_day
from policy.codes import AccountStatus
from policy.records import Account
from store.db import from_db_datetime
from store.errors import ConflictError, UsageError

if TYPE_CHECKING:
    from store.db import Store


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def moment(text: str | None) -> datetime | None:
    return from_db_datetime(text) if text else None


def when(moment: datetime, now: datetime, field: str, after: datetime | None = None, after_label: str = "") -> None:
    validate.not_future(moment, now, field)
    if after is not None and moment < after:
        raise UsageError(
            f"La {field} ({moment.isoformat(timespec='minutes')}) es anterior a {after_label}"
            f" ({after.isoformat(timespec='minutes')})."
        )


def live(account: Account) -> None:
    if account.status == AccountStatus.CLOSED:
        raise ConflictError(f"La cuenta {account.ref} está dada de baja.")


def on_day(store: Store, day: date) -> datetime:
    """When a change recorded by its date happened, for the bitácora: the start of
    that day, or now when the day is today or later (the log records the past)."""
    return min(start_of_day(day), store.now())


def journal(
    store: Store,
    kind: str,
    text: str,
    *,
    account: Account | int | None = None,
    occurred_at: datetime | None = None,
    refs: tuple[str | None, ...] = (),
) -> None:
    """The bitácora entry of a workflow change; call it inside the change's ``atomic()`` block."""
    store.bitacora.append(
        kind=kind,
        text=text,
        account=account,
        occurred_at=occurred_at,
        refs=[r for r in refs if r],
    )
