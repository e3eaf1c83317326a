"""The records the rules read: accounts, people, assignments and the workflows' records, as
loaded by ``store`` (``NamedTuple``s: immutable, cheap to build by the thousand), and the
``Citation`` that ties a rule to its clause.

Coded fields hold the values of ``policy.codes`` (typed ``str``: rows come from SQLite as
plain strings and a ``StrEnum`` member compares equal to its value).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.codes import AccountStatus, ConsultationState, OpeningState, RequestState, Verification

if TYPE_CHECKING:
    from policy.obligations import Obligation

# Records are ``NamedTuple``s, not dataclasses: ``resguardo pendientes`` must answer
# within 250 ms, and importing ``dataclasses`` (it pulls in ``inspect``) plus generating
# ~30 classes' methods cost it ~60 ms at start-up; a NamedTuple is also built ~3x faster,
# which matters with thousands of accounts, people and assignments per load.

#: A shared, read-only empty mapping for record defaults.
EMPTY_MAPPING: Mapping[Any, Any] = MappingProxyType({})


class Account(NamedTuple):
    id: int
    network: str
    handle: str
    status: str = AccountStatus.ACTIVE
    url: str | None = None
    area: str | None = None
    email: str | None = None
    email_generic: bool = False
    phone: str | None = None
    verification: str = Verification.NO
    public: bool = True
    private_messages: bool = True
    opened_on: date | None = None
    created_at: datetime | None = None
    #: whether ``public`` / ``private_messages`` were recorded (else their values are the defaults,
    #: unknown: iecm asks for them, issue #13 defect 7)
    public_known: bool = True
    private_messages_known: bool = True

    @property
    def ref(self) -> str:
        """How the account is named everywhere: ``red/usuario`` (``x/@INEMexico``)."""
        return f"{self.network}/{self.handle}"


class Person(NamedTuple):
    id: int
    name: str
    email: str | None = None
    rank: str | None = None


class Assignment(NamedTuple):
    id: int
    account_id: int
    person_id: int
    role: str
    start: date
    end: date | None = None

    def active_on(self, day: date) -> bool:
        """True when the person holds the role on ``day`` (the end date is their last day)."""
        return self.start <= day and (self.end is None or day <= self.end)


class Citation(NamedTuple):
    """Where a rule comes from: the document, its section and a short quote."""

    profile: str
    document: str
    section: str
    quote: str
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        """The ``rule`` object of the JSON output (a fresh dict each call)."""
        return dict(_citation_dict(self))

    def short(self) -> str:
        """«Criterios INE §6» style reference for tables."""
        return f"{self.document} {self.section}".strip()


@lru_cache(maxsize=256)
def _citation_dict(citation: Citation) -> dict[str, str]:
    data = {
        "profile": citation.profile,
        "document": citation.document,
        "section": citation.section,
        "quote": citation.quote,
    }
    if citation.note:
        data["note"] = citation.note
    return data


class IncidentNotice(NamedTuple):
    """One recipient of an incident's notification checklist, still to be notified."""

    id: int
    incident_id: int
    account_id: int
    recipient: str
    opened_at: datetime
    description: str = ""


class Duty(NamedTuple):
    """Something to do that a recorded fact opened (``policy.codes.DutyKind``; migration 11's ``duties``).

    ``arose_at``: when it arose (a UTCSyD message's first day, a crisis's moment…); ``due_at``: by
    when it is done (None: at once, «hallazgo» until done). Notices made together share a ``group_id``
    (the first one's id) and are ordered by ``position``.
    """

    id: int
    kind: str
    subject: str
    arose_at: datetime
    account_id: int | None = None
    recipient: str | None = None
    due_at: datetime | None = None
    group_id: int | None = None
    position: int = 1
    source_entry_id: int | None = None
    reference: str | None = None
    done_at: datetime | None = None
    done_entry_id: int | None = None
    done_note: str | None = None
    author: str | None = None

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class CredentialState(NamedTuple):
    """What the strength and reuse checks found when the account's password was set.

    Never the password: ``fingerprint`` is an HMAC under a key kept in the
    keyring, only ever compared for equality.
    """

    account_id: int
    set_at: datetime
    score: int
    weak: bool = False
    reasons: tuple[str, ...] = ()
    fingerprint: str = ""


class SecondFactorState(NamedTuple):
    account_id: int
    method: str
    recovery_location: str | None = None
    codes_in_keyring: bool = False


class Consultation(NamedTuple):
    """A consultation before publishing, as recorded (``state`` is never ``vencida`` here)."""

    id: int
    account_id: int
    subject: str
    sent_at: datetime
    office: str | None = None
    text: str | None = None
    state: str = ConsultationState.PENDING
    answered_at: datetime | None = None
    note: str | None = None
    author: str | None = None
    #: the preflight of ``text`` when it was recorded, as JSON (``tui.core.preflight.Review.as_dict``)
    review: str | None = None


class InformationRequest(NamedTuple):
    id: int
    account_id: int
    requester: str
    subject: str
    received_at: datetime
    state: str = RequestState.OPEN
    closed_at: datetime | None = None
    area: str | None = None
    office: str | None = None
    note: str | None = None
    author: str | None = None


class OpeningRequest(NamedTuple):
    id: int
    network: str
    handle: str
    reference: str
    requested_on: date
    area: str | None = None
    state: str = OpeningState.PENDING
    resolved_on: date | None = None
    reason: str | None = None
    account_id: int | None = None
    #: report item -> the date it was reported (see OPENING_REPORT_ITEMS)
    report: Mapping[str, date] = EMPTY_MAPPING
    author: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.network}/{self.handle}"


class Closing(NamedTuple):
    id: int
    account_id: int
    closed_on: date
    reason: str | None = None
    #: checklist item -> the date it was done (see CLOSING_ITEMS)
    done: Mapping[str, date] = EMPTY_MAPPING
    reference: str | None = None
    author: str | None = None


class AdminChange(NamedTuple):
    """A person stops administering: for good (``until`` None) or for a while."""

    id: int
    person_id: int
    reason: str
    start: date
    until: date | None = None
    account_ids: tuple[int, ...] = ()
    notified_on: date | None = None
    author: str | None = None
    #: how it was recorded: None for the explicit change, ``desasignacion`` for a role ended by
    #: hand, ``alta`` for a new administrator (``person_id`` is then the one who arrives)
    origin: str | None = None
    #: who takes over (person ids): the successors of a handover, or the new administrator
    successor_ids: tuple[int, ...] = ()

    @property
    def suspension(self) -> bool:
        return self.until is not None


class Waiver(NamedTuple):
    """An obligation postponed or waived until ``until`` (inclusive), by key or by kind and account."""

    id: int
    until: date
    reason: str
    kind: str | None = None
    account_id: int | None = None
    key: str | None = None
    reference: str | None = None
    author: str | None = None
    created_at: datetime | None = None

    def active_on(self, day: date) -> bool:
        return day <= self.until

    def covers(self, item: Obligation) -> bool:
        """True when this waiver applies to ``item`` (ignoring dates)."""
        if self.key is not None:
            return item.key == self.key
        if self.kind is not None and str(item.kind) != self.kind:
            return False
        if self.account_id is not None:
            return item.account is not None and item.account.id == self.account_id
        return self.kind is not None
