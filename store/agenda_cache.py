"""The agenda last computed, kept beside the database to be shown again while nothing changed.

Computing the agenda reads every account, person, rotation… and runs every rule
(~0.5 s at 10,000 accounts). Nothing in it changes unless the database changes
or time crosses one of its thresholds, so the agenda computed at one moment is
kept in ``<base>-agenda`` with what it depends on, and the next ``pendientes``
shows it again when all of this still holds:

- **the data**: the heads of the bitácora's chain and of the record chain
  (``store.integrity``). Every table the agenda reads appends to one of them in
  the same transaction as the change, so any committed write, by any process,
  moves a head (``tests/test_agenda_cache.py`` lists the tables the agenda reads
  and checks each is covered);
- **the clock**: the moment asked for lies between the moment the agenda was
  computed and its ``steady_until`` (``policy.engine.steady_until``: the next
  deadline, the start of a «pronto» window or the end of the day);
- **the code**: the Python version and a stamp of resguardo's rule and storage
  modules (their count, sizes and latest modification), so an update or an
  edited rule never shows an agenda the new code would not compute;
- **the horizon**: only the default window is kept.

The file holds plain values (``marshal``: no code runs when it is read) behind a
CRC-32, in two parts: the rows (what ``pendientes`` prints) and the account and
person records they name (what the workbench needs to act on them, read only by
it). It is written through a temporary file and renamed, so a crash or a torn
write leaves either the old file or one that fails its check; either way the
agenda is computed afresh. Nothing here is a secret, but it lists accounts and
people, so the file is private like the database. ``bitacora verificar``
recomputes the agenda and compares (``tui.core.agenda.check_kept_agenda``):
the file is a copy of what the database says, never a source.
"""

from __future__ import annotations

import contextlib
import itertools
import marshal
import os
import sys
import time
import zlib
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.records import Account, Citation, Person
from policy.rows import AgendaRow
from store.files import PRIVATE_FILE, TEMP_PREFIX
from store.integrity import read_head

if TYPE_CHECKING:
    from store.db import Store

#: What the file starts with; the number changes whenever the layout of what follows does.
MAGIC = b"resguardo-agenda/2\n"
SUFFIX = "-agenda"
_MEMORY = ":memory:"
#: The packages whose code decides what the agenda says (``tui.core`` included: it picks the defaults).
_SOURCES = ("policy", "store", "tui/core")
_ROOT = Path(__file__).resolve().parent.parent
_names = itertools.count()
_stamp: tuple[int, int, int] | None = None


class KeptAgenda(NamedTuple):
    """An agenda as computed at ``computed_at`` and valid until ``steady_until`` (exclusive)."""

    computed_at: datetime
    steady_until: datetime
    horizon_days: int
    profile_short: str
    profile_name: str
    accounts: int
    open_incidents: int
    rows: Sequence[AgendaRow]


class KeptRecords(NamedTuple):
    """The accounts and people the kept rows name, by id, as the database had them."""

    accounts: dict[int, Account]
    people: dict[int, Person]


class KeptItems(NamedTuple):
    """What the workbench rebuilds its obligations from (``read_kept_items``): the kept agenda's
    header (``rows`` empty), its clauses, its rows as stored (``AgendaRow``'s fields, the clause as
    an index into ``rules``) and the records they name."""

    agenda: KeptAgenda
    rules: list[Citation]
    rows: list[tuple[Any, ...]]
    records: KeptRecords


def _plain(record: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in record)


_OPENED = Account._fields.index("opened_on")
_CREATED = Account._fields.index("created_at")


def _accounts(rows: list[tuple[Any, ...]]) -> dict[int, Account]:
    """Accounts from their plain tuples: each distinct date and moment parsed once."""
    days: dict[str | None, date | None] = {None: None}
    days.update((text, date.fromisoformat(text)) for text in {r[_OPENED] for r in rows} if text is not None)
    moments: dict[str | None, datetime | None] = {None: None}
    moments.update((text, datetime.fromisoformat(text)) for text in {r[_CREATED] for r in rows} if text is not None)
    make, opened, created = tuple.__new__, _OPENED, _CREATED
    return {r[0]: make(Account, (*r[:opened], days[r[opened]], moments[r[created]], *r[created + 1 :])) for r in rows}


def cache_path(db_path: str) -> Path | None:
    """Where the agenda of the database at ``db_path`` is kept (none for an in-memory one)."""
    if not db_path or db_path == _MEMORY or db_path.startswith("file:"):
        return None
    return Path(f"{db_path}{SUFFIX}")


