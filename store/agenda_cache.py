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
CRC-32: a header (what it depends on, how long it holds, the clauses, each row's
status as runs) and the rows in blocks of ``BLOCK_ROWS``, each block followed by
the account and person records its rows name, then an index of each row's
account and kind (to patch the agenda after a change to a few accounts,
``tui.core.agenda.patched_agenda``, without decoding every row). ``pendientes`` decodes the rows
only; the workbench decodes a block the first time one of its rows is read
(Hoy's first frame reads the first block of ~50 at 20,000 accounts), and checks
the others after its first frame (``KeptBlocks.check_all``). It is written through a temporary file and renamed, so a crash or a torn
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
import sqlite3
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.clock import local
from policy.codes import Status
from policy.records import Account, Citation, Person
from policy.rows import AgendaRow
from store.db import LAST_DAILY_BACKUP_KEY
from store.errors import StoreError
from store.files import PRIVATE_FILE, TEMP_PREFIX
from store.integrity import read_head

if TYPE_CHECKING:
    from store.db import Store

#: What the file starts with; the number changes whenever the layout of what follows does.
MAGIC = b"resguardo-agenda/4\n"
SUFFIX = "-agenda"
#: The agenda of the start of the next day, computed in advance (``tui.core.agenda.prepare_agendas``).
AHEAD_SUFFIX = "-agenda-next"
#: Rows per block: the workbench decodes a block the first time one of its rows is read.
BLOCK_ROWS = 1024
_MEMORY = ":memory:"
#: The packages whose code decides what the agenda says (``tui.core`` included: it picks the defaults).
_SOURCES = ("policy", "store", "tui/core")
_ROOT = Path(__file__).resolve().parent.parent
_names = itertools.count()
_stamp: tuple[int, int, int] | None = None
_WIDTH = len(AgendaRow._fields)
#: Settings no agenda reads (``tests/test_agenda_cache.py`` traces the reads to check it).
UNREAD_SETTINGS = (LAST_DAILY_BACKUP_KEY,)
_STATUS_TEXTS = frozenset(status.value for status in Status)


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


class KeptBlock(NamedTuple):
    """One block of stored rows (``AgendaRow``'s fields, the clause as an index into the clauses),
    each deadline parsed once, and the records the rows name."""

    rows: list[tuple[Any, ...]]
    dues: dict[str, datetime]
    accounts: dict[int, Account]
    people: dict[int, Person]


class KeptAgendaDamaged(StoreError):
    """A block of the kept agenda does not hold what its header says (a file made by hand that
    passed its CRC): the file is removed and the agenda computed again."""


class KeptBlocks:
    """The kept rows in blocks of ``BLOCK_ROWS``, each decoded and checked the first time one of
    its rows is read (Hoy's first frame reads one block of ~50 at 20,000 accounts). An account or
    person named in several blocks is one record: the same object for every row that names it."""

    def __init__(
        self,
        body: bytes,
        spans: list[tuple[int, int, int, int]],
        statuses: list[str],
        rules: int,
        index_span: tuple[int, int] = (0, 0),
    ) -> None:
        self._body = body
        self._spans = spans
        self._index_span = index_span
        self._plain: list[list[tuple[Any, ...]] | None] = [None] * len(spans)
        self._statuses = statuses
        self._rules = rules
        self._blocks: list[KeptBlock | None] = [None] * len(spans)
        self._accounts: dict[int, Account] = {}
        self._people: dict[int, Person] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._statuses)

    def block(self, number: int) -> KeptBlock:
        """Block ``number``, decoded and checked once; KeptAgendaDamaged when it is not sound."""
        found = self._blocks[number]
        if found is None:
            with self._lock:  # the UI thread and a worker may both ask for it
                found = self._blocks[number]
                if found is None:
                    found = self._blocks[number] = self._decode(number)
        return found

    def plain_block(self, number: int) -> list[tuple[Any, ...]]:
        """Block ``number``'s rows as stored (``AgendaRow``'s fields, the clause as an index), without
        the records (~1 ms); KeptAgendaDamaged when they are not what the header says."""
        found = self._plain[number]
        if found is None:
            rows_at, rows_size, _, _ = self._spans[number]
            first = number * BLOCK_ROWS
            try:
                rows = marshal.loads(self._body[rows_at : rows_at + rows_size])
                statuses = self._statuses[first : first + BLOCK_ROWS]
                if type(rows) is not list or len(rows) != len(statuses) or set(map(len, rows)) - {_WIDTH}:
                    raise ValueError("rows")
                if [row[1] for row in rows] != statuses:
                    raise ValueError("statuses")
                rules = {row[9] for row in rows}
                if rules and (set(map(type, rules)) != {int} or min(rules) < 0 or max(rules) >= self._rules):
                    raise ValueError("rules")
            except Exception as exc:  # as in _decode
                raise _damaged() from exc
            found = self._plain[number] = rows
        return found

    def plain_rows(self) -> list[tuple[Any, ...]]:
        """Every row as stored, in order (``plain_block`` of each block: ~30 ms for 50,000 rows)."""
        found: list[tuple[Any, ...]] = []
        for number in range(len(self._spans)):
            found += self.plain_block(number)
        return found

    def index(self) -> tuple[list[int | None], list[int | None], list[str]]:
        """Each row's account id and person id (None when it names none) and kind, in order, read
        from the index written after the blocks (~7 ms for 50,000 rows; no row decoded).
        KeptAgendaDamaged when it does not match the rows' count."""
        at, size = self._index_span
        try:
            accounts, people, kinds, codes = marshal.loads(self._body[at : at + size])
            count = len(self._statuses)
            if (
                type(accounts) is not list
                or len(accounts) != count
                or type(people) is not list
                or len(people) != count
                or set(map(type, people)) - {int, type(None)}
                or type(codes) is not bytes
                or len(codes) != count
                or type(kinds) is not list
                or set(map(type, kinds)) - {str}
                or set(map(type, accounts)) - {int, type(None)}
                or (codes and max(codes) >= len(kinds))
            ):
                raise ValueError("index")
        except Exception as exc:  # as in _decode
            raise _damaged() from exc
        return accounts, people, [kinds[code] for code in codes]

    def check_all(self) -> bool:
        """Decode and check every block; False (never raises) when one is not sound."""
        try:
            for number in range(len(self._spans)):
                self.block(number)
        except KeptAgendaDamaged:
            return False
        return True

    def _decode(self, number: int) -> KeptBlock:
        rows = self.plain_block(number)  # widths, statuses and clauses checked there
        _, _, records_at, records_size = self._spans[number]
        try:
            account_rows, person_rows = marshal.loads(self._body[records_at : records_at + records_size])
            columns = list(zip(*rows, strict=True)) if rows else [()] * _WIDTH
            if rows and set(map(type, columns[8])) != {str}:
                raise ValueError("messages")
            if any(len(r) != len(Account._fields) for r in account_rows) or any(
                len(r) != len(Person._fields) for r in person_rows
            ):
                raise ValueError("records")
            make = tuple.__new__
            known = self._accounts
            accounts = _accounts([r for r in account_rows if r[0] not in known])
            accounts.update((r[0], known[r[0]]) for r in account_rows if r[0] in known)
            people = {r[0]: self._people.get(r[0]) or make(Person, r) for r in person_rows}
            account_ids, person_ids = set(columns[4]), set(columns[6])
            account_ids.discard(None)
            person_ids.discard(None)
            if not account_ids <= accounts.keys() or not person_ids <= people.keys():
                raise ValueError("records named")
            dues = {text: local(datetime.fromisoformat(text)) for text in set(columns[2])}
        except Exception as exc:  # a file made elsewhere that passed its CRC: never trusted
            raise _damaged() from exc
        self._accounts.update(accounts)
        self._people.update(people)
        return KeptBlock(rows, dues, accounts, people)


