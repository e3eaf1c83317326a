"""The bitácora: append-only storage, the hash chain, search, hooks and the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from policy.codes import EntryKind
from store import open_store
from store.bitacora import GENESIS, KINDS, canonical, entry_hash
from store.db import Store
from store.errors import NotFoundError, StoreError, UsageError
from store.migrations import ENTRY_KINDS
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def file_store(tmp_path: Path):
    """A store on a file (plain sqlite3 can then tamper with it)."""
    path = tmp_path / "bitacora.db"
    opened = open_store(path, clock=lambda: NOW, author="pruebas", create=True)
    opened.settings.set_profile("ine")
    yield opened
    opened.close()


def _account(store: Store, handle: str = "@INEMexico"):
    return store.accounts.add(network="x", handle=handle, email="redes@ine.mx")


def _fill(store: Store, count: int = 6) -> list[int]:
    account = _account(store)
    ids = []
    for n in range(count):
        entry = store.bitacora.append(
            kind="publicacion",
            text=f"Publicación número {n}",
            account=account,
            occurred_at=NOW - timedelta(hours=count - n),
        )
        ids.append(entry.id)
    return ids


def _tamper(path: str, *statements: str, params: tuple = ()) -> None:
    """Edit the file as an attacker would: plain sqlite3, triggers dropped."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER bitacora_no_update")
    conn.execute("DROP TRIGGER bitacora_no_delete")
    for sql in statements:
        conn.execute(sql, params if "?" in sql else ())
    conn.close()


def _count(store: Store) -> int:
    return store.bitacora.count()


# -- the chain ----------------------------------------------------------------


def test_kinds_agree_everywhere():
    assert KINDS == ENTRY_KINDS == tuple(k.value for k in EntryKind)


