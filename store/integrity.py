"""Tamper evidence beyond the bitácora's own hash chain.

The bitácora's chain (``store.bitacora``) is unkeyed: whoever holds the file
can edit an entry and recompute every hash after it, delete the last entries,
or empty the log, and the chain alone still verifies. Nor does it cover the
rest of the database (accounts, rotations, incidents…). Three mechanisms close
those gaps; ``verify`` checks them all (``resguardo bitacora verificar``):

1. **The record chain** (``record_log``). SQLite triggers on every table that
   feeds the agenda (``COVERED``) append, in the same transaction as the
   change, one record per inserted, updated or deleted row::

       digest = SHA-256(["resguardo-registro/1", table, value, value, …])
       hash   = SHA-256(["resguardo-registros/1", seq, table, row_id, digest, prev_hash])

   (compact JSON, UTF-8, values exactly as stored and in the table's column
   order, a BLOB as ``{"blob": "<hex>"}``; ``digest`` is ``"deleted"`` for a
   removed row; ``row_id`` is the primary key, ``a:b`` for a composite one).
   The triggers call two functions that ``register_functions`` adds to every
   connection resguardo opens (``resguardo_row_digest``,
   ``resguardo_record_hash``): a program that opens the file without them
   (DB Browser, the ``sqlite3`` shell) cannot write those tables at all
   ("no such function"). ``verify`` checks that the records link, that every
   row's digest is its latest record's, that no recorded row vanished, and that
   the triggers are intact.

2. **Keyed checkpoints** (``bitacora_checkpoints``): the bitácora's head and
   the record chain's head, with ``mac = HMAC-SHA256(chain key, …)`` under a
   random key kept only in the keyring (``<instalación>:chain-key``). Written
   when a process has the keyring open: after a successful ``verificar``, by
   ``sello`` and through ``checkpoint`` (credential writes, the workbench's
   unlock). Someone with the file alone cannot forge one, so editing an entry
   (or a record) and recomputing the chain is caught by any checkpoint at or
   after the edit.

3. **Witnesses of the head outside the database**, so that truncation and an
   emptied log show even between checkpoints: a small JSON file beside the
   database (``<base>.testigo``), moved forward after every committed change
   of the bitácora or the records (``after_commit``, called by
   ``Store.atomic``); the keyring (``<instalación>:witness``, written with each
   checkpoint); and the manifest of every backup (``respaldos/*.json``).

Kept light: ``store.db`` imports this module on every open (the functions
must be registered on every connection), so nothing heavy is imported at the
top, and hashlib/hmac are imported on first use (``pendientes`` never hashes).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.labels import plural
from store.errors import StoreError, os_error_text

if TYPE_CHECKING:
    from store.bitacora import Verification  # lazy: store.db imports this module
    from store.db import Store  # lazy: store.db imports this module
    from store.secrets import Secrets  # lazy: the keyring (~60 ms) only for keyed checks

ROW_FORMAT = "resguardo-registro/1"
LOG_FORMAT = "resguardo-registros/1"
CHECKPOINT_FORMAT = "resguardo-punto-de-control/1"
WITNESS_FORMAT = "resguardo-testigo/1"
#: The manifests that ``store.backup`` writes beside each backup (read here as witnesses).
BACKUP_FORMAT = "resguardo-respaldo/1"
BACKUP_FOLDER = "respaldos"
WITNESS_SUFFIX = ".testigo"
DELETED = "deleted"
GENESIS = "0" * 64
ROW_DIGEST_FN = "resguardo_row_digest"
RECORD_HASH_FN = "resguardo_record_hash"
TRIGGER_PREFIX = "record_log_"
#: ``checkpoint`` walks at most this many entries (and records) since the last checkpoint
#: before writing a new one (~50 ms); beyond that only ``verificar`` writes the next one.
WALK_LIMIT = 20_000
#: How long the witness writer waits for the database's write lock (the lock that
#: orders witness writes); when busy, the process holding it writes a newer witness.
WITNESS_LOCK_TIMEOUT = 0.25
#: Problems listed in full; beyond this they are counted.
MAX_PROBLEMS = 20

#: The tables whose rows the record chain covers, and how a message names one of their rows.
COVERED: dict[str, str] = {
    "settings": "El ajuste",
    "accounts": "La cuenta",
    "people": "La persona",
    "assignments": "La asignación",
    "rotations": "La rotación",
    "evaluations": "La evaluación",
    "trainings": "La capacitación",
    "non_working_days": "El periodo inhábil declarado",
    "electoral_periods": "El proceso electoral",
    "official_holidays": "El día de descanso oficial",
    "holiday_years": "El año de días de descanso",
    "credential_status": "El estado de la contraseña",
    "password_fingerprints": "La huella de contraseña",
    "second_factors": "El segundo factor",
    "incidents": "El incidente",
    "incident_notices": "El aviso del incidente",
    "workflow_events": "El evento de trámite",
    "consultations": "La consulta",
    "information_requests": "La solicitud de información",
    "opening_requests": "La solicitud de apertura",
    "opening_report_items": "El punto del informe de apertura",
    "closings": "La baja",
    "closing_items": "El punto de la baja",
    "admin_changes": "El cambio de administración",
    "admin_change_assignments": "La asignación del cambio de administración",
    "admin_change_starts": "La persona que entra en el cambio de administración",
    "person_documents": "El documento de la persona",
    "holiday_notices": "El aviso de días inhábiles",
    "waivers": "La dispensa",
    "duties": "El deber",
}


# -- the canonical bytes -----------------------------------------------------------

#: the JSON string literal json.dumps writes (C), without ASCII escapes
_escape: Callable[[str], str] = json.encoder.encode_basestring
_sha256: Any = None


def _json_value(value: Any) -> str:
    """One value as compact JSON, a BLOB as ``{"blob":"<hex>"}`` (what SQLite hands back: None, int, float, str, bytes)."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bytes:
        return '{"blob":"' + bytes.hex(value) + '"}'
    return json.dumps(value)


