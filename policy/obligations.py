"""What the engine produces and what it reads: ``Obligation`` (one thing to do, with its
clause) and ``State`` (everything loaded for one run of the engine).

Both are plain slotted classes, not dataclasses (see ``policy.records`` on the start-up cost).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from policy.clock import local
from policy.codes import Status
from policy.records import (
    EMPTY_MAPPING,
    Account,
    AdminChange,
    Assignment,
    Citation,
    Closing,
    Consultation,
    CredentialState,
    Duty,
    IncidentNotice,
    InformationRequest,
    OpeningRequest,
    Person,
    SecondFactorState,
    Waiver,
)

if TYPE_CHECKING:
    from policy.calendar import BusinessCalendar
    from policy.profile import Profile


class Obligation:
    """One thing the administrator must do (or a standing finding), with its clause.

    Mutable: the engine sets ``status`` once it knows the clock.
    """

    __slots__ = ("kind", "due", "rule", "message", "status", "account", "person", "ref_id", "standing", "label")

    def __init__(
        self,
        kind: str,
        due: datetime,
        rule: Citation,
        message: str,
        status: Status = Status.UPCOMING,
        account: Account | None = None,
        person: Person | None = None,
        ref_id: int | None = None,
        standing: bool = False,
        label: str | None = None,
    ) -> None:
        self.kind = kind
        self.due = due
        self.rule = rule
        self.message = message
        self.status = status
        self.account = account
        self.person = person
        #: Identifies the record the obligation comes from (a consultation, an incident notice…).
        self.ref_id = ref_id
        #: Standing findings hold until fixed; they are shown as overdue since ``due``.
        self.standing = standing
        #: The item's own label when its kind's (``policy.labels.KIND_LABELS``) would not fit (a
        #: periodic obligation names the period its setting fixes: ``policy.labels.item_label``).
        self.label = label

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Obligation):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Obligation({inner})"

    @property
    def key(self) -> str:
        """A stable identity used by waivers and the workbench."""
        parts = [str(self.kind)]
        if self.account is not None:
            parts.append(f"a{self.account.id}")
        if self.person is not None:
            parts.append(f"p{self.person.id}")
        if self.ref_id is not None:
            parts.append(f"r{self.ref_id}")
        return ":".join(parts)


class State:
    """Everything the engine needs, loaded by ``store`` in one go (the tests adjust fields in place)."""

    FIELDS = (
        "profile",
        "calendar",
        "accounts",
        "people",
        "assignments",
        "last_rotation",
        "last_evaluation",
        "last_training",
        "incident_notices",
        "credentials",
        "second_factors",
        "consultations",
        "information_requests",
        "opening_requests",
        "closings",
        "admin_changes",
        "person_documents",
        "holiday_notices_done",
        "waivers",
        "other_activity",
        "duties",
        "last_post",
        "agenda_until",
    )
    __slots__ = (*FIELDS, "derived")

    def __init__(
        self,
        profile: Profile,
        calendar: BusinessCalendar,
        accounts: Sequence[Account] = (),
        people: Mapping[int, Person] = EMPTY_MAPPING,
        assignments: Sequence[Assignment] = (),
        last_rotation: Mapping[int, datetime] = EMPTY_MAPPING,
        last_evaluation: Mapping[int, date] = EMPTY_MAPPING,
        last_training: Mapping[int, date] = EMPTY_MAPPING,
        incident_notices: Sequence[IncidentNotice] = (),
        credentials: Mapping[int, CredentialState] | None = None,
        second_factors: Mapping[int, SecondFactorState] | None = None,
        consultations: Sequence[Consultation] = (),
        information_requests: Sequence[InformationRequest] = (),
        opening_requests: Sequence[OpeningRequest] = (),
        closings: Sequence[Closing] = (),
        admin_changes: Sequence[AdminChange] = (),
        person_documents: frozenset[tuple[int, str]] = frozenset(),
        holiday_notices_done: frozenset[int] = frozenset(),
        waivers: Sequence[Waiver] = (),
        other_activity: Mapping[str, Mapping[int, datetime]] = EMPTY_MAPPING,
        duties: Sequence[Duty] = (),
        last_post: Mapping[int, datetime] | None = None,
        agenda_until: datetime | None = None,
    ) -> None:
        self.profile = profile
        self.calendar = calendar
        self.accounts = accounts
        self.people = people
        self.assignments = assignments
        #: account id -> latest recorded rotation (aware datetime)
        self.last_rotation = last_rotation
        #: account id -> latest evaluation date
        self.last_evaluation = last_evaluation
        #: person id -> latest training date
        self.last_training = last_training
        #: notices of incidents not yet given (each one overdue from the moment the incident opened)
        self.incident_notices = incident_notices
        #: account id -> what was found when its password was set; None when not loaded
        #: (then the credential checks stay silent).
        self.credentials = credentials
        #: account id -> recorded second factor; None when not loaded
        self.second_factors = second_factors
        #: Open consultations only (answered ones produce no obligation).
        self.consultations = consultations
        #: Open information requests only.
        self.information_requests = information_requests
        #: Opening requests still pending, or opened with an incomplete report.
        self.opening_requests = opening_requests
        #: Closings whose checklist is incomplete.
        self.closings = closings
        #: Administrator changes whose notice is still due.
        self.admin_changes = admin_changes
        #: (person id, document kind) pairs on record, for ``designation_form`` and ``responsiva``.
        self.person_documents = person_documents
        #: ids (``YYYYMMDD`` of the first day) of the holiday notices already done.
        self.holiday_notices_done = holiday_notices_done
        self.waivers = waivers
        #: Further sources of account activity (e.g. the bitácora): source name -> account id -> latest moment.
        #: Rotations and evaluations always count; see ``last_activity``.
        self.other_activity = other_activity
        #: Open duties only (``policy.duties``).
        self.duties = duties
        #: account id -> latest declared moment of its ``publicacion`` entries; None when not loaded
        #: (then «content kept current» stays silent).
        self.last_post = last_post
        #: Where the agenda ends: checks producing open-ended series (holiday notices) stop here.
        self.agenda_until = agenda_until
        #: What the checks derive from the fields and share during one run of the engine
        #: (the live accounts, today's assignments…); emptied whenever a field changes.
        self.derived: dict[Any, Any] = {}

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name != "derived":
            object.__setattr__(self, "derived", {})

    def replace(self, **changes: Any) -> State:
        """A copy with ``changes`` applied (the original is left as it was)."""
        values = {name: getattr(self, name) for name in self.FIELDS}
        values.update(changes)
        return State(**values)

    def last_activity(self, account_id: int) -> tuple[date, str] | None:
        """The latest recorded activity of an account and its source (Spanish), or None."""
        found: list[tuple[date, str]] = []
        rotated = self.last_rotation.get(account_id)
        if rotated is not None:
            found.append((_local_date(rotated), "rotación de contraseña"))
        evaluated = self.last_evaluation.get(account_id)
        if evaluated is not None:
            found.append((evaluated, "evaluación"))
        for source, moments in self.other_activity.items():
            moment = moments.get(account_id)
            if moment is not None:
                found.append((_local_date(moment), source))
        return max(found) if found else None


def _local_date(moment: datetime) -> date:
    return local(moment).date()