class KeptItems(NamedTuple):
    """What the workbench rebuilds its obligations from (``read_kept_items``): the kept agenda's
    header (``rows`` empty), its clauses, each row's status (as text, in order) and the rows in blocks."""

    agenda: KeptAgenda
    rules: list[Citation]
    statuses: list[str]
    blocks: KeptBlocks


_OPENED = Account._fields.index("opened_on")
_CREATED = Account._fields.index("created_at")


def _damaged() -> KeptAgendaDamaged:
    return KeptAgendaDamaged(
        "La agenda guardada junto a la base de datos está dañada: se descartó y se calcula de nuevo."
    )


def _accounts(rows: list[tuple[Any, ...]]) -> dict[int, Account]:
    """Accounts from their plain tuples: each distinct date and moment parsed once."""
    days: dict[str | None, date | None] = {None: None}
    days.update((text, date.fromisoformat(text)) for text in {r[_OPENED] for r in rows} if text is not None)
    moments: dict[str | None, datetime | None] = {None: None}
    moments.update((text, datetime.fromisoformat(text)) for text in {r[_CREATED] for r in rows} if text is not None)
    make, opened, created = tuple.__new__, _OPENED, _CREATED
    return {r[0]: make(Account, (*r[:opened], days[r[opened]], moments[r[created]], *r[created + 1 :])) for r in rows}


