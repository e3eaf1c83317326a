"""The bitácora's sentence for a moderation action on a user's comment.

A pure function of the decision (``policy.moderation.decide``) and the text
the person wrote; the core appends what it returns. The sentence is the one
the bitácora has always kept (users' logs and the tests read it): change a
word here only knowing that.
"""

from __future__ import annotations

from policy.moderation import ACTION_LABELS, ModerationDecision

__all__ = ["moderation_recorded"]


def moderation_recorded(decision: ModerationDecision, body: str) -> str:
    """«Moderación: <what was done> (<code>).», the legal basis and who decided (the decision's notes),
    then ``body``: the comment and what was done, in the person's words."""
    head = f"Moderación: {ACTION_LABELS[decision.action]} ({decision.action.value})."
    return " ".join([head, *decision.notes, body])
