"""The bitácora: append an entry, search it, verify it, seal it, record a moderation action
(``bitacora agregar|buscar|verificar|sello|moderar``, the Bitácora screen, an account's latest entries).

``bitacora agregar`` and ``buscar`` have a time budget as whole processes, so
this module imports nothing heavy at its top.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from policy import validate
from policy.clock import end_of_day, start_of_day
from policy.codes import EntryKind
from policy.entries.preflight import with_verdict
from policy.errors import UsageError
from store import integrity
from store.bitacora import MAX_TEXT, MODERATION, Seal
from store.errors import os_error_text
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from policy.records import Account
    from store.bitacora import Entry
    from store.db import Store
    from store.secrets import Secrets

__all__ = [
    "activity_warning",
    "add_entry",
    "export_entries",
    "moderate_comment",
    "search_entries",
    "seal_journal",
    "verify_journal",
]

ONE_SIDED: dict[str, str] = {}

#: How many entries a search returns when the caller does not say.
DEFAULT_SEARCH_LIMIT = 50


class ReversedRangeError(UsageError):
    """The end of a date range comes before its start."""

    def __init__(self) -> None:
        super().__init__("La fecha final es anterior a la inicial.")


def add_entry(
    store: Store,
    *,
    kind: str,
    text: str,
    account: AccountKey | None = None,
    occurred_at: datetime | None = None,
    refs: Sequence[str] = (),
    corrects: int | None = None,
    author: str | None = None,
    review: bool = False,
    people: Sequence[str] = (),
    modality: str | None = None,
    material_from: str | None = None,
    suggestion: bool = False,
    fulfils: int | None = None,
) -> Entry:
    """Append one entry (of the whole office when ``account`` is None); ``occurred_at`` defaults to now.

    ``review``: a ``publicacion`` entry's text is reviewed as a draft (``review_draft``, with the
    entry's account) and the verdict is appended to it (``policy.entries.preflight``).
    ``people``, ``modality``, ``material_from``, ``suggestion``: what the entry declares, which opens
    the profile's duties (``policy.duties.entry_duties``: release letters, the UTCSyD's support, the
    titular's approval, a formal request, an answer); ``fulfils``: the id of the duty this entry
    does (a publication of a UTCSyD message, an answer to a suggestion). All in one transaction.

    UsageError for an unknown kind, an empty or too long text, a moment in the
    future, a correction without the entry it corrects, a review of another
    kind of entry, a declaration that does not fit the kind, or a duty this entry cannot do;
    PolicyError for a declaration the profile has no rule for; NotFoundError for an unknown
    account or duty; ConflictError for a duty done already.
    """
    found = None if account is None else account_of(store, account)
    if review:
        text = _reviewed(store, kind, text, found)
    declared = bool(people or modality or material_from or suggestion)
    every_comment = kind.strip().lower() == EntryKind.USER_COMMENT and _answers_every_comment(store)
    if not declared and fulfils is None and not every_comment:
        return store.bitacora.append(
            kind=kind,
            text=text,
            account=found,
            occurred_at=occurred_at,
            refs=refs,
            corrects=corrects,
            author=author,
        )
    return _add_with_duties(
        store,
        kind=kind,
        text=text,
        account=found,
        occurred_at=occurred_at,
        refs=refs,
        author=author,
        people=people,
        modality=modality,
        material_from=material_from,
        suggestion=suggestion,
        fulfils=fulfils,
    )


def _answers_every_comment(store: Store) -> bool:
    """ieesonora §6.XVII: every user's comment is answered (so each one opens its answer)."""
    return store.settings.profile().settings.answer_every_comment


