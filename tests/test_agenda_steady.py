"""``policy.engine.steady_until``: an agenda computed at one moment is the agenda of every later
moment up to the one it returns (what lets ``store.agenda_cache`` keep it).

Checked on the demo of each profile, at moments spread over six weeks around the
demos' clock, with hypothesis picking the moment and how far into its steady
span to look again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policy.clock import end_of_day, local, start_of_day
from policy.engine import agenda, steady_until
from policy.obligations import Obligation
from store.db import Store, open_store
from store.demo import build_demo
from store.state import load_state
from tests.conftest import NOW

PROFILES = ["ine", "iecm", "ieeags", "ieesonora"]


@pytest.fixture(scope="module")
def demos() -> Iterator[dict[str, Store]]:
    stores = {}
    for profile in PROFILES:
        store = open_store(":memory:", clock=lambda: NOW, author="pruebas")
        build_demo(store, profile, NOW)
        stores[profile] = store
    yield stores
    for store in stores.values():
        store.close()


def signature(items: list[Obligation]) -> list[tuple[Any, ...]]:
    return [
        (
            i.kind,
            i.status,
            i.due,
            i.message,
            i.rule,
            i.account.id if i.account else None,
            i.person.id if i.person else None,
            i.ref_id,
            i.standing,
            i.label,
        )
        for i in items
    ]


def agenda_at(store: Store, at: datetime) -> list[Obligation]:
    return agenda(load_state(store, at), at, 30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    profile=st.sampled_from(PROFILES),
    minutes=st.integers(min_value=-3 * 24 * 60, max_value=40 * 24 * 60),
    into=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
@example(profile="ine", minutes=0, into=0.9999999999999999)  # CI found it: the span's last microsecond
def test_the_agenda_holds_until_its_steady_moment(
    demos: dict[str, Store], profile: str, minutes: int, into: float
) -> None:
    store = demos[profile]
    first = local(NOW + timedelta(minutes=minutes))
    items = agenda_at(store, first)
    until = steady_until(items, first)
    assert first < until <= end_of_day(first.date()) + timedelta(seconds=1)
    # (a timedelta times a float rounds to the microsecond: «into» near 1 can land on ``until`` itself)
    later = min(first + (until - first) * into, until - timedelta(microseconds=1))
    assert signature(agenda_at(store, later)) == signature(items)
    last = until - timedelta(microseconds=1)
    assert signature(agenda_at(store, last)) == signature(items)


def test_a_deadline_inside_the_day_ends_the_steady_span(demos: dict[str, Store]) -> None:
    """Somewhere in the demos a deadline falls inside a day (a consultation's 48 hours): the span
    ends there, and just past it the agenda has changed."""
    store = demos["ine"]
    found = 0
    for hours in range(0, 24 * 10, 3):
        first = local(NOW + timedelta(hours=hours))
        items = agenda_at(store, first)
        until = steady_until(items, first)
        if until.time() in (end_of_day(first.date()).time(), datetime.min.time()):
            continue
        found += 1
        assert signature(agenda_at(store, until)) != signature(items)
    assert found > 0


def test_an_account_without_a_registration_date_has_a_steady_standing_finding(demos: dict[str, Store]) -> None:
    """Its standing findings start at the start of today, not at the moment of the run."""
    store = demos["ine"]
    first = local(NOW)
    state = load_state(store, first)
    stripped = state.replace(accounts=[a._replace(created_at=None) for a in state.accounts])
    morning = agenda(stripped, first, 30)
    evening = agenda(stripped.replace(), steady_until(morning, first) - timedelta(microseconds=1), 30)
    standing = [i for i in morning if i.standing and i.account is not None]
    assert standing
    assert any(i.due == start_of_day(first.date()) for i in standing)
    assert signature(morning) == signature(evening)
