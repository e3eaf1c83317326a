"""The rules of the institution's records: what an account or a person may hold, and what follows a change.

Pure functions: the store persists what they accept; both faces reach them
through the core (``tui.core.records``). Messages are Spanish and name no
command-line option and no workbench key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final

from policy import validate
from policy.codes import AccountStatus, Network, Rank, Role, Verification
from policy.errors import UsageError
from policy.profile import Profile
from policy.records import Account

#: Roles one person at a time may hold on an account.
SINGLE_ROLES: Final = (Role.TITULAR, Role.SUPLENTE, Role.ENLACE)

#: The account fields a user may set, as the ``accounts`` table names them.
ACCOUNT_FIELDS: Final = (
    "network",
    "handle",
    "url",
    "area",
    "email",
    "email_generic",
    "phone",
    "status",
    "verification",
    "public",
    "private_messages",
    "opened_on",
)

_TEXT_NAMES: Final = {"url": "url", "area": "área", "phone": "teléfono"}


def bare_handle(handle: str) -> str:
    """A handle as the unique index compares it: no spaces, no leading '@', lower case."""
    return handle.strip().lstrip("@").lower()


def _string(value: object, field: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise UsageError(f"El campo «{field}» debe ser texto.")
    return value


def _text(value: object, field: str, *, required: bool = False, limit: int = validate.MAX_SHORT) -> str | None:
    return validate.text(_string(value, field), field, required=required, limit=limit)


def _choice(value: object, field: str, allowed: Iterable[str]) -> str:
    return validate.choice(str(value), field, allowed)


def clean_account_fields(fields: Mapping[str, object], today: date) -> dict[str, str | int | None]:
    """The columns of an account from what a user typed: checked, trimmed, in the table's terms.

    UsageError (Spanish) for an unknown field, a bad choice, an empty handle,
    a malformed e-mail or an opening date after ``today``.
    """
    clean: dict[str, str | int | None] = {}
    for key, value in fields.items():
        if key == "network":
            clean[key] = _choice(value, "red", [n.value for n in Network])
        elif key == "handle":
            handle = _text(value, "usuario", required=True)
            if not handle or not bare_handle(handle):  # the unique index ignores the '@': «@» alone is empty
                raise UsageError("El campo «usuario» no puede estar vacío.")
            clean[key] = handle
        elif key in _TEXT_NAMES:
            limit = validate.MAX_MEDIUM if key == "url" else validate.MAX_SHORT
            clean[key] = _text(value, _TEXT_NAMES[key], limit=limit)
        elif key == "email":
            clean[key] = validate.email(_string(value, "correo"))
        elif key == "status":
            clean[key] = _choice(value, "estado", [s.value for s in AccountStatus])
        elif key == "verification":
            clean[key] = _choice(value, "verificación", [v.value for v in Verification])
        elif key in ("public", "private_messages"):
            if value is None:
                continue  # unknown: not recorded (issue #13: iecm asks for it)
            clean[key] = 1 if value else 0
        elif key == "email_generic":
            clean[key] = 1 if value else 0
        elif key == "opened_on":
            if isinstance(value, date) and value > today:
                raise UsageError("La fecha de apertura está en el futuro.")
            clean[key] = value.isoformat() if isinstance(value, date) else None
        else:
            raise UsageError(f"Campo de cuenta desconocido: {key}.")
    return clean


def clean_person_name(name: str) -> str:
    """A person's name, trimmed; UsageError when empty or too long."""
    clean = validate.text(name, "nombre", required=True)
    assert clean is not None  # required: validate.text raised otherwise
    return clean


def clean_rank(rank: str) -> str:
    """One of the ranks of ``policy.codes.Rank``; UsageError otherwise."""
    return validate.choice(rank, "nivel", [r.value for r in Rank])


def clean_role(role: str) -> str:
    """One of the roles of ``policy.codes.Role``; UsageError otherwise."""
    return validate.choice(role, "rol", [r.value for r in Role])


def closed_refusal(account: Account) -> str | None:
    """Why nothing new may be recorded on ``account`` (it is closed), or None."""
    return f"La cuenta {account.ref} está dada de baja." if account.status == AccountStatus.CLOSED else None


def first_vacant_role(profile: Profile, held: Iterable[str]) -> str | None:
    """The first administration role of the profile nobody in ``held`` holds (what a new assignment proposes)."""
    taken = set(held)
    return next((role for role in profile.settings.admin_roles if role not in taken), None)


def rotation_advice(profile: Profile) -> str:
    """What the profile says about the password once someone stops administering an account."""
    if profile.settings.rotation_on_admin_change:
        return "Según el perfil, la contraseña debe cambiarse por este cambio de administración."
    if profile.settings.rotation_months:
        return "Se recomienda rotar la contraseña tras un cambio de administración."
    return ""
