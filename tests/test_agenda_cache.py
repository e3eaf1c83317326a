"""The agenda kept beside the database (``store.agenda_cache``): shown again only while it holds.

What it depends on is checked one by one (the data, the clock, the code, the
file's own bytes), then from the command line as a user runs it: twice, after
a write, with a damaged or doctored file, from two processes at once, and
with a process killed while it keeps the agenda.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import zlib
from datetime import timedelta
from pathlib import Path

import pytest

from policy.clock import local
from policy.rows import agenda_rows
from store import agenda_cache
from store.db import Store, open_store
from store.demo import build_demo
from store.integrity import COVERED
from tests.conftest import NOW, make_runner
from tui.cli.agenda import agenda_json_text
from tui.core.agenda import DEFAULT_HORIZON_DAYS, agenda_listing, compute_agenda

PROFILES = ["ine", "iecm", "ieeags", "ieesonora"]


def demo_store(path: Path, profile: str = "ine") -> Store:
    store = open_store(str(path), clock=lambda: NOW, author="pruebas", create=True)
    build_demo(store, profile, NOW)
    # The first agenda of a database writes the years of official holidays it needs (a write:
    # nothing computed meanwhile is kept). Done here, as any earlier run would have.
    compute_agenda(store)
    return store


def fresh_json(store: Store) -> str:
    """The agenda computed from the database, no kept copy involved."""
    result = compute_agenda(store)
    return agenda_json_text(agenda_rows(result.items, result.profile)) + "\n"


@pytest.mark.parametrize("profile", PROFILES)
def test_every_table_the_agenda_reads_moves_a_chain_head(tmp_path: Path, profile: str) -> None:
    """The kept agenda is keyed by the bitácora's head and the record chain's head: every table the
    agenda reads must append to one of them when it changes, or a change could leave it stale."""
    store = demo_store(tmp_path / "r.db", profile)
    read: set[str] = set()

    def authorizer(action: int, table: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_READ and table:
            read.add(table)
        return sqlite3.SQLITE_OK

    statements: list[str] = []
    store.conn.set_authorizer(authorizer)
    store.conn.set_trace_callback(statements.append)  # each statement with its values written in
    agenda_listing(store, at=local(NOW))
    store.conn.set_authorizer(None)
    store.conn.set_trace_callback(None)
    assert {"accounts", "rotations", "bitacora"} <= read
    # bitacora has its own chain; record_log (and its view) the record chain; sqlite_master the schema
    uncovered = read - set(COVERED) - {"bitacora", "record_log", "record_log_append", "sqlite_master"}
    assert uncovered == set()
    # the tables whose changes the patched agenda passes over (tests/test_agenda_patch.py) are unread
    assert not read & agenda_cache.UNREAD_TABLES
    # the settings the key passes over are never read: each read of settings names its key
    settings = [s for s in statements if "settings" in s and "record_log" not in s]
    assert settings and all(re.search(r"FROM settings WHERE key = '[a-z_]+'", s) for s in settings), settings
    read_keys = {re.search(r"key = '([a-z_]+)'", s).group(1) for s in settings}  # type: ignore[union-attr]
    assert "profile" in read_keys and not read_keys & set(agenda_cache.UNREAD_SETTINGS)
    store.close()


def test_a_kept_agenda_is_the_computed_one_until_something_changes(tmp_path: Path) -> None:
    store = demo_store(tmp_path / "r.db")
    path = agenda_cache.cache_path(store.path)
    assert path is not None and not path.exists()
    first = agenda_listing(store)
    assert path.exists()
    kept = agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS)
    assert kept is not None and list(kept.rows) == list(first.rows)
    assert len(first.rows) > 30
    # the same moment, a later one within the steady span: the same rows, read from the file
    assert agenda_cache.read_kept(store, kept.steady_until - timedelta(seconds=1), DEFAULT_HORIZON_DAYS) is not None
    # past the span, before the moment it was computed, another horizon: not kept
    assert agenda_cache.read_kept(store, kept.steady_until, DEFAULT_HORIZON_DAYS) is None
    assert agenda_cache.read_kept(store, local(NOW) - timedelta(seconds=1), DEFAULT_HORIZON_DAYS) is None
    assert agenda_cache.read_kept(store, local(NOW), 7) is None
    # any write the agenda reads moves a head: the kept copy no longer holds
    due = next(r for r in first.rows if r.kind == "rotation" and r.account_id is not None)
    assert due.account_id is not None
    store.rotations.record(store.accounts.get(due.account_id), NOW, reason="prueba")
    assert agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS) is None
    after = agenda_listing(store)
    assert due.key in {r.key for r in first.rows} - {r.key for r in after.rows}
    assert agenda_json_text(after.rows) + "\n" == fresh_json(store)
    store.close()


def test_other_code_or_a_damaged_file_is_never_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = demo_store(tmp_path / "r.db")
    agenda_listing(store)
    path = agenda_cache.cache_path(store.path)
    assert path is not None
    good = path.read_bytes()
    assert agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS) is not None
    # an edited rule module (another stamp)
    monkeypatch.setattr(agenda_cache, "_stamp", (1, 2, 3))
    assert agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS) is None
    monkeypatch.undo()
    # one flipped byte anywhere, a torn (truncated) file, an empty one, foreign bytes
    for position in (0, len(agenda_cache.MAGIC) + 1, len(good) // 2, len(good) - 1):
        damaged = bytearray(good)
        damaged[position] ^= 0x20
        path.write_bytes(bytes(damaged))
        assert agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS) is None, position
    for blob in (good[: len(good) // 3], b"", b"SQLite format 3\x00" + b"\x00" * 100):
        path.write_bytes(blob)
        assert agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS) is None
    # a damaged file is simply replaced by the next run
    assert agenda_json_text(agenda_listing(store).rows) + "\n" == fresh_json(store)
    assert path.read_bytes() == good
    store.close()


def doctor(path: Path, old: str, new: str) -> None:
    """Change the kept agenda's text and give it a matching CRC: what an editor of the file could do."""
    blob = path.read_bytes()
    head = len(agenda_cache.MAGIC)
    body = blob[head + 12 :]
    assert old.encode("utf-8") in body
    # marshal stores short strings with their length: keep it
    assert len(old.encode("utf-8")) == len(new.encode("utf-8"))
    body = body.replace(old.encode("utf-8"), new.encode("utf-8"))
    path.write_bytes(agenda_cache.MAGIC + zlib.crc32(body).to_bytes(4, "big") + blob[head + 4 : head + 12] + body)