def _digest(data: str) -> str:
    global _sha256
    if _sha256 is None:
        import hashlib  # lazy: the agenda never hashes

        _sha256 = hashlib.sha256
    return str(_sha256(data.encode("utf-8", "surrogatepass")).hexdigest())


def row_canonical(table: str, *values: Any) -> str:
    """``["resguardo-registro/1", table, *values]`` as compact JSON, written out because triggers call it
    on every write (twice as fast as ``json.dumps``; a test keeps the two equal)."""
    tail = "," + ",".join(map(_json_value, values)) if values else ""
    return f'["{ROW_FORMAT}",{_escape(table)}{tail}]'


def row_digest(table: str, *values: Any) -> str:
    """SHA-256 (hex) of ``row_canonical``."""
    return _digest(row_canonical(table, *values))


def record_canonical(seq: int, table: str, row_id: Any, digest: str, prev_hash: str) -> str:
    """``["resguardo-registros/1", seq, table, row_id, digest, prev_hash]`` as compact JSON."""
    return (
        f'["{LOG_FORMAT}",{_json_value(seq)},{_escape(table)},{_json_value(row_id)},'
        f"{_json_value(digest)},{_json_value(prev_hash)}]"
    )


def record_hash(seq: int, table: str, row_id: Any, digest: str, prev_hash: str) -> str:
    """SHA-256 (hex) of one record of the chain (``record_canonical``)."""
    return _digest(record_canonical(seq, table, row_id, digest, prev_hash))


class Changes:
    """Whether the current transaction moved the bitácora's or the records' head (see ``after_commit``)."""

    __slots__ = ("due",)

    def __init__(self) -> None:
        self.due = False


def register_functions(conn: sqlite3.Connection, changes: Changes) -> None:
    """Add the functions the record triggers call to ``conn`` (every connection resguardo opens)."""

    def record_hash_fn(seq: int, table: str, row_id: Any, digest: str, prev_hash: str) -> str:
        changes.due = True
        return record_hash(seq, table, row_id, digest, prev_hash)

    conn.create_function(ROW_DIGEST_FN, -1, row_digest, deterministic=True)
    conn.create_function(RECORD_HASH_FN, 5, record_hash_fn, deterministic=True)


