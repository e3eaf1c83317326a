"""The bitácora's sentences for duties (``policy.duties``): opened by a use case, fulfilled by an entry."""

from __future__ import annotations

from collections.abc import Sequence

from policy.entries.workflows import join_names
from policy.labels import office_with_article


def duties_opened(first_id: int, label: str, ref: str | None, subject: str, recipients: Sequence[str | None]) -> str:
    """«Aviso de asunto relevante 12 registrado en x/@IECM_DD05: «…». Por informar a: …»."""
    where = f" en {ref}" if ref else ""
    names = [office_with_article(r) for r in recipients if r]
    tail = f" Por atender: {join_names(names)}." if names else ""
    return f"{label[0].upper()}{label[1:]} {first_id} registrado{where}: «{subject.rstrip('.')}».{tail}"


def duty_fulfilled(duty_id: int, label: str, subject: str, recipient: str | None, note: str | None) -> str:
    """The text of the entry that fulfils a duty when the user gives none of their own."""
    to = f" ({office_with_article(recipient)})" if recipient else ""
    extra = f" {note.strip().rstrip('.')}." if note and note.strip() else ""
    return f"Cumplido el deber {duty_id}, {label}{to}: «{subject.rstrip('.')}».{extra}"
