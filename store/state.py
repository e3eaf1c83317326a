"""Loading everything the rules need in a handful of queries."""

from __future__ import annotations

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


def load_state(store: Store, now: datetime, profile: Profile | None = None) -> State:
    """The institution's state for the engine, as of the records in the store.

    Raises StoreError when the database has no profile yet.
    """
    profile = profile or store.settings.profile()
    first, last = calendar_years(profile, now)
    calendar = store.calendar.business_calendar(first, last)
    accounts = accounts_from_rows(store.rows(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"))
    people = people_from_rows(store.rows(f"SELECT {PERSON_COLUMNS} FROM people"))
    assignments = assignments_from_rows(store.rows(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments ORDER BY id"))
    return State(
        profile=profile,
        calendar=calendar,
        accounts=accounts,
        people=people,
        assignments=assignments,
        last_rotation=store.rotations.latest(),
        last_evaluation=store.evaluations.latest(),
        last_training=store.trainings.latest(),
        incident_notices=store.incidents.pending_notices(),
        credentials=store.credentials.all(),
        second_factors=store.credentials.second_factors(),
        consultations=store.consultations.pending(),
        information_requests=store.information_requests.open(),
        opening_requests=store.openings.in_progress(),
        closings=store.closings.incomplete(),
        admin_changes=store.admin_changes.unnotified(),
        person_documents=store.person_documents.on_record(),
        holiday_notices_done=frozenset(store.holiday_notices.done()),
        waivers=store.waivers.in_force(local(now).date()),
        duties=store.duties.pending(),
        last_post=store.bitacora.latest_post_by_account() if profile.has_rule("content_current") else None,
        # A consultation before publishing, or any entry of the account's bitácora (a post, an
        # answer, a moderation…), is evidence that the account is in use.
        other_activity={
            "consulta de pertinencia": store.consultations.latest_by_account(),
            "entrada de la bitácora": store.bitacora.latest_by_account(),
        },
    )
