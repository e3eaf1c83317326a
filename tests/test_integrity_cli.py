"""``resguardo bitacora verificar`` catches what the bitácora's chain alone let through (issue 11).

Each test drives the console script in subprocesses, with the test keyring in
a JSON file (or the null keyring: no keyring at hand), and tampers with the file
as someone holding it would: plain sqlite3, triggers dropped, every hash
recomputed with the public recipe of docs/interfaces.md.

``RESGUARDO_INTEGRITY_CODE=<checkout>`` runs those subprocesses on another
checkout's code: that is how these tests were seen to fail on eb0f381, the
commit before ``store.integrity`` existed (they import nothing from it).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import NOW

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("RESGUARDO_INTEGRITY_CODE") or ROOT)
GENESIS = "0" * 64
NULL_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
ENTRY_COLUMNS = "id, account_id, kind, occurred_at, recorded_at, author, text, refs, corrects_id, prev_hash"


@dataclass
class Result:
    code: int
    out: str
    err: str


class Runner:
    """``resguardo`` as a subprocess on one database, with the test keyring in a JSON file."""

    def __init__(self, folder: Path) -> None:
        self.db = folder / "resguardo.db"
        self.keyring_file = folder / "keyring.json"
        self.env = {
            **os.environ,
            "RESGUARDO_DB": str(self.db),
            "RESGUARDO_NOW": NOW.isoformat(),
            "RESGUARDO_LOCK_TIMEOUT": "5",
            "PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring",
            "RESGUARDO_TEST_KEYRING": str(self.keyring_file),
            "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(CODE), str(ROOT)])),
            "COLUMNS": "200",
        }
        for name in ("RESGUARDO_DEBUG", "RESGUARDO_TEST_KEYRING_FAIL", "RESGUARDO_LLAVERO"):
            self.env.pop(name, None)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-c", "import sys; sys.argv[0] = 'resguardo'; from tui.cli import run; run()", *args]

    def __call__(self, *args: str, env: dict[str, str] | None = None, input: str = "") -> Result:
        proc = subprocess.run(
            self.command(*args),
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env, **(env or {})},
            timeout=120,
            start_new_session=True,
            cwd=self.db.parent,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def ok(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = self(*args, env=env)
        assert result.code == 0, (args, result.out, result.err)
        return result.out


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    runner = Runner(tmp_path)
    runner.ok("iniciar", "--perfil", "ieeags")
    runner.ok("cuentas", "agregar", "--red", "x", "--usuario", "@IEEAgs", "--correo", "redes@ieeags.mx")
    return runner


def add_entries(run: Runner, count: int, start: int = 1) -> None:
    for n in range(start, start + count):
        run.ok("bitacora", "agregar", "x/@IEEAgs", "--tipo", "nota", "--texto", f"Nota número {n}")


def raw(db: Path) -> sqlite3.Connection:
    """The file as another program opens it: no resguardo functions registered."""
    return sqlite3.connect(db, isolation_level=None)


def drop_triggers(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop every trigger on ``table``; returns their CREATE statements."""
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchall()
    for name, _ in found:
        conn.execute(f"DROP TRIGGER {name}")
    return [sql for _, sql in found]


