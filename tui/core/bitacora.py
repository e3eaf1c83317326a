"""The bitácora: append an entry, search it, verify it (``bitacora agregar|buscar|verificar``, the
Bitácora screen, an account's latest entries).

``bitacora agregar`` and ``buscar`` have a time budget as whole processes, so
this module imports nothing heavy at its top.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from policy.clock import end_of_day, start_of_day
from policy.errors import UsageError
from store import integrity
from tui.core.common import AccountKey, account_of

if TYPE_CHECKING:
    from store.bitacora import Entry
    from store.db import Store
    from store.secrets import Secrets

__all__ = ["activity_warning", "add_entry", "entries_to_export", "search_entries", "verify_journal"]

ONE_SIDED: dict[str, str] = {
    "entries_to_export": "a file of the entries with their hashes, to verify elsewhere: a command-line job",
}

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
) -> Entry:
    """Append one entry (of the whole office when ``account`` is None); ``occurred_at`` defaults to now.

    UsageError for an unknown kind, an empty or too long text, a moment in the
    future or a correction without the entry it corrects; NotFoundError for an
    unknown account.
    """
    return store.bitacora.append(
        kind=kind,
        text=text,
        account=None if account is None else account_of(store, account),
        occurred_at=occurred_at,
        refs=refs,
        corrects=corrects,
        author=author,
    )


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


def entries_to_export(
    store: Store,
    *,
    account: AccountKey | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Iterator[Entry]:
    """Every entry matching the filters (as in ``search_entries``), oldest first, streamed, with its hashes."""
    start, end = _window(since, until)
    return store.bitacora.iter_entries(
        account_id=None if account is None else account_of(store, account).id, kind=kind, since=start, until=end
    )


def _window(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """A range of moments from moments or whole days; ReversedRangeError when it ends before it starts."""
    start = None if since is None else since if isinstance(since, datetime) else start_of_day(since)
    end = None if until is None else until if isinstance(until, datetime) else end_of_day(until)
    if start is not None and end is not None and end < start:
        raise ReversedRangeError()
    return start, end


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
    return integrity.verify(
        store, secrets, anchor=anchor, keyring_problem=keyring_problem, accept_restore=accept_restore
    )
