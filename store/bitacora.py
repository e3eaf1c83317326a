"""The bitácora: an append-only, hash-chained activity log with full-text search.

Every entry carries ``hash`` = SHA-256 of its canonical serialization, which
includes ``prev_hash`` (the hash of the entry before it; 64 zeros for the first
one). The canonical serialization is the compact JSON array (UTF-8, no ASCII
escaping, separators ``,`` and ``:``)::

    ["resguardo-bitacora/1", id, account_id, kind, occurred_at, recorded_at,
     author, text, refs, corrects_id, prev_hash]

with the values exactly as stored: ids are integers or null, datetimes are the
stored UTC ISO strings (``2026-03-12T16:00:00+00:00``), ``refs`` is the stored
compact JSON array text (or null when there are none). Editing, removing,
inserting or reordering an entry breaks the chain; ``verify`` finds the first
break. The next hash is computed inside the write transaction (BEGIN
IMMEDIATE), so concurrent writers always extend the current head.

The chain is public and unkeyed: ``store.integrity`` adds what it cannot
give alone (keyed checkpoints, witnesses of the head outside the database,
and a record chain for the other tables); every committed append moves the
witness file forward (``Store.witness_due``).

Kept light on purpose: ``resguardo bitacora agregar|buscar`` must start fast.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from policy import validate
from policy.codes import EntryKind
from policy.labels import plural
from store.db import StoredMoments, among, from_db_datetime, to_db_datetime, translate
from store.errors import NotFoundError, UsageError
from store.migrations import ZONE_BITS

if TYPE_CHECKING:
    from policy.records import Account
    from store.db import Store

FORMAT = "resguardo-bitacora/1"
GENESIS = "0" * 64
MAX_TEXT = validate.MAX_TEXT
#: How far ahead of the clock a declared time may be (clocks of two machines differ a little).
FUTURE_TOLERANCE = timedelta(minutes=5)
#: The entry kinds, as stored (``policy.codes.EntryKind``; importing it costs ~2 ms now).
KINDS: tuple[str, ...] = tuple(kind.value for kind in EntryKind)
CORRECTION = EntryKind.CORRECTION.value
MODERATION = EntryKind.MODERATION.value

_COLUMNS = "id, account_id, kind, occurred_at, recorded_at, author, text, refs, corrects_id, prev_hash, hash"
_SELECT_COLUMNS = (
    "SELECT b.id, b.account_id, b.kind, b.occurred_at, b.recorded_at, b.author, b.text, b.refs,"
    " b.corrects_id, b.prev_hash, b.hash, a.network || '/' || a.handle AS account_ref"
)
_ACCOUNT_JOIN = " LEFT JOIN accounts a ON a.id = b.account_id"
_SELECT = f"{_SELECT_COLUMNS} FROM bitacora b{_ACCOUNT_JOIN}"
#: The declared time of each account's latest activity: one seek per account on
#: (account_id, occurred_at).
_LATEST_BY_ACCOUNT = (
    "SELECT a.id AS account_id, (SELECT b.occurred_at FROM bitacora b INDEXED BY bitacora_account_occurred"
    " WHERE b.account_id = a.id ORDER BY b.occurred_at DESC LIMIT 1) AS last FROM accounts a"
)

#: Each live account's latest declared publication (content kept current): one seek per account on the
#: index of migration 11, in one statement.
_LATEST_POST_BY_ACCOUNT = (
    "SELECT a.id AS account_id, (SELECT b.occurred_at FROM bitacora b INDEXED BY bitacora_kind_account_occurred"
    " WHERE b.kind = 'publicacion' AND b.account_id = a.id ORDER BY b.occurred_at DESC LIMIT 1) AS last"
    " FROM accounts a WHERE a.status = 'activa'"
)

# How ``search`` walks the log (``Bitacora._choose_way``). Every way returns the
# same rows in the same order (the newest ``limit`` by id that pass every
# filter); they differ in what they read to get there. SQLite cannot choose
# among them: it has no idea how many entries an FTS query matches, and it
# read every match of a common word (~150,000) to keep the few dozen of one
# account.
_LOG = "log"  # the table in id order, each row checked
_ACCOUNT = "account"  # the account's index in id order
_KIND = "kind"  # the kind's index in id order
_TEXT = "text"  # the full-text matches in id order, each row checked
_SOURCES = {
    _LOG: ("bitacora b NOT INDEXED", "b.id"),
    _ACCOUNT: ("bitacora b INDEXED BY bitacora_account", "b.id"),
    _KIND: ("bitacora b INDEXED BY bitacora_kind", "b.id"),
    _TEXT: ("bitacora_fts f CROSS JOIN bitacora b ON b.id = f.rowid", "f.rowid"),
}
# How an index walk checks the words: one FTS5 lookup per entry (``_PROBE``), or
# the list of every match, built once, that each entry is looked up in (``_LIST``;
# the ``+`` keeps SQLite from walking that list instead of the index).
_PROBE = "probe"
_LIST = "list"
_CHECKS = {
    _PROBE: "EXISTS (SELECT 1 FROM bitacora_fts WHERE bitacora_fts MATCH ? AND rowid = b.id)",
    _LIST: "+b.id IN (SELECT rowid FROM bitacora_fts WHERE bitacora_fts MATCH ?{bounds})",
}
# Costs in microseconds, measured on the benchmark's million entries
# (bench/bench_workbench_bitacora.py), per word of the query where it says so:
_COST_INDEX_ROW = 1.0  # one index entry and its row
_COST_TEXT_ROW = 1.2  # one full-text match and its row, per word
_COST_LIST_ROW = 0.25  # one full-text match into the list, per word
_COST_PROBE = 50.0  # one FTS5 lookup of one entry, per word (it starts afresh each time)
#: Ways whose worst case stays under this many microseconds are taken without counting matches.
_SURE = 30_000.0
#: Entries of an account or kind are counted up to here (~2 ms); more means "not selective".
_INDEX_COUNT_MAX = 20_000
#: Full-text matches are counted up to here (~15 ms for one word).
_TEXT_COUNT_MAX = 200_000
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_escape = json.encoder.encode_basestring  # the JSON string literal json.dumps writes (C)


def canonical(
    entry_id: int,
    account_id: int | None,
    kind: str,
    occurred_at: str,
    recorded_at: str,
    author: str,
    text: str,
    refs: str | None,
    corrects_id: int | None,
    prev_hash: str,
) -> bytes:
    """The bytes an entry's hash covers (see the module docstring and the README).

    Byte for byte what ``json.dumps([...], ensure_ascii=False, separators=(",", ":"))``
    produces, written out because it is twice as fast and ``verify`` runs it a
    million times (a test keeps the two equal).
    """
    esc = _escape
    return (
        f'["{FORMAT}",{entry_id},{"null" if account_id is None else account_id},{esc(kind)},'
        f"{esc(occurred_at)},{esc(recorded_at)},{esc(author)},{esc(text)},"
        f"{'null' if refs is None else esc(refs)},{'null' if corrects_id is None else corrects_id},"
        f"{esc(prev_hash)}]"
    ).encode()


def entry_hash(*values: Any) -> str:
    """SHA-256 (hex) of ``canonical(*values)``."""
    import hashlib  # lazy: ~5 ms that reading the log (the agenda) does not need

    return hashlib.sha256(canonical(*values)).hexdigest()


def _clean_text(text: str) -> str:
    """The entry's text, trimmed; UsageError when empty, too long or not encodable as UTF-8."""
    clean = validate.text(text, "texto", required=True, limit=MAX_TEXT)
    assert clean is not None
    try:
        clean.encode()
    except UnicodeEncodeError:
        raise UsageError("El texto contiene caracteres que no son UTF-8 válidos.") from None
    return clean


