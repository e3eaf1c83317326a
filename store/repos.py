"""Attaches one repository object per area to a Store (``store.accounts``…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.db import Store


def attach_repositories(store: Store) -> None:
    from store.accounts import Accounts, Assignments, People
    from store.calendar import Calendar
    from store.history import Evaluations, Rotations, Trainings
    from store.settings import Settings
    from store.workflows import (
        AdminChanges,
        Closings,
        Consultations,
        Events,
        HolidayNotices,
        InformationRequests,
        Openings,
        PersonDocuments,
        Waivers,
    )

    store.settings = Settings(store)
    store.accounts = Accounts(store)
    store.people = People(store)
    store.assignments = Assignments(store)
    store.rotations = Rotations(store)
    store.evaluations = Evaluations(store)
    store.trainings = Trainings(store)
    store.calendar = Calendar(store)
    store.events = Events(store)
    store.consultations = Consultations(store)
    store.information_requests = InformationRequests(store)
    store.openings = Openings(store)
    store.closings = Closings(store)
    store.admin_changes = AdminChanges(store)
    store.person_documents = PersonDocuments(store)
    store.holiday_notices = HolidayNotices(store)
    store.waivers = Waivers(store)