# -- schema: the triggers and the baseline -------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_columns(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """The table's columns in declared order and its primary-key columns (empty lists when absent)."""
    rows = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    columns = [str(r[1]) for r in rows]
    keys = [str(r[1]) for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
    return columns, keys or ["rowid"]


def _key_sql(keys: Sequence[str], alias: str) -> str:
    """The SQL expression of a row's id in the record chain (``a:b`` for a composite key)."""
    prefix = f"{alias}." if alias else ""
    return " || ':' || ".join(f"{prefix}{_quote(k) if k != 'rowid' else k}" for k in keys)


#: Every record goes through this view: its INSTEAD OF trigger holds the chain's arithmetic once,
#: and each covered table's triggers only name the row. SQLite parses the whole schema on every
#: open: with the arithmetic repeated in each trigger it grew from 14 KB to 85 KB (~2.5 ms more
#: per connection); this way to 41 KB (~1 ms).
APPEND_VIEW = "record_log_append"


def chain_statements() -> dict[str, str]:
    """name -> CREATE statement of the view every record is inserted into, and of its trigger."""
    return {
        APPEND_VIEW: f"CREATE VIEW {APPEND_VIEW} (tbl, row_id, digest) AS SELECT tbl, row_id, digest FROM record_log"
        " WHERE 0",
        f"{APPEND_VIEW}_insert": (
            f"CREATE TRIGGER {APPEND_VIEW}_insert INSTEAD OF INSERT ON {APPEND_VIEW} BEGIN"
            " INSERT INTO record_log (seq, tbl, row_id, digest, prev_hash, hash)"
            f" SELECT r.seq, new.tbl, new.row_id, new.digest, r.prev_hash,"
            f" {RECORD_HASH_FN}(r.seq, new.tbl, new.row_id, new.digest, r.prev_hash)"
            " FROM (SELECT (SELECT coalesce(max(seq), 0) + 1 FROM record_log) AS seq,"
            f" coalesce((SELECT hash FROM record_log ORDER BY seq DESC LIMIT 1), '{GENESIS}') AS prev_hash) r;"
            " END"
        ),
    }


def trigger_statements(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """name -> the CREATE TRIGGER statement that keeps ``table`` in the record chain."""
    columns, keys = _table_columns(conn, table)

    def digest(alias: str) -> str:
        return f"{ROW_DIGEST_FN}('{table}', " + ", ".join(f"{alias}.{_quote(c)}" for c in columns) + ")"

    new_key, old_key = _key_sql(keys, "new"), _key_sql(keys, "old")
    name = f"{TRIGGER_PREFIX}{table}"
    head = "CREATE TRIGGER {name} AFTER {event} ON " + _quote(table) + " BEGIN "
    append = f"INSERT INTO {APPEND_VIEW} VALUES ('{table}', "
    return {
        f"{name}_insert": head.format(name=f"{name}_insert", event="INSERT")
        + f"{append}{new_key}, {digest('new')}); END",
        f"{name}_update": head.format(name=f"{name}_update", event="UPDATE")
        + f"INSERT INTO {APPEND_VIEW} SELECT '{table}', {old_key}, '{DELETED}' WHERE {old_key} IS NOT {new_key};"
        + f" {append}{new_key}, {digest('new')}); END",
        f"{name}_delete": head.format(name=f"{name}_delete", event="DELETE") + f"{append}{old_key}, '{DELETED}'); END",
    }


def _existing_tables(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def install(conn: sqlite3.Connection) -> int:
    """(Re)create the record triggers of every covered table and record every row not yet recorded as is.

    Migration 7 runs it on the rows that exist then (the baseline). A later
    migration that adds, drops or renames a column of a covered table, or adds
    a table to ``COVERED``, must call it again: the triggers list the columns,
    and every row whose digest changed gets a new record. Returns how many
    records were appended.
    """
    present = _existing_tables(conn)
    conn.execute(f"DROP VIEW IF EXISTS {APPEND_VIEW}")  # its trigger goes with it
    for sql in chain_statements().values():
        conn.execute(sql)
    for table in COVERED:
        if table not in present:
            continue
        for name, sql in trigger_statements(conn, table).items():
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            conn.execute(sql)
    pending: list[tuple[str, Any, str]] = []
    for table in COVERED:
        if table not in present:
            continue
        for problem in _table_mismatches(conn, table):
            pending.append((problem[0], problem[1], problem[3]))
    return _append_records(conn, pending)


def _append_records(conn: sqlite3.Connection, items: Iterable[tuple[str, Any, str]]) -> int:
    """Append records (table, row id, digest) to the chain, computed here (no trigger involved)."""
    last = conn.execute("SELECT seq, hash FROM record_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
    rows = []
    for table, row_id, digest in items:
        seq += 1
        prev_hash, prev = prev, record_hash(seq, table, row_id, digest, prev)
        rows.append((seq, table, row_id, digest, prev_hash, prev))
    conn.executemany(
        "INSERT INTO record_log (seq, tbl, row_id, digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)", rows
    )
    return len(rows)


def _table_mismatches(conn: sqlite3.Connection, table: str) -> Iterator[tuple[str, Any, str, str]]:
    """(table, row id, what, current digest) for each row that differs from its latest record.

    ``what`` is ``"added"`` (a row with no record), ``"changed"`` (its digest is
    not the latest record's) or ``"deleted"`` (the latest record is a live row
    that no longer exists; its current digest is ``DELETED``).
    """
    columns, keys = _table_columns(conn, table)
    key = _key_sql(keys, "t")
    cursor = conn.cursor()
    cursor.row_factory = None
    # ``+(…)`` strips the key's affinity: compared as is with ``row_id`` (no affinity), the
    # lookup can use the index on (tbl, row_id, seq); an INTEGER key alone made it a scan per row.
    cursor.execute(
        f"SELECT (SELECT digest FROM record_log WHERE tbl = ? AND row_id = +({key}) ORDER BY seq DESC LIMIT 1),"
        f" {key}, " + ", ".join(f"t.{_quote(c)}" for c in columns) + f" FROM {_quote(table)} t",
        (table,),
    )
    while True:
        batch = cursor.fetchmany(2000)
        if not batch:
            break
        for recorded, row_id, *values in batch:
            current = row_digest(table, *values)
            if recorded != current:
                yield table, row_id, "added" if recorded is None or recorded == DELETED else "changed", current
    live = (
        f"SELECT l.row_id FROM (SELECT row_id, digest, max(seq) FROM record_log WHERE tbl = ? GROUP BY row_id) l"
        f" WHERE l.digest != '{DELETED}'"
    )
    if len(keys) == 1:  # one seek in the table's own key per recorded row
        gone = [
            row[0]
            for row in conn.execute(
                f"{live} AND NOT EXISTS (SELECT 1 FROM {_quote(table)} t WHERE {key} = l.row_id)", (table,)
            )
        ]
    else:  # a composite key has no index to seek by its ``a:b`` form: compare sets
        present = {row[0] for row in conn.execute(f"SELECT {key} FROM {_quote(table)} t")}
        gone = [row[0] for row in conn.execute(live, (table,)) if row[0] not in present]
    for row_id in gone:
        yield table, row_id, "deleted", DELETED


# -- heads and witnesses -------------------------------------------------------------


class Head(NamedTuple):
    """Where the bitácora and the record chain end (what checkpoints and witnesses record)."""

    entries: int
    head_id: int | None
    head_hash: str
    records_seq: int
    records_head: str

    def fields(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "records_seq": self.records_seq,
            "records_head": self.records_head,
        }


def read_head(conn: sqlite3.Connection) -> Head:
    """The current heads (entries counted by the last id: the chain numbers them 1, 2, 3…)."""
    last = conn.execute("SELECT id, hash FROM bitacora ORDER BY id DESC LIMIT 1").fetchone()
    record = conn.execute("SELECT seq, hash FROM record_log ORDER BY seq DESC LIMIT 1").fetchone()
    return Head(
        entries=int(last[0]) if last else 0,
        head_id=int(last[0]) if last else None,
        head_hash=str(last[1]) if last else GENESIS,
        records_seq=int(record[0]) if record else 0,
        records_head=str(record[1]) if record else GENESIS,
    )


def _installation(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = 'installation_id'").fetchone()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
    except (TypeError, ValueError):
        return None
    return str(value) if value else None


def witness_path(db_path: str) -> Path | None:
    """The witness file beside the database (``resguardo.db`` -> ``resguardo.db.testigo``); None in memory."""
    if db_path == ":memory:":
        return None
    path = Path(db_path)
    return path.with_name(path.name + WITNESS_SUFFIX)


def _resolved(db_path: str) -> str:
    if db_path == ":memory:":
        return db_path
    try:
        return str(Path(db_path).resolve())
    except OSError:
        return str(Path(db_path).absolute())


def read_witness_file(path: Path) -> dict[str, Any] | None:
    """The witness in ``path``; None when it is missing, unreadable or not a witness."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == WITNESS_FORMAT else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ahead(old: dict[str, Any], new: Head) -> bool:
    """Whether the witness ``old`` records more than ``new`` (in either chain)."""
    return (_int(old.get("entries")) or 0) > new.entries or (_int(old.get("records_seq")) or 0) > new.records_seq


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically: a temporary file in the same folder (0600), then a rename."""
    temp = path.with_name(f".resguardo-testigo-{os.getpid()}-{os.urandom(4).hex()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _witness_document(head: Head, installation: str | None, db_path: str, at: str) -> dict[str, Any]:
    return {
        "format": WITNESS_FORMAT,
        "database": _resolved(db_path),
        "installation": installation,
        **head.fields(),
        "updated_at": at,
    }


def _locked_head(db_path: str, timeout: float = WITNESS_LOCK_TIMEOUT) -> tuple[sqlite3.Connection, Head, str | None]:
    """A second connection holding the database's write lock, and the head committed at that moment.

    Witness writes happen under this lock: they are then ordered like the
    commits themselves, and each records the head committed when it runs, so a
    witness never moves back even with several processes appending at once.
    The caller must ROLLBACK and close the connection.
    """
    conn = sqlite3.connect(db_path, timeout=timeout, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        return conn, read_head(conn), _installation(conn)
    except BaseException:
        conn.close()
        raise


def after_commit(store: Store) -> None:
    """Move the witness file forward to the committed head (``Store.atomic`` calls it after a commit
    that appended entries or records).

    Never raises: when the lock is busy (another writer will write a newer
    witness after its own commit), the disk refuses, or the file is foreign,
    the witness simply stays behind, which is never a false alarm.
    """
    path = witness_path(store.path)
    if path is None:
        return
    try:
        conn, head, installation = _locked_head(store.path)
    except sqlite3.Error:
        return
    try:
        old = read_witness_file(path)
        if old is not None and old.get("installation") == installation and _ahead(old, head):
            return  # restored from an older backup and not re-witnessed yet: keep the evidence
        document = _witness_document(head, installation, store.path, store.stamp())
        if old is not None and old.get("installation") == installation and "restored" in old:
            document["restored"] = old["restored"]
        if old is not None and {k: old.get(k) for k in document if k != "updated_at"} == {
            k: v for k, v in document.items() if k != "updated_at"
        }:
            return
        _write_json(path, document)
    except (OSError, sqlite3.Error, ValueError):
        return
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def rewitness(store: Store, secrets: Secrets | None = None) -> Head:
    """Rewrite the witnesses from the database as it is now, even backwards (after a legitimate restore).

    The file witness (and, given ``secrets``, the keyring's witness) then
    records the current head, and remembers the head it recorded before as
    ``restored`` (with the time): ``verify`` then treats backups older than
    that moment that record more entries as history before the restore, not
    as deleted entries. StoreError when the lock cannot be had; OSError is
    reported as StoreError too.
    """
    from store.db import translate  # lazy: store.db imports this module

    at = store.stamp()
    path = witness_path(store.path)
    restored: dict[str, Any] | None = None
    if path is None:
        head, installation = read_head(store.conn), _installation(store.conn)
    else:
        try:
            conn, head, installation = _locked_head(store.path, timeout=5.0)
        except sqlite3.Error as exc:
            raise translate(exc, store.path) from None
        try:
            old = read_witness_file(path)
            restored = _restore_marker(old, head, at)
            document = _witness_document(head, installation, store.path, at)
            if restored is not None:
                document["restored"] = restored
            _write_json(path, document)
        except OSError as exc:
            raise StoreError(f"No se pudo escribir el archivo testigo {path}: {os_error_text(exc)}.") from None
        finally:
            conn.execute("ROLLBACK")
            conn.close()
    if secrets is not None:
        old_keyring = _read_keyring_witness(secrets)
        if old_keyring is not None and old_keyring.get("database") != _resolved(store.path):
            old_keyring = None
        marker = _restore_marker(old_keyring, head, at) or restored
        document = _witness_document(head, installation, store.path, at)
        document["checkpoint_id"] = _last_checkpoint_id(store.conn)
        if marker is not None:
            document["restored"] = marker
        secrets.put(keyring_witness_name(secrets), json.dumps(document, ensure_ascii=False))
    return head


def _restore_marker(old: dict[str, Any] | None, head: Head, at: str) -> dict[str, Any] | None:
    """What ``rewitness`` remembers of the head it moves back from (None when it does not move back)."""
    if old is None:
        return None
    moved = _ahead(old, head) or (
        old.get("head_hash") not in (None, head.head_hash) and _int(old.get("entries")) == head.entries
    )
    if not moved:
        previous = old.get("restored")
        return previous if isinstance(previous, dict) else None
    return {
        "at": at,
        "entries": old.get("entries"),
        "head_id": old.get("head_id"),
        "head_hash": old.get("head_hash"),
        "records_seq": old.get("records_seq"),
        "records_head": old.get("records_head"),
        "recorded_at": old.get("updated_at"),
    }


def keyring_witness_name(secrets: Secrets) -> str:
    return f"{secrets.installation_id}:witness"


def _read_keyring_witness(secrets: Secrets) -> dict[str, Any] | None:
    value = secrets.get(keyring_witness_name(secrets))
    if not value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("format") == WITNESS_FORMAT else None


def _last_checkpoint_id(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT max(id) FROM bitacora_checkpoints").fetchone()
    return int(row[0]) if row and row[0] is not None else None


# -- keyed checkpoints ----------------------------------------------------------------


class Checkpoint(NamedTuple):
    id: int
    entry_id: int | None
    entries: int
    head_hash: str
    records_seq: int
    records_head: str
    created_at: str
    mac: str


def checkpoint_mac(key: bytes, cp: Checkpoint | tuple[Any, ...]) -> str:
    """HMAC-SHA256 (hex) under the chain key of a checkpoint's fields (all but the MAC)."""
    import hashlib  # lazy: ~5 ms the agenda never pays
    import hmac  # lazy: only keyed checkpoints sign

    fields = list(cp[:7])
    message = json.dumps([CHECKPOINT_FORMAT, *fields], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _checkpoints(conn: sqlite3.Connection) -> list[Checkpoint]:
    rows = conn.execute(
        "SELECT id, entry_id, entries, head_hash, records_seq, records_head, created_at, mac"
        " FROM bitacora_checkpoints ORDER BY id"
    ).fetchall()
    return [Checkpoint(*row) for row in rows]


class CheckpointOutcome(NamedTuple):
    """What ``checkpoint`` did: ``id`` of the checkpoint written, or why none was (``reason``, Spanish)."""

    written: bool
    id: int | None = None
    reason: str | None = None
    head: Head | None = None


def _keyring_usable(secrets: Secrets) -> str | None:
    """Why this keyring cannot hold the chain key, or None."""
    if type(secrets.backend).__module__ == "keyring.backends.null":
        return "el llavero configurado (keyring.backends.null) no guarda nada"
    return None


def _check_since(conn: sqlite3.Connection, last: Checkpoint | None, limit: int | None) -> str | None:
    """Check what changed since ``last`` (whole chains when None): the problem, or None.

    The entries after the checkpoint's head must chain from it, and so must
    the records; at most ``limit`` of each are walked.
    """
    from store.bitacora import entry_hash  # lazy: store.db imports this module

    start_id = (last.entry_id or 0) if last else 0
    prev = last.head_hash if last else GENESIS
    if last is not None and last.entry_id is not None:
        row = conn.execute("SELECT hash FROM bitacora WHERE id = ?", (last.entry_id,)).fetchone()
        if row is None or row[0] != last.head_hash:
            return f"la entrada {last.entry_id} ya no es la del punto de control {last.id}"
    (head_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM bitacora").fetchone()
    if limit is not None and head_id - start_id > limit:
        return (
            f"hay {plural(head_id - start_id, 'entrada')} desde el último punto de control; ejecute"
            " «resguardo bitacora verificar», que las comprueba todas"
        )
    expected = start_id + 1
    columns = "id, account_id, kind, occurred_at, recorded_at, author, text, refs, corrects_id, prev_hash, hash"
    for values in conn.execute(f"SELECT {columns} FROM bitacora WHERE id > ? ORDER BY id", (start_id,)):
        if values[0] != expected or values[9] != prev or entry_hash(*values[:10]) != values[10]:
            return f"la cadena de la bitácora no se sostiene en la entrada {values[0]}"
        prev = values[10]
        expected += 1
    start_seq = last.records_seq if last else 0
    prev = last.records_head if last else GENESIS
    if last is not None and last.records_seq:
        row = conn.execute("SELECT hash FROM record_log WHERE seq = ?", (last.records_seq,)).fetchone()
        if row is None or row[0] != last.records_head:
            return f"el registro de cambios {last.records_seq} ya no es el del punto de control {last.id}"
    (head_seq,) = conn.execute("SELECT coalesce(max(seq), 0) FROM record_log").fetchone()
    if limit is not None and head_seq - start_seq > limit:
        return (
            f"hay {head_seq - start_seq} registros de cambios desde el último punto de control; ejecute"
            " «resguardo bitacora verificar», que los comprueba todos"
        )
    expected = start_seq + 1
    for seq, table, row_id, digest, prev_hash, stored in conn.execute(
        "SELECT seq, tbl, row_id, digest, prev_hash, hash FROM record_log WHERE seq > ? ORDER BY seq", (start_seq,)
    ):
        if seq != expected or prev_hash != prev or record_hash(seq, table, row_id, digest, prev_hash) != stored:
            return f"la cadena de registros de cambios no se sostiene en el registro {seq}"
        prev = stored
        expected += 1
    return None


def checkpoint(
    store: Store,
    secrets: Secrets,
    *,
    verified: bool = False,
    limit: int | None = WALK_LIMIT,
    force_keyring: bool = False,
) -> CheckpointOutcome:
    """Write a keyed checkpoint of the current heads, and the keyring's witness. Never raises.

    Call it after committing, outside any transaction (credential writes, the
    workbench's unlock); ``verificar`` and ``sello`` call it too.

    Unless ``verified`` (the caller just verified everything, as ``verificar``
    does), it first checks, under the write lock, that the last checkpoint is
    authentic and still holds, that the entries and records written since
    chain from it (at most ``limit`` of each), and that no witness records more
    than the database: a tampered database is never blessed. When the keyring
    has no chain key yet and there is no checkpoint, a new key is made. Returns
    what was done and, when nothing was, why (Spanish, for the user).
    """

    from store.secrets import SecretStoreError  # lazy: the keyring (~60 ms) only for keyed checks

    problem = _keyring_usable(secrets)
    if problem:
        return CheckpointOutcome(False, reason=problem)
    if store.conn.in_transaction:
        # Its keyring witness would outlive a rollback of the caller's transaction.
        return CheckpointOutcome(False, reason="se pidió dentro de una transacción sin terminar")
    try:
        key = secrets.chain_key(create=False)  # before the write lock: a keyring may take its time
        with store.atomic():
            conn = store.conn
            existing = _checkpoints(conn)
            if key is None and existing:
                return CheckpointOutcome(
                    False,
                    reason=(
                        f"hay {len(existing)} puntos de control, pero el llavero no tiene la clave de la cadena de esta"
                        " instalación"
                    ),
                )
            last = existing[-1] if existing else None
            if last is not None and key is not None and checkpoint_mac(key, last) != last.mac:
                return CheckpointOutcome(False, reason=f"el punto de control {last.id} no es auténtico")
            if not verified:
                trouble = _check_since(conn, last, limit) or _witness_trouble(store, secrets)
                if trouble:
                    return CheckpointOutcome(False, reason=trouble)
            if key is None:
                # Made under the write lock: two processes never sign first checkpoints with two keys.
                key = secrets.chain_key(create=True)
                assert key is not None
            head = read_head(conn)
            new_id = (last.id if last else 0) + 1
            fields = (
                new_id,
                head.head_id,
                head.entries,
                head.head_hash,
                head.records_seq,
                head.records_head,
                store.stamp(),
            )
            mac = checkpoint_mac(key, fields)
            store.execute(
                "INSERT INTO bitacora_checkpoints"
                " (id, entry_id, entries, head_hash, records_seq, records_head, created_at, mac)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*fields, mac),
            )
            store.witness_due()
    except SecretStoreError as exc:
        return CheckpointOutcome(False, reason=_lower(exc.message))
    except StoreError as exc:
        return CheckpointOutcome(False, reason=_lower(exc.message))
    try:
        _write_keyring_witness(store, secrets, head, new_id, force=force_keyring)
    except SecretStoreError as exc:
        return CheckpointOutcome(True, new_id, reason=_lower(exc.message), head=head)
    return CheckpointOutcome(True, new_id, head=head)


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


def _write_keyring_witness(store: Store, secrets: Secrets, head: Head, checkpoint_id: int, *, force: bool) -> None:
    """Record the heads and the checkpoint in the keyring; only forward unless ``force`` (an accepted restore)."""
    old = _read_keyring_witness(secrets)
    if old is not None and old.get("database") != _resolved(store.path):
        old = None  # another copy of this installation's database: this one takes over
    if not force and old is not None and (_ahead(old, head) or (_int(old.get("checkpoint_id")) or 0) > checkpoint_id):
        return  # a concurrent checkpoint got there first
    marker = old.get("restored") if old is not None else None
    if force:
        file_witness = _file_witness(store)
        marker = (file_witness.restored if file_witness else None) or _restore_marker(old, head, store.stamp())
    document = _witness_document(head, secrets.installation_id, store.path, store.stamp())
    document["checkpoint_id"] = checkpoint_id
    if isinstance(marker, dict):
        document["restored"] = marker
    secrets.put(keyring_witness_name(secrets), json.dumps(document, ensure_ascii=False))


def _witness_trouble(store: Store, secrets: Secrets | None) -> str | None:
    """The first witness (file, keyring) the database contradicts, for ``checkpoint``; None when none."""
    conn = store.conn
    count = read_head(conn).entries
    witnesses = [w for w in (_file_witness(store),) if w is not None]
    if secrets is not None:
        keyring = _keyring_witness(store, secrets)
        if keyring is not None:
            witnesses.append(keyring)
    for witness in witnesses:
        problem = _contradiction(conn, witness, count)
        if problem:
            return _lower(problem)
    return None


# -- verification ----------------------------------------------------------------------


class Witness(NamedTuple):
    """A head recorded outside the database."""

    source: str  # Spanish: "el archivo testigo", "el llavero", "el respaldo X"
    at: str | None
    entries: int
    head_id: int | None
    head_hash: str | None
    records_seq: int | None
    records_head: str | None
    checkpoint_id: int | None = None
    restored: dict[str, Any] | None = None


def _as_witness(source: str, data: dict[str, Any], at_key: str) -> Witness | None:
    entries = _int(data.get("entries"))
    if entries is None:
        return None
    head_hash = data.get("head_hash")
    records_head = data.get("records_head")
    restored = data.get("restored")
    return Witness(
        source=source,
        at=str(data.get(at_key)) if data.get(at_key) else None,
        entries=entries,
        head_id=_int(data.get("head_id")),
        head_hash=head_hash if isinstance(head_hash, str) else None,
        records_seq=_int(data.get("records_seq")),
        records_head=records_head if isinstance(records_head, str) else None,
        checkpoint_id=_int(data.get("checkpoint_id")),
        restored=restored if isinstance(restored, dict) else None,
    )


def _file_witness(store: Store) -> Witness | None:
    """The witness file's record, when it is this installation's (another database's is ignored)."""
    path = witness_path(store.path)
    data = read_witness_file(path) if path else None
    if data is None or data.get("installation") != _installation(store.conn):
        return None
    return _as_witness("el archivo testigo", data, "updated_at")


def _keyring_witness(store: Store, secrets: Secrets) -> Witness | None:
    data = _read_keyring_witness(secrets)
    if data is None or data.get("database") != _resolved(store.path):
        return None
    return _as_witness("el testigo del llavero", data, "updated_at")


def _backup_witnesses(store: Store) -> list[Witness]:
    """The manifests of this database's backups (``respaldos/*.json`` beside it)."""
    if store.path == ":memory:":
        return []
    source = _resolved(store.path)
    folder = Path(source).parent / BACKUP_FOLDER
    found: list[Witness] = []
    try:
        manifests = sorted(folder.glob("*.json"))
    except OSError:
        return []
    for manifest in manifests:
        try:
            data = json.loads(manifest.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
            continue
        try:
            same = str(Path(str(data.get("source", ""))).resolve()) == source
        except OSError:
            same = False
        if not same:
            continue
        witness = _as_witness(f"el respaldo {manifest.stem}", data, "created_at")
        if witness is not None:
            found.append(witness)
    return found


def when(stamp: str | None) -> str:
    """A stored UTC stamp as the user reads it (Mexico City, dd/mm/aaaa hh:mm)."""
    if not stamp:
        return "fecha desconocida"
    from store.db import from_db_datetime  # lazy: store.db imports this module

    try:
        return from_db_datetime(stamp).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return stamp


def _contradiction(conn: sqlite3.Connection, witness: Witness, count: int) -> str | None:
    """How the database contradicts ``witness`` (Spanish), or None when it still extends it."""
    date = when(witness.at)
    if witness.entries > count:
        return (
            f"Se eliminaron entradas al final de la bitácora: {witness.source} del {date} registra {witness.entries}"
            f" y la bitácora tiene {count}."
        )
    if witness.head_id is not None and witness.head_hash is not None:
        row = conn.execute("SELECT hash FROM bitacora WHERE id = ?", (witness.head_id,)).fetchone()
        if row is None or row[0] != witness.head_hash:
            return (
                f"La entrada {witness.head_id} no es la que registró {witness.source} del {date}:"
                " la bitácora se rehízo desde entonces."
            )
    if witness.records_seq:
        (records,) = conn.execute("SELECT coalesce(max(seq), 0) FROM record_log").fetchone()
        if witness.records_seq > records:
            return (
                f"Se eliminaron registros de cambios al final: {witness.source} del {date} registra"
                f" {witness.records_seq} y hay {records}."
            )
        row = conn.execute("SELECT hash FROM record_log WHERE seq = ?", (witness.records_seq,)).fetchone()
        if witness.records_head is not None and (row is None or row[0] != witness.records_head):
            return (
                f"El registro de cambios {witness.records_seq} no es el que registró {witness.source} del {date}:"
                " los registros se rehicieron desde entonces."
            )
    return None


def _describe_row(conn: sqlite3.Connection, table: str, row_id: Any, exists: bool) -> str:
    """«La cuenta x/@IEEAgs (id 3)», «La rotación 12 (cuenta x/@INE)», «El ajuste «perfil»»."""
    label = COVERED.get(table, f"La fila de {table}")
    if isinstance(row_id, str) and not row_id.isdigit():
        return f"{label} «{row_id}»"
    account_id: Any = None
    if table in ("accounts", "credential_status", "second_factors"):
        account_id = row_id
    elif exists:
        columns, _ = _table_columns(conn, table)
        if "account_id" in columns:
            found = conn.execute(f"SELECT account_id FROM {_quote(table)} WHERE rowid = ?", (row_id,)).fetchone()
            account_id = found[0] if found else None
    account = None
    if account_id is not None:
        row = conn.execute("SELECT network, handle FROM accounts WHERE id = ?", (account_id,)).fetchone()
        account = f"{row[0]}/{row[1]}" if row else None
    if table == "accounts":
        return f"{label} {account} (id {row_id})" if account else f"{label} con id {row_id}"
    if table in ("credential_status", "second_factors"):
        return f"{label} de la cuenta {account or ''} (id {row_id})".replace("cuenta  (", "cuenta (")
    return f"{label} {row_id}" + (f" (cuenta {account})" if account else "")


class RecordsCheck(NamedTuple):
    records: int
    tables: int
    problems: list[str]


def check_records(conn: sqlite3.Connection) -> RecordsCheck:
    """The record chain links, its triggers are intact, and every covered row matches its latest record."""
    problems: list[str] = []
    present = _existing_tables(conn)
    if "record_log" not in present:
        return RecordsCheck(0, 0, ["Falta la tabla de registros de cambios (record_log): se borró."])
    # 1. The chain itself.
    expected_seq, prev, count = 1, GENESIS, 0
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute("SELECT seq, tbl, row_id, digest, prev_hash, hash FROM record_log ORDER BY seq")
    broken = False
    while not broken:
        batch = cursor.fetchmany(5000)
        if not batch:
            break
        for seq, table, row_id, digest, prev_hash, stored in batch:
            if record_hash(seq, table, row_id, digest, prev_hash) != stored:
                problems.append(f"El registro de cambios {seq} fue alterado: su contenido ya no corresponde a su hash.")
            elif seq != expected_seq:
                problems.append(
                    f"Se eliminaron registros de cambios: después del {expected_seq - 1} sigue el {seq}."
                    if seq > expected_seq
                    else f"El registro de cambios {seq} está fuera de orden."
                )
            elif prev_hash != prev:
                problems.append(
                    f"El registro de cambios {seq} no continúa la cadena del {seq - 1}: se insertó, eliminó o"
                    " reordenó un registro."
                )
            else:
                prev, expected_seq, count = stored, expected_seq + 1, count + 1
                continue
            broken = True
            break
    # 2. The triggers (and the view they all insert into).
    tables = 0
    triggers = {
        str(r[0]): str(r[1])
        for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')")
    }
    for name, sql in chain_statements().items():
        if name not in triggers:
            problems.append(f"Falta {name} en la base de datos: los cambios dejaron de registrarse.")
        elif triggers[name] != sql:
            problems.append(f"{name} fue modificado fuera de resguardo.")
    for table in COVERED:
        if table not in present:
            problems.append(f"Falta la tabla {table}: se borró fuera de resguardo.")
            continue
        tables += 1
        for name, sql in trigger_statements(conn, table).items():
            if name not in triggers:
                problems.append(f"Falta el disparador {name}: los cambios de la tabla {table} dejaron de registrarse.")
            elif triggers[name] != sql:
                problems.append(f"El disparador {name} fue modificado fuera de resguardo.")
    # 3. Every row against its latest record.
    for table in COVERED:
        if table not in present:
            continue
        for _, row_id, what, _digest in _table_mismatches(conn, table):
            verb = {"added": "se agregó", "changed": "se modificó", "deleted": "se eliminó"}[what]
            problems.append(f"{_describe_row(conn, table, row_id, what != 'deleted')} {verb} fuera de resguardo.")
            if len(problems) > MAX_PROBLEMS * 5:
                break
    return RecordsCheck(count, tables, problems)


class IntegrityReport(NamedTuple):
    """Everything ``verify`` found. ``ok`` when the chain holds and nothing else failed."""

    chain: Verification
    records: int
    tables: int
    witnesses: list[str]
    checkpoints: int
    keyed: bool
    keyed_skipped: str | None
    problems: list[str]
    notices: list[str]
    checkpoint_written: int | None

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    @property
    def all_problems(self) -> list[str]:
        return ([] if self.chain.ok else [self.chain.message]) + self.problems

    def as_json(self) -> dict[str, Any]:
        chain = self.chain
        problems = self.all_problems
        return {
            "ok": self.ok,
            "count": chain.total,
            "head": chain.head,
            "head_id": chain.head_id,
            "bad_id": chain.bad_id,
            "anchor_id": chain.anchor_id,
            "message": chain.message if self.ok else problems[0],
            "problems": problems,
            "notices": self.notices,
            "records": self.records,
            "tables": self.tables,
            "witnesses": self.witnesses,
            "checkpoints": self.checkpoints,
            "keyed": self.keyed,
            "keyed_skipped": self.keyed_skipped,
            "checkpoint_written": self.checkpoint_written,
        }


def verify(
    store: Store,
    secrets: Secrets | None = None,
    *,
    anchor: str | None = None,
    keyring_problem: str | None = None,
    accept_restore: bool = False,
) -> IntegrityReport:
    """Check the bitácora's chain, the records, the witnesses and (with ``secrets``) the checkpoints.

    ``keyring_problem`` says why there are no ``secrets`` (reported as the
    reason the keyed checks were skipped). ``accept_restore`` accepts a keyring
    witness ahead of the database when the witness file says the database was
    restored from a backup after it. When everything holds, the witness file is
    moved forward and, with ``secrets``, a checkpoint is written (and the
    keyring's witness). UsageError for a malformed ``anchor``.
    """
    conn = store.conn
    chain = store.bitacora.verify(anchor)
    problems: list[str] = []
    notices: list[str] = []
    records = check_records(conn)
    count = chain.total if chain.ok else read_head(conn).entries
    # Witnesses.
    witnesses: list[Witness] = []
    file_witness = _file_witness(store)
    path = witness_path(store.path)
    if path is not None and file_witness is None and (chain.total or records.records):
        notices.append(
            f"No había archivo testigo ({path.name}) o no se pudo leer: se escribe ahora con el estado actual."
        )
    if file_witness is not None:
        witnesses.append(file_witness)
    keyring_witness: Witness | None = None
    key: bytes | None = None
    keyed_skipped = keyring_problem
    if secrets is not None and keyed_skipped is None:
        keyed_skipped = _keyring_usable(secrets)
    if secrets is not None and keyed_skipped is None:
        from store.secrets import SecretStoreError  # lazy: the keyring (~60 ms) only for keyed checks

        try:
            key = secrets.chain_key(create=False)
            keyring_witness = _keyring_witness(store, secrets)
        except SecretStoreError as exc:
            keyed_skipped = _lower(exc.message)
    keyed = secrets is not None and keyed_skipped is None
    if keyring_witness is not None:
        witnesses.append(keyring_witness)
    backups = _backup_witnesses(store)
    witnesses.extend(backups)
    markers = [w.restored for w in (file_witness, keyring_witness) if w is not None and w.restored]
    restored_at = max((str(m.get("at") or "") for m in markers), default="")
    file_restored_at = str((file_witness.restored or {}).get("at") or "") if file_witness else ""
    accepted_restore = False
    for witness in witnesses:
        problem = _contradiction(conn, witness, count)
        if problem is None:
            continue
        older = _not_after(witness.at, restored_at)
        if witness in backups and older:
            notices.append(
                f"{witness.source[:1].upper()}{witness.source[1:]} ({when(witness.at)}, {plural(witness.entries, 'entrada')})"
                f" es de antes de la restauración del {when(restored_at)}."
            )
            continue
        if witness is keyring_witness and _not_after(witness.at, file_restored_at):
            if accept_restore:
                accepted_restore = True
                notices.append(
                    f"Se acepta la restauración del {when(file_restored_at)}: el testigo del llavero"
                    f" ({plural(witness.entries, 'entrada')}) queda en el estado actual."
                )
                continue
            problem += (
                f" El archivo testigo dice que se restauró un respaldo el {when(file_restored_at)}: si lo restauró"
                " usted, confírmelo con «resguardo bitacora verificar --acepto-restauracion»."
            )
        problems.append(problem)
    # Keyed checkpoints.
    checkpoints = _checkpoints(conn) if "bitacora_checkpoints" in _existing_tables(conn) else []
    checked = 0
    if keyed:
        if checkpoints and key is None:
            problems.append(
                f"Hay {len(checkpoints)} puntos de control, pero el llavero no tiene la clave de la cadena de esta"
                f" instalación ({secrets.installation_id if secrets else ''}): no se pueden comprobar. Si cambió de"
                " equipo o de llavero, restaure el llavero anterior."
            )
        elif key is not None:
            problems.extend(_check_checkpoints(conn, key, checkpoints, count, accepted_restore, keyring_witness))
            checked = len(checkpoints)
    problems.extend(records.problems)
    written: int | None = None
    if chain.ok and not problems:
        if path is not None:
            after_commit(store)
        if keyed and secrets is not None:
            outcome = checkpoint(store, secrets, verified=True, force_keyring=accepted_restore)
            written = outcome.id
            if not outcome.written and outcome.reason:
                notices.append(f"No se escribió un punto de control: {outcome.reason}.")
    return IntegrityReport(
        chain=chain,
        records=records.records,
        tables=records.tables,
        witnesses=[w.source for w in witnesses],
        checkpoints=checked,
        keyed=keyed,
        keyed_skipped=keyed_skipped,
        problems=problems,
        notices=notices,
        checkpoint_written=written,
    )


def _not_after(stamp: str | None, limit: str | None) -> bool:
    """Whether the moment ``stamp`` is at or before ``limit`` (ISO 8601 with offsets; False when unknown)."""
    if not stamp or not limit:
        return False
    try:
        return datetime.fromisoformat(stamp) <= datetime.fromisoformat(limit)
    except (TypeError, ValueError):
        return stamp <= limit


def _check_checkpoints(
    conn: sqlite3.Connection,
    key: bytes,
    checkpoints: list[Checkpoint],
    count: int,
    accepted_restore: bool,
    keyring_witness: Witness | None,
) -> list[str]:
    problems: list[str] = []
    (records,) = conn.execute("SELECT coalesce(max(seq), 0) FROM record_log").fetchone()
    for expected, cp in enumerate(checkpoints, start=1):
        if cp.id != expected:
            problems.append(f"Falta el punto de control {expected}: se eliminó de la base de datos.")
            break
        if checkpoint_mac(key, cp) != cp.mac:
            problems.append(
                f"El punto de control {cp.id} fue alterado o no lo escribió resguardo: su firma no corresponde"
                " a la clave del llavero."
            )
            continue
        date = when(cp.created_at)
        if cp.entries > count:
            problems.append(
                f"Se eliminaron entradas al final de la bitácora: el punto de control {cp.id} del {date} registra"
                f" {cp.entries} y la bitácora tiene {count}."
            )
        elif cp.entry_id is not None:
            row = conn.execute("SELECT hash FROM bitacora WHERE id = ?", (cp.entry_id,)).fetchone()
            if row is None or row[0] != cp.head_hash:
                problems.append(
                    f"La entrada {cp.entry_id} no es la que registró el punto de control {cp.id} del {date}:"
                    " la bitácora se alteró y su cadena se recalculó."
                )
        if cp.records_seq > records:
            problems.append(
                f"Se eliminaron registros de cambios: el punto de control {cp.id} del {date} registra"
                f" {cp.records_seq} y hay {records}."
            )
        elif cp.records_seq:
            row = conn.execute("SELECT hash FROM record_log WHERE seq = ?", (cp.records_seq,)).fetchone()
            if row is None or row[0] != cp.records_head:
                problems.append(
                    f"El registro de cambios {cp.records_seq} no es el que registró el punto de control {cp.id}"
                    f" del {date}: los registros se alteraron y su cadena se recalculó."
                )
    last = checkpoints[-1].id if checkpoints else 0
    if keyring_witness is not None and (keyring_witness.checkpoint_id or 0) > last and not accepted_restore:
        problems.append(
            f"Se eliminaron puntos de control: el testigo del llavero del {when(keyring_witness.at)} registra el"
            f" {keyring_witness.checkpoint_id} y el último en la base de datos es el {last}."
        )
    return problems