def _add_with_duties(
    store: Store,
    *,
    kind: str,
    text: str,
    account: Account | None,
    occurred_at: datetime | None,
    refs: Sequence[str],
    author: str | None,
    people: Sequence[str],
    modality: str | None,
    material_from: str | None,
    suggestion: bool,
    fulfils: int | None,
) -> Entry:
    """``add_entry`` for an entry that opens or does duties: the entry, its duties, one transaction."""
    from policy.duties import entry_duties  # lazy: only entries that declare something need the duties' rules

    profile = store.settings.profile()
    moment = occurred_at or store.now()
    year = moment.year
    drafts = entry_duties(
        profile,
        store.calendar.business_calendar(year, year + 1),
        kind=kind,
        text=text,
        at=moment,
        refs=refs,
        people=people,
        modality=modality,
        material_from=material_from,
        suggestion=suggestion,
    )
    with store.atomic():
        if fulfils is not None:
            store.duties.check(fulfils, account.id if account else None, kind.strip().lower(), moment)
        entry = store.bitacora.append(
            kind=kind, text=text, account=account, occurred_at=moment, refs=refs, author=author
        )
        if drafts:
            store.duties.open(drafts, account=account, source_entry_id=entry.id, author=author)
        if fulfils is not None:
            store.duties.fulfil(fulfils, entry)
    return entry


class ReviewNotForKindError(UsageError):
    """Only a publication's text is a post to review."""

    def __init__(self) -> None:
        super().__init__("Solo una entrada de tipo «publicacion» puede llevar la revisión con los criterios.")


def _reviewed(store: Store, kind: str, text: str, account: Account | None) -> str:
    """``text`` with the verdict of its preflight (a ``publicacion`` entry's only)."""
    if kind.strip().lower() != EntryKind.POST.value:
        raise ReviewNotForKindError
    if not text.strip():
        return text  # the bitácora refuses an empty text with its own message
    from tui.core.preflight import review_draft  # lazy: ~15 ms of checks that «bitacora agregar» (timed) skips

    verdict = review_draft(store, text.strip(), account=None if account is None else account.id).verdict
    return with_verdict(text, verdict)


def activity_warning(store: Store, entry: Entry) -> str | None:
    """What the profile warns of an entry just recorded (iecm §8.A: an activity outside business
    hours and days), a sentence without final period; None when nothing."""
    from policy.workflows import outside_business_hours  # lazy: bitacora agregar's time budget

    profile = store.settings.profile()
    if profile.settings.business_hours_from is None or entry.account_id is None:
        return None
    year = entry.occurred.year
    return outside_business_hours(profile, store.calendar.business_calendar(year, year), entry.occurred)


