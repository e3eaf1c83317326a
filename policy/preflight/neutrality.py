"""Electoral neutrality: parties, candidacies, participatory-budget projects, electoral platforms and the
user's list of names (iecm §9.XXIII; in every profile while a declared electoral process runs)."""

from __future__ import annotations

import re
from functools import lru_cache

from policy.preflight import lists
from policy.preflight.base import BLOCKS, REVIEW, Context, Finding, finding, fold
from policy.records import Citation

CANDIDACY = re.compile(r"(?<![\wñ])(?:pre)?candidat[oa]s?(?![\wñ])")
BUDGET_PROJECT = re.compile(
    r"(?<![\wñ])proyectos?(?:\s+[\wñ]+){0,8}?\s+(?:del?\s+)?presupuesto\s+participativo"
    r"|presupuesto\s+participativo(?:\s+[\wñ]+){0,4}?\s+proyectos?\s+(?:participantes?|ganadores?|registrados?)"
)
PLATFORM = re.compile(r"(?<![\wñ])plataformas?\s+electorales?(?![\wñ])")


@lru_cache(maxsize=8)
def _party_patterns(profile_id: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    parties = [p for p in lists.parties() if p.scope in ("nacional", profile_id)]
    names = lists.phrase_pattern([p.name for p in parties])
    acronyms = sorted({a for p in parties for a in p.acronyms}, key=len, reverse=True)
    acronym = re.compile(rf"(?<![\w#@])(?:{'|'.join(map(re.escape, acronyms))})(?!\w)") if acronyms else None
    return names, acronym


def neutrality(text: str, context: Context, rule: Citation) -> list[Finding]:
    # iecm's document forbids these messages outright; elsewhere a running process asks to look again.
    strict = context.profile.has_rule("preflight_neutrality") and rule == context.profile.rule("preflight_neutrality")
    severity = BLOCKS if strict else REVIEW
    folded = fold(text)  # same length as text: one character each
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, message: str, level: str = severity) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(finding("neutralidad", level, text, start, end, message, rule))

    names, acronym = _party_patterns(context.profile.id)
    for match in names.finditer(folded):
        add(
            *match.span(),
            f"Menciona a un partido político («{text[match.start() : match.end()]}»): "
            "las cuentas institucionales no difunden mensajes de partidos; quítelo.",
        )
    if acronym is not None:
        for match in acronym.finditer(text):
            add(
                *match.span(),
                f"Menciona a un partido político («{match.group()}»): "
                "las cuentas institucionales no difunden mensajes de partidos; quítelo.",
            )
    if context.candidate_names:
        people = lists.phrase_pattern(list(context.candidate_names))
        for match in people.finditer(folded):
            add(
                *match.span(),
                f"Nombra a «{text[match.start() : match.end()]}», de la lista de candidaturas: "
                "las cuentas institucionales no difunden mensajes sobre personas candidatas; quítelo.",
            )
    for match in CANDIDACY.finditer(folded):
        add(
            *match.span(),
            "Habla de una persona candidata o precandidata: revise que no difunda mensajes relacionados con ella.",
            REVIEW,
        )
    for match in BUDGET_PROJECT.finditer(folded):
        add(
            *match.span(),
            "Habla de un proyecto del presupuesto participativo: las cuentas institucionales"
            " no difunden proyectos participantes; revíselo.",
            REVIEW,
        )
    for match in PLATFORM.finditer(folded):
        add(*match.span(), "Habla de plataformas electorales: revise que no difunda la de un partido.", REVIEW)
    return sorted(found, key=lambda f: f.span.start)
