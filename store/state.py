"""Loading everything the rules need in a handful of queries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING

from policy.clock import local
from policy.obligations import State
from policy.profile import Profile
from store.accounts import (
    ACCOUNT_COLUMNS,
    ASSIGNMENT_COLUMNS,
    PERSON_COLUMNS,
    accounts_from_rows,
    assignments_from_rows,
    people_from_rows,
)
from store.db import among

if TYPE_CHECKING:
    from store.db import Store


def calendar_years(profile: Profile, now: datetime, horizon_days: int = 400) -> tuple[int, int]:
    """The span of years whose holidays the rules can touch."""
    first = now.year - 1
    since = profile.settings.email_generic_since
    if since:
        first = min(first, date.fromisoformat(str(since)).year)
    last = now.year + 1 + horizon_days // 365
    return first, last


def load_state(
    store: Store,
    now: datetime,
    profile: Profile | None = None,
    accounts: Collection[int] | None = None,
    people: Collection[int] = (),
) -> State:
    """The institution's state for the engine, as of the records in the store.

    With ``accounts``, the state of those accounts only (``tui.core.agenda``'s patched agenda): their
    records, their assignments and the people these name, ``people`` or a pending administrator
    change names;
    what belongs to the whole institution (incidents, consultations and requests, closings, duties,
    waivers… a few dozen open ones) is read whole. Every check gives each of those accounts the
    items it gives it from the whole state, and each of ``people`` whose accounts are all among
    ``accounts`` the items it gives that person (``tests/test_agenda_patch.py``).

    Raises StoreError when the database has no profile yet.
    """
    profile = profile or store.settings.profile()
    first, last = calendar_years(profile, now)
    calendar = store.calendar.business_calendar(first, last)
    where, params = among("id", accounts)
    accounts_found = accounts_from_rows(
        store.rows(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {where} ORDER BY id", params)
    )
    where, params = among("account_id", accounts)
    assignments = assignments_from_rows(
        store.rows(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE {where} ORDER BY id", params)
    )
    admin_changes = store.admin_changes.unnotified()
    people_ids: set[int] | None = None
    if accounts is not None:
        people_ids = {a.person_id for a in assignments}
        people_ids.update(people)
        for change in admin_changes:
            people_ids.add(change.person_id)
            people_ids.update(change.successor_ids)
    where, params = among("id", people_ids)
    people_found = people_from_rows(store.rows(f"SELECT {PERSON_COLUMNS} FROM people WHERE {where}", params))
    return State(
        profile=profile,
        calendar=calendar,
        accounts=accounts_found,
        people=people_found,
        assignments=assignments,
        last_rotation=store.rotations.latest(accounts),
        last_evaluation=store.evaluations.latest(accounts),
        last_training=store.trainings.latest(people_ids),
        incident_notices=store.incidents.pending_notices(),
        credentials=store.credentials.all(accounts),
        second_factors=store.credentials.second_factors(accounts),
        consultations=store.consultations.pending(),
        information_requests=store.information_requests.open(),
        opening_requests=store.openings.in_progress(),
        closings=store.closings.incomplete(),
        admin_changes=admin_changes,
        person_documents=store.person_documents.on_record(people_ids),
        holiday_notices_done=frozenset(store.holiday_notices.done()),
        waivers=store.waivers.in_force(local(now).date()),
        duties=store.duties.pending(),
        last_post=store.bitacora.latest_post_by_account(accounts) if profile.has_rule("content_current") else None,
        # A consultation before publishing, or any entry of the account's bitácora (a post, an
        # answer, a moderation…), is evidence that the account is in use.
        other_activity={
            "consulta de pertinencia": store.consultations.latest_by_account(accounts),
            "entrada de la bitácora": store.bitacora.latest_by_account(accounts),
        },
    )
