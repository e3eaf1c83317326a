"""Preflight of a draft post (issue #15): review a draft against the profile's content criteria, and keep
the lists the review reads (candidate names, known words, campaign hashtags, official links)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.codes import Network
from policy.errors import PolicyError, UsageError
from policy.preflight import BLOCKS, REVIEW, SUGGESTION, Context, Finding, Span, blocking, run
from policy.preflight.base import WORD
from policy.preflight.spelling import Lexicon, dictionary_path
from policy.records import Citation
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.db import Store
    from store.preflight import ListEntry

__all__ = ["add_to_list", "list_entries", "remove_from_list", "review_draft"]
#: Use cases one face only offers, and why.
ONE_SIDED: dict[str, str] = {}

#: The longest draft reviewed (a long Facebook post is ~63,000 characters).
MAX_DRAFT = 100_000
#: The lists, by the name each face uses (``store.preflight.LISTS``).
LIST_KINDS: tuple[str, ...] = ("candidatos", "palabras", "campanas", "enlaces")


class Review(NamedTuple):
    """The verdict on a draft: every finding with its clause, and what the review assumed.

    Immutable, like a frozen dataclass, but a ``NamedTuple``: ``borrador revisar`` has 250 ms for
    the whole process and importing ``dataclasses`` costs ~10 ms of it (see ``policy.records``).
    """

    text: str
    findings: tuple[Finding, ...]
    profile: str
    network: str | None
    account: str | None
    with_image: bool
    electoral_process: bool

    @property
    def blocked(self) -> bool:
        """True when a finding stops the publication (``bloquea``)."""
        return blocking(list(self.findings))

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def verdict(self) -> str:
        """One Spanish line: the counts per severity."""
        if not self.findings:
            return "Sin observaciones: el borrador cumple los criterios que resguardo revisa."
        labels = (
            (BLOCKS, "bloquea", "bloquean"),
            (REVIEW, "por revisar", "por revisar"),
            (SUGGESTION, "sugerencia", "sugerencias"),
        )
        parts = [f"{n} {one if n == 1 else many}" for level, one, many in labels if (n := self.count(level))]
        head = "No publique todavía" if self.blocked else "Puede publicar tras revisar"
        return f"{head}: {', '.join(parts)}."

    def as_dict(self) -> dict[str, Any]:
        """The review as plain JSON data (``borrador revisar --json``; what a consultation can keep)."""
        return {
            "profile": self.profile,
            "network": self.network,
            "account": self.account,
            "with_image": self.with_image,
            "electoral_process": self.electoral_process,
            "blocked": self.blocked,
            "verdict": self.verdict,
            "findings": [finding_dict(f) for f in self.findings],
        }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as plain JSON data: kind, severity, span, message, suggestion and rule."""
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "span": {"start": finding.span.start, "end": finding.span.end, "text": finding.span.text},
        "message": finding.message,
        "suggestion": finding.suggestion,
        "rule": finding.rule.as_dict(),
    }


def _finding_of(data: Mapping[str, Any]) -> Finding:
    span, rule = data["span"], data["rule"]
    return Finding(
        kind=str(data["kind"]),
        severity=str(data["severity"]),
        span=Span(int(span["start"]), int(span["end"]), str(span["text"])),
        message=str(data["message"]),
        rule=Citation(
            str(rule["profile"]),
            str(rule["document"]),
            str(rule["section"]),
            str(rule["quote"]),
            str(rule.get("note", "")),
        ),
        suggestion=None if data.get("suggestion") is None else str(data["suggestion"]),
    )


