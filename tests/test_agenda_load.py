"""The agenda's bulk loaders and shared engine pieces give what the one-record paths give.

The speed work of issue #17 replaced per-row conversions with loops that convert
each distinct date or moment once, and made the engine share what several checks
rebuilt; these tests hold them to the plain versions they replaced, on the demo
of each profile (``tests/test_parity.py`` and ``bench/check_same_output.sh``
compare the whole agenda).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from policy.checks import assignments_by_account, current_assignments, first_start_by_person
from policy.clock import add_months, end_of_day
from policy.credentials import reuse_groups
from policy.records import CredentialState
from store.accounts import (
    ACCOUNT_COLUMNS,
    ASSIGNMENT_COLUMNS,
    PERSON_COLUMNS,
    accounts_from_rows,
    assignments_from_rows,
    people_from_rows,
    row_to_account,
    row_to_assignment,
    row_to_person,
)
from store.credentials import _FACTOR_COLUMNS, _STATE_COLUMNS, _row_to_factor, _row_to_state
from store.db import from_db_datetime
from store.demo import build_demo
from store.state import load_state
from tests.conftest import NOW

PROFILES = ["ine", "iecm", "ieeags", "ieesonora"]


@pytest.fixture(params=PROFILES)
def demo(request, make_store):
    store = make_store(None)
    build_demo(store, request.param, NOW)
    # Credential states share moments and reasons (what the loader converts once) and one
    # account has none.
    ids = [r[0] for r in store.rows("SELECT id FROM accounts ORDER BY id")]
    store.execute("DELETE FROM credential_status")
    for n, account_id in enumerate(ids[:-1]):
        store.execute(
            "INSERT INTO credential_status (account_id, set_at, score, weak, reasons, fingerprint, source, author,"
            " checked_at) VALUES (?, ?, ?, ?, ?, ?, 'fijar', 'pruebas', ?)",
            (
                account_id,
                "2026-01-05T16:00:00+00:00" if n % 2 else "2025-07-01T15:30:00+00:00",
                n % 5,
                n % 3 == 0,
                ["", "short", "short,contains_handle", ""][n % 4],
                f"{n % 4:032x}",
                "2026-01-05T16:00:00+00:00",
            ),
        )
    return store


def test_bulk_loaders_build_the_same_records(demo):
    accounts = demo.rows(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id")
    assert len(accounts) > 5
    assert accounts_from_rows(accounts) == [row_to_account(r) for r in accounts]
    people = demo.rows(f"SELECT {PERSON_COLUMNS} FROM people")
    assert people_from_rows(people) == {r[0]: row_to_person(r) for r in people}
    assignments = demo.rows(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments ORDER BY id")
    assert any(r[5] for r in assignments) or demo.settings.profile().id != "iecm"
    assert assignments_from_rows(assignments) == [row_to_assignment(r) for r in assignments]
    states = demo.rows(f"SELECT {_STATE_COLUMNS} FROM credential_status")
    assert len(states) == len(accounts) - 1
    assert demo.credentials.all() == {r[0]: _row_to_state(r) for r in states}
    assert {s.reasons for s in demo.credentials.all().values()} == {(), ("short",), ("short", "contains_handle")}
    factors = demo.rows(f"SELECT {_FACTOR_COLUMNS} FROM second_factors")
    assert demo.credentials.second_factors() == {r[0]: _row_to_factor(r) for r in factors}


def test_latest_records_are_each_subjects_newest(demo):
    rotations: dict[int, str] = {}
    for account_id, moment in demo.rows("SELECT account_id, rotated_at FROM rotations"):
        rotations[account_id] = max(rotations.get(account_id, moment), moment)
    assert demo.rotations.latest() == {k: from_db_datetime(v) for k, v in rotations.items()}
    assert rotations
    for repository, table, subject, column in (
        (demo.evaluations, "evaluations", "account_id", "evaluated_on"),
        (demo.trainings, "trainings", "person_id", "trained_on"),
    ):
        newest: dict[int, str] = {}
        for key, day in demo.rows(f"SELECT {subject}, {column} FROM {table}"):
            newest[key] = max(newest.get(key, day), day)
        assert repository.latest() == {k: date.fromisoformat(v) for k, v in newest.items()}


def test_the_engines_shared_pieces_match_what_each_check_built(demo):
    state = load_state(demo, NOW)
    grouped: dict[int, list] = defaultdict(list)
    for item in state.assignments:
        grouped[item.account_id].append(item)
    assert assignments_by_account(state) == dict(grouped)
    assert assignments_by_account(state) is assignments_by_account(state)
    today = NOW.date()
    for roles in (None, ("titular", "suplente")):
        expected: dict[int, date] = {}
        for item, _acc in current_assignments(state, today):
            wanted = roles is None or item.role in roles
            if wanted and (item.person_id not in expected or item.start < expected[item.person_id]):
                expected[item.person_id] = item.start
        found = first_start_by_person(state, today, roles)
        assert found == expected
        assert list(found) == list(expected)  # the order the checks word them in
    assert first_start_by_person(state, today)
    assert end_of_day(add_months(date(2024, 1, 31), 1)).date() == date(2024, 2, 29)


def _reuse_reference(credentials, account_ids):
    by_print: dict[str, list[int]] = defaultdict(list)
    for account_id, cred in credentials.items():
        if account_id in account_ids and cred.fingerprint:
            by_print[cred.fingerprint].append(account_id)
    shared: dict[int, list[int]] = {}
    for ids in by_print.values():
        if len(ids) > 1:
            for account_id in ids:
                shared[account_id] = sorted(i for i in ids if i != account_id)
    return shared


@pytest.mark.parametrize("live", [set(range(1, 13)), {1, 2, 3, 4, 9, 10, 11}, {2, 3, 6, 10}, {5}, set()])
def test_reuse_groups_are_the_plain_grouping(live):
    moment = from_db_datetime("2026-01-05T16:00:00+00:00")
    prints = ["a", "b", "a", "", "c", "b", "a", "d", "", "e", "e", "c"]
    credentials = {
        12 - n: CredentialState(12 - n, moment, 3, fingerprint=fingerprint) for n, fingerprint in enumerate(prints)
    }
    found = reuse_groups(credentials, live)
    expected = _reuse_reference(credentials, live)
    assert found == expected
    assert list(found) == list(expected)
    if live == set(range(1, 13)):
        assert found[12] == [6, 10]  # «a» on 12, 10 and 6
