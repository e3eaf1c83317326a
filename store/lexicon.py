"""A prebuilt index of the preflight's Spanish word list, so the spelling check answers in one query.

Loading ``pyspellchecker``'s list (86,000 words) costs ~40 ms per process, a sixth of the
250 ms ``borrador revisar`` may take. This module keeps the list as a small SQLite file in the
user's cache folder (``RESGUARDO_CACHE`` or platformdirs' cache directory), rebuilt when the
package's file changes (its size and modification time are stored beside the words). A review
then asks for the few hundred forms its text needs in one ``SELECT … IN``. The cache is
disposable: when it cannot be written or read, the caller falls back to the list in memory.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

ENV_CACHE = "RESGUARDO_CACHE"
FILE_NAME = "lexico-es.sqlite3"
_CHUNK = 900  # below SQLite's oldest limit of 999 parameters


def cache_folder() -> Path:
    env = os.environ.get(ENV_CACHE, "").strip()
    if env:
        return Path(env)
    from platformdirs import user_cache_path  # lazy: ~20 ms, only when the cache is first looked for

    return user_cache_path("resguardo", appauthor=False)


def _stamp(source: Path) -> str:
    info = source.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


class SqliteLexicon:
    """Looks words up in the cached index (a ``policy.preflight.spelling.Lexicon``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __call__(self, words: Iterable[str]) -> Mapping[str, int]:
        wanted = list(dict.fromkeys(words))
        found: dict[str, int] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(self._conn.execute(f"SELECT word, freq FROM words WHERE word IN ({marks})", chunk))
        return found


def _build(target: Path, source: Path, stamp: str) -> None:
    from policy.preflight.spelling import parse_dictionary  # lazy: only when the cache is (re)built

    words = parse_dictionary(source.read_bytes())
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    conn = sqlite3.connect(partial)
    try:
        conn.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL) WITHOUT ROWID")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany("INSERT INTO words VALUES (?, ?)", words.items())
        conn.execute("INSERT INTO meta VALUES ('source', ?)", (stamp,))
        conn.commit()
    finally:
        conn.close()
    os.replace(partial, target)  # atomic: a concurrent reader sees the old file or the new one


def open_lexicon(source: Path) -> SqliteLexicon | None:
    """The index of the word list at ``source``, built on first use; None when the cache is unusable."""
    try:
        target = (cache_folder() / FILE_NAME).resolve()
        stamp = _stamp(source)
        for attempt in range(2):
            if target.exists():
                # read-only; as_uri() percent-encodes spaces and spells Windows drives as SQLite wants
                conn = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True, check_same_thread=False)
                row = conn.execute("SELECT value FROM meta WHERE key = 'source'").fetchone()
                if row and row[0] == stamp:
                    return SqliteLexicon(conn)
                conn.close()
            if attempt == 0:
                _build(target, source, stamp)
    except (OSError, sqlite3.Error):
        return None
    return None
