"""tui.core.agenda: the agenda for a horizon, one function for ``pendientes`` and Hoy."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW, make_runner
from workbench_helpers import build_demo_db

from policy.codes import Status
from policy.errors import UsageError
from store import open_store
from store.errors import NotFoundError
from tui.core.agenda import DEFAULT_HORIZON_DAYS, compute_agenda
from tui.workspace import Workspace


@pytest.fixture(scope="module")
def ine_db(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return build_demo_db(tmp_path_factory.mktemp("agenda") / "ine.db", "ine")


def test_the_defaults_are_now_and_thirty_days(ine_db: Path) -> None:
    with open_store(ine_db, clock=lambda: NOW) as store:
        found = compute_agenda(store)
        explicit = compute_agenda(store, at=NOW, horizon_days=30)
    assert DEFAULT_HORIZON_DAYS == 30
    assert found.now == NOW and found.horizon_days == 30
    assert [i.key for i in found.items] == [i.key for i in explicit.items]
    assert found.profile.id == "ine"
    limit = (NOW + timedelta(days=31)).replace(hour=0, minute=0)
    assert all(item.due < limit or item.status is Status.OVERDUE for item in found.items)
    assert found.count(Status.OVERDUE) + found.count(Status.DUE_SOON) + found.count(Status.UPCOMING) == len(found.items)


def test_a_longer_horizon_lists_more_and_a_negative_one_is_refused(ine_db: Path) -> None:
    with open_store(ine_db, clock=lambda: NOW) as store:
        near = compute_agenda(store, horizon_days=0)
        far = compute_agenda(store, horizon_days=365)
        with pytest.raises(UsageError, match="no pueden ser negativos"):
            compute_agenda(store, horizon_days=-1)
    assert 0 < len(near.items) < len(far.items)
    assert far.horizon_days == 365


def test_one_account_by_id_or_by_reference(ine_db: Path) -> None:
    with open_store(ine_db, clock=lambda: NOW) as store:
        everything = compute_agenda(store, horizon_days=365)
        account = next(item.account for item in everything.items if item.account is not None)
        by_id = compute_agenda(store, horizon_days=365, account=account.id)
        by_ref = compute_agenda(store, horizon_days=365, account=account.ref)
        with pytest.raises(NotFoundError):
            compute_agenda(store, account="x/@NoExiste")
    assert by_id.items and [i.key for i in by_id.items] == [i.key for i in by_ref.items]
    assert {i.account.id for i in by_id.items if i.account} == {account.id}
    assert by_id.accounts == everything.accounts  # the header still counts the institution


def test_hoy_and_pendientes_share_the_default_horizon(ine_db: Path) -> None:
    """No face holds its own 30: Hoy's agenda and ``pendientes`` without ``--dias`` are the same list."""
    hoy, _build = Workspace(ine_db, lambda: NOW).load()
    result = make_runner(ine_db)("pendientes", "--json")
    assert result.code == 0, result.err
    assert [o["key"] for o in json.loads(result.out)] == [i.key for i in hoy.items]
    assert hoy.horizon_days == DEFAULT_HORIZON_DAYS
    text = make_runner(ine_db)("pendientes")
    assert f"en los próximos {DEFAULT_HORIZON_DAYS} días" in text.out
