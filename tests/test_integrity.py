"""``store.integrity``: the record chain, keyed checkpoints, the witnesses, and a legitimate restore."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from store import integrity, open_store
from store.db import Store
from store.secrets import Secrets
from tests.conftest import NOW
from tests.memory_keyring import MemoryKeyring
from tests.test_integrity_cli import Runner, concurrent_appends, drop_triggers, recompute_chain

ROOT = Path(__file__).resolve().parent.parent


def compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture
def db(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "resguardo.db", clock=lambda: NOW, author="pruebas", create=True)
    store.settings.set_profile("ieeags")
    store.accounts.add(network="x", handle="@IEEAgs", email="redes@ieeags.mx")
    yield store
    store.close()


@pytest.fixture
def secrets(db: Store) -> Secrets:
    return Secrets(MemoryKeyring(), db.credentials.installation_id())


def append(store: Store, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        store.bitacora.append(kind="nota", text=f"Nota {n}")


def witness(store: Store) -> dict:
    path = integrity.witness_path(store.path)
    assert path is not None
    return json.loads(path.read_text("utf-8"))


# -- the recipes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        (1, "x", "@IEEAgs", None, 0, 1.5),
        ('texto con «comillas» " y \\ barra', "línea\nnueva\ttab", "emoji 🗳️", "\u2028", -7, 10**20),
        (b"\x00\xffbytes", None),
        (),
    ],
)
def test_the_row_recipe_is_compact_json(values):
    expected = compact(
        ["resguardo-registro/1", "accounts", *[{"blob": v.hex()} if isinstance(v, bytes) else v for v in values]]
    )
    assert integrity.row_canonical("accounts", *values) == expected
    assert integrity.row_digest("accounts", *values) == hashlib.sha256(expected.encode()).hexdigest()


def test_the_record_recipe_is_compact_json():
    for row_id in (3, "installation_id", "4:7"):
        expected = compact(["resguardo-registros/1", 12, "settings", row_id, "d" * 64, "p" * 64])
        assert integrity.record_canonical(12, "settings", row_id, "d" * 64, "p" * 64) == expected
        assert (
            integrity.record_hash(12, "settings", row_id, "d" * 64, "p" * 64)
            == hashlib.sha256(expected.encode()).hexdigest()
        )


def test_every_change_is_recorded_by_the_triggers(db):
    before = db.query_one("SELECT max(seq) FROM record_log")[0]
    db.accounts.update(1, area="Comunicación Social")
    rows = db.query("SELECT seq, tbl, row_id, digest FROM record_log WHERE seq > ? ORDER BY seq", (before,))
    assert [(r["tbl"], r["row_id"]) for r in rows] == [("accounts", 1)]
    current = db.conn.execute("SELECT * FROM accounts WHERE id = 1").fetchone()
    assert rows[0]["digest"] == integrity.row_digest("accounts", *current)
    db.calendar.remove_non_working(db.calendar.add_non_working(NOW.date(), NOW.date(), "Asueto").id)
    last = db.query("SELECT tbl, row_id, digest FROM record_log ORDER BY seq DESC LIMIT 2")
    assert [tuple(r) for r in last][0] == ("non_working_days", 1, "deleted")
    assert integrity.check_records(db.conn).problems == []


def test_every_agenda_table_is_covered(db):
    tables = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    uncovered = (
        tables
        - set(integrity.COVERED)
        - {
            "bitacora",
            "bitacora_zones",
            "record_log",
            "bitacora_checkpoints",
            "schema_migrations",
            # The keyring's to-do list of interrupted saves: it feeds no obligation, and every row
            # is gone once its save finishes (its outcome, the rotation, is covered).
            "pending_secrets",
            # The draft preflight's lists (candidate names, known words, hashtags, official links): they
            # tune a draft's review and feed no obligation.
            "preflight_lists",
        }
    )
    assert {t for t in uncovered if not t.startswith(("bitacora_fts", "sqlite_"))} == set()


# -- the migration ------------------------------------------------------------------------------


def test_a_version_5_database_gets_its_baseline(tmp_path, monkeypatch):
    from store import migrations

    path = tmp_path / "v5.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 5)
    old = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    old.settings.set_profile("ine")
    account = old.accounts.add(network="x", handle="@INEMexico", public=True)
    old.rotations.record(account, NOW, reason="Rotación periódica")
    old.consultations.add(account, subject="Cartel", sent_at=NOW)
    old.bitacora.append(kind="nota", text="Antes de la migración 7", account=account)
    present = {r[0] for r in old.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts = {t: old.query_one(f"SELECT count(*) FROM {t}")[0] for t in integrity.COVERED if t in present}
    old.close()
    monkeypatch.undo()
    upgraded = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    try:
        assert upgraded.query_one("PRAGMA user_version")[0] == migrations.LATEST_VERSION
        old_account_row = tuple(upgraded.query_one("SELECT public, private_messages FROM accounts"))
        recorded = {r[0]: r[1] for r in upgraded.query("SELECT tbl, count(*) FROM record_log GROUP BY tbl")}
        # Migration 7 records every row as it is; migration 9 adds a column to consultations, so
        # each consultation is recorded again with its new digest.
        expected = {t: n for t, n in counts.items() if n}
        expected["consultations"] = 2 * counts["consultations"]
        assert old_account_row == (-1, -1)  # migration 10: an old «sí» was the default, now unknown
        expected["accounts"] *= 2  # ... so that row is recorded again
        assert expected == recorded
        check = integrity.check_records(upgraded.conn)
        assert check.problems == [] and check.records == sum(expected.values())
        assert integrity.install(upgraded.conn) == 0  # nothing new to record: running it again is harmless
        assert integrity.verify(upgraded).ok
    finally:
        upgraded.close()


# -- checkpoints -----------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_with_the_keyring_key(db, secrets):
    append(db, 3)
    outcome = integrity.checkpoint(db, secrets)
    assert outcome.written and outcome.id == 1 and outcome.reason is None
    key = secrets.chain_key()
    assert key is not None and len(key) == 32
    (cp,) = integrity._checkpoints(db.conn)
    assert (cp.entry_id, cp.entries, cp.head_hash) == (3, 3, db.bitacora.seal().head)
    assert cp.mac == integrity.checkpoint_mac(key, cp)
    assert integrity.checkpoint_mac(b"\x00" * 32, cp) != cp.mac
    stored = json.loads(secrets.get(integrity.keyring_witness_name(secrets)))
    assert (stored["entries"], stored["checkpoint_id"], stored["head_hash"]) == (3, 1, cp.head_hash)
    # the key lives only in the keyring: not a byte of it in the database
    assert key.hex() not in Path(db.path).read_bytes().hex()


def test_a_checkpoint_never_blesses_a_tampered_database(db, secrets):
    append(db, 4)
    assert integrity.checkpoint(db, secrets).written
    append(db, 2, start=5)
    conn = sqlite3.connect(db.path, isolation_level=None)
    drop_triggers(conn, "bitacora")
    conn.execute("UPDATE bitacora SET text = 'Otra cosa' WHERE id = 2")
    recompute_chain(conn)
    conn.close()
    outcome = integrity.checkpoint(db, secrets)
    assert not outcome.written and outcome.reason == "la entrada 4 ya no es la del punto de control 1"
    assert len(integrity._checkpoints(db.conn)) == 1


def test_a_checkpoint_walks_a_bounded_stretch(db, secrets):
    append(db, 12)
    outcome = integrity.checkpoint(db, secrets, limit=10)
    assert not outcome.written and "hay 12 entradas desde el último punto de control" in (outcome.reason or "")
    assert integrity.checkpoint(db, secrets, limit=None).written


def test_without_the_chain_key_checkpoints_cannot_be_checked(db, secrets):
    append(db, 2)
    assert integrity.checkpoint(db, secrets).written
    other = Secrets(MemoryKeyring(), secrets.installation_id)  # another keyring: the key is not there
    outcome = integrity.checkpoint(db, other)
    assert not outcome.written and "no tiene la clave de la cadena" in (outcome.reason or "")
    report = integrity.verify(db, other)
    assert not report.ok and "el llavero no tiene la clave de la cadena" in report.problems[0]
    assert other.chain_key() is None  # no new key was made over the old checkpoints


# -- witnesses -------------------------------------------------------------------------------------


def test_the_witness_file_follows_each_commit(db):
    append(db, 2)
    data = witness(db)
    seal = db.bitacora.seal()
    assert (data["entries"], data["head_id"], data["head_hash"]) == (2, 2, seal.head)
    last = db.query_one("SELECT seq, hash FROM record_log ORDER BY seq DESC LIMIT 1")
    assert (data["records_seq"], data["records_head"]) == (last[0], last[1])
    assert data["installation"] == db.credentials.installation_id()
    path = integrity.witness_path(db.path)
    assert path is not None and path.name == "resguardo.db.testigo"
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_witness_ahead_of_the_database_is_kept(db):
    append(db, 3)
    ahead = witness(db)
    ahead["entries"] = ahead["head_id"] = 9
    path = integrity.witness_path(db.path)
    path.write_text(json.dumps(ahead), "utf-8")
    append(db, 1, start=4)
    assert witness(db)["entries"] == 9  # never replaced by a smaller count
    report = integrity.verify(db)
    assert not report.ok and "registra 9 y la bitácora tiene 4" in report.problems[0]


def test_the_witness_never_moves_back_under_concurrent_appenders(tmp_path):
    run = Runner(tmp_path)
    run.ok("iniciar", "--perfil", "ine")
    run.ok("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico")
    path = run.db.with_name(run.db.name + ".testigo")
    seen: list[tuple[int, int]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue  # replaced atomically: never half-written, but absent before the first append
            seen.append((data["entries"], data["records_seq"]))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        concurrent_appends(run, writers=4, each=60)
    finally:
        done.set()
        watcher.join()
    assert len(seen) > 10
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(seen, seen[1:], strict=False)), "moved back"
    final = json.loads(path.read_text("utf-8"))
    assert final["entries"] == 240
    store = open_store(run.db)
    try:
        assert integrity.verify(store).ok
    finally:
        store.close()


# -- a legitimate restore --------------------------------------------------------------------------


def backup(store: Store, name: str) -> Path:
    """A backup as ``store.backup`` makes one: SQLite's backup API, and a JSON manifest beside it."""
    folder = Path(store.path).resolve().parent / integrity.BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    target = folder / f"{name}.db"
    copy = sqlite3.connect(target)
    store.conn.backup(copy)
    copy.close()
    seal = store.bitacora.seal()
    manifest = {
        "format": "resguardo-respaldo/1",
        "source": str(Path(store.path).resolve()),
        "entries": seal.total,
        "head_id": seal.head_id,
        "head_hash": seal.head,
        "created_at": store.stamp(),
    }
    (folder / f"{name}.json").write_text(json.dumps(manifest), "utf-8")
    return target


