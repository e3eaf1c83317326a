"""What the rules remind the administrator of after an action: pure, a profile id in, Spanish out."""

from __future__ import annotations

#: Profiles whose password changes go through an office by official means, and the clause.
_PASSWORD_CHANGE_OFFICE = {
    "iecm": (
        "En el IECM el cambio de contraseñas se gestiona con la UTCSyD por vía oficial"
        " (Lineamientos §6.X, §6.XI y §11.1)"
    ),
}


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