def refs_text(refs: Sequence[str]) -> str | None:
    """How references are stored: compact JSON array text, or None when there are none."""
    return _encode(list(refs)) if refs else None


class Entry(NamedTuple):
    """One bitácora entry as stored (datetimes are the stored UTC ISO strings)."""

    id: int
    account_id: int | None
    account: str | None
    kind: str
    occurred_at: str
    recorded_at: str
    author: str
    text: str
    refs: tuple[str, ...]
    corrects_id: int | None
    prev_hash: str
    hash: str

    @property
    def occurred(self) -> datetime:
        return from_db_datetime(self.occurred_at)

    @property
    def recorded(self) -> datetime:
        return from_db_datetime(self.recorded_at)

    def as_json(self) -> dict[str, Any]:
        """The stable JSON shape (``buscar --json``, ``exportar --formato json``)."""
        return {
            "id": self.id,
            "account": self.account,
            "account_id": self.account_id,
            "kind": self.kind,
            "text": self.text,
            "occurred_at": self.occurred_at,
            "recorded_at": self.recorded_at,
            "author": self.author,
            "refs": list(self.refs),
            "corrects": self.corrects_id,
            "hash": self.hash,
            "prev_hash": self.prev_hash,
        }


def _row_to_entry(row: Sequence[Any]) -> Entry:
    refs = tuple(json.loads(row[7])) if row[7] else ()
    return Entry(
        id=row[0],
        account_id=row[1],
        kind=row[2],
        occurred_at=row[3],
        recorded_at=row[4],
        author=row[5],
        text=row[6],
        refs=refs,
        corrects_id=row[8],
        prev_hash=row[9],
        hash=row[10],
        account=row[11],
    )


