"""The preflight's user-maintained lists: candidate names, known words, campaign hashtags and official links.

One table, ``preflight_lists`` (migration 8): each row is one entry of one list, unique within
its list without regard to case or accents. What the preflight reads from here is plain text;
the rules that use it live in ``policy.preflight``.
"""

from __future__ import annotations

import builtins
import re
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from policy import validate
from policy.preflight.base import fold
from store.db import from_db_datetime
from store.errors import ConflictError, NotFoundError, UsageError

if TYPE_CHECKING:
    from store.db import Store

CANDIDATES = "candidatos"
WORDS = "palabras"
CAMPAIGNS = "campanas"
LINKS = "enlaces"
#: Each list and how its entries are named in messages (singular).
LISTS: dict[str, str] = {
    CANDIDATES: "el nombre",
    WORDS: "la palabra",
    CAMPAIGNS: "el hashtag",
    LINKS: "el enlace",
}

_WORD = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")
_HASHTAG = re.compile(r"^#?(\w+)$")
_LINK = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/\S*)?)$", re.IGNORECASE)


class ListEntry(NamedTuple):
    id: int
    list: str
    value: str
    author: str | None
    created_at: datetime | None


def normalize(kind: str, value: str) -> str:
    """The entry as stored: trimmed and checked for its list (UsageError with a Spanish message)."""
    if kind not in LISTS:
        raise UsageError(f"Lista desconocida «{kind}». Use una de: {', '.join(LISTS)}.")
    text = validate.text(value, LISTS[kind].split()[-1], required=True, limit=120) or ""
    if kind == CANDIDATES:
        return " ".join(text.split())
    if kind == WORDS:
        if not _WORD.match(text):
            raise UsageError(f"«{text}» no es una palabra: escriba una sola, sin espacios ni números.")
        return text
    if kind == CAMPAIGNS:
        match = _HASHTAG.match(text)
        if not match:
            raise UsageError(f"«{text}» no es un hashtag: escríbalo como #NombreDeLaCampaña, sin espacios.")
        return f"#{match.group(1)}"
    match = _LINK.match(text)
    if not match:
        raise UsageError(f"«{text}» no es un enlace: escríbalo como dominio o dirección (ine.mx, x.com/INEMexico).")
    return match.group(1).rstrip("/").lower()


def _entry(r: sqlite3.Row) -> ListEntry:
    return ListEntry(
        id=r["id"],
        list=r["list"],
        value=r["value"],
        author=r["author"],
        created_at=from_db_datetime(r["created_at"]) if r["created_at"] else None,
    )


class PreflightLists:
    """The four lists the preflight reads; entries are added and removed, never edited."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, kind: str, value: str) -> ListEntry:
        """Add ``value`` to list ``kind``; ConflictError when it is already there."""
        clean = normalize(kind, value)
        key = fold(clean)
        store = self._store
        with store.atomic():
            if store.query_one("SELECT 1 FROM preflight_lists WHERE list = ? AND folded = ?", (kind, key)):
                raise ConflictError(f"«{clean}» ya está en la lista de {kind}.")
            new_id = store.insert(
                "preflight_lists",
                {"list": kind, "value": clean, "folded": key, "author": store.author, "created_at": store.stamp()},
            )
        return self.get(new_id)

    def get(self, entry_id: int) -> ListEntry:
        row = self._store.query_one("SELECT * FROM preflight_lists WHERE id = ?", (entry_id,))
        if row is None:
            raise NotFoundError(f"No existe la entrada {entry_id} de las listas de revisión.")
        return _entry(row)

    def list(self, kind: str) -> builtins.list[ListEntry]:
        normalize_kind(kind)
        rows = self._store.query("SELECT * FROM preflight_lists WHERE list = ? ORDER BY folded, id", (kind,))
        return [_entry(r) for r in rows]

    def values(self, kind: str) -> tuple[str, ...]:
        return tuple(entry.value for entry in self.list(kind))

    def remove(self, kind: str, value: str) -> ListEntry:
        """Remove ``value`` (written as it was added, any case or accents) from list ``kind``."""
        normalize_kind(kind)
        try:
            key = fold(normalize(kind, value))
        except UsageError:
            key = fold(value.strip())
        store = self._store
        with store.atomic():
            row = store.query_one("SELECT * FROM preflight_lists WHERE list = ? AND folded = ?", (kind, key))
            if row is None:
                raise NotFoundError(f"«{value.strip()}» no está en la lista de {kind}.")
            store.execute("DELETE FROM preflight_lists WHERE id = ?", (row["id"],))
        return _entry(row)


def normalize_kind(kind: str) -> str:
    if kind not in LISTS:
        raise UsageError(f"Lista desconocida «{kind}». Use una de: {', '.join(LISTS)}.")
    return kind
