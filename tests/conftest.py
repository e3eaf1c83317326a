"""Shared fixtures: a fixed clock, a fresh in-memory store, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from policy.clock import ZONE
from store import open_store
from store.db import Store

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)

# The workbench reads the user's keymap (config.toml in the user's config folder): the tests read none,
# whatever the developer's own file says (a test that wants one points RESGUARDO_CONFIG at its own).
os.environ["RESGUARDO_CONFIG"] = str(Path(__file__).parent / "sin-configuracion.toml")
# No agenda prepared in a background process after a change (tests/test_agenda_prepare.py does it
# on purpose): a test's database must not be read by a process that outlives the test.
os.environ["RESGUARDO_PREPARAR"] = "0"

# CI runs the property tests on a fixed sequence of examples, so a submission lands or not on its
# own merits; a developer's runs keep drawing new examples (and find new cases).
if os.environ.get("CI"):
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True)
    _hypothesis_settings.load_profile("ci")


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def make_store():
    """Factory: a fresh in-memory store with a profile and a fixed clock."""
    opened: list[Store] = []

    def factory(profile: str | None = "ine", at: datetime = NOW) -> Store:
        store = open_store(":memory:", clock=lambda: at, author="pruebas")
        if profile:
            store.settings.set_profile(profile)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store) -> Store:
    return make_store("ine")


@dataclass
class Result:
    code: int
    out: str
    err: str


def make_runner(db: Path):
    """A function running the ``resguardo`` console script on ``db`` with the fixed clock."""
    env = {
        **os.environ,
        "RESGUARDO_DB": str(db),
        "RESGUARDO_NOW": NOW.isoformat(),
        "RESGUARDO_LOCK_TIMEOUT": "0.2",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "COLUMNS": "120",
    }
    env.pop("RESGUARDO_DEBUG", None)
    script = Path(sys.executable).with_name("resguardo")

    def run(*args: str, input: str | None = None, extra_env: dict[str, str] | None = None) -> Result:
        proc = subprocess.run(
            [str(script), *args],
            input=input,
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            timeout=60,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    run.db = db  # type: ignore[attr-defined]
    return run


@pytest.fixture
def cli(tmp_path: Path) -> Iterator:
    """Run the ``resguardo`` console script as a subprocess on a temporary database."""
    yield make_runner(tmp_path / "resguardo.db")


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The in-memory test keyring as keyring's backend, for the workbench (which asks keyring for it)."""
    import keyring
    from memory_keyring import MemoryKeyring  # as the workbench tests import it (tests/ on sys.path)

    monkeypatch.delenv("RESGUARDO_TEST_KEYRING", raising=False)
    monkeypatch.delenv("RESGUARDO_TEST_KEYRING_FAIL", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