def restore(path: Path, copy: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, path)


def test_a_backup_manifest_is_a_witness(db):
    append(db, 3)
    backup(db, "respaldo-1")
    path = integrity.witness_path(db.path)
    path.unlink()  # even without the witness file (and without a keyring)
    conn = sqlite3.connect(db.path, isolation_level=None)
    drop_triggers(conn, "bitacora")
    conn.execute("DELETE FROM bitacora WHERE id = 3")
    conn.close()
    report = integrity.verify(db)
    assert not report.ok
    assert report.problems[0] == (
        "Se eliminaron entradas al final de la bitácora: el respaldo respaldo-1 del 12/03/2026 10:00 registra 3"
        " y la bitácora tiene 2."
    )


def test_a_restore_then_rewitness_verifies(tmp_path):
    path = tmp_path / "resguardo.db"
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    store.settings.set_profile("ine")
    store.accounts.add(network="x", handle="@INEMexico")
    keyring = MemoryKeyring()
    secrets = Secrets(keyring, store.credentials.installation_id())
    append(store, 3)
    assert integrity.verify(store, secrets).ok
    older = backup(store, "respaldo-1")
    append(store, 4, start=4)
    assert integrity.verify(store, secrets).checkpoint_written == 2
    backup(store, "respaldo-2")
    store.close()

    restore(path, older)
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    try:
        refused = integrity.verify(store, secrets)  # before rewitness: the witnesses say 7
        assert not refused.ok and "registra 7 y la bitácora tiene 3" in refused.problems[0]
        integrity.rewitness(store, secrets)
        report = integrity.verify(store, secrets)
        assert report.ok, report.problems
        assert report.notices == [
            "El respaldo respaldo-2 (12/03/2026 10:00, 7 entradas) es de antes de la restauración del 12/03/2026 10:00."
        ]
        assert witness(store)["restored"]["entries"] == 7
        append(store, 1, start=100)
        assert integrity.verify(store, secrets).ok
    finally:
        store.close()


