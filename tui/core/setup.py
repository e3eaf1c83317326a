"""First run: the database's status, the institution's profile, the demo institution.

``iniciar`` and ``demo`` on the command line, the wizard and the first frame in
the workbench. The database must exist (the faces create it: ``iniciar`` and
``demo`` open it with ``create``, the wizard creates it as it opens).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from policy.profile import PROFILE_IDS, Profile, load_profile
from store.demo import build_demo
from store.errors import ConflictError
from store.state import calendar_years

if TYPE_CHECKING:
    from store.db import Store

__all__ = ["choose_profile", "database_status", "load_demo"]

ONE_SIDED: dict[str, str] = {
    "database_status": (
        "the workbench's first frame chooses between the wizard and Hoy from it; every command of the"
        " command line opens the database itself and says what is missing as an error"
    ),
}


class DatabaseStatus(NamedTuple):
    """What the first frame needs to know about the database."""

    path: str
    profile_id: str | None
    accounts: int
    people: int

    @property
    def initialized(self) -> bool:
        return self.profile_id is not None


class ProfileChosen(NamedTuple):
    """The profile the database uses now; ``unchanged`` when it already used it."""

    profile: Profile
    path: str
    unchanged: bool


class DemoLoaded(NamedTuple):
    """The demo institution just loaded: its profile and what it holds."""

    profile: Profile
    path: str
    accounts: int
    people: int
    rotations: int


class ProfileInUseError(ConflictError):
    """The database already uses another profile and the caller did not ask to change it."""

    def __init__(self, current: str) -> None:
        super().__init__(f"La base de datos ya usa el perfil {current}.")
        self.current = current


class NotEmptyError(ConflictError):
    """The demo institution only goes into a database without accounts or people."""

    def __init__(self) -> None:
        super().__init__("La base de datos ya tiene datos; la demostración solo se carga en una base vacía.")


class ProfileOption(NamedTuple):
    """One profile the wizard offers."""

    id: str
    short_name: str
    name: str


def profile_options() -> list[ProfileOption]:
    """The institution profiles resguardo knows, in the order offered (a read of policy, no database)."""
    profiles = [load_profile(pid) for pid in PROFILE_IDS]
    return [ProfileOption(p.id, p.short_name, p.name) for p in profiles]


def database_status(store: Store) -> DatabaseStatus:
    """The database's path, its profile (None before the first run) and how many accounts and people it has."""
    return DatabaseStatus(
        path=store.path,
        profile_id=store.settings.profile_id,
        accounts=store.accounts.count(),
        people=store.people.count(),
    )


def choose_profile(store: Store, profile_id: str, *, change: bool = False) -> ProfileChosen:
    """Make ``profile_id`` the institution's profile and materialize its holidays.

    Choosing the profile the database already uses changes nothing. A database
    with another profile keeps it unless ``change`` (ProfileInUseError, a
    ConflictError); UsageError for an unknown profile.
    """
    profile = load_profile(profile_id)
    current = store.settings.profile_id
    if current == profile_id:
        return ProfileChosen(profile, store.path, unchanged=True)
    if current is not None and not change:
        raise ProfileInUseError(current)
    store.settings.set_profile(profile_id)
    _prepare_calendar(store, profile)
    return ProfileChosen(profile, store.path, unchanged=False)


def load_demo(store: Store, profile_id: str) -> DemoLoaded:
    """Fill an empty database with the example institution of ``profile_id`` as of now.

    NotEmptyError (a ConflictError) when the database has accounts or people;
    UsageError for an unknown profile.
    """
    profile = load_profile(profile_id)
    if store.accounts.count() or store.people.count():
        raise NotEmptyError()
    counts = build_demo(store, profile.id, store.now())
    _prepare_calendar(store, profile)
    return DemoLoaded(profile, store.path, counts.accounts, counts.people, counts.rotations)


def _prepare_calendar(store: Store, profile: Profile) -> None:
    """Materialize the official holidays now, so that everyday commands never pay for it."""
    first, last = calendar_years(profile, store.now())
    store.calendar.ensure_years(first, last + 1)