def test_from_the_command_line(tmp_path: Path) -> None:
    """Twice the same output (the second shown from the kept file), a write changes it, a doctored
    file is caught by ``bitacora verificar`` and discarded."""
    db = tmp_path / "r.db"
    demo_store(db).close()
    run = make_runner(db)
    kept = Path(f"{db}-agenda")
    first = run("pendientes", "--json")
    assert first.code == 0 and kept.exists()
    stamp = kept.stat().st_mtime_ns
    second = run("pendientes", "--json")
    assert second.out == first.out and kept.stat().st_mtime_ns == stamp  # read, not rewritten
    items = json.loads(first.out)
    store = open_store(str(db), clock=lambda: NOW)
    assert first.out == fresh_json(store)
    store.close()
    # one account's items, and the text output, from the kept agenda too
    ref = next(item["account"] for item in items if item["account"])
    only = run("pendientes", "--json", "--cuenta", ref)
    assert only.code == 0 and {i["account"] for i in json.loads(only.out)} == {ref}
    assert json.loads(only.out) == [i for i in items if i["account_id"] == json.loads(only.out)[0]["account_id"]]
    text = run("pendientes")
    assert text.code == 0 and "VENCIDOS" in text.out and kept.stat().st_mtime_ns == stamp
    # a write to one account: the kept rows patched with that account's (tests/test_agenda_patch.py)
    assert run("rotaciones", "registrar", ref, "--motivo", "prueba").code == 0
    third = run("pendientes", "--json")
    assert third.out != first.out and kept.stat().st_mtime_ns == stamp
    store = open_store(str(db), clock=lambda: NOW)
    assert third.out == fresh_json(store)
    store.close()
    # someone edits the kept file to hide what is overdue: shown until verified, then caught
    # (also when it is shown patched)
    message = next(i["message"] for i in json.loads(third.out) if i["account"] != ref)
    hidden = message[:-1] + ("X" if message[-1] != "X" else "Y")
    doctor(kept, message, hidden)
    assert hidden in run("pendientes", "--json").out
    check = run("bitacora", "verificar")
    assert check.code != 0
    assert "copia de la agenda" in check.out + check.err
    assert not kept.exists()
    assert run("pendientes", "--json").out == third.out
    assert run("bitacora", "verificar").code == 0


