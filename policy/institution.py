"""The rules of the institution's records: what an account or a person may hold, and what follows a change.

Pure functions: the store persists what they accept; both faces reach them
through the core (``tui.core.records``). Messages are Spanish and name no
command-line option and no workbench key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Final, NamedTuple

from policy import validate
from policy.clock import format_date
from policy.codes import AccountStatus, Network, Rank, Role, Verification
from policy.errors import ConflictError, NotFoundError, UsageError
from policy.profile import Profile
from policy.records import Account, Assignment, Person

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


def check_not_closed(account: Account, *, historical: bool = False) -> None:
    """ConflictError when ``account`` is closed, unless ``historical`` (an import recording the past)."""
    refusal = None if historical else closed_refusal(account)
    if refusal:
        raise ConflictError(refusal)


def check_account_unique(existing: Account | None, account_id: int | None = None) -> None:
    """ConflictError when ``existing`` (the account with the same handle on the network) is
    another account than ``account_id`` (the one being edited; None for a new one)."""
    if existing is not None and existing.id != account_id:
        raise ConflictError(f"Ya existe la cuenta {existing.ref} (id {existing.id}).")


def check_person_unique(existing: Person | None) -> None:
    """ConflictError when a person with the same name (``existing``) is already registered."""
    if existing is not None:
        raise ConflictError(
            f"Ya existe una persona llamada «{existing.name}» (id {existing.id});"
            " distinga los nombres (por ejemplo, con el segundo apellido)."
        )


class RoleTaken(ConflictError):
    """Another person holds a single-holder role on the account: ``account_id`` and ``holder_id``
    let a face say how to end that assignment first (the command line names its command)."""

    def __init__(self, message: str, account_id: int, holder_id: int) -> None:
        super().__init__(message)
        self.account_id = account_id
        self.holder_id = holder_id


def check_assignment(
    account: Account,
    person: Person,
    role: str,
    start: date,
    assignments: Iterable[Assignment],
    holder_of: Callable[[int], Person],
    *,
    historical: bool = False,
) -> None:
    """May ``person`` hold ``role`` (already clean) on ``account`` from ``start``, given the
    account's ``assignments``? ``holder_of`` finds the person of another assignment.

    ConflictError when the account is closed (unless ``historical``) or the person already
    holds the role then; RoleTaken when someone else holds a single-holder role then.
    """
    check_not_closed(account, historical=historical)
    for current in assignments:
        if current.role != role or not (current.end is None or current.end >= start):
            continue
        if current.person_id == person.id:
            raise ConflictError(f"{person.name} ya es {role} de {account.ref} desde el {format_date(current.start)}.")
        if role in SINGLE_ROLES:
            if current.end is not None and current.end == start:
                continue  # a handover: the successor's first day may be the other's last day
            holder = holder_of(current.person_id)
            if current.end is not None:
                # the holder already leaves: the successor starts that day or later (never «desasígnelo»)
                raise ConflictError(
                    f"{account.ref} tiene {role} hasta el {format_date(current.end)}: {holder.name}."
                    f" La nueva asignación puede empezar ese día o después."
                )
            raise RoleTaken(
                f"{account.ref} ya tiene {role}: {holder.name}. Desasígnelo primero.", account.id, holder.id
            )


def ending_assignments(
    account: Account, person: Person, assignments: Iterable[Assignment], end: date
) -> list[Assignment]:
    """The current assignments of ``person`` among ``account``'s that end on ``end`` (their last day).

    NotFoundError when the person holds no current role there; UsageError when
    ``end`` is before one of them started.
    """
    current = [a for a in assignments if a.person_id == person.id and a.end is None]
    if not current:
        raise NotFoundError(f"{person.name} no está asignada a la cuenta {account.ref}.")
    for item in current:
        if end < item.start:
            raise UsageError(
                f"La fecha de término ({format_date(end)}) es anterior al inicio"
                f" de la asignación ({format_date(item.start)})."
            )
    return current


class HistoryFields(NamedTuple):
    """A rotation's, evaluation's or training's free fields, checked."""

    note: str | None
    #: who recorded it: the name given, else the session's author
    author: str
    reference: str | None


def history_fields(
    moment: date | datetime,
    now: datetime,
    field: str,
    *,
    note: str | None,
    author: str | None,
    default_author: str,
    reference: str | None = None,
    note_field: str = "nota",
) -> HistoryFields:
    """Check a record of the past dated ``moment`` (``field`` names its date in messages):
    not in the future; its note (``note_field``: a rotation's is its «motivo»), author and
    oficio trimmed and bounded."""
    validate.not_future(moment, now, field)
    clean_note = validate.text(note, note_field, limit=validate.MAX_MEDIUM)
    clean_author = validate.text(author, "autor") or default_author
    return HistoryFields(clean_note, clean_author, validate.text(reference, "oficio"))


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