def code_stamp() -> tuple[int, int, int]:
    """(files, total size, latest modification in ns) of resguardo's rule and storage modules and
    profiles: any edit, update or reinstall changes it. ~100 ``stat`` calls, made once per process."""
    global _stamp
    if _stamp is None:
        count = size = latest = 0
        pending = [_ROOT / name for name in _SOURCES]
        while pending:
            try:
                entries = list(os.scandir(pending.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                try:
                    if entry.is_dir():
                        pending.append(Path(entry.path))
                        continue
                    info = entry.stat()
                except OSError:
                    continue
                count += 1
                size += info.st_size
                latest = max(latest, info.st_mtime_ns)
        _stamp = (count, size, latest)
    return _stamp


def data_key(store: Store) -> tuple[Any, ...]:
    """What the kept agenda's data must match: the installation and both chains' heads. Read it
    before reading what the agenda is computed from (a change meanwhile then only makes the
    kept copy never match, never match wrongly)."""
    row = store.conn.execute("SELECT value FROM settings WHERE key = 'installation_id'").fetchone()
    head = read_head(store.conn)
    return (row[0] if row else None, head.entries, head.head_hash, head.records_seq, head.records_head)


def _key(store_key: tuple[Any, ...], horizon_days: int) -> tuple[Any, ...]:
    return (sys.hexversion, code_stamp(), store_key, horizon_days)


def _parts(store: Store) -> tuple[bytes, bytes] | None:
    """The file's two parts, once its magic and CRC check; None when missing or damaged."""
    path = cache_path(store.path)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    start = len(MAGIC) + 12
    body = blob[start:]
    if not blob.startswith(MAGIC) or int.from_bytes(blob[len(MAGIC) : len(MAGIC) + 4], "big") != zlib.crc32(body):
        return None
    split = int.from_bytes(blob[len(MAGIC) + 4 : start], "big")
    return body[:split], body[split:]


def _load(store: Store, at: datetime, horizon_days: int) -> tuple[KeptAgenda, list[Citation], Any, bytes] | None:
    """The kept header (rows empty), clauses and stored rows when they hold for ``at``, and the
    records' part still to be read."""
    parts = _parts(store)
    if parts is None:
        return None
    try:
        key, head, rules, rows = marshal.loads(parts[0])
        if key != _key(data_key(store), horizon_days):
            return None
        computed, until, days, short, name, accounts, incidents = head
        computed_at, steady_until = datetime.fromisoformat(computed), datetime.fromisoformat(until)
        if not computed_at <= at < steady_until:
            return None
        header = KeptAgenda(computed_at, steady_until, days, short, name, accounts, incidents, ())
        return header, [Citation(*rule) for rule in rules], rows, parts[1]
    except Exception:  # a file from elsewhere that passed its CRC: computed afresh, never trusted
        return None


def read_kept(store: Store, at: datetime, horizon_days: int) -> KeptAgenda | None:
    """The kept agenda if it still holds for ``at`` (aware) and ``horizon_days``; None otherwise
    (no file, another database state, another day or threshold crossed, other code, a damaged file)."""
    loaded = _load(store, at, horizon_days)
    if loaded is None:
        return None
    header, citations, rows, _ = loaded
    width = len(AgendaRow._fields)
    if any(len(row) != width for row in rows):
        return None
    make = tuple.__new__
    try:
        return header._replace(rows=[make(AgendaRow, (*row[:9], citations[row[9]], *row[10:])) for row in rows])
    except Exception:  # as in _load
        return None


def read_kept_items(store: Store, at: datetime, horizon_days: int) -> KeptItems | None:
    """What ``read_kept`` reads, plus the account and person records its rows name, for the
    workbench to rebuild its obligations (``tui.core.agenda.recent_agenda``); None as there."""
    loaded = _load(store, at, horizon_days)
    if loaded is None:
        return None
    header, citations, rows, records = loaded
    try:
        head, account_rows, person_rows = marshal.loads(records)
        if head != header.computed_at.isoformat():
            return None
        if any(len(r) != len(Account._fields) for r in account_rows) or any(
            len(r) != len(Person._fields) for r in person_rows
        ):
            return None
        make = tuple.__new__
        people = {r[0]: make(Person, r) for r in person_rows}
        return KeptItems(header, citations, rows, KeptRecords(_accounts(account_rows), people))
    except Exception:  # as in _load
        return None


def keep(store: Store, store_key: tuple[Any, ...], agenda: KeptAgenda, records: KeptRecords | None = None) -> bool:
    """Keep ``agenda`` and the ``records`` its rows name, computed from the database as of
    ``store_key`` (``data_key``, read before the agenda's data). Best effort: False when it could not
    be written (a read-only folder, a reader holding the file on Windows, a full disk), and the next
    run simply computes again."""
    path = cache_path(store.path)
    if path is None or store.unwritable is not None:
        return False
    rules: dict[Citation, int] = {}
    rows = []
    for row in agenda.rows:
        index = rules.get(row.rule)
        if index is None:
            index = rules[row.rule] = len(rules)
        rows.append((*row[:9], index, *row[10:]))
    head = (
        agenda.computed_at.isoformat(),
        agenda.steady_until.isoformat(),
        agenda.horizon_days,
        agenda.profile_short,
        agenda.profile_name,
        agenda.accounts,
        agenda.open_incidents,
    )
    first = marshal.dumps((_key(store_key, agenda.horizon_days), head, [tuple(r) for r in rules], rows))
    accounts = [_plain(a) for a in records.accounts.values()] if records is not None else []
    people = [_plain(p) for p in records.people.values()] if records is not None else []
    body = first + marshal.dumps((head[0], accounts, people))
    temp = path.with_name(f"{TEMP_PREFIX}agenda-{os.getpid()}-{time.monotonic_ns()}-{next(_names)}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + zlib.crc32(body).to_bytes(4, "big") + len(first).to_bytes(8, "big"))
            handle.write(body)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    return True


def discard(store: Store) -> bool:
    """Remove the kept agenda; True when there was one."""
    path = cache_path(store.path)
    if path is None:
        return False
    try:
        path.unlink()
    except OSError:
        return False
    return True