def cache_path(db_path: str, *, ahead: bool = False) -> Path | None:
    """Where the agenda of the database at ``db_path`` is kept (none for an in-memory one); with
    ``ahead``, the one computed in advance for the start of the next day."""
    if not db_path or db_path == _MEMORY or db_path.startswith("file:"):
        return None
    return Path(f"{db_path}{AHEAD_SUFFIX if ahead else SUFFIX}")


class KeptHeader(NamedTuple):
    """A kept agenda's header, read without the rest of the file (no CRC: to decide whether to
    compute one, never to show it)."""

    current: bool  # computed from the data the database holds now, by this code, at this horizon
    computed_at: datetime
    steady_until: datetime

    def holds(self, at: datetime) -> bool:
        return self.current and self.computed_at <= at < self.steady_until


def kept_header(
    store: Store, horizon_days: int, *, ahead: bool = False, store_key: tuple[Any, ...] | None = None
) -> KeptHeader | None:
    """The header of the kept agenda (``ahead``: of the next day's), or None when there is none
    readable. Reads a few hundred bytes; ``store_key`` is ``data_key(store)`` when already read."""
    found = _stored_head(store, ahead)
    if found is None:
        return None
    key, computed_at, steady_until = found
    return KeptHeader(
        key == _key(data_key(store) if store_key is None else store_key, horizon_days), computed_at, steady_until
    )


def _stored_head(store: Store, ahead: bool) -> tuple[Any, datetime, datetime] | None:
    """The stored key, computed_at and steady_until of a kept agenda, read from its header alone."""
    path = cache_path(store.path, ahead=ahead)
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            prefix = handle.read(len(MAGIC) + 12)
            if not prefix.startswith(MAGIC) or len(prefix) != len(MAGIC) + 12:
                return None
            size = int.from_bytes(prefix[len(MAGIC) + 4 :], "big")
            if size > 64 * 1024 * 1024:
                return None
            key, head, *_ = marshal.loads(handle.read(size))
        return key, datetime.fromisoformat(head[0]), datetime.fromisoformat(head[1])
    except Exception:  # unreadable, foreign or torn: as good as none
        return None


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
    conn = store.conn
    row = conn.execute("SELECT value FROM settings WHERE key = 'installation_id'").fetchone()
    head = read_head(conn)
    # The record chain's head, passing over the settings no agenda reads at its tail: the date of
    # the daily backup, written by each day's first opening, would otherwise leave the agenda
    # prepared the day before for that day (``tui.core.agenda.prepare_agendas``) never holding.
    # Any other change after it still moves the key (each hash chains the ones before).
    marks = ", ".join("?" * len(UNREAD_SETTINGS))
    record = conn.execute(
        f"SELECT seq, hash FROM record_log WHERE NOT (tbl = 'settings' AND row_id IN ({marks}))"
        " ORDER BY seq DESC LIMIT 1",
        UNREAD_SETTINGS,
    ).fetchone()
    records = (record[0], record[1]) if record else (0, None)
    return (row[0] if row else None, head.entries, head.head_hash, *records)


def _key(store_key: tuple[Any, ...], horizon_days: int) -> tuple[Any, ...]:
    return (sys.hexversion, code_stamp(), store_key, horizon_days)