def search_entries(
    store: Store,
    text: str | None = None,
    *,
    account: AccountKey | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """Entries with every word of ``text`` (diacritics folded; empty: all) and the filters, newest first.

    ``since`` and ``until`` are moments (a ``datetime``) or whole local days (a
    ``date``: from the start of ``since`` to the end of ``until``, inclusive).
    ReversedRangeError (a UsageError) when ``until`` comes before ``since``;
    NotFoundError for an unknown account; UsageError for an unknown kind.
    """
    start, end = _window(since, until)
    return store.bitacora.search(
        text or None,
        account_id=None if account is None else account_of(store, account).id,
        kind=kind,
        since=start,
        until=end,
        limit=DEFAULT_SEARCH_LIMIT if limit is None else limit,
    )


class JournalExport(NamedTuple):
    """How many entries an export wrote, and the file (None when it went to a stream)."""

    entries: int
    path: Path | None


def export_entries(
    store: Store,
    fmt: str,
    *,
    to: Path | TextIO,
    account: AccountKey | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> JournalExport:
    """Write every entry matching the filters (as in ``search_entries``), oldest first, with its hashes,
    as ``fmt`` (``csv`` or ``json``, ``store.bitacora_export``), streamed: to the file ``to``, atomically
    (a failure leaves no half file), or to an open text stream.

    UsageError for an unknown format, a reversed range or a file that cannot be written (a full disk
    says so); NotFoundError for an unknown account.
    """
    from store.bitacora_export import FORMATS, write_entries, write_entries_file  # lazy: csv and json, to export

    chosen = validate.choice(fmt, "formato", list(FORMATS))
    start, end = _window(since, until)
    entries = store.bitacora.iter_entries(
        account_id=None if account is None else account_of(store, account).id, kind=kind, since=start, until=end
    )
    if not isinstance(to, Path):
        return JournalExport(write_entries(to, chosen, entries), None)
    try:
        return JournalExport(write_entries_file(to, chosen, entries), to)
    except OSError as exc:
        raise UsageError(f"No se pudo escribir «{to}»: {os_error_text(exc)}.") from None


def _window(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """A range of moments from moments or whole days; ReversedRangeError when it ends before it starts."""
    start = None if since is None else since if isinstance(since, datetime) else start_of_day(since)
    end = None if until is None else until if isinstance(until, datetime) else end_of_day(until)
    if start is not None and end is not None and end < start:
        raise ReversedRangeError()
    return start, end


class JournalSeal(NamedTuple):
    """The bitácora's head and size at ``at``, to quote outside resguardo, and the checkpoint written
    with the keyring's key (``checkpoint``; None with ``checkpoint_note`` saying why not)."""

    seal: Seal
    at: datetime
    checkpoint: int | None
    checkpoint_note: str | None


def seal_journal(store: Store, secrets: Secrets | None, *, keyring_problem: str | None = None) -> JournalSeal:
    """The head hash and the number of entries now; with the keyring (``secrets``), a checkpoint signed with
    its key is written first (``keyring_problem`` says why ``secrets`` is None)."""
    written: int | None = None
    note = keyring_problem
    if secrets is not None:
        outcome = integrity.checkpoint(store, secrets, limit=None)
        written, note = outcome.id, outcome.reason
    return JournalSeal(store.bitacora.seal(), store.now(), written, note)


def moderate_comment(
    store: Store,
    account: AccountKey,
    action: str,
    text: str,
    *,
    hate_or_violence: bool = False,
    occurred_at: datetime | None = None,
    refs: Sequence[str] = (),
    author: str | None = None,
) -> Entry:
    """Record a moderation action (``bloquear``, ``ocultar``, ``eliminar``, ``ignorar``, ``responder``) on a
    user's comment of ``account``, if the institution's profile allows it; the entry states the legal basis
    and, where the profile says so, who decided (``policy.moderation.decide``).

    NotFoundError for an unknown account; UsageError for an unknown action or a bad text; PolicyError
    citing the clause when the profile forbids the action (blocking, under ine, ieeags or iecm).
    """
    from policy.entries.moderation import moderation_recorded  # lazy: loads policy.moderation (below)
    from policy.moderation import decide  # lazy: ~20 ms with the profiles' module; bitacora agregar is timed

    found = account_of(store, account)
    decision = decide(store.settings.profile(), action, hate_or_violence=hate_or_violence)
    body = validate.text(text, "texto", required=True, limit=MAX_TEXT)
    assert body is not None  # required=True
    return store.bitacora.append(
        kind=MODERATION,
        text=moderation_recorded(decision, body),
        account=found,
        occurred_at=occurred_at,
        refs=refs,
        author=author,
    )


def verify_journal(
    store: Store,
    secrets: Secrets | None,
    *,
    keyring_problem: str | None = None,
    anchor: str | None = None,
    accept_restore: bool = False,
) -> integrity.IntegrityReport:
    """Check the chain, the change records, the witnesses and, with the keyring, the keyed checkpoints
    (``store.integrity.verify``: when all holds, the witnesses move forward and a checkpoint is signed).

    ``keyring_problem`` says why ``secrets`` is None (the report names the
    checks it skipped); ``anchor`` is a seal the bitácora must still extend;
    ``accept_restore`` accepts a bitácora that went back because a backup was
    restored. UsageError for a malformed seal.
    """
    report = integrity.verify(
        store, secrets, anchor=anchor, keyring_problem=keyring_problem, accept_restore=accept_restore
    )
    # The agenda kept for the command line is a copy of what the database says: checked here too.
    from tui.core.agenda import check_kept_agenda  # lazy: the rules and profiles, for verification only

    kept = check_kept_agenda(store) if report.ok else None
    return report if kept is None else report._replace(problems=[*report.problems, kept])
