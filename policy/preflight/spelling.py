"""Spelling (ine §6.XXV, ieeags §6.XXVII, ieesonora §6.XXII, iecm §9.VI): words that lose or misplace
an accent or an «ñ», and a short list of frequent misspellings.

The dictionary is the Spanish word list of ``pyspellchecker`` (a maintained, pure-Python package: a
frequency list of ~86,000 words, read straight from its gzip file in ~40 ms, without importing the
package's checker). That list lacks many inflected forms («consejeras», «invitamos»), so a word absent
from it is NOT reported by itself: it is reported when it has no accent and a form of it with one
accent or an «ñ» added IS in the list («eleccion» → «elección», «tambien» → «también»); a word written
with an accent is taken as meant (the list lacks «ganó» but has «gano»). That
keeps the check precise on institutional prose, at the cost of missing typos of other kinds. The
institution's words, the account handles and the user's word list are always accepted.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from policy.errors import PolicyError
from policy.preflight.base import REVIEW, Context, Finding, finding, fold, words
from policy.records import Citation

#: Misspellings that no accent explains, and their correct form.
MISSPELLINGS: dict[str, str] = {
    "atravez": "a través",
    "atravéz": "a través",
    "enserio": "en serio",
    "porfavor": "por favor",
    "apartir": "a partir",
    "aveces": "a veces",
    "osea": "o sea",
    "nadamas": "nada más",
    "nomas": "nomás",
    "hechar": "echar",
    "desición": "decisión",
    "desicion": "decisión",
    "ensima": "encima",
    "haiga": "haya",
    "hize": "hice",
    "exepción": "excepción",
    "excepsión": "excepción",
    "inscribete": "inscríbete",
    "particpa": "participa",
    "particpación": "participación",
    "ciudadania": "ciudadanía",
    "informacion": "información",
    "votacion": "votación",
}

#: Words the RAE accepts with and without the accent (the list has only the accented one).
VALID: frozenset[str] = frozenset({"periodo", "video", "cardiaco", "policiaco", "zodiaco", "amoniaco", "austriaco"})

_ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}


def dictionary_path() -> Path:
    """Where ``pyspellchecker`` keeps its Spanish list (found without importing the package)."""
    spec = importlib.util.find_spec("spellchecker")
    if spec is None or not spec.submodule_search_locations:
        raise PolicyError("Falta el diccionario de español (el paquete pyspellchecker); reinstale resguardo.")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "es.json.gz"


def parse_dictionary(compressed: bytes) -> dict[str, int]:
    """The word list (word -> frequency) from the package's gzip file."""
    try:
        data: dict[str, int] = json.loads(gzip.decompress(compressed))
    except (OSError, ValueError) as exc:
        raise PolicyError(f"No se pudo leer el diccionario de español: {exc}.") from exc
    return data


@lru_cache(maxsize=1)
def dictionary() -> dict[str, int]:
    """The Spanish word list with each word's frequency (loaded once per process, ~40 ms)."""
    try:
        compressed = dictionary_path().read_bytes()
    except OSError as exc:
        raise PolicyError(f"No se pudo leer el diccionario de español: {exc}.") from exc
    return parse_dictionary(compressed)


#: Looks words up: returns the frequency of those of ``words`` the list has (absent words are left out).
#: The default reads the whole list into memory; the core may pass one over a prebuilt index
#: (``store.lexicon``), which answers a single short query instead of loading 86,000 words.
Lexicon = Callable[[Iterable[str]], Mapping[str, int]]


def memory_lexicon(words: Iterable[str]) -> Mapping[str, int]:
    table = dictionary()
    return {word: table[word] for word in words if word in table}


def variants(word: str) -> set[str]:
    """The forms of ``word`` (lower case) with one accent or «ñ» changed: the errors this check knows."""
    base = fold(word)
    found = {base}
    for i, ch in enumerate(base):
        if ch in _ACCENTS:
            found.add(base[:i] + _ACCENTS[ch] + base[i + 1 :])
        elif ch == "n":
            found.add(base[:i] + "ñ" + base[i + 1 :])
    if "u" in base:
        found.add(base.replace("gue", "güe").replace("gui", "güi"))
    found.discard(word)
    return found


#: Words that follow these are nouns or adjectives, not verbs: «la pagina», «el proximo».
DETERMINERS: frozenset[str] = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "unas",
        "su",
        "sus",
        "mi",
        "mis",
        "tu",
        "tus",
        "del",
        "al",
        "este",
        "esta",
        "estos",
        "estas",
        "ese",
        "esa",
        "nuestra",
        "nuestro",
        "nuestras",
        "nuestros",
        "cada",
    ]
)
_VERB_ENDINGS = ("amos", "emos", "imos", "an", "en", "as", "es", "a", "e", "o")


def _verb_keys(word: str) -> list[str]:
    keys: list[str] = []
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            keys.extend(stem + infinitive for infinitive in ("ar", "er", "ir"))
    return keys


def lookup_keys(word: str) -> list[str]:
    """Every form the check may look up for ``word`` (lower case): itself, its variants, its infinitives."""
    return [word, *variants(word), *_verb_keys(word)]


def suggestion_for(
    word: str,
    known: frozenset[str] = frozenset(),
    *,
    after_determiner: bool = False,
    found: Mapping[str, int] | None = None,
) -> str | None:
    """The correct form of ``word`` when it is a known misspelling, or None when it looks right.

    ``after_determiner``: the word follows an article or a possessive, so it is no verb.
    ``found``: the frequencies of ``lookup_keys(word)`` the list has (looked up in memory when omitted).
    """
    lower = word.lower()
    if lower in known or fold(lower) in known:
        return None
    if lower in MISSPELLINGS:
        return _like(word, MISSPELLINGS[lower])
    if any(ch in "áéíóúü" for ch in lower):
        # a word written with an accent is taken as meant: the list lacks many accented verb forms
        # («ganó», «participó») whose bare twin it has
        return None
    if len(lower) > 5 and lower.endswith(("cion", "sion")):  # «elección», «sesión»: always accented
        return _like(word, lower[:-3] + "ión")
    if lower in VALID:
        return None
    table = found if found is not None else memory_lexicon(lookup_keys(lower))
    if lower in table:
        return None
    if not after_determiner and any(key in table for key in _verb_keys(lower)):
        return None
    options = [v for v in variants(lower) if v in table]
    if not options:
        return None
    best = max(options, key=lambda v: (table[v], v))
    return _like(word, best)


def _like(original: str, replacement: str) -> str:
    """``replacement`` with the capitalization of ``original``."""
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def spelling(text: str, context: Context, rule: Citation) -> list[Finding]:
    candidates = []
    previous = ""
    for match in words(text):
        word = match.group()
        after_determiner, previous = previous in DETERMINERS, word.lower()
        if len(word) < 2 or (word.isupper() and len(word) > 1) or "-" in word or "'" in word:
            continue
        candidates.append((match, after_determiner))
    if not candidates:
        return []
    keys = {key for match, _ in candidates for key in lookup_keys(match.group().lower())}
    lexicon = context.lexicon or memory_lexicon
    found_words = lexicon(keys)
    findings = []
    for match, after_determiner in candidates:
        word = match.group()
        right = suggestion_for(word, context.known_words, after_determiner=after_determiner, found=found_words)
        if right is None or right == word:
            continue
        findings.append(
            finding(
                "ortografia",
                REVIEW,
                text,
                *match.span(),
                f"«{word}» parece mal escrita: ¿quiso decir «{right}»?",
                rule,
                suggestion=right,
            )
        )
    return findings