def _whole(store: Store, ahead: bool) -> tuple[bytes, int] | None:
    """The file's bytes and where its header ends, once its magic and CRC check; None when missing
    or damaged."""
    path = cache_path(store.path, ahead=ahead)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    start = len(MAGIC) + 12
    if not blob.startswith(MAGIC) or int.from_bytes(blob[len(MAGIC) : len(MAGIC) + 4], "big") != zlib.crc32(
        memoryview(blob)[start:]
    ):
        return None
    return blob, start + int.from_bytes(blob[len(MAGIC) + 4 : start], "big")


def _load(store: Store, at: datetime, horizon_days: int) -> tuple[KeptAgenda, list[Citation], KeptBlocks] | None:
    """The kept header (rows empty), clauses and blocks when they hold for ``at``: the agenda kept
    last, or else the one computed in advance for the start of ``at``'s day."""
    store_key = data_key(store)
    expected = _key(store_key, horizon_days)
    for ahead in (False, True):
        # the header first (a few hundred bytes): the whole file is read and checked only when it holds
        header = kept_header(store, horizon_days, ahead=ahead, store_key=store_key)
        if header is not None and header.holds(at):
            loaded = _load_one(store, at, ahead, lambda key: key == expected)
            return None if loaded is None else loaded[:3]
    return None


def _load_one(
    store: Store, at: datetime, ahead: bool, accept: Callable[[Any], bool]
) -> tuple[KeptAgenda, list[Citation], KeptBlocks, Any] | None:
    """The kept file's header, clauses, blocks and stored key, when ``accept(key)`` and it holds
    for the time ``at``."""
    whole = _whole(store, ahead)
    if whole is None:
        return None
    blob, body = whole
    try:
        key, head, rules, runs, spans, index_span = marshal.loads(memoryview(blob)[len(MAGIC) + 12 : body])
        if not accept(key):
            return None
        computed, until, days, short, name, accounts, incidents = head
        computed_at, steady_until = datetime.fromisoformat(computed), datetime.fromisoformat(until)
        if not computed_at <= at < steady_until:
            return None
        statuses: list[str] = []
        for status, count in runs:
            if status not in _STATUS_TEXTS or type(count) is not int or count <= 0:
                return None
            statuses.extend([status] * count)
        if len(spans) != -(-len(statuses) // BLOCK_ROWS) or any(
            len(span) != 4
            or min(span) < 0
            or span[0] + span[1] > len(blob) - body
            or span[2] + span[3] > len(blob) - body
            for span in spans
        ):
            return None
        header = KeptAgenda(computed_at, steady_until, days, short, name, accounts, incidents, ())
        if len(index_span) != 2 or min(index_span) < 0 or sum(index_span) > len(blob) - body:
            return None
        blocks = KeptBlocks(memoryview(blob)[body:], spans, statuses, len(rules), tuple(index_span))  # type: ignore[arg-type]
        return header, [Citation(*rule) for rule in rules], blocks, key
    except Exception:  # a file from elsewhere that passed its CRC: computed afresh, never trusted
        return None


def read_kept(store: Store, at: datetime, horizon_days: int) -> KeptAgenda | None:
    """The kept agenda if it still holds for ``at`` (aware) and ``horizon_days``; None otherwise
    (no file, another database state, another day or threshold crossed, other code, a damaged file)."""
    loaded = _load(store, at, horizon_days)
    if loaded is None:
        return None
    header, citations, blocks = loaded
    try:
        return header._replace(rows=agenda_rows_of(blocks.plain_rows(), citations))
    except KeptAgendaDamaged:
        return None


def agenda_rows_of(stored: Iterable[tuple[Any, ...]], citations: Sequence[Citation]) -> list[AgendaRow]:
    """Stored rows (``KeptBlocks.plain_block``: checked) as ``AgendaRow``s, each clause from its index."""
    make = tuple.__new__
    return [make(AgendaRow, (*row[:9], citations[row[9]], *row[10:])) for row in stored]


