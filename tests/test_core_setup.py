"""tui.core.setup: the profile, the demo institution and the status, one rule for both faces."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW, make_runner

from store import open_store
from store.errors import ConflictError
from tui.core.setup import (
    DemoLoaded,
    NotEmptyError,
    ProfileInUseError,
    choose_profile,
    database_status,
    load_demo,
    profile_options,
)
from tui.screens.misc import describe_start
from tui.workspace import Workspace


def test_choosing_a_profile_materializes_its_holidays_and_is_idempotent(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=lambda: NOW, create=True) as store:
        assert database_status(store).initialized is False
        chosen = choose_profile(store, "ieeags")
        again = choose_profile(store, "ieeags")
        status = database_status(store)
        years = {row[0] for row in store.rows("SELECT DISTINCT substr(day, 1, 4) FROM official_holidays")}
    assert (chosen.profile.id, chosen.unchanged, again.unchanged) == ("ieeags", False, True)
    assert status.profile_id == "ieeags" and status.initialized and status.accounts == 0
    assert {"2025", "2026", "2027", "2028"} <= years


def test_changing_the_profile_needs_asking_for_it(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=lambda: NOW, create=True) as store:
        choose_profile(store, "ine")
        with pytest.raises(ProfileInUseError, match="ya usa el perfil ine") as refused:
            choose_profile(store, "iecm")
        assert isinstance(refused.value, ConflictError) and "--" not in refused.value.message
        assert store.settings.profile_id == "ine"
        assert choose_profile(store, "iecm", change=True).profile.id == "iecm"


def test_the_demo_goes_only_into_an_empty_database(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db", clock=lambda: NOW, create=True) as store:
        demo = load_demo(store, "ine")
        assert (demo.accounts, demo.people) == (store.accounts.count(), store.people.count())
        assert demo.accounts > 5 and demo.rotations > 5 and demo.profile.id == "ine"
        with pytest.raises(NotEmptyError, match="ya tiene datos"):
            load_demo(store, "ine")
    assert describe_start(demo) == (
        f"Institución de ejemplo cargada (INE): {demo.accounts} cuentas, {demo.people} personas."
    )
    assert [o.id for o in profile_options()] == ["ine", "ieeags", "ieesonora", "iecm"]


def test_both_faces_refuse_to_switch_the_profile_silently(tmp_path: Path) -> None:
    """The wizard's set-up used to overwrite any profile; ``iniciar`` refused without ``--cambiar``."""
    db = tmp_path / "a.db"
    run = make_runner(db)
    assert run("iniciar", "--perfil", "ine").code == 0
    refused = run("iniciar", "--perfil", "iecm")
    assert refused.code == 1
    assert refused.err == "resguardo: La base de datos ya usa el perfil ine; para cambiarlo use «--cambiar».\n"
    with pytest.raises(ProfileInUseError):
        Workspace(db, lambda: NOW).run(choose_profile, "iecm")
    with open_store(db) as store:
        assert store.settings.profile_id == "ine"


def test_both_faces_load_the_same_demo(tmp_path: Path) -> None:
    cli_db, workbench_db = tmp_path / "cli.db", tmp_path / "mesa.db"
    printed = make_runner(cli_db)("demo", "--perfil", "ieesonora")
    assert printed.code == 0, printed.err
    workspace = Workspace(workbench_db, lambda: NOW)
    workspace.create_database()
    loaded = workspace.run(load_demo, "ieesonora")
    assert isinstance(loaded, DemoLoaded)
    assert f"{loaded.accounts} cuentas, {loaded.people} personas, {loaded.rotations} rotaciones" in printed.out
    again = make_runner(cli_db)("demo", "--perfil", "ieesonora")
    assert again.err == (
        "resguardo: La base de datos ya tiene datos; la demostración solo se carga en una base vacía"
        " (use --db con otra ruta).\n"
    )
