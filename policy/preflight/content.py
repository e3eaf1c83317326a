"""What the post says and carries: religious or racial allusions and patriotic symbols (iecm §9.XIX),
inclusive language (iecm §9.XVI, §11.3 a), image or video (ine §6.XXVII, ieeags §6.XXIX), the running
campaigns' hashtags (ieesonora §6.XXIII) and the network's length limit."""

from __future__ import annotations

import re
from functools import lru_cache

from policy.preflight import lists
from policy.preflight.base import BLOCKS, HASHTAG, REVIEW, SUGGESTION, Context, Finding, finding, fold, urls
from policy.records import Citation

#: Characters a post may have on each network (X counts every link as 23).
LENGTH_LIMITS: dict[str, int] = {
    "x": 280,
    "facebook": 63206,
    "instagram": 2200,
    "tiktok": 4000,
    "youtube": 5000,
}
NETWORK_NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}
_X_LINK_LENGTH = 23

_ALLUSION_MESSAGES = {
    "religiosa": "Alusión religiosa («{}»): los lineamientos piden abstenerse de ellas; reformule el mensaje.",
    "racial": "Alusión racial («{}»): los lineamientos piden abstenerse de ellas; reformule el mensaje.",
    "patria": "Alusión a los símbolos patrios («{}»): los lineamientos piden abstenerse de ellas; reformule.",
}


@lru_cache(maxsize=1)
def _allusion_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, lists.phrase_pattern(list(phrases))) for kind, phrases in lists.allusions())


def allusions(text: str, context: Context, rule: Citation) -> list[Finding]:
    folded = fold(text)
    found = []
    for kind, pattern in _allusion_patterns():
        for match in pattern.finditer(folded):
            shown = text[match.start() : match.end()]
            found.append(
                finding("alusiones", REVIEW, text, *match.span(), _ALLUSION_MESSAGES[kind].format(shown), rule)
            )
    return sorted(found, key=lambda f: f.span.start)


@lru_cache(maxsize=1)
def _inclusive_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    patterns = []
    for form, alternative in lists.inclusive_forms():
        body = re.escape(fold(form)).replace(r"\ ", r"\s+")
        patterns.append((re.compile(rf"(?<![\wñ]){body}(?![\wñ])"), alternative))
    return tuple(patterns)


def _has_feminine_pair(folded: str, start: int, end: int) -> bool:
    """«los ciudadanos y las ciudadanas», «ciudadanas y ciudadanos», «las y los ciudadanos»: already inclusive."""
    before = folded[max(0, start - 30) : start]
    after = folded[end : end + 30]
    noun = folded[start:end].split()[-1]
    stem = noun[:-2] if noun.endswith("os") else noun[:-1]
    return (
        before.endswith(("las y ", "las y/o "))
        or re.match(rf"\s+(?:y|e|o)\s+(?:las\s+)?{re.escape(stem)}as\b", after) is not None
        or re.search(rf"\b{re.escape(stem)}as\s+y\s+$", before) is not None
    )


def inclusive_language(text: str, context: Context, rule: Citation) -> list[Finding]:
    folded = fold(text)
    found = []
    for pattern, alternative in _inclusive_patterns():
        for match in pattern.finditer(folded):
            if _has_feminine_pair(folded, *match.span()):
                continue
            shown = text[match.start() : match.end()]
            suggestion = alternative[:1].upper() + alternative[1:] if shown[:1].isupper() else alternative
            found.append(
                finding(
                    "lenguaje_incluyente",
                    SUGGESTION,
                    text,
                    *match.span(),
                    f"«{shown}» es un masculino genérico: use un lenguaje incluyente, por ejemplo «{suggestion}».",
                    rule,
                    suggestion=suggestion,
                )
            )
    return sorted(found, key=lambda f: f.span.start)


def media(text: str, context: Context, rule: Citation) -> list[Finding]:
    """A post with text alone: the criteria ask for an image or audiovisual material."""
    if context.with_image:
        return []
    return [
        finding(
            "sin_imagen",
            REVIEW,
            text,
            0,
            0,
            "La publicación va sin imagen ni video: acompáñela de material gráfico o audiovisual.",
            rule,
        )
    ]


def campaign_hashtag(text: str, context: Context, rule: Citation) -> list[Finding]:
    """None of the running campaigns' hashtags is in the post (ieesonora §6.XXIII)."""
    if not context.campaign_hashtags:
        return []
    present = {fold(m.group(1)) for m in HASHTAG.finditer(text)}
    wanted = [tag if tag.startswith("#") else f"#{tag}" for tag in context.campaign_hashtags]
    if any(fold(tag[1:]) in present for tag in wanted):
        return []
    listed = ", ".join(wanted)
    return [
        finding(
            "hashtag_campana",
            REVIEW,
            text,
            len(text),
            len(text),
            f"Falta el hashtag de la campaña de difusión en marcha ({listed}): agréguelo.",
            rule,
            suggestion=wanted[0],
        )
    ]


def post_length(text: str, network: str) -> int:
    """The length the network counts (on X, each link as 23 characters)."""
    if network != "x":
        return len(text)
    total = len(text)
    for start, end, _ in urls(text):
        total += _X_LINK_LENGTH - (end - start)
    return total


def length(text: str, context: Context, rule: Citation) -> list[Finding]:
    network = context.network
    limit = LENGTH_LIMITS.get(network or "")
    if network is None or limit is None:
        return []
    counted = post_length(text, network)
    if counted <= limit:
        return []
    cut = max(0, len(text) - (counted - limit))
    return [
        finding(
            "longitud",
            BLOCKS,
            text,
            cut,
            len(text),
            f"La publicación tiene {counted} caracteres y {NETWORK_NAMES[network]} admite {limit}:"
            f" recorte {counted - limit}.",
            rule,
        )
    ]