def test_schema_records_every_migration(store):
    from store.migrations import LATEST_VERSION, MIGRATIONS

    versions = [r["version"] for r in store.query("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [version for version, _, _ in MIGRATIONS]
    assert store.query_one("PRAGMA user_version")[0] == LATEST_VERSION
    assert versions == list(range(1, len(MIGRATIONS) + 1))  # numbered without gaps


def test_chain_links_each_entry_to_the_previous(store):
    _fill(store, 4)
    rows = store.query("SELECT * FROM bitacora ORDER BY id")
    assert rows[0]["prev_hash"] == GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["prev_hash"] == before["hash"]
    first = rows[0]
    expected = hashlib.sha256(
        json.dumps(
            [
                "resguardo-bitacora/1",
                first["id"],
                first["account_id"],
                first["kind"],
                first["occurred_at"],
                first["recorded_at"],
                first["author"],
                first["text"],
                first["refs"],
                first["corrects_id"],
                first["prev_hash"],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
    ).hexdigest()
    assert first["hash"] == expected
    result = store.bitacora.verify()
    assert result.ok and result.total == 4 and result.head == rows[-1]["hash"]


def test_empty_log_verifies(store):
    result = store.bitacora.verify()
    assert result.ok and result.total == 0 and result.head == GENESIS
    assert store.bitacora.seal().total == 0


def test_triggers_refuse_update_and_delete(file_store):
    _fill(file_store, 2)
    with pytest.raises(StoreError, match="(?i)la bitácora no admite cambios"):
        file_store.execute("UPDATE bitacora SET text = 'otra cosa' WHERE id = 1")
    with pytest.raises(StoreError):
        file_store.execute("DELETE FROM bitacora WHERE id = 1")
    raw = sqlite3.connect(file_store.path)
    with pytest.raises(sqlite3.IntegrityError, match="la bitácora no admite"):
        raw.execute("UPDATE bitacora SET author = 'x' WHERE id = 2")
    with pytest.raises(sqlite3.IntegrityError, match="la bitácora no admite"):
        raw.execute("DELETE FROM bitacora")
    raw.close()
    assert file_store.bitacora.get(1).text == "Publicación número 0"
    assert file_store.bitacora.verify().ok


def test_verify_detects_an_edited_text(file_store):
    _fill(file_store)
    _tamper(file_store.path, "UPDATE bitacora SET text = 'Publicación inofensiva' WHERE id = 3")
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == 3
    assert "La entrada 3 fue alterada" in result.message


def test_verify_detects_a_deleted_entry(file_store):
    _fill(file_store)
    _tamper(file_store.path, "DELETE FROM bitacora WHERE id = 4")
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == 5
    assert "Se eliminó al menos una entrada entre la 3 y la 5" in result.message


def test_verify_detects_a_deleted_first_entry(file_store):
    _fill(file_store)
    _tamper(file_store.path, "DELETE FROM bitacora WHERE id = 1")
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == 2


def test_verify_detects_a_reordered_pair(file_store):
    _fill(file_store)
    _tamper(
        file_store.path,
        "UPDATE bitacora SET id = -1 WHERE id = 3",
        "UPDATE bitacora SET id = 3 WHERE id = 4",
        "UPDATE bitacora SET id = 4 WHERE id = -1",
    )
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == 3
    assert "cambió de lugar" in result.message


def test_verify_detects_a_reordered_pair_keeping_the_ids(file_store):
    """Swapping the contents (not the ids) of two entries also breaks the chain."""
    _fill(file_store)
    rows = {r["id"]: r for r in file_store.query("SELECT * FROM bitacora WHERE id IN (3, 4)")}
    _tamper(
        file_store.path,
        "UPDATE bitacora SET text = ?, occurred_at = ?, hash = ?, prev_hash = ? WHERE id = 3",
        params=(rows[4]["text"], rows[4]["occurred_at"], rows[4]["hash"], rows[4]["prev_hash"]),
    )
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == 3


def test_verify_detects_an_inserted_entry(file_store):
    ids = _fill(file_store)
    second = file_store.bitacora.get(2)
    forged_id = ids[-1] + 1
    values = (
        forged_id,
        1,
        "nota",
        second.occurred_at,
        second.recorded_at,
        "intruso",
        "Entrada añadida",
        None,
        None,
        second.hash,
    )
    forged = (*values, entry_hash(*values))
    _tamper(
        file_store.path,
        "INSERT INTO bitacora (id, account_id, kind, occurred_at, recorded_at, author,"
        " text, refs, corrects_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params=forged,
    )
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == forged_id
    assert "se insertó o se reordenó" in result.message


def test_verify_detects_an_entry_inserted_in_the_middle(file_store):
    _fill(file_store)
    # Make room after entry 2 by renumbering the rest, then slip a well-formed entry in.
    second = file_store.bitacora.get(2)
    values = (
        3,
        1,
        "nota",
        second.occurred_at,
        second.recorded_at,
        "intruso",
        "Entrada añadida",
        None,
        None,
        second.hash,
    )
    _tamper(
        file_store.path,
        *[f"UPDATE bitacora SET id = {n + 1} WHERE id = {n}" for n in range(6, 2, -1)],
    )
    _tamper_insert(file_store.path, (*values, entry_hash(*values)))
    result = file_store.bitacora.verify()
    assert not result.ok and result.bad_id == 4
    assert "se insertó una entrada antes de la 4" in result.message


def _tamper_insert(path: str, row: tuple) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "INSERT INTO bitacora (id, account_id, kind, occurred_at, recorded_at, author, text, refs, corrects_id,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        row,
    )
    conn.close()


def test_seal_detects_a_rewritten_history(file_store):
    """Recomputing every hash after an edit fools verify, but not an outside anchor."""
    _fill(file_store)
    seal = file_store.bitacora.seal()
    assert seal.total == 6 and seal.head_id == 6
    assert file_store.bitacora.verify(seal.head).ok
    assert file_store.bitacora.verify(seal.head).anchor_id == 6
    rows = [dict(r) for r in file_store.query("SELECT * FROM bitacora ORDER BY id")]
    rows[1]["text"] = "Historia reescrita"
    prev = GENESIS
    statements = []
    for row in rows:
        row["prev_hash"] = prev
        row["hash"] = prev = hashlib.sha256(
            canonical(
                row["id"],
                row["account_id"],
                row["kind"],
                row["occurred_at"],
                row["recorded_at"],
                row["author"],
                row["text"],
                row["refs"],
                row["corrects_id"],
                row["prev_hash"],
            )
        ).hexdigest()
        statements.append((row["text"], row["prev_hash"], row["hash"], row["id"]))
    conn = sqlite3.connect(file_store.path, isolation_level=None)
    conn.execute("DROP TRIGGER bitacora_no_update")
    conn.executemany("UPDATE bitacora SET text = ?, prev_hash = ?, hash = ? WHERE id = ?", statements)
    conn.close()
    assert file_store.bitacora.verify().ok  # the chain alone cannot tell
    anchored = file_store.bitacora.verify(seal.head)
    assert not anchored.ok and "no contiene el sello" in anchored.message


def test_seal_still_holds_after_new_entries(store):
    _fill(store, 3)
    seal = store.bitacora.seal()
    store.bitacora.append(kind="nota", text="Después del sello")
    result = store.bitacora.verify(seal.head)
    assert result.ok and result.anchor_id == 3 and result.total == 4


def test_malformed_seal_is_a_usage_error(store):
    with pytest.raises(UsageError):
        store.bitacora.verify("no-es-un-hash")


# -- writing: bad input leaves nothing ------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "chisme", "text": "x"}, "tipo"),
        ({"kind": "nota", "text": "   "}, "texto"),
        ({"kind": "nota", "text": "a" * 20001}, "20000"),
        ({"kind": "nota", "text": "x", "occurred_at": NOW + timedelta(minutes=6)}, "futuro"),
        ({"kind": "correccion", "text": "x", "corrects": 999}, "no existe"),
        ({"kind": "correccion", "text": "x"}, "corrige"),
        ({"kind": "nota", "text": "x", "corrects": 1}, "correccion"),
        ({"kind": "nota", "text": "x", "refs": [""]}, "referencia"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(store, fields, message):
    _fill(store, 1)
    before = _count(store)
    with pytest.raises(UsageError, match=message):
        store.bitacora.append(**fields)
    assert _count(store) == before
    assert store.bitacora.verify().ok


def test_unknown_account_is_refused(store):
    with pytest.raises(NotFoundError):
        store.bitacora.append(kind="nota", text="x", account=42)
    assert _count(store) == 0


def test_text_of_exactly_20000_and_a_near_future_time_are_accepted(store):
    entry = store.bitacora.append(kind="nota", text="a" * 20000, occurred_at=NOW + timedelta(minutes=4))
    assert len(entry.text) == 20000


def test_correction_points_at_an_existing_entry(store):
    ids = _fill(store, 2)
    fix = store.bitacora.append(kind="correccion", text="La publicación 0 era la 1", corrects=ids[0])
    assert fix.corrects_id == ids[0]
    assert store.bitacora.get(ids[0]).text == "Publicación número 0"  # the original stays


def test_append_joins_the_callers_transaction(store):
    account = _account(store)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.atomic():
        store.bitacora.append(kind="nota", text="Se revierte", account=account)
        raise Boom
    assert _count(store) == 0


def test_append_many_chains_like_append(store):
    account = _account(store)
    store.bitacora.append(kind="nota", text="Primera")
    added = store.bitacora.append_many(
        {"kind": "publicacion", "text": f"Masiva {n}", "account_id": account.id} for n in range(20)
    )
    assert added == 20
    store.bitacora.append(kind="nota", text="Después")
    assert store.bitacora.verify().total == 22
    assert store.bitacora.verify().ok


def test_append_many_is_all_or_nothing(store):
    items = [{"kind": "nota", "text": "bien"}, {"kind": "nota", "text": ""}]
    with pytest.raises(UsageError):
        store.bitacora.append_many(items)
    assert _count(store) == 0


# -- search ---------------------------------------------------------------------


def test_search_folds_diacritics_and_case(store):
    account = _account(store)
    store.bitacora.append(kind="nota", text="Revisamos la BITÁCORA de la cuenta", account=account)
    store.bitacora.append(kind="cambio_contrasena", text="Se cambió la contraseña", account=account)
    store.bitacora.append(kind="nota", text="Nada que ver")
    assert [e.text for e in store.bitacora.search("bitacora")] == ["Revisamos la BITÁCORA de la cuenta"]
    assert [e.text for e in store.bitacora.search("contrasena")] == ["Se cambió la contraseña"]
    assert [e.text for e in store.bitacora.search("CONTRASEÑA cambio")] == ["Se cambió la contraseña"]
    assert [e.text for e in store.bitacora.search("contraseña rotacion")] == []  # every word must appear
    assert [e.text for e in store.bitacora.search("contraseña cambió")] == ["Se cambió la contraseña"]
    assert [e.text for e in store.bitacora.search("contras*")] == ["Se cambió la contraseña"]


def test_search_is_newest_first_with_filters_and_limit(store):
    ine = _account(store)
    other = _account(store, "@INEtelMX")
    for n in range(5):
        store.bitacora.append(
            kind="publicacion", text=f"Aviso {n} de jornada", account=ine, occurred_at=NOW - timedelta(days=5 - n)
        )
    store.bitacora.append(kind="respuesta", text="Aviso de jornada en otra cuenta", account=other)
    found = store.bitacora.search("jornada")
    assert [e.id for e in found] == sorted((e.id for e in found), reverse=True)
    assert len(store.bitacora.search("jornada", account_id=ine.id)) == 5
    assert [e.kind for e in store.bitacora.search("jornada", kind="respuesta")] == ["respuesta"]
    assert len(store.bitacora.search("jornada", limit=2)) == 2
    recent = store.bitacora.search("aviso", since=NOW - timedelta(days=2, hours=1), until=NOW - timedelta(days=1))
    assert [e.text for e in recent] == ["Aviso 4 de jornada", "Aviso 3 de jornada"]
    assert [e.id for e in store.bitacora.search(None, limit=3)] == [6, 5, 4]


def test_search_never_raises_an_fts_syntax_error(store):
    store.bitacora.append(kind="solicitud", text="Oficio recibido", refs=["INE/CNCS/123/2026"])
    assert len(store.bitacora.search("INE/CNCS/123/2026")) == 1
    for query in ('"', "AND", "OR NOT", "(", "a:b", "*", "NEAR(", "-x"):
        store.bitacora.search(query)


# -- hooks: the workflows write their entry in the same transaction ------------


def test_rotation_writes_its_entry(store):
    account = _account(store)
    store.rotations.record(account, NOW - timedelta(days=1), reason="Rotación periódica", reference="INE/45")
    (entry,) = store.bitacora.search(kind="cambio_contrasena")
    assert entry.account_id == account.id and "Rotación periódica" in entry.text
    assert entry.refs == ("INE/45",)
    assert entry.occurred == NOW - timedelta(days=1)


def test_rotation_and_its_entry_are_one_transaction(store, monkeypatch):
    account = _account(store)

    def broken(**kwargs):
        raise StoreError("falla simulada")

    monkeypatch.setattr(store.bitacora, "append", broken)
    with pytest.raises(StoreError):
        store.rotations.record(account, NOW)
    assert store.rotations.for_account(account.id) == []


def test_assignments_evaluations_and_trainings_write_entries(store):
    account = _account(store)
    person = store.people.add(name="Ana López Ruiz", rank="mando_medio")
    store.assignments.assign(account, person, "titular", date(2026, 1, 15))
    store.assignments.unassign(account, person, date(2026, 3, 1))
    store.evaluations.record(account, date(2026, 3, 2), note="Sin hallazgos")
    store.trainings.record(person, date(2026, 3, 3))
    kinds = [e.kind for e in store.bitacora.search(limit=10)]
    assert kinds == ["capacitacion", "evaluacion", "cambio_administrador", "cambio_administrador"]
    texts = " ".join(e.text for e in store.bitacora.search(limit=10))
    assert "Ana López Ruiz" in texts and "titular" in texts and "Sin hallazgos" in texts
    assert store.bitacora.verify().ok


def test_a_refused_assignment_writes_no_entry(store):
    account = _account(store)
    ana = store.people.add(name="Ana")
    luis = store.people.add(name="Luis")
    store.assignments.assign(account, ana, "titular", date(2026, 1, 1))
    before = _count(store)
    with pytest.raises(StoreError):
        store.assignments.assign(account, luis, "titular", date(2026, 2, 1))
    assert _count(store) == before


# -- concurrency ----------------------------------------------------------------


WRITER = textwrap.dedent(
    """
    import sys
    from store import open_store
    store = open_store(sys.argv[1], author=sys.argv[2])
    sys.stdout.write("listo\\n"); sys.stdout.flush()
    sys.stdin.readline()
    for n in range(500):
        store.bitacora.append(kind="nota", text=f"{sys.argv[2]} escribe la entrada {n}")
    store.close()
    """
)


def test_two_processes_appending_at_once_keep_the_chain(file_store):
    file_store.bitacora.append(kind="nota", text="Inicio")
    path = file_store.path
    env_extra = {"RESGUARDO_LOCK_TIMEOUT": "30"}
    import os

    env = {**os.environ, **env_extra, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, path, name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for name in ("uno", "dos")
    ]
    for proc in writers:  # both ready before either starts: they really overlap
        assert proc.stdout is not None and proc.stdout.readline() == "listo\n"
    for proc in writers:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    result = file_store.bitacora.verify()
    assert result.ok, result.message
    assert result.total == 1001
    authors = {
        r["author"]: r["n"] for r in file_store.query("SELECT author, count(*) AS n FROM bitacora GROUP BY author")
    }
    assert authors["uno"] == 500 and authors["dos"] == 500


# -- command line ---------------------------------------------------------------


def _setup_cli(cli) -> None:
    assert cli("iniciar", "--perfil", "ine").code == 0
    assert cli("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico", "--correo", "redes@ine.mx").code == 0


def test_cli_add_search_verify_seal(cli):
    _setup_cli(cli)
    added = cli(
        "bitacora",
        "agregar",
        "x/@INEMexico",
        "--tipo",
        "publicacion",
        "--texto",
        "Publicamos la convocatoria de la bitácora",
        "--ref",
        "https://x.com/INEMexico/status/1",
        "--fecha-hora",
        "2026-03-11T09:30",
    )
    assert added.code == 0, added.err
    assert "Entrada 1" in added.out
    piped = cli(
        "bitacora", "agregar", "-", "--tipo", "nota", "--texto", "-", input="Nota de la oficina\ncon dos líneas\n"
    )
    assert piped.code == 0, piped.err
    found = cli("bitacora", "buscar", "bitacora", "--json")
    assert found.code == 0, found.err
    (item,) = json.loads(found.out)
    assert {
        "id",
        "account",
        "kind",
        "text",
        "occurred_at",
        "recorded_at",
        "author",
        "refs",
        "hash",
        "prev_hash",
    } <= set(item)
    assert item["account"] == "x/@INEMexico" and item["refs"] == ["https://x.com/INEMexico/status/1"]
    assert item["occurred_at"] == "2026-03-11T15:30:00+00:00"
    office = json.loads(cli("bitacora", "buscar", "oficina", "--json").out)
    assert office[0]["account"] is None and office[0]["text"] == "Nota de la oficina\ncon dos líneas"
    human = cli("bitacora", "buscar", "--cuenta", "x/@INEMexico")
    assert human.code == 0 and "convocatoria" in human.out
    verified = cli("bitacora", "verificar")
    assert verified.code == 0 and "2 entradas" in verified.out
    seal = json.loads(cli("bitacora", "sello", "--json").out)
    assert seal["count"] == 2 and len(seal["head"]) == 64
    assert cli("bitacora", "verificar", "--sello", seal["head"]).code == 0


def test_cli_bad_input_exits_non_zero_and_writes_nothing(cli):
    _setup_cli(cli)
    cases = [
        (["bitacora", "agregar", "x/@INEMexico", "--tipo", "chisme", "--texto", "x"], 2, "tipo"),
        (["bitacora", "agregar", "x/@Nadie", "--tipo", "nota", "--texto", "x"], 1, "No existe la cuenta"),
        (["bitacora", "agregar", "1", "--tipo", "nota", "--texto", "  "], 2, "vacío"),
        (["bitacora", "agregar", "1", "--tipo", "nota", "--texto", "a" * 20001], 2, "20000"),
        (
            ["bitacora", "agregar", "1", "--tipo", "nota", "--texto", "x", "--fecha-hora", "2026-03-12T10:06"],
            2,
            "futuro",
        ),
        (["bitacora", "agregar", "1", "--tipo", "correccion", "--texto", "x", "--corrige", "7"], 2, "no existe"),
        (["bitacora", "buscar", "x", "--tipo", "chisme"], 2, "tipo"),
    ]
    for args, code, message in cases:
        result = cli(*args)
        assert result.code == code, (args, result.err)
        assert message in result.err and "Traceback" not in result.err
        assert result.err.count("\n") == 1
    assert "0 entradas" in cli("bitacora", "verificar").out


def test_cli_verify_names_the_altered_entry(cli):
    _setup_cli(cli)
    for n in range(3):
        assert cli("bitacora", "agregar", "1", "--tipo", "nota", "--texto", f"Entrada {n}").code == 0
    _tamper(str(cli.db), "UPDATE bitacora SET text = 'cambiada' WHERE id = 2")
    result = cli("bitacora", "verificar")
    assert result.code == 1
    assert "La entrada 2 fue alterada" in result.err


def test_cli_export_can_be_verified_elsewhere(cli, tmp_path):
    _setup_cli(cli)
    for n in range(3):
        args = ["bitacora", "agregar", "1", "--tipo", "nota", "--texto", f"Entrada «{n}»"]
        if n == 1:
            args += ["--ref", "INE/1", "--ref", "https://x.com/1"]
        assert cli(*args).code == 0
    out = tmp_path / "bitacora.json"
    assert cli("bitacora", "exportar", "--formato", "json", "--salida", str(out)).code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    prev = GENESIS
    for e in data["entries"]:
        refs = json.dumps(e["refs"], ensure_ascii=False, separators=(",", ":")) if e["refs"] else None
        payload = [
            data["format"],
            e["id"],
            e["account_id"],
            e["kind"],
            e["occurred_at"],
            e["recorded_at"],
            e["author"],
            e["text"],
            refs,
            e["corrects"],
            e["prev_hash"],
        ]
        digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
        assert digest == e["hash"] and e["prev_hash"] == prev
        prev = digest
    csv_out = cli("bitacora", "exportar", "--formato", "csv", "--tipo", "nota")
    rows = list(csv.DictReader(io.StringIO(csv_out.out)))
    assert [r["hash"] for r in rows] == [e["hash"] for e in data["entries"]]
    assert rows[1]["refs"] == '["INE/1","https://x.com/1"]'


def test_bitacora_command_does_not_import_the_workbench_or_the_profiles():
    code = (
        "import sys; from tui.cli import build_parser;"
        " build_parser(['bitacora', 'buscar']);"
        " import store.bitacora;"
        " print(sorted(m for m in ('textual', 'policy.profile', 'store.settings', 'sqlite_utils')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "text",
    ["simple", 'comillas " y \\ barra', "líneas\nnuevas\ty tabuladores\r", "emoji 🗳️ y ñ", "\u2028\u2029", "</script>"],
)
def test_canonical_is_exactly_compact_json(text):
    values = (
        7,
        None,
        "nota",
        "2026-03-12T16:00:00+00:00",
        "2026-03-12T16:00:01+00:00",
        'Ana "la" López',
        text,
        '["INE/1","https://x.com/1"]',
        3,
        GENESIS,
    )
    expected = json.dumps(["resguardo-bitacora/1", *values], ensure_ascii=False, separators=(",", ":")).encode()
    assert canonical(*values) == expected
    other = (8, 12, *values[2:8], None, "f" * 64)
    assert (
        canonical(*other)
        == json.dumps(["resguardo-bitacora/1", *other], ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_a_version_1_database_is_upgraded_to_the_bitacora(tmp_path, monkeypatch):
    from store import migrations

    path = tmp_path / "v1.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 1)
    old = open_store(path, clock=lambda: NOW, create=True)
    old.settings.set_profile("ine")
    old.accounts.add(network="x", handle="@INEMexico")
    old.close()
    monkeypatch.undo()
    upgraded = open_store(path, clock=lambda: NOW)
    try:
        assert upgraded.query_one("PRAGMA user_version")[0] == migrations.LATEST_VERSION == len(migrations.MIGRATIONS)
        upgraded.bitacora.append(kind="nota", text="Primera entrada tras actualizar", account=1)
        assert upgraded.bitacora.verify().ok
    finally:
        upgraded.close()


def test_the_verdict_agrees_in_number(store):
    _fill(store, 1)
    assert store.bitacora.verify().message == "Bitácora íntegra: 1 entrada."
    store.bitacora.append(kind="nota", text="Otra entrada", account=None, occurred_at=NOW)
    assert store.bitacora.verify().message == "Bitácora íntegra: 2 entradas."
