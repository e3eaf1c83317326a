"""What the workflow repositories (store/events.py, store/consultations.py, store/openings.py…)
share: reading dates back from SQLite and the bitácora entry each change writes inside its own
``atomic()`` block. The checks each operation makes before writing are ``policy.workflows``'.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from policy.clock import effective_moment
from policy.records import Account
from store.db import from_db_datetime

if TYPE_CHECKING:
    from store.db import Store


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def moment(text: str | None) -> datetime | None:
    return from_db_datetime(text) if text else None


def on_day(store: Store, day: date) -> datetime:
    """When a change recorded by its date happened, for the bitácora (``policy.clock.effective_moment``)."""
    return effective_moment(day, store.now())


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
