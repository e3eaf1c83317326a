"""Notices to the public before non-working days, as recorded (marked done by period)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from policy.codes import EntryKind
from policy.entries import workflows as entries
from policy.workflows import HolidayPeriod, check_holiday_notice, holiday_notice_note
from store.journal import journal, on_day

if TYPE_CHECKING:
    from store.db import Store


class HolidayNotices:
    """Notices to the public before non-working days, marked done by period id (``YYYYMMDD``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def mark_done(self, period: HolidayPeriod, *, on: date, note: str | None = None) -> None:
        store = self._store
        clean_note = holiday_notice_note(on, store.now(), note)
        with store.atomic():
            row = store.query_one("SELECT done_on FROM holiday_notices WHERE id = ?", (period.id,))
            check_holiday_notice(period, date.fromisoformat(row["done_on"]) if row is not None else None)
            store.insert(
                "holiday_notices",
                {
                    "id": period.id,
                    "start_date": period.start.isoformat(),
                    "end_date": period.end.isoformat(),
                    "label": period.label,
                    "done_on": on.isoformat(),
                    "note": clean_note,
                    "author": store.author,
                    "created_at": store.stamp(),
                },
            )
            store.events.record("holiday_notice", period.id, "cumplido", to_state=on.isoformat())
            journal(
                store,
                EntryKind.NOTE,
                occurred_at=on_day(store, on),
                text=entries.holiday_notice_done(period.code, period.label, on, clean_note),
            )

    def done(self) -> dict[int, date]:
        rows = self._store.query("SELECT id, done_on FROM holiday_notices")
        return {r["id"]: date.fromisoformat(r["done_on"]) for r in rows}