def test_a_restore_without_the_keyring_is_accepted_explicitly(tmp_path):
    path = tmp_path / "resguardo.db"
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    store.settings.set_profile("ine")
    secrets = Secrets(MemoryKeyring(), store.credentials.installation_id())
    append(store, 2)
    older = backup(store, "respaldo-1")
    append(store, 3, start=3)
    assert integrity.verify(store, secrets).ok  # the keyring's witness now says 5
    store.close()
    restore(path, older)
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    try:
        integrity.rewitness(store)  # the restore command had no keyring at hand
        assert integrity.verify(store).ok  # the file witness alone: consistent
        refused = integrity.verify(store, secrets)
        assert not refused.ok
        assert "el testigo del llavero del 12/03/2026 10:00 registra 5" in refused.problems[0]
        assert "--acepto-restauracion" in refused.problems[0]
        accepted = integrity.verify(store, secrets, accept_restore=True)
        assert accepted.ok and accepted.notices[0].startswith("Se acepta la restauración del 12/03/2026 10:00")
        assert integrity.verify(store, secrets).ok  # accepted once, for good
    finally:
        store.close()


def test_a_witness_of_another_database_is_ignored(tmp_path):
    path = tmp_path / "resguardo.db"
    store = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    store.settings.set_profile("ine")
    append(store, 3)
    store.close()
    for leftover in tmp_path.glob("resguardo.db*"):
        if not leftover.name.endswith(".testigo"):
            leftover.unlink()
    fresh = open_store(path, clock=lambda: NOW, author="pruebas", create=True)  # a new database under the old name
    try:
        fresh.settings.set_profile("ine")
        assert witness(fresh)["entries"] == 0
        assert integrity.verify(fresh).ok
    finally:
        fresh.close()