def recompute_chain(conn: sqlite3.Connection) -> str:
    """Rehash every entry with the public recipe (as someone without the keyring can); returns the head."""
    prev = GENESIS
    for row in conn.execute(f"SELECT {ENTRY_COLUMNS} FROM bitacora ORDER BY id").fetchall():
        values = [*row[:9], prev]
        payload = json.dumps(["resguardo-bitacora/1", *values], ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(payload.encode()).hexdigest()
        conn.execute("UPDATE bitacora SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
        prev = digest
    return prev


def rewrite_witness_file(run: Runner) -> None:
    """Make the witness file agree with the tampered database (it is a plain file: anyone can)."""
    path = run.db.with_name(run.db.name + ".testigo")
    if not path.exists():
        return
    data = json.loads(path.read_text("utf-8"))
    conn = raw(run.db)
    last = conn.execute("SELECT id, hash FROM bitacora ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    data.update(entries=last[0], head_id=last[0], head_hash=last[1])
    path.write_text(json.dumps(data), "utf-8")


def refused(result: Result, *phrases: str) -> None:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err and "error inesperado" not in result.err
    for phrase in phrases:
        assert phrase in result.out + result.err, (phrase, result.out, result.err)
    assert "íntegra" not in result.out


# -- truncation and an emptied log: the witnesses ------------------------------------


def test_deleting_the_last_entries_is_caught_without_a_seal_nor_a_keyring(run):
    add_entries(run, 5)
    conn = raw(run.db)
    drop_triggers(conn, "bitacora")
    conn.execute("DELETE FROM bitacora WHERE id > 3")
    conn.close()
    result = run("bitacora", "verificar", env=NULL_KEYRING)
    refused(
        result,
        "Se eliminaron entradas al final de la bitácora: el archivo testigo del 12/03/2026 10:00"
        " registra 5 y la bitácora tiene 3",
    )
    assert result.err.startswith("resguardo: Se eliminaron entradas al final") and result.err.count("\n") == 1


def test_emptying_the_log_is_caught(run):
    add_entries(run, 4)
    conn = raw(run.db)
    drop_triggers(conn, "bitacora")
    conn.execute("DELETE FROM bitacora")
    conn.close()
    refused(run("bitacora", "verificar", env=NULL_KEYRING), "registra 4 y la bitácora tiene 0")
    # with the keyring, its own witness says the same
    result = run("bitacora", "verificar")
    refused(result, "el archivo testigo del 12/03/2026 10:00 registra 4")


# -- a chain recomputed without the keyring's key: the checkpoints --------------------------


def test_a_recomputed_chain_is_caught_by_the_checkpoint(run):
    add_entries(run, 5)
    verified = run.ok("bitacora", "verificar")
    assert "se escribió el 1" in verified
    add_entries(run, 2, start=6)  # after the checkpoint: protected by the witnesses only
    conn = raw(run.db)
    drop_triggers(conn, "bitacora")
    conn.execute("UPDATE bitacora SET text = 'Nota inofensiva' WHERE id = 3")
    recompute_chain(conn)
    conn.close()
    rewrite_witness_file(run)  # the plain-file witness is the attacker's to edit
    result = run("bitacora", "verificar")
    refused(
        result,
        "La entrada 5 no es la que registró el punto de control 1 del 12/03/2026 10:00",
        "La entrada 5 no es la que registró el testigo del llavero",
    )
    # Without the keyring nothing outside the file can tell: said plainly, not hidden.
    blind = run("bitacora", "verificar", env=NULL_KEYRING)
    assert blind.code == 0 and "omitidas (el llavero configurado (keyring.backends.null) no guarda nada)" in blind.out


def test_a_forged_or_deleted_checkpoint_is_caught(run):
    add_entries(run, 3)
    run.ok("bitacora", "verificar")
    conn = raw(run.db)
    drop_triggers(conn, "bitacora")
    drop_triggers(conn, "bitacora_checkpoints")
    conn.execute("UPDATE bitacora SET text = 'Otra cosa' WHERE id = 2")
    head = recompute_chain(conn)
    conn.execute(
        "UPDATE bitacora_checkpoints SET head_hash = ?, mac = ? WHERE id = 1",
        (head, hashlib.sha256(b"a guess").hexdigest()),
    )
    conn.close()
    rewrite_witness_file(run)
    refused(run("bitacora", "verificar"), "El punto de control 1 fue alterado o no lo escribió resguardo")
    conn = raw(run.db)
    conn.execute("DELETE FROM bitacora_checkpoints")
    conn.close()
    refused(
        run("bitacora", "verificar"),
        "Se eliminaron puntos de control: el testigo del llavero",
        "La entrada 3 no es la que registró el testigo del llavero",
    )


# -- records outside the chain: accounts and the agenda's tables ---------------------------


def test_another_program_cannot_write_a_covered_table(run):
    conn = raw(run.db)
    with pytest.raises(sqlite3.OperationalError, match="no such function: resguardo_"):
        conn.execute("UPDATE accounts SET handle = '@Otra' WHERE id = 1")
    conn.close()
    assert "x/@IEEAgs" in run.ok("cuentas", "listar")


def test_an_account_renamed_in_sql_is_caught(run):
    add_entries(run, 2)
    run.ok("bitacora", "verificar")
    conn = raw(run.db)
    triggers = drop_triggers(conn, "accounts")
    conn.execute("UPDATE accounts SET handle = '@Otra' WHERE id = 1")
    conn.close()
    refused(
        run("bitacora", "verificar"),
        "La cuenta x/@Otra (id 1) se modificó fuera de resguardo",
        "Falta el disparador record_log_accounts_update",
    )
    conn = raw(run.db)  # the triggers put back as they were: the rename still shows
    for sql in triggers:
        conn.execute(sql)
    conn.close()
    result = run("bitacora", "verificar")
    refused(result, "La cuenta x/@Otra (id 1) se modificó fuera de resguardo")
    assert "disparador" not in result.out


def test_functions_that_mimic_resguardos_are_caught(run):
    conn = raw(run.db)
    conn.create_function("resguardo_row_digest", -1, lambda *values: "0" * 64)
    conn.create_function("resguardo_record_hash", 5, lambda *values: "1" * 64)
    conn.execute("UPDATE accounts SET handle = '@Otra' WHERE id = 1")
    conn.close()
    refused(
        run("bitacora", "verificar", env=NULL_KEYRING),
        "fue alterado",
        "La cuenta x/@Otra (id 1) se modificó fuera de resguardo",
    )


def _workflows(run: Runner) -> None:
    run.ok("rotaciones", "registrar", "x/@IEEAgs", "--motivo", "Rotación periódica")
    run.ok("incidentes", "abrir", "x/@IEEAgs", "--descripcion", "Mensajes que nadie escribió")
    run.ok("consultas", "agregar", "x/@IEEAgs", "--asunto", "Cartel de la jornada")


@pytest.mark.parametrize(
    ("table", "statement", "message"),
    [
        (
            "rotations",
            "UPDATE rotations SET rotated_at = '2026-03-11T16:00:00+00:00' WHERE id = 1",
            "La rotación 1 (cuenta x/@IEEAgs) se modificó fuera de resguardo",
        ),
        ("rotations", "DELETE FROM rotations WHERE id = 1", "La rotación 1 se eliminó fuera de resguardo"),
        (
            "incidents",
            "UPDATE incidents SET closed_at = opened_at, close_note = 'listo' WHERE id = 1",
            "El incidente 1 (cuenta x/@IEEAgs) se modificó fuera de resguardo",
        ),
        ("incidents", "DELETE FROM incidents WHERE id = 1", "El incidente 1 se eliminó fuera de resguardo"),
        (
            "consultations",
            "UPDATE consultations SET state = 'aprobada' WHERE id = 1",
            "La consulta 1 (cuenta x/@IEEAgs) se modificó fuera de resguardo",
        ),
        ("consultations", "DELETE FROM consultations WHERE id = 1", "La consulta 1 se eliminó fuera de resguardo"),
        (
            "consultations",
            "INSERT INTO consultations (account_id, subject, sent_at, created_at)"
            " VALUES (1, 'Otra', '2026-03-10T16:00:00+00:00', '2026-03-10T16:00:00+00:00')",
            "La consulta 2 (cuenta x/@IEEAgs) se agregó fuera de resguardo",
        ),
    ],
)
def test_workflow_rows_edited_in_sql_are_caught(run, table, statement, message):
    _workflows(run)
    run.ok("bitacora", "verificar")
    conn = raw(run.db)
    drop_triggers(conn, table)
    conn.execute(statement)
    conn.close()
    refused(run("bitacora", "verificar", env=NULL_KEYRING), message)


# -- a normal life passes --------------------------------------------------------------------

WRITER = """
import sys
from store import open_store
store = open_store(sys.argv[1], author=sys.argv[2])
print("listo", flush=True)
sys.stdin.readline()
for n in range(int(sys.argv[3])):
    store.bitacora.append(kind="nota", text=f"{sys.argv[2]} {n}", account=1)
store.close()
"""


def concurrent_appends(run: Runner, writers: int, each: int) -> None:
    """``writers`` processes appending ``each`` entries at the same time (all started before any writes)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(run.db), f"proceso-{n}", str(each)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=run.env,
        )
        for n in range(writers)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline() == "listo\n"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err


def test_a_normal_life_verifies(run):
    add_entries(run, 2)
    run.ok("bitacora", "verificar")
    concurrent_appends(run, writers=2, each=60)
    _workflows(run)
    run.ok("incidentes", "notificar", "1", "Presidencia")
    run.ok("consultas", "resolver", "1", "--resultado", "aprobada")
    run.ok("cuentas", "editar", "x/@IEEAgs", "--area", "Comunicación Social")
    sealed = json.loads(run.ok("bitacora", "sello", "--json"))
    assert sealed["checkpoint"] == 2 and sealed["count"] > 2 + 120
    add_entries(run, 1, start=100)
    out = run.ok("bitacora", "verificar")
    assert f"Bitácora íntegra: {sealed['count'] + 1} entradas." in out and "Todo coincide." in out
    assert "Puntos de control comprobados con la clave del llavero: 2; se escribió el 3." in out
    assert run.ok("bitacora", "verificar", env=NULL_KEYRING).count("omitidas") == 1
    checked = json.loads(run.ok("bitacora", "verificar", "--json"))
    assert checked["ok"] and checked["problems"] == [] and checked["checkpoints"] == 3
    # The day's automatic backups (the clock moved on) are witnesses too.
    assert checked["witnesses"][:2] == ["el archivo testigo", "el testigo del llavero"]
    assert all(w.startswith("el respaldo resguardo-") for w in checked["witnesses"][2:])
    assert "Todo coincide." in run.ok("bitacora", "verificar", "--acepto-restauracion")  # nothing to accept


def test_the_encrypted_keyring_is_opened_with_its_passphrase(run, tmp_path):
    env = {"PYTHON_KEYRING_BACKEND": "store.secrets.EncryptedFileKeyring", "RESGUARDO_LLAVERO_COSTO": "ligero"}
    add_entries(run, 2)
    blind = run("bitacora", "verificar", env=env)  # no terminal to ask on: the other checks still run
    assert blind.code == 0, blind.err
    assert "omitidas (el llavero cifrado de resguardo está bloqueado y no hay una terminal" in blind.out
    assert not (tmp_path / "llavero-resguardo.json").exists()
    phrase = "frase maestra de prueba\n"
    keyed = run("bitacora", "verificar", "--frase-desde-stdin", env=env, input=phrase)
    assert keyed.code == 0 and "se escribió el 1" in keyed.out, keyed.out + keyed.err
    sealed = run("bitacora", "sello", "--frase-desde-stdin", env=env, input=phrase)
    assert "Punto de control 2 escrito con la clave del llavero." in sealed.out
    wrong = run("bitacora", "verificar", "--frase-desde-stdin", env=env, input="otra frase cualquiera\n")
    assert wrong.code == 0 and "omitidas (la frase maestra no abre el llavero cifrado" in wrong.out
