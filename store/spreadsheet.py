"""The inventory of a spreadsheet, written to and read from the database.

``policy.spreadsheet`` reads and checks the CSV (and writes it); this module
persists the checked rows in one transaction, and reads the inventory back in
the same shape. ``tui.core.transfer`` joins the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from policy.clock import start_of_day
from policy.errors import ResguardoError
from policy.records import Assignment
from policy.spreadsheet import (
    COLUMNS,
    IMPORTED_EVALUATION_NOTE,
    IMPORTED_ROTATION_REASON,
    MULTI_SEPARATOR,
    ImportRowError,
    RowSpec,
)

if TYPE_CHECKING:
    from store.db import Store


@dataclass
class ImportSummary:
    accounts_created: int = 0
    accounts_updated: int = 0
    people_created: int = 0
    assignments_created: int = 0
    rotations_created: int = 0
    evaluations_created: int = 0


def import_rows(store: Store, rows: list[RowSpec], today: date) -> ImportSummary:
    """Write checked rows in one transaction (nothing is written if any row fails)."""
    summary = ImportSummary()
    with store.atomic():
        for spec in rows:
            try:
                _import_row(store, spec, today, summary)
            except ResguardoError as exc:
                raise ImportRowError(f"Línea {spec.line}: {exc.message}") from None
    return summary


def _import_row(store: Store, spec: RowSpec, today: date, summary: ImportSummary) -> None:
    fields = dict(spec.account)
    existing = store.accounts.find(fields["network"], fields["handle"])
    if existing is None:
        account = store.accounts.add(**fields)
        summary.accounts_created += 1
    else:
        changes = {k: v for k, v in fields.items() if k not in ("network", "handle")}
        changes = {k: v for k, v in changes.items() if getattr(existing, k) != v}
        account = store.accounts.update(existing.id, **changes) if changes else existing
        summary.accounts_updated += 1 if changes else 0
    current = [a for a in store.assignments.for_account(account.id) if a.active_on(today)]
    for role, person_spec in spec.people:
        person = store.people.find(person_spec.name)
        if person is None:
            person = store.people.add(name=person_spec.name, email=person_spec.email, rank=person_spec.rank)
            summary.people_created += 1
        elif (person_spec.email and person_spec.email.lower() != (person.email or "")) or (
            person_spec.rank and person_spec.rank != person.rank
        ):
            person = store.people.update(person.id, email=person_spec.email, rank=person_spec.rank)
        if any(a.role == role and a.person_id == person.id for a in current):
            continue
        store.assignments.assign(account, person, role, person_spec.since or today, historical=True)
        summary.assignments_created += 1
    if spec.last_rotation is not None:
        latest = store.rotations.for_account(account.id, limit=1)
        if not latest or latest[0].rotated_at.date() < spec.last_rotation:
            store.rotations.record(
                account,
                start_of_day(spec.last_rotation),
                reason=IMPORTED_ROTATION_REASON,
                historical=True,
            )
            summary.rotations_created += 1
    if spec.last_evaluation is not None:
        latest_eval = store.evaluations.history(account.id, limit=1)
        if not latest_eval or latest_eval[0].day < spec.last_evaluation:
            store.evaluations.record(account, spec.last_evaluation, note=IMPORTED_EVALUATION_NOTE, historical=True)
            summary.evaluations_created += 1


def export_rows(store: Store, today: date) -> list[dict[str, str]]:
    """The inventory in the import shape, one dict per account (current administrators)."""
    people = {p.id: p for p in store.people.list()}
    last_rotation = store.rotations.latest()
    last_evaluation = store.evaluations.latest()
    by_account: dict[int, dict[str, list[Assignment]]] = {}
    for item in sorted(store.assignments.all(), key=lambda a: (a.start, a.id)):
        if item.active_on(today):
            by_account.setdefault(item.account_id, {}).setdefault(item.role, []).append(item)

    def joined(values: list[str]) -> str:
        return MULTI_SEPARATOR.join(values) if any(values) else ""

    def yes_no(value: bool) -> str:
        return "sí" if value else "no"

    rows = []
    for acc in store.accounts.list():
        row = {column: "" for column in COLUMNS}
        row.update(
            {
                "red": acc.network,
                "usuario": acc.handle,
                "url": acc.url or "",
                "area": acc.area or "",
                "correo": acc.email or "",
                "correo_generico": yes_no(acc.email_generic),
                "telefono": acc.phone or "",
                "estado": acc.status,
                "verificacion": acc.verification,
                "publica": yes_no(acc.public),
                "mensajes_privados": yes_no(acc.private_messages),
                "apertura": acc.opened_on.isoformat() if acc.opened_on else "",
            }
        )
        for role, items in by_account.get(acc.id, {}).items():
            holders = [people[item.person_id] for item in items]
            row[role] = joined([person.name for person in holders])
            row[f"{role}_correo"] = joined([person.email or "" for person in holders])
            row[f"{role}_nivel"] = joined([person.rank or "" for person in holders])
            row[f"{role}_desde"] = joined([item.start.isoformat() for item in items])
        if acc.id in last_rotation:
            row["ultima_rotacion"] = last_rotation[acc.id].date().isoformat()
        if acc.id in last_evaluation:
            row["ultima_evaluacion"] = last_evaluation[acc.id].isoformat()
        rows.append(row)
    return rows
