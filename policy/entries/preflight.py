"""The bitácora's words for the preflight of a draft (issue #15): a publication entry can carry
the review's verdict.

Pure: the entry's text and the verdict in, the text the bitácora keeps out.
"""

from __future__ import annotations


def with_verdict(text: str, verdict: str) -> str:
    """A ``publicacion`` entry's text followed by the preflight's verdict, on the same line
    (the bitácora's tables show one line per entry)."""
    return f"{text.strip()} [Revisión con los criterios: {verdict}]"