def test_memory_stores_have_no_witness_file(store):
    store.bitacora.append(kind="nota", text="En memoria")
    assert integrity.witness_path(store.path) is None
    assert integrity.verify(store).ok


def test_the_agenda_still_imports_nothing_heavy_after_a_write(tmp_path):
    """Writes now hash (the triggers), but only when something is written: ``pendientes`` reads."""
    run = Runner(tmp_path)
    run.ok("iniciar", "--perfil", "ine")
    run.ok("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico")
    code = (
        "import sys, contextlib, io, tui.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert tui.cli.main(['pendientes', '--json']) == 0\n"
        "print(sorted(m for m in ('hashlib', 'hmac', 'filelock') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=run.env, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"
    assert os.path.exists(str(run.db) + ".testigo")


def test_each_row_is_checked_through_the_index(db):
    """The lookup of a row's latest record is an index seek: a scan per row took 5 minutes at 2,000 accounts."""
    plan = " ".join(
        str(r[3])
        for r in db.conn.execute(
            'EXPLAIN QUERY PLAN SELECT (SELECT digest FROM record_log WHERE tbl = ? AND row_id = +(t."id")'
            " ORDER BY seq DESC LIMIT 1) FROM rotations t",
            ("rotations",),
        )
    )
    assert "record_log_row (tbl=? AND row_id=?)" in plan
    import inspect

    assert "row_id = +({key})" in inspect.getsource(integrity._table_mismatches)


def test_a_replaced_chain_trigger_is_caught(db):
    append(db, 1)
    conn = sqlite3.connect(db.path, isolation_level=None)
    conn.execute("DROP TRIGGER record_log_append_insert")
    conn.execute("CREATE TRIGGER record_log_append_insert INSTEAD OF INSERT ON record_log_append BEGIN SELECT 1; END")
    conn.close()
    problems = integrity.check_records(db.conn).problems
    assert problems == ["record_log_append_insert fue modificado fuera de resguardo."]


def test_the_schema_stays_small(db):
    """SQLite parses the whole schema on every open: the record triggers must not bloat it."""
    size = db.query_one("SELECT sum(length(sql)) FROM sqlite_master")[0]
    assert size < 50_000, size


def test_a_row_with_a_composite_key_deleted_in_sql_is_caught(db):
    person = db.people.add(name="Ana Pérez", rank="mando_medio")
    db.assignments.assign(db.accounts.get(1), person, "titular", NOW.date() - timedelta(days=30))
    db.admin_changes.record(person, "vacaciones", start=NOW.date(), until=NOW.date() + timedelta(days=3))
    assert db.query_one("SELECT count(*) FROM admin_change_assignments")[0] == 1
    conn = sqlite3.connect(db.path, isolation_level=None)
    drop_triggers(conn, "admin_change_assignments")
    conn.execute("DELETE FROM admin_change_assignments")
    conn.close()
    (problem,) = integrity.check_records(db.conn).problems[-1:]
    assert problem.startswith("La asignación del cambio de administración «1:1»") and "se eliminó" in problem
