"""Moderation of users' comments: what each profile allows, with its clause.

Pure: the profile and the requested action in, a decision (or a refusal citing
the clause) out. The profile setting ``block_policy`` says when blocking a user
is allowed:

- ``permitido``: the rules order blocking offensive users (ieesonora §6.XV);
- ``solo_odio_violencia``: never block, except hate or violence speech, the only
  speech the rules do not tolerate (ine §6.XVI–XVII, ieeags §6.XVIII–XIX);
- ``nunca``: never block, not even then; offensive comments are ignored
  (iecm §9.XIII makes no exception), so hiding or deleting them is refused too.

A profile may name who decides deletions (``delete_decided_by``, ieeags
§6.XVIII: the Coordinación); the decision is then written into the entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from policy.codes import ModerationAction
from policy.errors import PolicyError, UsageError
from policy.profile import Profile, short_document
from policy.records import Citation

BLOCK_ALLOWED = "permitido"
BLOCK_HATE_ONLY = "solo_odio_violencia"
BLOCK_NEVER = "nunca"
BLOCK_POLICIES = (BLOCK_ALLOWED, BLOCK_HATE_ONLY, BLOCK_NEVER)

ACTION_LABELS = {
    ModerationAction.BLOCK: "bloquear a la persona usuaria",
    ModerationAction.HIDE: "ocultar el comentario",
    ModerationAction.DELETE: "eliminar el comentario",
    ModerationAction.IGNORE: "ignorar el comentario",
    ModerationAction.REPLY: "responder institucionalmente",
}


class HateNotDeclaredError(PolicyError):
    """A block refused where only hate or violence speech allows one, and the comment was not declared so
    (each face says how to declare it)."""


@dataclass(frozen=True, slots=True)
class ModerationDecision:
    """An allowed action, the clause that governs it and what the entry must state."""

    action: ModerationAction
    rule: Citation | None
    #: Spanish sentences to write into the bitácora entry (the legal basis, who decided).
    notes: tuple[str, ...] = ()


def cite(profile: Profile, rule: Citation) -> str:
    """«Criterios INE §6.XVI–XVII: "quote"» — the clause as a refusal quotes it."""
    head = f"{short_document(profile, rule)} {rule.section}".strip()
    return f"{head}: «{rule.quote}»" if rule.quote else head


def parse_action(text: str) -> ModerationAction:
    """The action code (``bloquear``, ``ocultar``…); UsageError when unknown."""
    value = (text or "").strip().lower()
    try:
        return ModerationAction(value)
    except ValueError:
        options = ", ".join(a.value for a in ModerationAction)
        raise UsageError(f"Acción de moderación desconocida «{text}». Use una de: {options}.") from None


def decide(profile: Profile, action: str, *, hate_or_violence: bool = False) -> ModerationDecision:
    """Check a moderation action against the profile.

    Raises UsageError for an unknown action, PolicyError (citing the clause) when
    the profile forbids it, and PolicyError when ``block_policy`` is malformed.
    """
    chosen = parse_action(action)
    rule = profile.rules.get("moderation")
    notes: list[str] = []
    if chosen is ModerationAction.BLOCK:
        policy = profile.settings.block_policy
        if policy not in BLOCK_POLICIES:
            raise PolicyError(
                f"El ajuste block_policy del perfil {profile.short_name} es «{policy}»;"
                f" debe ser uno de: {', '.join(BLOCK_POLICIES)}."
            )
        if policy == BLOCK_NEVER:
            clause = cite(profile, rule) if rule else "sus reglas"
            raise PolicyError(
                f"No se registra el bloqueo: {profile.short_name} no permite bloquear a personas usuarias,"
                f" ni siquiera por discursos de odio o violencia ({clause}). Registre la acción «ignorar»."
            )
        if policy == BLOCK_HATE_ONLY:
            if not hate_or_violence:
                clause = cite(profile, rule) if rule else "sus reglas"
                raise HateNotDeclaredError(
                    f"No se registra el bloqueo: {profile.short_name} no permite bloquear a personas usuarias"
                    f" ({clause}). La única excepción son los discursos que promueven el odio o la violencia;"
                    " si es el caso, declárelo expresamente."
                )
            hate_rule = profile.rules.get("moderation_hate", rule)
            basis = cite(profile, hate_rule) if hate_rule else "las reglas del perfil"
            notes.append(f"Bloqueo por discurso de odio o violencia, única excepción que admiten las reglas ({basis}).")
        else:
            basis = cite(profile, rule) if rule else "las reglas del perfil"
            notes.append(f"Bloqueo conforme a {basis}.")
    elif chosen in (ModerationAction.DELETE, ModerationAction.HIDE) and profile.settings.block_policy == BLOCK_NEVER:
        # «ignorar» means no moderation action at all (POLICY.md §11, readings): hiding or deleting
        # a comment is refused like blocking.
        clause = cite(profile, rule) if rule else "sus reglas"
        raise PolicyError(
            f"No se registra: {profile.short_name} no permite {ACTION_LABELS[chosen]}; los comentarios"
            f" ofensivos se ignoran ({clause}). Registre la acción «ignorar»."
        )
    elif chosen is ModerationAction.DELETE:
        decided_by = profile.settings.delete_decided_by
        if decided_by:
            delete_rule = profile.rules.get("moderation_delete", rule)
            basis = f" ({cite(profile, delete_rule)})" if delete_rule else ""
            notes.append(f"Eliminación por decisión de la {decided_by}{basis}.")
    if hate_or_violence and chosen is not ModerationAction.BLOCK:
        notes.append("El comentario promueve el odio o la violencia.")
    return ModerationDecision(action=chosen, rule=rule, notes=tuple(notes))