def test_two_processes_at_once_and_a_write_between(tmp_path: Path) -> None:
    """Several ``pendientes`` at once (some computing, some reading the kept file) all print the
    agenda the database gives, before and after a write made meanwhile."""
    db = tmp_path / "r.db"
    demo_store(db).close()
    run = make_runner(db)
    script = Path(sys.executable).with_name("resguardo")
    env = {**os.environ, "RESGUARDO_DB": str(db), "RESGUARDO_NOW": NOW.isoformat()}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    store = open_store(str(db), clock=lambda: NOW)
    before = fresh_json(store)
    refs = [r[0] for r in store.rows("SELECT network || '/' || handle FROM accounts ORDER BY id LIMIT 3")]
    store.close()
    states = [before]
    for ref in refs:
        readers = [
            subprocess.Popen([str(script), "pendientes", "--json"], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        assert run("rotaciones", "registrar", ref, "--motivo", "prueba").code == 0
        outputs = [reader.communicate(timeout=60)[0] for reader in readers]
        assert all(reader.returncode == 0 for reader in readers)
        store = open_store(str(db), clock=lambda: NOW)
        states.append(fresh_json(store))
        store.close()
        # each printed the agenda of the state before the write or after it, never a mix
        assert all(out in states[-2:] for out in outputs)
    assert len(set(states)) == len(states)
    assert run("pendientes", "--json").out == states[-1]
    assert run("pendientes", "--json").out == states[-1]


KILLER = """
import os, sys
import store.agenda_cache as cache
real = os.replace if sys.argv[1] == "replace" else None
def killed(*args, **kwargs):
    os._exit(9)
if sys.argv[1] == "replace":
    cache.os.replace = killed
else:
    real_fdopen = os.fdopen
    class Torn:
        def __init__(self, handle): self.handle = handle
        def __enter__(self): return self
        def __exit__(self, *a): return False
        def write(self, data):
            self.handle.write(data[: len(data) // 2]); self.handle.flush(); os._exit(9)
    cache.os.fdopen = lambda fd, mode: Torn(real_fdopen(fd, mode))
sys.argv = ["resguardo", "pendientes", "--json"]
from tui.cli import run
run()
"""


@pytest.mark.parametrize("where", ["write", "replace"])
def test_a_kill_while_keeping_the_agenda_loses_nothing(tmp_path: Path, where: str) -> None:
    db = tmp_path / "r.db"
    demo_store(db).close()
    run = make_runner(db)
    kept = Path(f"{db}-agenda")
    assert run("pendientes", "--json").code == 0
    good = kept.read_bytes()
    # a change to a setting: computed whole, then kept (a change to an account or a person would be
    # patched and not kept: tests/test_agenda_patch.py)
    assert run("ajustes", "fijar", "rotacion_meses", "4").code == 0
    env = {**os.environ, "RESGUARDO_DB": str(db), "RESGUARDO_NOW": NOW.isoformat(), "PYTHONPATH": str(Path.cwd())}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    killed = subprocess.run([sys.executable, "-c", KILLER, where], env=env, capture_output=True, timeout=60)
    assert killed.returncode == 9
    assert kept.read_bytes() == good  # the old copy, whole (it no longer holds: the data moved)
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".resguardo-agenda-")]
    assert len(leftovers) == 1  # swept later like the exports' (``store.files.sweep_stale_temp_files``)
    store = open_store(str(db), clock=lambda: NOW)
    expected = fresh_json(store)
    store.close()
    assert run("pendientes", "--json").out == expected
    assert run("pendientes", "--json").out == expected


