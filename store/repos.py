"""One repository object per area on a Store (``store.accounts``…), created on first use.

A command pays only for the repositories it touches: ``resguardo bitacora
buscar`` never imports the profiles or the calendar (about 30 ms saved on a
command with a 150 ms budget). Add a repository by listing it in
``REPOSITORIES`` and annotating it on ``Store``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.db import Store

#: attribute on Store -> (module, class); each class takes the Store.
REPOSITORIES: dict[str, tuple[str, str]] = {
    "settings": ("store.settings", "Settings"),
    "accounts": ("store.accounts", "Accounts"),
    "people": ("store.accounts", "People"),
    "assignments": ("store.accounts", "Assignments"),
    "rotations": ("store.history", "Rotations"),
    "evaluations": ("store.history", "Evaluations"),
    "trainings": ("store.history", "Trainings"),
    "calendar": ("store.calendar", "Calendar"),
    "bitacora": ("store.bitacora", "Bitacora"),
    "incidents": ("store.incidents", "Incidents"),
    "credentials": ("store.credentials", "Credentials"),
    "events": ("store.workflows", "Events"),
    "consultations": ("store.workflows", "Consultations"),
    "information_requests": ("store.workflows", "InformationRequests"),
    "openings": ("store.workflows", "Openings"),
    "closings": ("store.workflows", "Closings"),
    "admin_changes": ("store.workflows", "AdminChanges"),
    "person_documents": ("store.workflows", "PersonDocuments"),
    "holiday_notices": ("store.workflows", "HolidayNotices"),
    "waivers": ("store.workflows", "Waivers"),
}


def create_repository(store: Store, name: str) -> Any:
    """Build the repository ``name`` for ``store``; AttributeError when there is none."""
    try:
        module_name, class_name = REPOSITORIES[name]
    except KeyError:
        raise AttributeError(f"Store has no repository {name!r}") from None
    repository = getattr(importlib.import_module(module_name), class_name)(store)
    setattr(store, name, repository)
    return repository


def attach_repositories(store: Store) -> None:
    """Attach the repositories that must exist from the start (those in REPOSITORIES are lazy)."""
