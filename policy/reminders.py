"""What the rules remind the administrator of after an action: pure, a profile id in, Spanish out."""

from __future__ import annotations

from collections.abc import Iterable

#: Profiles whose password changes go through an office by official means, and the clause.
_PASSWORD_CHANGE_OFFICE = {
    "iecm": (
        "En el IECM el cambio de contraseñas se gestiona con la UTCSyD por vía oficial"
        " (Lineamientos §6.X, §6.XI y §11.1)"
    ),
}


#: Profiles whose accounts' e-mails, phones and user names change only through an office, and the clause.
_ACCOUNT_DATA_OFFICE = {
    "iecm": (
        "En el IECM los correos, teléfonos y nombres de usuario de las cuentas solo se modifican"
        " con la UTCSyD por vía oficial (Lineamientos §6.XI y §11.1)"
    ),
}
#: The account fields those clauses name.
_ROUTED_FIELDS = frozenset({"email", "phone", "handle"})


def account_data_reminder(profile_id: str, changed: Iterable[str]) -> str | None:
    """After an account's e-mail, phone or user name is edited, the reminder the profile owes
    (iecm §6.XI, §11.1 a–b: only through the UTCSyD by vía oficial). None otherwise; a sentence
    without the final period."""
    if _ROUTED_FIELDS.isdisjoint(changed):
        return None
    return _ACCOUNT_DATA_OFFICE.get(profile_id)


def oficio_reminder(profile_id: str, reference: str | None) -> str | None:
    """After a password change recorded without an oficio reference, the reminder the profile owes.

    iecm: changing a password without contacting the UTCSyD by official means
    is forbidden (§6.XI, §11.1) and the change itself goes through it (§6.X).
    None for the other profiles, or when a reference was recorded. A sentence
    without the final period, so each edge can say how to record the reference.
    """
    if reference and reference.strip():
        return None
    return _PASSWORD_CHANGE_OFFICE.get(profile_id)
