"""The word lists the checks read, shipped in ``policy/data/`` (plain text, one entry a line)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from policy.preflight.base import fold

DATA = Path(__file__).resolve().parent.parent / "data"


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def shorteners() -> frozenset[str]:
    return frozenset(line.lower() for line in _lines("url_shorteners.txt"))


class Party(NamedTuple):
    name: str
    acronyms: tuple[str, ...]
    scope: str


@lru_cache(maxsize=1)
def parties() -> tuple[Party, ...]:
    found = []
    for line in _lines("parties.txt"):
        name, acronyms, scope = (part.strip() for part in line.split("|"))
        found.append(Party(name, tuple(a.strip() for a in acronyms.split(",") if a.strip()), scope))
    return tuple(found)


@lru_cache(maxsize=1)
def inclusive_forms() -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in _lines("inclusive.txt"):
        form, alternative = (part.strip() for part in line.split("|"))
        pairs.append((form, alternative))
    return tuple(pairs)


@lru_cache(maxsize=1)
def allusions() -> tuple[tuple[str, tuple[str, ...]], ...]:
    kinds = []
    for line in _lines("allusions.txt"):
        kind, listed = (part.strip() for part in line.split("|"))
        kinds.append((kind, tuple(w.strip() for w in listed.split(",") if w.strip())))
    return tuple(kinds)


def phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """One pattern for whole-word phrases, on folded text (see ``base.fold``); longest first."""
    ordered = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\wñ])(?:{body})(?![\wñ])")
