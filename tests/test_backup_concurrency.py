"""Backups under fire: another process writing meanwhile, and kill -9 at random moments.

Issue #11's "done means": a backup taken while another process appends 500
entries verifies and restores with every entry committed before it began; a
killed ``respaldo crear`` or ``respaldo restaurar`` never damages the live
database nor leaves a half-written file under a backup's final name.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from store import backup as bk
from store.db import open_store

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("resguardo")
KILL_TRIES = 20

pytestmark = pytest.mark.skipif(os.name == "nt", reason="kill -9 and POSIX process control")

WRITER = textwrap.dedent(
    """
    import sys, time
    from store import open_store
    store = open_store(sys.argv[1], author="escritor", auto_backup=False)
    sys.stdout.write("listo\\n"); sys.stdout.flush()
    for n in range(500):
        store.bitacora.append(kind="nota", text=f"Entrada concurrente {n}")
        time.sleep(0.004)
    store.close()
    """
)


def _env(db: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "RESGUARDO_DB": str(db),
        "RESGUARDO_LOCK_TIMEOUT": "30",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "PYTHONPATH": str(ROOT),
        "RESGUARDO_LLAVERO": str(db.parent / "llavero-resguardo.json"),
    }
    for name in ("RESGUARDO_NOW", "RESGUARDO_DEBUG"):
        env.pop(name, None)
    return env


def _count(db: Path) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM bitacora").fetchone()[0])
    finally:
        conn.close()


def _hashes(db: Path, upto: int) -> list[str]:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return [r[0] for r in conn.execute("SELECT hash FROM bitacora WHERE id <= ? ORDER BY id", (upto,))]
    finally:
        conn.close()


def _state(db: Path) -> tuple[int, bool, str]:
    """(entries, chain verifies, integrity) of the live database, opened as resguardo opens it."""
    store = open_store(db, auto_backup=False)
    try:
        result = store.bitacora.verify()
        integrity = store.query_one("PRAGMA integrity_check")[0]  # type: ignore[index]
        return result.total, result.ok, str(integrity)
    finally:
        store.close()


def _database(path: Path, entries: int, text: str = "Nota") -> None:
    store = open_store(path, author="pruebas", create=True)
    try:
        store.settings.set_profile("ine")
        store.bitacora.append_many([{"kind": "nota", "text": f"{text} {n}"} for n in range(entries)])
    finally:
        store.close()


def test_a_backup_during_500_appends_verifies_and_restores_what_was_committed(tmp_path):
    db = tmp_path / "resguardo.db"
    _database(db, 10)
    env = _env(db)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "listo\n"
        while _count(db) < 60:
            time.sleep(0.01)
        committed_before = _count(db)
        made = subprocess.run([str(SCRIPT), "respaldo", "crear"], capture_output=True, text=True, env=env, timeout=120)
        after_backup = _count(db)
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    finally:
        if writer.poll() is None:
            writer.kill()
    assert made.returncode == 0, made.stderr
    total = _count(db)
    assert total == 510
    assert committed_before < after_backup < total, "the backup did not overlap the writes"
    (backup,) = sorted((tmp_path / "respaldos").glob("resguardo-*.db"))
    check = bk.verify_backup(backup)
    assert check.ok, check.problem
    assert check.contents is not None
    assert committed_before <= check.contents.entries <= after_backup
    assert _hashes(backup, committed_before) == _hashes(db, committed_before)

    restored = subprocess.run(
        [str(SCRIPT), "respaldo", "restaurar", str(backup)], capture_output=True, text=True, env=env, timeout=120
    )
    assert restored.returncode == 0, restored.stderr
    entries, ok, integrity = _state(db)
    assert ok and integrity == "ok"
    assert entries == check.contents.entries >= committed_before
    (aside,) = (tmp_path / "respaldos").glob("antes-de-restaurar-*.db")
    assert _count(aside) == 510
    assert _hashes(db, committed_before) == _hashes(aside, committed_before)


def _timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return time.perf_counter() - started


def _kill_at_random(argv: list[str], env: dict[str, str], duration: float, rng: random.Random) -> bool:
    """Run ``argv`` and SIGKILL it after a random delay; True when it was killed before finishing."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    # The first quarter is the interpreter starting: nothing to interrupt there.
    time.sleep(rng.uniform(0.25, 0.95) * duration)
    killed = proc.poll() is None
    proc.kill()
    proc.wait(timeout=60)
    return killed


def _final_names_are_whole(folder: Path) -> int:
    """Every file under a backup's final name verifies (the kill can only leave temporary files)."""
    names = list(folder.glob("*.db")) if folder.exists() else []
    for path in names:
        check = bk.verify_backup(path)
        assert check.ok, (path.name, check.problem)
    return len(names)


def test_killing_respaldo_crear_never_harms_anything(tmp_path):
    db = tmp_path / "resguardo.db"
    _database(db, 20_000, text="Entrada con algo de texto para que el archivo pese " * 3)
    env = _env(db)
    expected = _state(db)
    folder = tmp_path / "respaldos"
    argv = [str(SCRIPT), "respaldo", "crear"]
    duration = _timed(argv, env)
    shutil.rmtree(folder)
    rng = random.Random(11)
    killed = attempts = 0
    while killed < KILL_TRIES and attempts < 3 * KILL_TRIES:  # a loaded machine finishes some before the kill
        attempts += 1
        landed = _kill_at_random(argv, env, duration, rng)
        killed += landed
        if not landed:  # runs got faster than the first, timed one (a warm cache): aim earlier
            duration *= 0.8
        assert _state(db) == expected
        _final_names_are_whole(folder)
        for path in folder.glob("resguardo-*"):  # keep the disk small; temporary files stay
            path.unlink()
    assert killed >= KILL_TRIES // 2, killed
    assert expected == (20_000, True, "ok")


def test_killing_respaldo_restaurar_leaves_the_old_or_the_new_database(tmp_path):
    db = tmp_path / "resguardo.db"
    _database(db, 12_000, text="Entrada con algo de texto para que el archivo pese " * 3)
    env = _env(db)
    made = subprocess.run(
        [str(SCRIPT), "respaldo", "crear", str(tmp_path / "respaldo.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    store = open_store(db, auto_backup=False)
    store.bitacora.append_many([{"kind": "nota", "text": f"Posterior {n}"} for n in range(500)])
    store.close()
    pristine = tmp_path / "pristina.db"
    shutil.copyfile(db, pristine)
    folder = tmp_path / "respaldos"
    argv = [str(SCRIPT), "respaldo", "restaurar", str(tmp_path / "respaldo.db")]

    def reset() -> None:
        for leftover in (Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(pristine, db)
        shutil.rmtree(folder, ignore_errors=True)

    duration = _timed(argv, env)
    assert _state(db)[:2] == (12_000, True)
    rng = random.Random(12)
    outcomes: dict[int, int] = {}
    killed = attempts = 0
    while killed < KILL_TRIES and attempts < 3 * KILL_TRIES:  # a loaded machine finishes some before the kill
        attempts += 1
        reset()
        landed = _kill_at_random(argv, env, duration, rng)
        killed += landed
        if not landed:  # runs got faster than the first, timed one (a warm cache): aim earlier
            duration *= 0.8
        entries, ok, integrity = _state(db)
        assert ok and integrity == "ok"
        assert entries in (12_500, 12_000), entries
        outcomes[entries] = outcomes.get(entries, 0) + 1
        _final_names_are_whole(folder)
    assert killed >= KILL_TRIES // 2, killed
    assert outcomes.get(12_500), outcomes  # some kills landed before the swap