def read_kept_items(store: Store, at: datetime, horizon_days: int) -> KeptItems | None:
    """What ``read_kept`` reads, for the workbench to rebuild its obligations
    (``tui.core.agenda.recent_agenda``) block by block; None as there, or when its first block is
    not sound (the others are checked when first read, or by ``KeptBlocks.check_all``)."""
    loaded = _load(store, at, horizon_days)
    if loaded is None:
        return None
    header, citations, blocks = loaded
    if len(blocks):
        try:
            blocks.block(0)
        except KeptAgendaDamaged:
            return None
    return KeptItems(header, citations, blocks._statuses, blocks)


def read_base(store: Store, at: datetime, horizon_days: int) -> tuple[KeptItems, tuple[Any, ...]] | None:
    """A kept agenda that holds for ``at`` in all but the data (same code, horizon and installation,
    computed for this moment's steady span) and the data key it was computed from: what
    ``changes_since`` tells the changes from, for ``tui.core.agenda`` to patch. The last one kept is
    preferred, then the next day's; None when neither is such a base, or its first block is unsound."""
    installation = data_key(store)[0]
    version, stamp = sys.hexversion, code_stamp()

    def accept(key: Any) -> bool:
        return (
            type(key) is tuple
            and len(key) == 4
            and key[0] == version
            and key[1] == stamp
            and key[3] == horizon_days
            and type(key[2]) is tuple
            and len(key[2]) == 5
            and key[2][0] == installation
        )

    for ahead in (False, True):
        found = _stored_head(store, ahead)
        if found is None or not accept(found[0]) or not found[1] <= at < found[2]:
            continue
        loaded = _load_one(store, at, ahead, accept)
        if loaded is None:
            continue
        header, citations, blocks, key = loaded
        if len(blocks):
            try:
                blocks.block(0)
            except KeptAgendaDamaged:
                continue
        return KeptItems(header, citations, blocks._statuses, blocks), key[2]
    return None


#: How a changed row of each table that belongs to one account names it (``changes_since``): a
#: change to one of these changes the agenda's items of that account alone, and of the accounts
#: sharing its password (``tui.core.agenda`` adds those).
_ACCOUNT_OF: dict[str, str] = {
    **{
        table: f"SELECT account_id FROM {table} WHERE id = ?"
        for table in ("rotations", "evaluations", "consultations", "information_requests", "incidents", "duties")
    },
    "credential_status": "SELECT account_id FROM credential_status WHERE account_id = ?",
    "second_factors": "SELECT account_id FROM second_factors WHERE account_id = ?",
    "incident_notices": (
        "SELECT i.account_id FROM incident_notices n JOIN incidents i ON i.id = n.incident_id WHERE n.id = ?"
    ),
}
#: The account's own record and its closing: they also change what its administrators must do
#: (the people assigned to it are named too).
_ACCOUNT_RECORD_OF: dict[str, str] = {
    "accounts": "SELECT id FROM accounts WHERE id = ?",
    "closings": "SELECT account_id FROM closings WHERE id = ?",
    "closing_items": "SELECT c.account_id FROM closing_items i JOIN closings c ON c.id = i.closing_id WHERE i.id = ?",
}
#: How a changed row of each table that belongs to one person names them: the items of that
#: person, and of the accounts they administer (``tui.core.agenda`` adds those).
_PERSON_OF: dict[str, str] = {
    "people": "SELECT id FROM people WHERE id = ?",
    "trainings": "SELECT person_id FROM trainings WHERE id = ?",
    "person_documents": "SELECT person_id FROM person_documents WHERE id = ?",
}
#: How a changed row of each table that ties people to accounts names both (the row id as the
#: record chain writes it: ``change:assignment`` for the administrator changes' links).
_ACCOUNTS_AND_PEOPLE_OF: dict[str, str] = {
    "assignments": "SELECT account_id, person_id FROM assignments WHERE id = ?",
    "admin_changes": (
        "SELECT NULL, person_id FROM admin_changes WHERE id = ?"
        " UNION ALL SELECT a.account_id, NULL FROM admin_change_assignments a WHERE a.change_id = ?1"
        " UNION ALL SELECT s.account_id, x.person_id FROM admin_change_starts s"
        " JOIN assignments x ON x.id = s.started_assignment_id WHERE s.change_id = ?1"
    ),
    "admin_change_assignments": (
        "SELECT a.account_id, c.person_id FROM admin_change_assignments a JOIN admin_changes c ON c.id = a.change_id"
        " WHERE a.change_id = ? AND a.ended_assignment_id = ?"
    ),
    "admin_change_starts": (
        "SELECT s.account_id, c.person_id FROM admin_change_starts s JOIN admin_changes c ON c.id = s.change_id"
        " WHERE s.change_id = ?1 AND s.started_assignment_id = ?2"
        " UNION ALL SELECT NULL, x.person_id FROM assignments x WHERE x.id = ?2"
    ),
}
#: Tables the agenda never reads (``tests/test_agenda_cache.py`` traces its reads): their changes
#: leave it as it was.
UNREAD_TABLES = frozenset({"workflow_events", "password_fingerprints"})
#: Beyond this many new entries and records since the kept agenda, it is computed afresh.
MOST_CHANGES = 5000


