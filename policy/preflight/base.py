"""What every preflight check shares: the finding, the context a check reads, and text helpers.

A check is a pure function ``(text, context, rule) -> list[Finding]``; ``rule`` is
the clause of the profile's document that asks for it (``policy.preflight.run``
calls a check only when the profile declares its rule).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple

from policy.profile import Profile
from policy.records import Citation

BLOCKS = "bloquea"
REVIEW = "revisar"
SUGGESTION = "sugerencia"
#: From the most to the least serious (the order findings are listed in, per position).
SEVERITIES: tuple[str, ...] = (BLOCKS, REVIEW, SUGGESTION)


class Span(NamedTuple):
    """Where a finding is in the text: ``text[start:end] == text``."""

    start: int
    end: int
    text: str


class Finding(NamedTuple):
    """One thing to fix or look at before publishing, with the clause that asks for it."""

    kind: str
    severity: str
    span: Span
    #: Spanish: what is wrong and what to do.
    message: str
    rule: Citation
    #: The replacement to offer, when the check knows one (the inclusive form, the spelling).
    suggestion: str | None = None


class Context(NamedTuple):
    """What a check may read besides the text: the profile, the post's network and the user's lists."""

    profile: Profile
    network: str | None = None
    with_image: bool = False
    #: A declared electoral process covers today: neutrality is reviewed in every profile.
    electoral_process: bool = False
    #: Lower-case words the spelling check accepts (the institution's, the handles', the user's).
    known_words: frozenset[str] = frozenset()
    #: Names of candidates and pre-candidates the user keeps.
    candidate_names: tuple[str, ...] = ()
    #: Running campaigns' hashtags, as ``#Campaña`` (ieesonora §6.XXIII).
    campaign_hashtags: tuple[str, ...] = ()
    #: Lower-case handles (without ``@``) of official accounts: the store's and the user's list.
    official_handles: frozenset[str] = frozenset()
    #: Lower-case domains or URL prefixes the user declared official (``ine.mx``, ``facebook.com/INEMexico``).
    official_links: tuple[str, ...] = ()
    #: Lower-case e-mail domains that are the institution's (the profile's plus the accounts').
    institutional_domains: tuple[str, ...] = ()
    #: How the spelling check looks words up (``spelling.Lexicon``); None: the list in memory.
    lexicon: Callable[[Iterable[str]], Mapping[str, int]] | None = None


Check = Callable[[str, Context, Citation], list[Finding]]


def span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def finding(
    kind: str,
    severity: str,
    text: str,
    start: int,
    end: int,
    message: str,
    rule: Citation,
    suggestion: str | None = None,
) -> Finding:
    return Finding(kind, severity, span(text, start, end), message, rule, suggestion)


def fold(text: str) -> str:
    """Lower case without accents (``Elección`` → ``eleccion``), one character for one; ñ stays ñ."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:  # «İ» lowers to two characters: keep the length, spans depend on it
            low = ch
        out.append(low if low == "ñ" else unicodedata.normalize("NFD", low)[0])
    return "".join(out)


#: A web address: with a scheme or ``www.``, or a bare ``dominio.tld/ruta``.
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>«»\"]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|mx|org|net|ly|gl|io|co|me|at|cc|gd|id|link|info|gob|edu|lat|tv|app|to|be|in)"
    r"(?:\.mx)?(?:/[^\s<>«»\"]*)?(?![\w@])",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\b[\w.+-]+@((?:[\w-]+\.)+[a-z]{2,})\b", re.IGNORECASE)
HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
MENTION = re.compile(r"(?<![\w@])@(\w+)")
#: A word of prose: letters only, not glued to digits («HEGG560427…» is no word).
WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:[-'][^\W\d_]+)*(?!\w)")
_TRAILING = ".,;:!?¡¿)]}»\"'"


def urls(text: str) -> Iterator[tuple[int, int, str]]:
    """Each web address as (start, end, address), without the sentence's trailing punctuation."""
    for match in URL.finditer(text):
        start, end = match.span()
        # an e-mail's domain is not a link
        if start > 0 and text[start - 1] == "@":
            continue
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        yield start, end, text[start:end]


def masked(text: str) -> list[tuple[int, int]]:
    """Ranges that are not prose: links, e-mail addresses, hashtags and mentions."""
    ranges = [(s, e) for s, e, _ in urls(text)]
    for pattern in (EMAIL, HASHTAG, MENTION):
        ranges.extend(m.span() for m in pattern.finditer(text))
    return sorted(ranges)


def inside(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def words(text: str) -> Iterator[re.Match[str]]:
    """The prose words of ``text`` (outside links, addresses, hashtags and mentions)."""
    skip = masked(text)
    for match in WORD.finditer(text):
        if not inside(match.start(), skip):
            yield match
