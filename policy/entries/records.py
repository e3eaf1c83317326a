"""The bitácora's sentences for the institution's records: assignments, rotations, evaluations, trainings.

Pure functions of the facts of each change; the store writes what they return
inside the change's transaction. Each sentence is the one the bitácora has
always kept (users' logs and the tests read them): change a word here only
knowing that.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from policy.clock import format_date
from policy.records import Account, Assignment, Person

__all__ = [
    "assignment_started",
    "assignments_ended",
    "evaluation_recorded",
    "rotation_recorded",
    "training_recorded",
]


def assignment_started(person: Person, role: str, account: Account, start: date, assignment_id: int) -> str:
    """``person`` holds ``role`` on ``account`` from ``start`` (assignment ``assignment_id``)."""
    return (
        f"Se asignó a {person.name} como {role} de {account.ref}"
        f" a partir del {format_date(start)} (asignación {assignment_id})."
    )


def assignments_ended(person: Person, ended: Sequence[Assignment], account: Account, end: date) -> str:
    """Every assignment in ``ended`` (``person``'s on ``account``) ends on ``end``, their last day."""
    roles = " y ".join(item.role for item in ended)
    numbers = ", ".join(str(item.id) for item in ended)
    return (
        f"Terminó la asignación de {person.name} como {roles} de {account.ref};"
        f" su último día es el {format_date(end)} (asignación {numbers})."
    )


def rotation_recorded(account: Account, rotation_id: int, reason: str | None) -> str:
    """The password of ``account`` was changed (rotation ``rotation_id``), for ``reason`` when given."""
    why = f": {reason.rstrip('.')}" if reason else ""
    return f"Rotación de la contraseña de {account.ref} (rotación {rotation_id}){why}."


def _dated(subject: str, label: str, record_id: int, note: str | None) -> str:
    detail = f" {note.rstrip('.')}." if note else ""
    return f"{subject} ({label} {record_id}).{detail}"


def evaluation_recorded(
    account: Account, day: date, evaluation_id: int, note: str | None, report_sha256: str | None = None
) -> str:
    """``account`` was evaluated on ``day`` (evaluation ``evaluation_id``), with its note and, when the
    evaluation report was attached, the report file's SHA-256 (so the paper can be matched to the log)."""
    text = _dated(f"Evaluación de la cuenta {account.ref} del {format_date(day)}", "evaluación", evaluation_id, note)
    if report_sha256:
        text += f" Informe de evaluación adjunto, SHA-256 {report_sha256}."
    return text


def training_recorded(person: Person, day: date, training_id: int, note: str | None) -> str:
    """``person`` completed a training on ``day`` (training ``training_id``), with its note."""
    return _dated(f"Capacitación de {person.name} del {format_date(day)}", "capacitación", training_id, note)