class Verification(NamedTuple):
    """The outcome of walking the chain."""

    ok: bool
    total: int
    head: str
    head_id: int | None
    message: str
    #: The first entry found altered, or the one after a removal or insertion.
    bad_id: int | None = None
    #: With an anchor: the id of the entry whose hash it is (None when absent).
    anchor_id: int | None = None


class Seal(NamedTuple):
    total: int
    head: str
    head_id: int | None


def fts_query(text: str) -> str:
    """Turn what the user typed into a safe FTS5 query: every word must appear.

    Each word is quoted (so punctuation such as ``INE/CNCS/123`` becomes a
    phrase and never an FTS syntax error); a trailing ``*`` keeps a prefix search.
    """
    terms: list[str] = []
    for word in text.split():
        prefix = word.endswith("*")
        bare = word.rstrip("*").replace('"', "")
        if not bare.strip():
            continue
        terms.append(f'"{bare}"' + ("*" if prefix else ""))
    return " ".join(terms)


def _search_sql(
    way: tuple[str, str | None],
    query: str,
    where: list[str],
    params: list[Any],
    run: tuple[int, int] | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """The statement that walks the log ``way`` (see ``Bitacora._choose_way``), within ``run``'s ids."""
    driver, check = way
    assert bool(query) == (driver == _TEXT or check is not None), "the words must be checked exactly once"
    source, order = _SOURCES[driver]
    conditions: list[str] = []
    values: list[Any] = []
    if driver == _TEXT:
        conditions.append("bitacora_fts MATCH ?")
        values.append(query)
    conditions.extend(where)
    values.extend(params)
    if run is not None:
        conditions.append(f"{order} BETWEEN ? AND ?")
        values.extend(run)
    if check is not None:  # last: only entries that passed the other filters pay for it
        conditions.append(_CHECKS[check].format(bounds=" AND rowid BETWEEN ? AND ?" if run else ""))
        values.append(query)
        if run is not None and check == _LIST:
            values.extend(run)
    sql = (
        f"{_SELECT_COLUMNS} FROM {source}{_ACCOUNT_JOIN}"
        + (" WHERE " + " AND ".join(conditions) if conditions else "")
        + f" ORDER BY {order} DESC LIMIT ?"
    )
    return sql, [*values, limit]


class Bitacora:
    """The append-only log. Use ``append`` from any workflow, inside its transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- writing ----------------------------------------------------------

    def append(
        self,
        *,
        kind: str,
        text: str,
        account: Account | int | None = None,
        occurred_at: datetime | None = None,
        refs: Sequence[str] = (),
        corrects: int | None = None,
        author: str | None = None,
    ) -> Entry:
        """Append one entry and return it; joins the caller's transaction if there is one.

        ``occurred_at`` is when it happened (default: now); the recorded time is
        the store's clock. UsageError for an unknown kind, empty text, text over
        20,000 characters, a time more than 5 minutes in the future, or a
        correction that points at nothing (or a ``corrects`` on another kind);
        NotFoundError for an unknown account id.
        """
        store = self._store
        clean_kind = validate.choice(kind, "tipo", KINDS)
        clean_text = _clean_text(text)
        now = store.now()
        moment = now if occurred_at is None else occurred_at
        if moment.tzinfo is None:
            raise UsageError("La fecha y hora de la entrada debe indicar su zona horaria.")
        if moment > now + FUTURE_TOLERANCE:
            raise UsageError(
                f"La fecha y hora de la entrada ({validate.moment_shown(moment)}) está en el futuro;"
                " la bitácora registra lo que ya ocurrió."
            )
        clean_refs = [validate.text(ref, "referencia", required=True, limit=validate.MAX_MEDIUM) for ref in refs]
        if clean_kind == CORRECTION and corrects is None:
            raise UsageError("Una corrección debe indicar la entrada que corrige (su id).")
        if clean_kind != CORRECTION and corrects is not None:
            raise UsageError("Solo una entrada de tipo «correccion» puede indicar la entrada que corrige.")
        account_id = account if account is None or isinstance(account, int) else account.id
        author_name = validate.text(author, "autor") or store.author
        with store.atomic():
            if (
                isinstance(account, int)
                and store.query_one("SELECT 1 FROM accounts WHERE id = ?", (account_id,)) is None
            ):
                raise NotFoundError(f"No existe la cuenta con id {account_id}.")
            if corrects is not None and store.query_one("SELECT 1 FROM bitacora WHERE id = ?", (corrects,)) is None:
                raise UsageError(f"La corrección apunta a la entrada {corrects}, que no existe en la bitácora.")
            last = store.query_one("SELECT id, hash FROM bitacora ORDER BY id DESC LIMIT 1")
            entry_id = (last[0] + 1) if last else 1
            prev_hash = last[1] if last else GENESIS
            values = (
                entry_id,
                account_id,
                clean_kind,
                to_db_datetime(moment),
                store.stamp(),
                author_name,
                clean_text,
                refs_text(clean_refs),
                corrects,
                prev_hash,
            )
            digest = entry_hash(*values)
            store.execute(
                f"INSERT INTO bitacora ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*values, digest)
            )
            store.witness_due()
        return self.get(entry_id)

    def append_many(self, items: Iterable[Mapping[str, Any]]) -> int:
        """Append many entries in ONE transaction, chained as ``append`` does (imports, benchmarks).

        Each item has ``kind``, ``text`` and optionally ``account_id``,
        ``occurred_at`` (aware datetime), ``refs`` and ``author``; they are
        validated like ``append`` (UsageError), and an unknown account id fails
        the foreign key (StoreError). Nothing is written unless all are. Returns
        how many were appended.
        """
        import hashlib  # lazy: ~5 ms that reading the log (the agenda) does not need

        store = self._store
        now = store.now()
        recorded = store.stamp()
        limit = now + FUTURE_TOLERANCE
        sql = f"INSERT INTO bitacora ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        sha256 = hashlib.sha256
        count = 0
        with store.atomic():
            last = store.query_one("SELECT id, hash FROM bitacora ORDER BY id DESC LIMIT 1")
            next_id = (last[0] + 1) if last else 1
            prev_hash = last[1] if last else GENESIS
            pending: list[tuple[Any, ...]] = []
            for item in items:
                kind = validate.choice(item["kind"], "tipo", KINDS)
                if kind == CORRECTION:
                    raise UsageError("Las correcciones se registran una por una (indican la entrada que corrigen).")
                text = _clean_text(item["text"])
                moment = item.get("occurred_at") or now
                if moment > limit:
                    raise UsageError(f"La entrada {next_id} tiene una fecha y hora en el futuro.")
                refs = [
                    validate.text(r, "referencia", required=True, limit=validate.MAX_MEDIUM)
                    for r in item.get("refs") or ()
                ]
                author = validate.text(item.get("author"), "autor") or store.author
                values = (
                    next_id,
                    item.get("account_id"),
                    kind,
                    to_db_datetime(moment),
                    recorded,
                    author,
                    text,
                    refs_text(refs),
                    None,
                    prev_hash,
                )
                prev_hash = sha256(canonical(*values)).hexdigest()
                pending.append((*values, prev_hash))
                next_id += 1
                count += 1
                if len(pending) >= 5000:
                    self._insert_rows(sql, pending)
                    pending.clear()
            self._insert_rows(sql, pending)
            store.witness_due()
        return count

    def _insert_rows(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        try:
            self._store.conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise translate(exc, self._store.path) from None

    # -- reading ----------------------------------------------------------

    def get(self, entry_id: int) -> Entry:
        """One entry by id (NotFoundError when absent)."""
        row = self._store.query_one(f"{_SELECT} WHERE b.id = ?", (entry_id,))
        if row is None:
            raise NotFoundError(f"No existe la entrada {entry_id} de la bitácora.")
        return _row_to_entry(row)

    def _filters(
        self, account_id: int | None, kind: str | None, since: datetime | None, until: datetime | None
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if account_id is not None:
            where.append("b.account_id = ?")
            params.append(account_id)
        if kind is not None:
            where.append("b.kind = ?")
            params.append(validate.choice(kind, "tipo", KINDS))
        if since is not None:
            where.append("b.occurred_at >= ?")
            params.append(to_db_datetime(since))
        if until is not None:
            where.append("b.occurred_at <= ?")
            params.append(to_db_datetime(until))
        return where, params

    def search(
        self,
        text: str | None = None,
        *,
        account_id: int | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[Entry]:
        """Entries matching every word of ``text`` (diacritics folded) and the filters, newest first.

        Newest means the highest id (the order of recording). UsageError for an
        unknown kind or a limit below 1.
        """
        if limit < 1:
            raise UsageError("El límite debe ser al menos 1.")
        where, params = self._filters(account_id, kind, since, until)
        query = fts_query(text or "")
        runs = self._zone_runs(since, until) if since is not None or until is not None else None
        if runs == []:
            return []
        way = self._choose_way(query, account_id, kind, runs, limit)
        found: list[Entry] = []
        for run in runs if runs is not None else [None]:
            sql, run_params = _search_sql(way, query, where, params, run, limit - len(found))
            found.extend(_row_to_entry(row) for row in self._store.query(sql, run_params))
            if len(found) >= limit:
                break
        return found

    def _zone_runs(self, since: datetime | None, until: datetime | None) -> list[tuple[int, int]]:
        """The id ranges, newest first, of the blocks holding an entry declared within [since, until].

        An entry in the range lies in a block whose earliest and latest declared
        times overlap the range, so searching these ids alone finds every one;
        an old range then costs a few blocks, not a walk through everything newer.
        """
        conditions: list[str] = []
        params: list[Any] = []
        if since is not None:
            conditions.append("last_occurred >= ?")
            params.append(to_db_datetime(since))
        if until is not None:
            conditions.append("first_occurred <= ?")
            params.append(to_db_datetime(until))
        rows = self._store.query(
            f"SELECT zone FROM bitacora_zones WHERE {' AND '.join(conditions)} ORDER BY zone DESC", params
        )
        size = 1 << ZONE_BITS
        runs: list[tuple[int, int]] = []
        for row in rows:
            low = row[0] * size
            high = low + size - 1
            if runs and runs[-1][0] == high + 1:
                runs[-1] = (low, runs[-1][1])
            else:
                runs.append((low, high))
        return runs

    def _count_upto(self, sql: str, params: Sequence[Any], most: int) -> int:
        row = self._store.query_one(f"SELECT count(*) FROM ({sql} LIMIT {int(most)})", params)
        return int(row[0]) if row else 0

    def _count_index(self, index: str, value: Any, most: int) -> int:
        """Entries of one account (or kind), counted on its index up to ``most``."""
        column = "account_id" if index == _ACCOUNT else "kind"
        return self._count_upto(f"SELECT 1 FROM {_SOURCES[index][0]} WHERE {column} = ?", (value,), most)

    def _choose_way(
        self,
        query: str,
        account_id: int | None,
        kind: str | None,
        runs: list[tuple[int, int]] | None,
        limit: int,
    ) -> tuple[str, str | None]:
        """How to walk the log: (what to read in id order, how an index walk checks the words).

        Without words: the account's (or kind's) index when there is one, else
        the table. Words alone (or with dates): the full-text matches. Words with
        an account or kind: the cheapest of reading the matches, walking the
        index with one lookup per entry, or walking it against the list of
        matches, by the expected cost with the filters taken as independent.
        Counting comes first, and only as far as the choice needs it: a common
        word in one account of 2,000 costs ~30 ms this way, where reading its
        150,000 matches took ~170 ms.
        """
        if not query:
            if account_id is None or kind is None:
                return (_ACCOUNT if account_id is not None else _KIND if kind is not None else _LOG), None
            in_account = self._count_index(_ACCOUNT, account_id, _INDEX_COUNT_MAX)
            in_kind = self._count_index(_KIND, kind, in_account + 1)
            return (_KIND if in_kind < in_account else _ACCOUNT), None
        counts: dict[str, int] = {}
        if account_id is not None:
            counts[_ACCOUNT] = self._count_index(_ACCOUNT, account_id, _INDEX_COUNT_MAX)
        if kind is not None:
            counts[_KIND] = self._count_index(_KIND, kind, _INDEX_COUNT_MAX)
        if not counts:
            return _TEXT, None
        index = min(counts, key=lambda name: counts[name])  # the account on a tie
        in_index = counts[index]
        if in_index == 0:
            return index, _PROBE  # nothing to check
        total = self._last_id()
        words = query.split(" ")
        # A prefix (``palabra*``) cannot be looked up entry by entry: FTS5 merges
        # the lists of every word it covers on each lookup (~8 ms for «rot*»).
        prefix = any(word.endswith("*") for word in words)
        filter_share = 1.0
        for value in counts.values():
            filter_share *= value / total
        other_share = filter_share * total / in_index  # the other index filter's; 1.0 without one
        probe_row = _COST_INDEX_ROW + other_share * _COST_PROBE * len(words)
        if not prefix and in_index * probe_row <= _SURE:
            return index, _PROBE
        text_row = _COST_TEXT_ROW * len(words)
        if limit / filter_share * text_row <= _SURE:
            return _TEXT, None  # the filters keep many entries: the matches soon give enough
        share = 1.0  # the part of the log inside the date range's blocks
        if runs is not None:
            share = min(1.0, sum(high - low + 1 for low, high in runs) / total)
        counted = self._count_upto("SELECT 1 FROM bitacora_fts WHERE bitacora_fts MATCH ?", (query,), _TEXT_COUNT_MAX)
        matches = (total if counted >= _TEXT_COUNT_MAX else counted) * share
        if not matches:
            return _TEXT, None
        costs = {
            (_TEXT, None): min(matches, limit / filter_share) * text_row,
            (index, _LIST): matches * _COST_LIST_ROW * len(words) + in_index * share * _COST_INDEX_ROW,
        }
        if not prefix:
            costs[(index, _PROBE)] = min(in_index * share, limit * total * share / (matches * other_share)) * probe_row
        return min(costs, key=lambda way: costs[way])

    def _last_id(self) -> int:
        row = self._store.query_one("SELECT max(id) FROM bitacora")
        return int(row[0]) if row and row[0] is not None else 0

    def iter_entries(
        self,
        *,
        account_id: int | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Iterator[Entry]:
        """Every entry matching the filters, oldest first, streamed (for exports)."""
        where, params = self._filters(account_id, kind, since, until)
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY b.id"
        for row in self._stream(sql, params):
            yield _row_to_entry(row)

    def latest_by_account(self, accounts: Collection[int] | None = None) -> Mapping[int, datetime]:
        """account id -> the latest declared time of its entries, for every account that has one.

        By the time the entry declares it happened, not by the order of
        recording: a note written today about last year's work does not make the
        account look active today. One seek per account on
        ``bitacora_account_occurred``, read as plain tuples: ~12 ms for 2,000
        accounts over a million entries (it runs on every load of the agenda).
        """
        where, params = among("a.id", accounts)
        rows = self._stream(f"{_LATEST_BY_ACCOUNT} WHERE {where}", params)
        return StoredMoments({account_id: last for account_id, last in rows if last})

    def latest_post_by_account(self, accounts: Collection[int] | None = None) -> Mapping[int, datetime]:
        """live account id -> the latest declared time of its ``publicacion`` entries (accounts with
        one; of ``accounts`` when given).

        One statement, one seek per live account on ``bitacora_kind_account_occurred`` (migration 11).
        """
        where, params = among("a.id", accounts)
        rows = self._stream(f"{_LATEST_POST_BY_ACCOUNT} AND {where}", params)
        return StoredMoments({account_id: last for account_id, last in rows if last})

    def for_account(self, account_id: int, limit: int = 5) -> list[Entry]:
        """The account's newest ``limit`` entries, newest first."""
        return self.search(account_id=account_id, limit=limit)

    def count(self) -> int:
        row = self._store.query_one("SELECT count(*) FROM bitacora")
        return int(row[0]) if row else 0

    def seal(self) -> Seal:
        """The head hash and the number of entries: an anchor to quote outside resguardo."""
        last = self._store.query_one("SELECT id, hash FROM bitacora ORDER BY id DESC LIMIT 1")
        if last is None:
            return Seal(total=0, head=GENESIS, head_id=None)
        return Seal(total=self.count(), head=last[1], head_id=last[0])

    # -- verification -----------------------------------------------------

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows as plain tuples, fetched in batches (no ``sqlite3.Row`` per row)."""
        store = self._store
        try:
            cursor = store.conn.cursor()
            cursor.row_factory = None
            cursor.execute(sql, params)
            while True:
                batch = cursor.fetchmany(5000)
                if not batch:
                    break
                yield from batch
        except sqlite3.Error as exc:
            raise translate(exc, store.path) from None

    def verify(self, anchor: str | None = None) -> Verification:
        """Recompute the whole chain; report the first entry altered, removed or inserted.

        With ``anchor`` (a head hash quoted earlier by ``seal``), also check that
        the log still contains it, i.e. still extends that earlier state.
        """
        import hashlib  # lazy: ~5 ms that reading the log (the agenda) does not need

        wanted = anchor.strip().lower() if anchor else None
        if wanted is not None and (len(wanted) != 64 or any(c not in "0123456789abcdef" for c in wanted)):
            raise UsageError("El sello debe ser un hash SHA-256: 64 caracteres hexadecimales.")
        sha256 = hashlib.sha256
        expected_prev = GENESIS
        prev_id = 0
        count = 0
        anchor_id: int | None = None
        rows = self._stream(f"SELECT {_COLUMNS} FROM bitacora ORDER BY id")
        for entry_id, acc, kind, occurred, recorded, author, text, refs, corrects, prev, stored in rows:
            values = (entry_id, acc, kind, occurred, recorded, author, text, refs, corrects, prev)
            digest = sha256(canonical(*values)).hexdigest()
            if digest != stored:
                return self._broken(count, expected_prev, prev_id, entry_id, _explain_mismatch(values, stored))
            if prev != expected_prev:
                if entry_id != prev_id + 1:
                    where = f"entre la {prev_id} y la {entry_id}" if prev_id else f"antes de la {entry_id}"
                    message = f"Se eliminó al menos una entrada {where}: la cadena de hashes se rompe."
                else:
                    message = (
                        f"La entrada {entry_id} no continúa la cadena de la {prev_id}: se insertó o se"
                        " reordenó una entrada."
                    )
                return self._broken(count, expected_prev, prev_id, entry_id, message)
            if wanted is not None and stored == wanted:
                anchor_id = entry_id
            expected_prev = stored
            prev_id = entry_id
            count += 1
        head_id = prev_id or None
        if wanted is not None and anchor_id is None and wanted != GENESIS:
            return Verification(
                ok=False,
                total=count,
                head=expected_prev,
                head_id=head_id,
                anchor_id=None,
                message=(
                    f"La cadena es íntegra ({plural(count, 'entrada')}), pero no contiene el sello {wanted[:16]}…:"
                    " la bitácora ya no extiende el estado sellado (se borraron o rehicieron entradas)."
                ),
            )
        return Verification(
            ok=True,
            total=count,
            head=expected_prev,
            head_id=head_id,
            anchor_id=anchor_id,
            message=f"Bitácora íntegra: {plural(count, 'entrada')}.",
        )

    @staticmethod
    def _broken(count: int, head: str, head_id: int, bad_id: int, message: str) -> Verification:
        return Verification(ok=False, total=count, head=head, head_id=head_id or None, message=message, bad_id=bad_id)


def _explain_mismatch(values: tuple[Any, ...], stored: str) -> str:
    """Why an entry's content no longer matches its hash: renumbered (moved) or edited."""
    entry_id = values[0]
    for shift, reason in (
        (-1, f"se insertó una entrada antes de la {entry_id} y las siguientes se renumeraron"),
        (1, f"era la entrada {entry_id + 1}: se eliminó o se reordenó una entrada"),
    ):
        if entry_hash(entry_id + shift, *values[1:]) == stored:
            return f"La entrada {entry_id} cambió de lugar ({reason})."
    return f"La entrada {entry_id} fue alterada: su contenido ya no corresponde a su hash."
