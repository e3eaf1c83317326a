"""Form: ALL CAPS beyond a threshold and spam patterns (repeated hashtags, mentions or links)."""

from __future__ import annotations

import re
from collections import Counter

from policy.preflight.base import HASHTAG, MENTION, REVIEW, SUGGESTION, Context, Finding, finding, urls, words
from policy.records import Citation

#: How many consecutive words in capitals make a shouted passage.
CAPS_RUN = 3
#: More hashtags, mentions or links than these in one post is spam-like.
MAX_HASHTAGS = 5
MAX_MENTIONS = 6
MAX_LINKS = 3

_ACRONYM_MAX = 5  # a capitals word this short may be an acronym (INE, IECM, PREP); it still counts in a run


def all_caps(text: str, context: Context, rule: Citation) -> list[Finding]:
    """Runs of ``CAPS_RUN`` or more words in capitals (acronyms alone are fine)."""
    found: list[Finding] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        long_words = [m for m in run if len(m.group()) > _ACRONYM_MAX - 1]
        if len(run) >= CAPS_RUN and long_words:
            found.append(
                finding(
                    "mayusculas",
                    SUGGESTION,
                    text,
                    run[0].start(),
                    run[-1].end(),
                    "Texto en mayúsculas sostenidas: escriba con mayúsculas y minúsculas.",
                    rule,
                    suggestion=_sentence_case(text[run[0].start() : run[-1].end()]),
                )
            )
        run.clear()

    previous_end = 0
    for match in words(text):
        word = match.group()
        caps = word.isupper() and len(word) >= 2
        gap = text[previous_end : match.start()]
        if run and (not caps or any(ch.isalpha() for ch in gap) or "\n" in gap):
            close()
        if caps:
            run.append(match)
        previous_end = match.end()
    close()
    return found


def _sentence_case(passage: str) -> str:
    lowered = passage.lower()
    return lowered[:1].upper() + lowered[1:]


def spam(text: str, context: Context, rule: Citation) -> list[Finding]:
    """The same hashtag, mention or link repeated, or more of them than a post needs."""
    found: list[Finding] = []
    groups = (
        ("hashtags", [(m.start(), m.end(), m.group().lower()) for m in HASHTAG.finditer(text)], MAX_HASHTAGS),
        ("menciones", [(m.start(), m.end(), m.group().lower()) for m in MENTION.finditer(text)], MAX_MENTIONS),
        ("enlaces", [(s, e, u.lower()) for s, e, u in urls(text)], MAX_LINKS),
    )
    for label, items, limit in groups:
        counts = Counter(value for _, _, value in items)
        seen: set[str] = set()
        for start, end, value in items:
            if counts[value] > 1 and value in seen:
                found.append(
                    finding(
                        "spam",
                        REVIEW,
                        text,
                        start,
                        end,
                        f"«{text[start:end]}» se repite: publique cada uno una sola vez (evite el spam).",
                        rule,
                    )
                )
            seen.add(value)
        if len(items) > limit:
            start, end = items[limit][0], items[-1][1]
            found.append(
                finding(
                    "spam",
                    REVIEW,
                    text,
                    start,
                    end,
                    f"La publicación lleva {len(items)} {label} (más de {limit}): déjela con los necesarios.",
                    rule,
                )
            )
    return found
