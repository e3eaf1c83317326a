"""What happened and when: password rotations (never the secret), evaluations, trainings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from policy.clock import effective_moment
from policy.codes import EntryKind
from policy.entries.records import evaluation_recorded, rotation_recorded, training_recorded
from policy.errors import UsageError
from policy.institution import check_not_closed, history_fields
from policy.records import Account, Person
from store.db import among, from_db_datetime, to_db_datetime

if TYPE_CHECKING:
    from store.db import Store

T = TypeVar("T")


class Rotation(NamedTuple):
    id: int
    account_id: int
    rotated_at: datetime
    reason: str | None
    author: str | None
    reference: str | None


class DatedRecord(NamedTuple):
    """An evaluation (of an account) or a training (of a person)."""

    id: int
    subject_id: int
    day: date
    note: str | None
    author: str | None


class Rotations:
    def __init__(self, store: Store) -> None:
        self._store = store

    def record(
        self,
        account: Account,
        at: datetime,
        *,
        reason: str | None = None,
        author: str | None = None,
        reference: str | None = None,
        historical: bool = False,
    ) -> Rotation:
        """Record a rotation that happened at ``at`` (not in the future, not on a closed
        account unless ``historical``: an import recording the past)."""
        check_not_closed(account, historical=historical)
        clean_reason, clean_author, clean_reference = history_fields(
            at,
            self._store.now(),
            "fecha de la rotación",
            note=reason,
            author=author,
            default_author=self._store.author,
            reference=reference,
            note_field="motivo",
        )
        with self._store.atomic():
            rotation_id = self._store.insert(
                "rotations",
                {
                    "account_id": account.id,
                    "rotated_at": to_db_datetime(at),
                    "reason": clean_reason,
                    "author": clean_author,
                    "reference": clean_reference,
                    "created_at": self._store.stamp(),
                },
            )
            self._store.bitacora.append(
                kind=EntryKind.PASSWORD_CHANGE,
                account=account,
                occurred_at=at,
                author=clean_author,
                refs=[clean_reference] if clean_reference else (),
                text=rotation_recorded(account, rotation_id, clean_reason),
            )
        return self.get(rotation_id)

    def get(self, rotation_id: int) -> Rotation:
        row = self._store.query_one("SELECT * FROM rotations WHERE id = ?", (rotation_id,))
        assert row is not None
        return Rotation(
            id=row["id"],
            account_id=row["account_id"],
            rotated_at=from_db_datetime(row["rotated_at"]),
            reason=row["reason"],
            author=row["author"],
            reference=row["reference"],
        )

    def for_account(self, account_id: int, limit: int = 20) -> list[Rotation]:
        rows = self._store.query(
            "SELECT id FROM rotations WHERE account_id = ? ORDER BY rotated_at DESC, id DESC LIMIT ?",
            (account_id, limit),
        )
        return [self.get(r["id"]) for r in rows]

    def latest(self, accounts: Collection[int] | None = None) -> dict[int, datetime]:
        """account id -> latest rotation, for every account that has one (of ``accounts`` when given)."""
        # One index seek per account (the newest entry) instead of scanning every rotation.
        where, params = among("a.id", accounts)
        rows = self._store.rows(
            "SELECT a.id, (SELECT r.rotated_at FROM rotations r WHERE r.account_id = a.id"
            f" ORDER BY r.rotated_at DESC LIMIT 1) FROM accounts a WHERE {where}",
            params,
        )
        return _converted(rows, from_db_datetime)


def _converted(rows: list[tuple[Any, ...]], convert: Callable[[str], T]) -> dict[int, T]:
    """subject -> ``convert(text)`` for the rows (subject, text) whose text is set, each distinct
    text converted once: the latest dates of thousands of subjects fall on a few hundred days."""
    done: dict[str, T] = {}
    found: dict[int, T] = {}
    for subject, last in rows:
        if last:
            value = done.get(last)
            if value is None:
                value = done[last] = convert(last)
            found[subject] = value
    return found


class _DatedRecords:
    table = ""
    subject = ""
    subject_table = ""
    day_column = ""
    label = ""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _insert(
        self,
        subject_id: int,
        day: date,
        note: str | None,
        author: str | None,
        *,
        entry_kind: str,
        entry_account: Account | None,
        entry_text: Callable[[int, str | None], str],
        entry_refs: list[str] | None = None,
    ) -> DatedRecord:
        """Insert the record and its bitácora entry (``entry_text(record id, clean note)``) in one transaction."""
        clean_note, clean_author, _ = history_fields(
            day,
            self._store.now(),
            f"fecha de la {self.label}",
            note=note,
            author=author,
            default_author=self._store.author,
        )
        with self._store.atomic():
            record_id = self._store.insert(
                self.table,
                {
                    self.subject: subject_id,
                    self.day_column: day.isoformat(),
                    "note": clean_note,
                    "author": clean_author,
                    "created_at": self._store.stamp(),
                },
            )
            self._store.bitacora.append(
                kind=entry_kind,
                account=entry_account,
                occurred_at=effective_moment(day, self._store.now()),
                author=clean_author,
                text=entry_text(record_id, clean_note),
                refs=entry_refs or (),
            )
        return self.get(record_id)

    def _row(self, r: sqlite3.Row) -> DatedRecord:
        return DatedRecord(
            id=r["id"],
            subject_id=r[self.subject],
            day=date.fromisoformat(r[self.day_column]),
            note=r["note"],
            author=r["author"],
        )

    def get(self, record_id: int) -> DatedRecord:
        row = self._store.query_one(f"SELECT * FROM {self.table} WHERE id = ?", (record_id,))
        assert row is not None
        return self._row(row)

    def history(self, subject_id: int, limit: int = 20) -> list[DatedRecord]:
        rows = self._store.query(
            f"SELECT * FROM {self.table} WHERE {self.subject} = ? ORDER BY {self.day_column} DESC, id DESC LIMIT ?",
            (subject_id, limit),
        )
        return [self._row(r) for r in rows]

    def days_by_subject(self) -> dict[int, list[date]]:
        """subject id -> every recorded day, newest first (one query for all subjects)."""
        rows = self._store.query(
            f"SELECT {self.subject} AS subject, {self.day_column} AS day FROM {self.table}"
            f" ORDER BY {self.day_column} DESC, id DESC"
        )
        found: dict[int, list[date]] = {}
        for r in rows:
            found.setdefault(r["subject"], []).append(date.fromisoformat(r["day"]))
        return found

    def latest(self, subjects: Collection[int] | None = None) -> dict[int, date]:
        """subject id -> its newest date (of ``subjects`` when given), one index seek per subject."""
        where, params = among("s.id", subjects)
        rows = self._store.rows(
            f"SELECT s.id, (SELECT t.{self.day_column} FROM {self.table} t"
            f" WHERE t.{self.subject} = s.id ORDER BY t.{self.day_column} DESC LIMIT 1)"
            f" FROM {self.subject_table} s WHERE {where}",
            params,
        )
        return _converted(rows, date.fromisoformat)


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(ch in "0123456789abcdef" for ch in text)


class Evaluations(_DatedRecords):
    table, subject, day_column, label = "evaluations", "account_id", "evaluated_on", "evaluación"
    subject_table = "accounts"

    def record(
        self,
        account: Account,
        day: date,
        *,
        note: str | None = None,
        author: str | None = None,
        historical: bool = False,
        report_sha256: str | None = None,
    ) -> DatedRecord:
        """Record the evaluation of an account on ``day`` (closed accounts only if ``historical``).

        ``report_sha256``: the SHA-256 (64 hex digits) of the evaluation report, kept in the bitácora
        entry's text and references; UsageError when it is not one."""
        check_not_closed(account, historical=historical)
        if report_sha256 is not None and not _is_sha256(report_sha256):
            raise UsageError("El hash del informe debe ser un SHA-256: 64 dígitos hexadecimales.")
        return self._insert(
            account.id,
            day,
            note,
            author,
            entry_kind=EntryKind.EVALUATION,
            entry_account=account,
            entry_text=lambda record_id, clean_note: evaluation_recorded(
                account, day, record_id, clean_note, report_sha256
            ),
            entry_refs=[f"sha256:{report_sha256}"] if report_sha256 else None,
        )


class Trainings(_DatedRecords):
    table, subject, day_column, label = "trainings", "person_id", "trained_on", "capacitación"
    subject_table = "people"

    def record(self, person: Person, day: date, *, note: str | None = None, author: str | None = None) -> DatedRecord:
        """Record that ``person`` completed a training on ``day``."""
        return self._insert(
            person.id,
            day,
            note,
            author,
            entry_kind=EntryKind.TRAINING,
            entry_account=None,
            entry_text=lambda record_id, clean_note: training_recorded(person, day, record_id, clean_note),
        )