def test_an_unwritable_folder_only_means_computing_each_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = demo_store(tmp_path / "r.db")

    def refused(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(agenda_cache.os, "replace", refused)
    assert agenda_json_text(agenda_listing(store).rows) + "\n" == fresh_json(store)
    assert not Path(f"{store.path}-agenda").exists()
    assert [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    store.close()


def test_an_agenda_of_another_date_is_not_kept(tmp_path: Path) -> None:
    """``--fecha`` asks about another moment: shown, never kept over the agenda of now."""
    store = demo_store(tmp_path / "r.db")
    agenda_listing(store)
    path = agenda_cache.cache_path(store.path)
    assert path is not None
    kept = path.read_bytes()
    other = agenda_listing(store, at=local(NOW) + timedelta(days=9))
    assert path.read_bytes() == kept
    assert other.rows != agenda_listing(store).rows
    store.close()


def exact(items: list) -> list[tuple]:  # type: ignore[type-arg]
    """Every field of each obligation with its type (a StrEnum equals its text: the type tells)."""
    return [
        (
            type(i.kind),
            i.kind,
            i.status,
            i.due,
            repr(i.due.tzinfo),
            i.rule,
            i.message,
            i.account,
            i.person,
            i.ref_id,
            i.standing,
            i.label,
        )
        for i in items
    ]


@pytest.mark.parametrize("profile", PROFILES)
def test_the_workbench_rebuilds_the_very_obligations_it_kept(tmp_path: Path, profile: str) -> None:
    """The workbench's first frame shows the kept agenda as obligations (its keys act on them):
    the same kinds, statuses, deadlines and account and person records the engine gives."""
    from tui.core.agenda import keep_agenda, recent_agenda

    store = demo_store(tmp_path / "r.db", profile)
    computed, key = recent_agenda(store)
    assert key is not None and computed.state is not None  # nothing kept yet: computed
    assert keep_agenda(store, computed, key)
    again, no_key = recent_agenda(store)
    assert no_key is None and again.state is None  # the kept one
    assert exact(list(again.items)) == exact(list(computed.items))
    assert all(a.status is b.status for a, b in zip(again.items, computed.items, strict=True))
    assert (again.now, again.horizon_days, again.accounts, again.open_incidents) == (
        computed.now,
        computed.horizon_days,
        computed.accounts,
        computed.open_incidents,
    )
    assert again.profile == computed.profile
    # a write to one account: never kept under the old key; patched from the kept agenda
    # (tests/test_agenda_patch.py) into the very obligations the engine gives
    account = computed.items[0].account or store.accounts.list()[0]
    store.evaluations.record(account, NOW.date(), note="prueba")
    assert not keep_agenda(store, computed, key)
    patched, no_key = recent_agenda(store)
    assert no_key is None and patched.state is None
    assert exact(list(patched.items)) == exact(list(compute_agenda(store).items))
    store.close()


def test_the_command_line_keeps_what_the_workbench_reads_and_the_reverse(tmp_path: Path) -> None:
    from tui.core.agenda import keep_agenda, recent_agenda

    store = demo_store(tmp_path / "r.db")
    listing = agenda_listing(store)  # kept by the command line
    agenda, key = recent_agenda(store)
    assert key is None and len(agenda.items) == len(listing.rows)
    agenda_cache.discard(store)
    computed, key = recent_agenda(store)
    assert key is not None and keep_agenda(store, computed, key)
    kept = agenda_cache.read_kept(store, local(NOW), DEFAULT_HORIZON_DAYS)
    assert kept is not None and list(kept.rows) == list(agenda_rows(computed.items, computed.profile))
    store.close()


def test_the_workbench_keeps_its_agenda_after_the_first_frame_and_starts_from_it(tmp_path: Path) -> None:
    """``Workspace.load``: the first start computes (and keeps the agenda once the other screens'
    tables are built, off the first frame); the next start shows the kept agenda, the same items."""
    from tui.workspace import Workspace

    db = tmp_path / "r.db"
    demo_store(db).close()
    workspace = Workspace(db, lambda: NOW)
    first, build = workspace.load()
    assert first.state is not None and not Path(f"{db}-agenda").exists()
    built = build()
    assert built.accounts and Path(f"{db}-agenda").exists()
    second, build_again = workspace.load()
    assert second.state is None  # the kept agenda
    assert exact(list(second.items)) == exact(list(first.items))
    # the tables of the other screens are the same, read from the database this time
    again = build_again()
    assert [a.account for a in again.accounts] == [a.account for a in built.accounts]


def test_a_kept_agenda_naming_a_record_it_lacks_is_computed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows the workbench could not make into obligations are never shown: an agenda whose rows name a
    record not given is not kept; a file whose first block is unsound is computed instead; one whose
    later block is unsound shows its first block, and the check after the first frame finds the rest
    (``settle_kept_agenda``): the file is removed and the agenda computed again."""
    from tui.core.agenda import _kept, recent_agenda, settle_kept_agenda

    monkeypatch.setattr(agenda_cache, "BLOCK_ROWS", 4)
    store = demo_store(tmp_path / "r.db")
    path = agenda_cache.cache_path(store.path)
    assert path is not None
    computed, key = recent_agenda(store)
    assert key is not None and len(computed.items) > 12
    accounts = {i.account.id: i.account for i in computed.items if i.account is not None}
    people = {i.person.id: i.person for i in computed.items if i.person is not None}
    # a record the rows name is missing: nothing kept
    dropped = dict(list(accounts.items())[1:])
    assert not agenda_cache.keep(store, key, _kept(computed), agenda_cache.KeptRecords(dropped, people))
    assert not agenda_cache.keep(store, key, _kept(computed), agenda_cache.KeptRecords(accounts, {}))
    assert not path.exists()
    # a record cut short (a file made elsewhere, with a good CRC): named in block 0, or only after it
    early = {i.account.id for i in computed.items[:4] if i.account is not None}
    later = next(i.account.id for i in computed.items[8:] if i.account is not None and i.account.id not in early)
    for bad, shown in ((min(early), False), (later, True)):
        cut = {**accounts, bad: accounts[bad][:3]}
        assert agenda_cache.keep(store, key, _kept(computed), agenda_cache.KeptRecords(cut, people))  # type: ignore[arg-type]
        again, again_key = recent_agenda(store)
        if not shown:
            assert again_key is not None and again.state is not None  # computed, not read back
            assert exact(list(again.items)) == exact(list(computed.items))
            continue
        assert again_key is None  # the first block is sound: shown
        assert exact(list(again.items[:4])) == exact(list(computed.items[:4]))
        with pytest.raises(agenda_cache.KeptAgendaDamaged):
            list(again.items)
        assert not settle_kept_agenda(store, again)
        assert not path.exists()
        assert recent_agenda(store)[1] is not None  # computed again
    assert agenda_cache.keep(store, key, _kept(computed), agenda_cache.KeptRecords(accounts, people))
    kept, no_key = recent_agenda(store)
    assert no_key is None and settle_kept_agenda(store, kept)
    assert exact(list(kept.items)) == exact(list(computed.items))
    store.close()
