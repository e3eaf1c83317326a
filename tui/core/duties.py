"""Duties (POLICY.md §11): the UTCSyD's messages to publish (iecm), relevant matters to report (all),
content-removal requests (ieeags), a change of an account's holder (ine); list them and fulfil one.

The duties a bitácora entry opens (people in a publication's images, its modality, another
institution's material, a user's suggestion) are opened by ``tui.core.bitacora.add_entry``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from policy import duties as rules
from policy.clock import effective_moment, start_of_day
from policy.codes import EntryKind
from policy.entries.duties import duty_fulfilled
from policy.errors import UsageError
from policy.profile import short_document
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from policy.records import Duty
    from store.bitacora import Entry
    from store.db import Store

__all__ = [
    "change_holder",
    "duties",
    "entry_duties",
    "fulfil_duty",
    "register_utcsyd_message",
    "report_matter",
    "request_removal",
]

ONE_SIDED: dict[str, str] = {}


class FulfilledDuty(NamedTuple):
    """A duty just done, and the bitácora entry that did it."""

    duty: Duty
    entry: Entry


class EntryDuties(NamedTuple):
    """The duties an entry opened and those it did, worded with their clause («12: carta de descargo…»)."""

    opened: list[str]
    done: list[str]


def entry_duties(store: Store, entry_id: int) -> EntryDuties:
    """What entry ``entry_id`` opened and did, each as «ID: label (subject) — clause»."""
    profile = store.settings.profile()

    def word(duty: Duty) -> str:
        spec = rules.SPECS[duty.kind]
        clause = profile.rules.get(spec.kind.value)
        cited = f" — {short_document(profile, clause)} {clause.section}" if clause is not None else ""
        return f"{duty.id}: {spec.label} ({duty.subject}){cited}"

    found = store.duties.for_entry(entry_id)
    return EntryDuties(
        [word(d) for d in found if d.source_entry_id == entry_id],
        [word(d) for d in found if d.done_entry_id == entry_id],
    )


def duties(store: Store, *, open_only: bool = False, account: AccountKey | None = None) -> list[Duty]:
    """Duties, newest first; ``open_only`` leaves out the done ones, ``account`` keeps one account's."""
    account_id = account_of(store, account).id if account is not None else None
    return store.duties.list(open_only=open_only, account_id=account_id)


def _open(store: Store, drafts: Sequence[rules.DutyDraft], account: AccountKey | None) -> list[Duty]:
    """Open ``drafts`` and write the bitácora's sentence, in one transaction."""
    found = account_of(store, account) if account is not None else None
    with store.atomic():
        opened = store.duties.open(drafts, account=found)
        store.bitacora.append(
            kind=EntryKind.NOTE,
            text=store.duties.opened_text(opened, found.ref if found else None),
            account=found,
            occurred_at=drafts[0].arose_at,
        )
    return opened


def register_utcsyd_message(store: Store, account: AccountKey, *, subject: str, first: date, last: date) -> Duty:
    """iecm §6.II: a UTCSyD message to publish on ``account`` from ``first`` to ``last`` (inclusive).

    PolicyError outside iecm; UsageError for an empty subject or a period that ends before it starts.
    """
    profile = store.settings.profile()
    draft = rules.utcsyd_message(profile, subject, start_of_day(first), start_of_day(last))
    # The entry that records it is of today (the message is registered now, its period may be later).
    with store.atomic():
        found = account_of(store, account)
        (opened,) = store.duties.open([draft], account=found)
        store.bitacora.append(
            kind=EntryKind.NOTE,
            text=store.duties.opened_text([opened], found.ref),
            account=found,
        )
    return opened


def report_matter(
    store: Store, account: AccountKey | None, description: str, *, at: datetime | None = None
) -> list[Duty]:
    """A relevant matter raised on the networks (iecm §7.H: one that can affect the image), known at ``at``
    (now by default): one notice per recipient of the profile, due the same day."""
    moment = at or store.now()
    return _open(store, rules.matter_notices(store.settings.profile(), description, moment), account)


def request_removal(
    store: Store, account: AccountKey | None, description: str, *, at: datetime | None = None
) -> list[Duty]:
    """ieeags §8.V: a request to remove content, received at ``at`` (now by default): its two steps."""
    moment = at or store.now()
    return _open(store, rules.removal_steps(store.settings.profile(), description, moment), account)


def change_holder(store: Store, account: AccountKey, who: str, *, on: date | None = None) -> Duty:
    """ine §7.V: ``who`` is the account's new holder from ``on`` (today by default): the notice to the CNCS."""
    day = on or store.now().date()
    moment = effective_moment(day, store.now())
    (opened,) = _open(store, [rules.holders_notice(store.settings.profile(), who, moment)], account)
    return opened


def fulfil_duty(
    store: Store,
    duty_id: int,
    *,
    at: datetime | None = None,
    text: str | None = None,
    note: str | None = None,
    refs: Sequence[str] = (),
    author: str | None = None,
    kind: str | None = None,
) -> FulfilledDuty:
    """Do duty ``duty_id`` at ``at`` (now by default): the bitácora entry of its kind (a publication
    for a UTCSyD message, an answer for a suggestion, a note otherwise), with ``text`` or a sentence
    naming the duty, and the duty marked done by it, in one transaction.

    NotFoundError for an unknown duty; ConflictError when it is done already; UsageError for a
    moment in the future or before the duty arose (a message: before its period), or a duty not of
    ``kind`` (a ``DutyKind`` code) when given.
    """
    moment = at or store.now()
    with store.atomic():
        duty = store.duties.get(duty_id)
        spec = rules.SPECS[duty.kind]
        if kind is not None and duty.kind != kind:
            raise UsageError(f"El deber {duty.id} no es un {rules.SPECS[kind].label}: es un {spec.label}.")
        store.duties.check(duty_id, duty.account_id, spec.entry_kind, moment)
        words = (
            text if text and text.strip() else duty_fulfilled(duty.id, spec.label, duty.subject, duty.recipient, note)
        )
        entry = store.bitacora.append(
            kind=spec.entry_kind,
            text=words,
            account=duty.account_id,
            occurred_at=moment,
            refs=list(refs),
            author=author,
        )
        done = store.duties.fulfil(duty_id, entry, note=note)
    return FulfilledDuty(done, entry)