class Changed(NamedTuple):
    """What changed since a kept agenda: the accounts and the people the changes name."""

    accounts: frozenset[int]
    people: frozenset[int]


def changes_since(store: Store, since: tuple[Any, ...]) -> Changed | None:
    """The accounts and people named by what changed since the data of key ``since``
    (``data_key``), when every change is a new bitácora entry, or a row that belongs to one account
    (``_ACCOUNT_OF``, ``_ACCOUNT_RECORD_OF``: the people assigned to it then too), to one person
    (``_PERSON_OF``) or to people and accounts (``_ACCOUNTS_AND_PEOPLE_OF``: assignments and
    administrator changes), or of a table the agenda does not read. None when anything else
    changed (a waiver, an opening, a setting, the calendar, a duty of no account…), a chain does
    not extend the one of ``since`` (a restore, another copy), or there were too many changes."""
    conn = store.conn
    try:
        installation, entries, entries_hash, records, records_hash = since
        now = data_key(store)
        if now[0] != installation or now[1] < entries or now[1] - entries > MOST_CHANGES:
            return None
        if entries and _one(conn, "SELECT hash FROM bitacora WHERE id = ?", entries) != entries_hash:
            return None
        if records and _one(conn, "SELECT hash FROM record_log WHERE seq = ?", records) != records_hash:
            return None
        accounts = {
            account_id
            for (account_id,) in conn.execute(
                "SELECT DISTINCT account_id FROM bitacora WHERE id > ? AND account_id IS NOT NULL", (entries,)
            )
        }
        people: set[int] = set()
        changed = conn.execute(
            "SELECT tbl, row_id FROM record_log WHERE seq > ? ORDER BY seq LIMIT ?", (records, MOST_CHANGES + 1)
        ).fetchall()
        if len(changed) > MOST_CHANGES:
            return None
        for table, row_id in changed:
            if table in UNREAD_TABLES or (table == "settings" and row_id in UNREAD_SETTINGS):
                continue
            if table in _ACCOUNT_OF:
                named, found = accounts, _one(conn, _ACCOUNT_OF[table], row_id)
            elif table in _PERSON_OF:
                named, found = people, _one(conn, _PERSON_OF[table], row_id)
            elif table in _ACCOUNTS_AND_PEOPLE_OF:
                keys = [int(key) for key in str(row_id).split(":")]
                rows = conn.execute(_ACCOUNTS_AND_PEOPLE_OF[table], keys).fetchall()
                if not rows:  # a row removed since
                    return None
                accounts.update(row[0] for row in rows if row[0] is not None)
                people.update(row[1] for row in rows if row[1] is not None)
                continue
            elif table in _ACCOUNT_RECORD_OF:
                named, found = accounts, _one(conn, _ACCOUNT_RECORD_OF[table], row_id)
                people.update(
                    person_id
                    for (person_id,) in conn.execute(
                        "SELECT DISTINCT person_id FROM assignments WHERE account_id = ?", (found,)
                    )
                )
            else:
                return None
            if found is None:  # a row removed since, or a duty of no account
                return None
            named.add(found)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    return Changed(frozenset(accounts), frozenset(people))


def _one(conn: sqlite3.Connection, sql: str, value: Any) -> Any:
    """The first column of the first row ``sql`` gives for ``value``; None when there is none."""
    row = conn.execute(sql, (value,)).fetchone()
    return None if row is None else row[0]


