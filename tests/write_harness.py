"""The kill-at-every-write harness of the write-path tests (``tests/test_*_writes.py``).

A command is run once with ``store.faults`` tracing its write points, then once per point on a
fresh copy of a template database, killed there; the caller's snapshot of the database must then
be the one from before the command or the one from after it, never a mix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from conftest import NOW

from store import faults

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = str(Path(sys.executable).with_name("resguardo"))
S = TypeVar("S")


def env(db: Path, **extra: str) -> dict[str, str]:
    """The command line's environment on ``db`` with the fixed clock (no fault injection inherited)."""
    made = {k: v for k, v in os.environ.items() if k not in (faults.ENV, faults.ENV_TRACE, "RESGUARDO_DEBUG")}
    made.update(RESGUARDO_DB=str(db), RESGUARDO_NOW=NOW.isoformat(), RESGUARDO_LOCK_TIMEOUT="30")
    made["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    made.update(extra)
    return made


def run(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], env=env(db, **extra), capture_output=True, text=True, encoding="utf-8", check=False
    )


def make_template(folder: Path, commands: Iterable[tuple[str, ...]]) -> Path:
    """A database in ``folder`` made by running ``commands`` in order (each must succeed)."""
    db = folder / "resguardo.db"
    for args in commands:
        done = run(db, *args)
        assert done.returncode == 0, (args, done.stderr)
    return db


def copy(template: Path, folder: Path) -> Path:
    """A copy of the template database (and the files beside it) in a new ``folder``."""
    folder.mkdir()
    for file in template.parent.iterdir():
        if file.is_file():
            shutil.copyfile(file, folder / file.name)
    return folder / template.name


def kill_at_every_write(template: Path, folder: Path, args: tuple[str, ...], snapshot: Callable[[Path], S]) -> None:
    """Run ``args`` traced, then killed at each of its write points on fresh copies: every copy's
    ``snapshot`` is the template's (nothing written) or the traced run's (all written)."""
    before = snapshot(template)
    traced = copy(template, folder / "traza")
    trace = folder / "traza.txt"
    done = run(traced, *args, **{faults.ENV_TRACE: str(trace)})
    assert done.returncode == 0, done.stderr
    after = snapshot(traced)
    assert after != before
    points = trace.read_text("utf-8").splitlines()
    assert points
    for number in range(1, len(points) + 1):
        db = copy(template, folder / f"corte-{number}")
        killed = run(db, *args, **{faults.ENV: f"kill:{number}"})
        assert killed.returncode == faults.KILLED_STATUS, (number, points[number - 1], killed.stderr)
        assert snapshot(db) in (before, after), (number, points[number - 1])
