"""Links: URL shorteners (iecm §9.X) and reposts of accounts that are not official (iecm §9.VIII)."""

from __future__ import annotations

import re

from policy.preflight import lists
from policy.preflight.base import BLOCKS, REVIEW, Context, Finding, finding, urls
from policy.records import Citation

#: Profile links on the networks: the handle is the first path segment (``@handle`` on TikTok).
NETWORK_LINK = re.compile(
    r"^(?:https?://)?(?:www\.|m\.)?(?:x\.com|twitter\.com|facebook\.com|fb\.com|instagram\.com|tiktok\.com"
    r"|youtube\.com|threads\.net)/@?([\w.]+)",
    re.IGNORECASE,
)
#: A repost written in the text: «RT @cuenta», «vía @cuenta», «#Repost @cuenta», «Compartimos de @cuenta».
REPOST_MARK = re.compile(
    r"(?:\bRT\s+|\bv[ií]a\s+|#repost\s+|\bcompartimos\s+(?:lo\s+que\s+publica\s+|de\s+)|\brepost(?:eamos)?\s+(?:de\s+)?)"
    r"@(\w+)",
    re.IGNORECASE,
)
_NOT_HANDLES = {"hashtag", "search", "share", "sharer", "watch", "intent", "p", "reel", "status", "home", "explore"}


def host(url: str) -> str:
    bare = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE)
    return bare.split("/", 1)[0].split("?", 1)[0].lower().removeprefix("www.")


def shorteners(text: str, context: Context, rule: Citation) -> list[Finding]:
    known = lists.shorteners()
    found = []
    for start, end, url in urls(text):
        name = host(url)
        if any(name == s or name.endswith("." + s) for s in known):
            found.append(
                finding(
                    "acortador",
                    BLOCKS,
                    text,
                    start,
                    end,
                    f"«{name}» es un acortador de enlaces: publique la dirección completa del sitio oficial.",
                    rule,
                )
            )
    return found


def _official_link(url: str, context: Context) -> bool:
    lower = re.sub(r"^(?:https?://)?(?:www\.|m\.)?", "", url.lower())
    return any(lower.startswith(prefix.removeprefix("www.")) for prefix in context.official_links)


def reposts(text: str, context: Context, rule: Citation) -> list[Finding]:
    """A repost (``RT @x``, a network profile link) of an account that is not among the official ones."""
    found = []
    for start, end, url in urls(text):
        match = NETWORK_LINK.match(url)
        if not match or match.group(1).lower() in _NOT_HANDLES:
            continue
        handle = match.group(1).lower()
        if handle in context.official_handles or _official_link(url, context):
            continue
        found.append(
            finding(
                "repost",
                REVIEW,
                text,
                start,
                end,
                f"Enlace a la cuenta «{match.group(1)}», que no está entre las cuentas oficiales: comparta solo"
                " contenido de cuentas oficiales (o agréguela a la lista de enlaces oficiales).",
                rule,
            )
        )
    for match in REPOST_MARK.finditer(text):
        handle = match.group(1).lower()
        if handle in context.official_handles:
            continue
        found.append(
            finding(
                "repost",
                REVIEW,
                text,
                *match.span(),
                f"Se comparte contenido de @{match.group(1)}, que no está entre las cuentas oficiales: comparta solo"
                " contenido de cuentas oficiales (o agréguela a la lista de enlaces oficiales).",
                rule,
            )
        )
    return found