def kept_review(text: str, stored: str) -> Review:
    """A review kept as JSON (``Review.as_dict()``, e.g. with a consultation) back as a ``Review``
    of ``text``: ``kept_review(r.text, json.dumps(r.as_dict())) == r``."""
    data = json.loads(stored)
    return Review(
        text=text,
        findings=tuple(_finding_of(item) for item in data["findings"]),
        profile=str(data["profile"]),
        network=None if data["network"] is None else str(data["network"]),
        account=None if data["account"] is None else str(data["account"]),
        with_image=bool(data["with_image"]),
        electoral_process=bool(data["electoral_process"]),
    )


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon | None:
    """The spelling check's word index in the user's cache (None: the check loads the list in memory)."""
    from store.lexicon import open_lexicon  # lazy: only a review reads the index

    try:
        return open_lexicon(dictionary_path())
    except PolicyError:
        return None


def _electoral_process_on(store: Store, day: date) -> bool:
    return any(period.start <= day <= period.end for period in store.calendar.electoral_periods())


def _context(store: Store, network: str | None, with_image: bool) -> Context:
    profile = store.settings.profile()
    lists = store.preflight_lists
    accounts = store.accounts.list()
    links = lists.values("enlaces")
    handles = {acc.handle.lstrip("@").lower() for acc in accounts}
    for link in links:
        parts = link.split("/")
        if len(parts) >= 2 and parts[1]:
            handles.add(parts[1].lstrip("@").lower())
    institution = " ".join(
        (
            profile.name,
            profile.short_name,
            profile.settings.consultation_office,
            profile.settings.opening_office,
            profile.settings.information_request_office,
            *profile.settings.incident_recipients,
        )
    )
    known = {m.group().lower() for m in WORD.finditer(institution)}
    known |= {m.group().lower() for acc in accounts for m in WORD.finditer(acc.handle)}
    known |= {word.lower() for word in lists.values("palabras")}
    domains = {d.lower() for d in profile.settings.email_domains}
    domains |= {link.split("/")[0] for link in links if "/" not in link}
    return Context(
        profile=profile,
        network=network,
        with_image=with_image,
        electoral_process=_electoral_process_on(store, store.now().date()),
        known_words=frozenset(known),
        candidate_names=lists.values("candidatos"),
        campaign_hashtags=lists.values("campanas"),
        official_handles=frozenset(handles),
        official_links=links,
        institutional_domains=tuple(sorted(domains)),
        lexicon=_lexicon(),
    )


def review_draft(
    store: Store,
    text: str,
    *,
    account: AccountKey | None = None,
    network: str | None = None,
    with_image: bool = False,
) -> Review:
    """Check ``text`` against the profile's content criteria (``policy.preflight``).

    ``account`` (when given) sets the network unless ``network`` is given too. UsageError for an
    empty or oversized draft or an unknown network; NotFoundError for an unknown account.
    """
    if not text.strip():
        raise UsageError("El borrador está vacío: no hay nada que revisar.")
    if len(text) > MAX_DRAFT:
        raise UsageError(f"El borrador tiene {len(text):,} caracteres; el máximo que se revisa es {MAX_DRAFT:,}.")
    chosen = account_of(store, account) if account is not None else None
    if network is not None:
        clean = network.strip().lower()
        if clean not in {n.value for n in Network}:
            raise UsageError(f"Red desconocida «{network}». Use una de: {', '.join(n.value for n in Network)}.")
        network = clean
    elif chosen is not None:
        network = chosen.network
    context = _context(store, network, with_image)
    return Review(
        text=text,
        findings=tuple(run(text, context)),
        profile=context.profile.id,
        network=network,
        account=chosen.ref if chosen else None,
        with_image=with_image,
        electoral_process=context.electoral_process,
    )


def add_to_list(store: Store, kind: str, value: str) -> ListEntry:
    """Add an entry to one of the preflight's lists (ConflictError when it is there already)."""
    return store.preflight_lists.add(kind, value)


def list_entries(store: Store, kind: str) -> list[ListEntry]:
    """The entries of one of the preflight's lists, in alphabetical order."""
    return store.preflight_lists.list(kind)


def remove_from_list(store: Store, kind: str, value: str) -> ListEntry:
    """Remove an entry from one of the preflight's lists (NotFoundError when it is not there)."""
    return store.preflight_lists.remove(kind, value)
