"""Field checks shared by the use cases and the repositories: Spanish messages, nothing half-valid."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal, overload

from policy.clock import format_date, local
from policy.errors import UsageError

MAX_SHORT = 200
MAX_MEDIUM = 1000
MAX_TEXT = 20000

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@overload
def text(value: str | None, field: str, *, required: Literal[True], limit: int = MAX_SHORT) -> str: ...


@overload
def text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_SHORT) -> str | None: ...


def text(value: str | None, field: str, *, required: bool = False, limit: int = MAX_SHORT) -> str | None:
    """Trim a text field; empty becomes None (or an error when required: then never None)."""
    if value is None:
        if required:
            raise UsageError(f"El campo «{field}» es obligatorio.")
        return None
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise UsageError(f"El campo «{field}» no puede estar vacío.")
        return None
    if len(cleaned) > limit:
        raise UsageError(f"El campo «{field}» excede {limit} caracteres ({len(cleaned)}).")
    if _CONTROL.search(cleaned):
        raise UsageError(f"El campo «{field}» contiene caracteres de control.")
    return cleaned


#: The largest integer SQLite stores: no record's id is larger.
MAX_ID = 2**63 - 1


def record_id(value: str) -> int | None:
    """The id ``value`` names (ASCII digits, at most MAX_ID), or None.

    ``"²".isdigit()`` is true but ``int("²")`` fails, and a number beyond 64 bits
    cannot reach SQLite: neither is an id.
    """
    digits = value.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits.lstrip("0")) > len(str(MAX_ID)):
        return None
    number = int(digits)
    return number if number <= MAX_ID else None


def too_big_id(value: str) -> bool:
    """ASCII digits naming a number no id can reach (see ``record_id``)."""
    digits = value.strip()
    return digits.isascii() and digits.isdigit() and record_id(digits) is None


def choice(value: str, field: str, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    cleaned = (value or "").strip().lower()
    if cleaned not in options:
        raise UsageError(f"Valor no válido para «{field}»: «{value}». Use uno de: {', '.join(options)}.")
    return cleaned


def email(value: str | None, field: str = "correo") -> str | None:
    cleaned = text(value, field)
    if cleaned is not None and not _EMAIL.match(cleaned):
        raise UsageError(f"El {field} «{cleaned}» no es una dirección de correo válida.")
    return cleaned.lower() if cleaned else None


def moment_shown(moment: datetime) -> str:
    """A moment inside a Spanish sentence: «23/11/2026 10:01» (local time), never ISO."""
    shown = local(moment)
    return f"{format_date(shown.date())} {shown:%H:%M}"


def not_future(moment: date | datetime, now: datetime, field: str = "fecha") -> None:
    """Refuse a record dated after ``now`` (a rotation cannot have happened tomorrow)."""
    if isinstance(moment, datetime):
        if moment > now:
            raise UsageError(f"La {field} ({moment_shown(moment)}) está en el futuro.")
    elif moment > now.date():
        raise UsageError(f"La {field} ({format_date(moment)}) está en el futuro.")


def happened(moment: datetime, now: datetime, field: str, after: datetime | None = None, after_label: str = "") -> None:
    """Refuse a moment in the future, or one before ``after`` (``after_label`` names it: «la de envío»)."""
    not_future(moment, now, field)
    if after is not None and moment < after:
        raise UsageError(f"La {field} ({moment_shown(moment)}) es anterior a {after_label} ({moment_shown(after)}).")