def keep(
    store: Store,
    store_key: tuple[Any, ...],
    agenda: KeptAgenda,
    records: KeptRecords | None = None,
    *,
    ahead: bool = False,
) -> bool:
    """Keep ``agenda`` and the ``records`` its rows name, computed from the database as of
    ``store_key`` (``data_key``, read before the agenda's data); ``ahead``: as the next day's. Best
    effort: False when it could not be written (a read-only folder, a reader holding the file on
    Windows, a full disk) or when a row names a record ``records`` lacks, and the next run simply
    computes again."""
    path = cache_path(store.path, ahead=ahead)
    if path is None or store.unwritable is not None:
        return False
    rules: dict[Citation, int] = {}
    rows: list[tuple[Any, ...]] = []
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
    runs: list[list[Any]] = []
    for stored in rows:
        if runs and runs[-1][0] == stored[1]:
            runs[-1][1] += 1
        else:
            runs.append([stored[1], 1])
    accounts = records.accounts if records is not None else {}
    people = records.people if records is not None else {}
    # each account as plain values once (named in ~2.5 blocks each): its date and moment as text
    plain_accounts: dict[int, tuple[Any, ...]] = {}
    opened, created = _OPENED, _CREATED

    texts: dict[tuple[object, object], str | None] = {(None, None): None}  # many accounts share a day

    def text(value: Any) -> str | None:
        key = (value, getattr(value, "tzinfo", None))  # equal instants may differ in zone
        found = texts.get(key, "")
        if found == "":
            found = texts[key] = value.isoformat()  # a date or a moment: None is in texts
        return found

    def account_plain(account_id: int) -> tuple[Any, ...]:
        record = accounts[account_id]
        if len(record) != len(Account._fields):  # written as given: the reader refuses it
            plain = plain_accounts[account_id] = tuple(record)
            return plain
        plain = plain_accounts[account_id] = (
            *record[:opened],
            text(record[opened]),
            text(record[created]),
            *record[created + 1 :],
        )
        return plain

    parts: list[bytes] = []
    spans: list[tuple[int, int, int, int]] = []
    offset = 0
    try:
        for first in range(0, len(rows), BLOCK_ROWS):
            block = rows[first : first + BLOCK_ROWS]
            named = dict.fromkeys(row[4] for row in block if row[4] is not None)
            who = dict.fromkeys(row[6] for row in block if row[6] is not None)
            blob = marshal.dumps(block)
            named_records = marshal.dumps(
                (
                    [plain_accounts[i] if i in plain_accounts else account_plain(i) for i in named],
                    [tuple(people[i]) for i in who],
                )
            )
            spans.append((offset, len(blob), offset + len(blob), len(named_records)))
            parts += (blob, named_records)
            offset += len(blob) + len(named_records)
    except KeyError:  # a row names a record not given: nothing kept
        return False
    # each row's account, person and kind, to find their rows without decoding them (``index``)
    kinds: dict[str, int] = {}
    for stored in rows:
        kinds.setdefault(stored[0], len(kinds))
    if len(kinds) > 256:  # more kinds than a byte tells apart (there are ~40): nothing kept
        return False
    row_index = marshal.dumps(
        ([row[4] for row in rows], [row[6] for row in rows], list(kinds), bytes(kinds[row[0]] for row in rows))
    )
    index_span = (offset, len(row_index))
    parts.append(row_index)
    header = marshal.dumps(
        (
            _key(store_key, agenda.horizon_days),
            head,
            [tuple(r) for r in rules],
            [tuple(r) for r in runs],
            spans,
            index_span,
        )
    )
    body = header + b"".join(parts)
    temp = path.with_name(f"{TEMP_PREFIX}agenda-{os.getpid()}-{time.monotonic_ns()}-{next(_names)}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + zlib.crc32(body).to_bytes(4, "big") + len(header).to_bytes(8, "big"))
            handle.write(body)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    return True


def discard(store: Store) -> bool:
    """Remove the kept agendas (the last one and the next day's); True when there was one."""
    removed = False
    for ahead in (False, True):
        path = cache_path(store.path, ahead=ahead)
        if path is None:
            return False
        try:
            path.unlink()
        except OSError:
            continue
        removed = True
    return removed
