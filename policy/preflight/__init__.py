"""Preflight of a draft post: the institution's content criteria checked before publishing.

``run(text, context)`` returns the findings of every check the profile's document asks for,
each carrying its clause. One module per family of checks: ``personal`` (personal data),
``form`` (capitals, spam), ``spelling``, ``links``, ``neutrality`` and ``content``
(allusions, inclusive language, image, campaign hashtags, length). Pure: the only files read
are the word lists shipped in ``policy/data/`` and the Spanish dictionary of ``pyspellchecker``.

A check runs only when the profile declares its rule (``[rules.preflight_*]`` in
``policy/profiles/*.toml``); a declared electoral process adds neutrality, as ``revisar``,
to the profiles whose document does not ask for it always. The length limit is the network's,
not a document's: its citation says so.
"""

from __future__ import annotations

from typing import NamedTuple

from policy.preflight import content, form, links, neutrality, personal, spelling
from policy.preflight.base import BLOCKS, REVIEW, SEVERITIES, SUGGESTION, Check, Context, Finding, Span
from policy.records import Citation

__all__ = [
    "BLOCKS",
    "CHECKS",
    "KINDS",
    "REVIEW",
    "SEVERITIES",
    "SUGGESTION",
    "Context",
    "Finding",
    "Span",
    "blocking",
    "length_rule",
    "run",
]


class CheckSpec(NamedTuple):
    #: The profile rule that turns the check on (``rules.<rule_key>`` in the profile).
    rule_key: str
    check: Check
    #: The finding kinds it produces.
    kinds: tuple[str, ...]


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("preflight_personal_data", personal.identity_numbers, ("curp", "rfc", "clave_elector", "credencial")),
    CheckSpec("preflight_personal_data", personal.phones, ("telefono",)),
    CheckSpec("preflight_personal_data", personal.emails, ("correo",)),
    CheckSpec("preflight_personal_data", personal.addresses, ("domicilio",)),
    CheckSpec("preflight_minors", personal.minors, ("menor",)),
    CheckSpec("preflight_caps", form.all_caps, ("mayusculas",)),
    CheckSpec("preflight_spam", form.spam, ("spam",)),
    CheckSpec("preflight_spelling", spelling.spelling, ("ortografia",)),
    CheckSpec("preflight_shorteners", links.shorteners, ("acortador",)),
    CheckSpec("preflight_repost", links.reposts, ("repost",)),
    CheckSpec("preflight_neutrality", neutrality.neutrality, ("neutralidad",)),
    CheckSpec("preflight_allusions", content.allusions, ("alusiones",)),
    CheckSpec("preflight_inclusive", content.inclusive_language, ("lenguaje_incluyente",)),
    CheckSpec("preflight_media", content.media, ("sin_imagen",)),
    CheckSpec("preflight_campaign_hashtag", content.campaign_hashtag, ("hashtag_campana",)),
)
#: The rule that covers neutrality during a declared electoral process where the document does not ask always.
PROCESS_NEUTRALITY = "preflight_neutrality_process"
#: Every finding kind and the profile rule behind it (``longitud`` is the network's limit).
KINDS: dict[str, str] = {kind: spec.rule_key for spec in CHECKS for kind in spec.kinds} | {"longitud": ""}


def length_rule(profile_id: str) -> Citation:
    """The citation of the length check: the network's own limit, which no institutional document states."""
    return Citation(
        profile=profile_id,
        document="Límites de cada red social",
        section="longitud máxima",
        quote="",
        note="No lo fija el documento de la institución: es el límite de caracteres de la red"
        " (X 280, Instagram 2,200, TikTok 4,000, YouTube 5,000, Facebook 63,206).",
    )


def run(text: str, context: Context) -> list[Finding]:
    """Every finding on ``text``, ordered by position, then severity."""
    profile = context.profile
    found: list[Finding] = []
    for spec in CHECKS:
        if profile.has_rule(spec.rule_key):
            found.extend(spec.check(text, context, profile.rule(spec.rule_key)))
    if (
        context.electoral_process
        and not profile.has_rule("preflight_neutrality")
        and profile.has_rule(PROCESS_NEUTRALITY)
    ):
        found.extend(neutrality.neutrality(text, context, profile.rule(PROCESS_NEUTRALITY)))
    found.extend(content.length(text, context, length_rule(profile.id)))
    return sorted(found, key=lambda f: (f.span.start, SEVERITIES.index(f.severity), f.kind))


def blocking(findings: list[Finding]) -> bool:
    """True when a finding stops the publication (exit status 1 of ``borrador revisar``)."""
    return any(f.severity == BLOCKS for f in findings)
