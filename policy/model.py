"""The institution's state as the rules see it, and the obligations they produce.

Codes (networks, statuses, kinds) are ``StrEnum`` values: they are stored in the
database and printed in ``--json`` output, so they are a stable interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from policy.clock import local, relative

if TYPE_CHECKING:
    from policy.calendar import BusinessCalendar
    from policy.profile import Profile

# Records are ``NamedTuple``s and the two mutable classes below are plain slotted
# classes, not dataclasses: ``resguardo pendientes`` must answer within 250 ms, and
# importing ``dataclasses`` (it pulls in ``inspect``) plus generating ~30 classes'
# methods cost it ~60 ms at start-up; a NamedTuple is also built ~3x faster, which
# matters with thousands of accounts, people and assignments per load.

#: A shared, read-only empty mapping for record defaults.
EMPTY_MAPPING: Mapping[Any, Any] = MappingProxyType({})


class Network(StrEnum):
    FACEBOOK = "facebook"
    X = "x"
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    OTHER = "otra"


class AccountStatus(StrEnum):
    REQUESTED = "solicitada"
    AUTHORIZED = "autorizada"
    ACTIVE = "activa"
    CLOSED = "baja"


class Verification(StrEnum):
    NO = "no"
    REQUESTED = "solicitada"
    VERIFIED = "verificada"


class Rank(StrEnum):
    SENIOR = "mando_superior"
    MIDDLE = "mando_medio"
    OPERATIONAL = "operativo"


class Role(StrEnum):
    TITULAR = "titular"
    SUPLENTE = "suplente"
    ENLACE = "enlace"
    COADMIN = "coadministrador"


class Kind(StrEnum):
    """What an obligation asks for. Printed as ``kind`` in ``pendientes --json``."""

    ROTATION = "rotation"
    EVALUATION = "evaluation"
    TRAINING = "training"
    MISSING_ADMIN = "missing_admin"
    ADMIN_RANK = "admin_rank"
    EMAIL_DOMAIN = "email_domain"
    EMAIL_GENERIC = "email_generic"
    HANDLE_TOKEN = "handle_token"
    PUBLIC_ACCOUNT = "public_account"
    PRIVATE_MESSAGES = "private_messages"
    VERIFICATION = "verification"
    INCIDENT_NOTICE = "incident_notice"
    WEAK_PASSWORD = "weak_password"
    REUSED_PASSWORD = "reused_password"
    NO_PASSWORD = "no_password"
    CONSULTATION = "consultation"
    INFORMATION_REQUEST = "information_request"
    OPENING_REQUEST = "opening_request"
    CLOSING = "closing"
    ADMIN_CHANGE_NOTICE = "admin_change_notice"
    HOLIDAY_NOTICE = "holiday_notice"
    ABANDONED_ACCOUNT = "abandoned_account"
    DESIGNATION_FORM = "designation_form"
    RESPONSIVA = "responsiva"


class EntryKind(StrEnum):
    """What a bitácora entry records. Stored in the database and printed as ``kind``."""

    POST = "publicacion"
    REPLY = "respuesta"
    USER_COMMENT = "comentario_usuario"
    REQUEST = "solicitud"
    INCIDENT = "incidente"
    MODERATION = "moderacion"
    CONSULTATION = "consulta"
    PASSWORD_CHANGE = "cambio_contrasena"
    ADMIN_CHANGE = "cambio_administrador"
    EVALUATION = "evaluacion"
    TRAINING = "capacitacion"
    NOTE = "nota"
    CORRECTION = "correccion"


class ModerationAction(StrEnum):
    """What an administrator did with a user's comment."""

    BLOCK = "bloquear"
    HIDE = "ocultar"
    DELETE = "eliminar"
    IGNORE = "ignorar"
    REPLY = "responder"


class SecondFactor(StrEnum):
    """The second factor an account uses to sign in."""

    APP = "app"
    SMS = "sms"
    KEY = "llave"
    NONE = "ninguno"


SECOND_FACTOR_LABELS: Mapping[str, str] = {
    SecondFactor.APP: "aplicación autenticadora",
    SecondFactor.SMS: "mensaje SMS",
    SecondFactor.KEY: "llave de seguridad física",
    SecondFactor.NONE: "ninguno",
}


class ConsultationState(StrEnum):
    """States of a consultation before publishing; ``vencida`` is derived (pending past its window)."""

    PENDING = "pendiente"
    APPROVED = "aprobada"
    REJECTED = "rechazada"
    EXPIRED = "vencida"


class RequestState(StrEnum):
    """States of an information request from the public."""

    OPEN = "abierta"
    ANSWERED = "respondida"
    ROUTED = "canalizada"


class OpeningState(StrEnum):
    """States of a request to open an account."""

    PENDING = "pendiente"
    AUTHORIZED = "autorizada"
    REJECTED = "rechazada"
    OPENED = "abierta"


class ChangeReason(StrEnum):
    """Why a person stops administering (for a while or for good)."""

    LEAVES = "baja"
    PROMOTION = "promocion"
    TRANSFER = "cambio_adscripcion"
    VACATION = "vacaciones"
    HEALTH = "salud"
    OTHER = "otro"


CHANGE_REASON_LABELS: Mapping[str, str] = {
    ChangeReason.LEAVES: "baja",
    ChangeReason.PROMOTION: "promoción",
    ChangeReason.TRANSFER: "cambio de adscripción",
    ChangeReason.VACATION: "vacaciones",
    ChangeReason.HEALTH: "ausencia por salud",
    ChangeReason.OTHER: "otro motivo",
}

#: The items of the report an opened account needs (ine §7.IV, ieesonora §7.III).
OPENING_REPORT_ITEMS: Mapping[str, str] = {
    "nombre": "nombre",
    "direccion": "dirección electrónica",
    "propositos": "propósitos",
    "operacion": "operación",
    "administradores": "administradores",
}

#: The checklist of closing an account (ine §7.VIII–IX, ieesonora §7.VII–VIII).
CLOSING_ITEMS: Mapping[str, str] = {
    "contenido": "contenido borrado",
    "oficio": "oficio de baja enviado",
    "llavero": "contraseña borrada del llavero",
}
#: The checklist item done only by deleting the secrets (``bajas completar --borrar-llavero``), never by hand.
KEYRING_CLOSING_ITEM = "llavero"
#: The items an administrator marks done by hand.
MANUAL_CLOSING_ITEMS: tuple[str, ...] = tuple(k for k in CLOSING_ITEMS if k != KEYRING_CLOSING_ITEM)


class Status(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"


STATUS_LABELS: Mapping[Status, str] = {
    Status.OVERDUE: "vencido",
    Status.DUE_SOON: "próximo",
    Status.UPCOMING: "en plazo",
}

KIND_LABELS: Mapping[str, str] = {
    Kind.ROTATION: "Rotación de contraseña",
    Kind.EVALUATION: "Evaluación semestral",
    Kind.TRAINING: "Capacitación anual",
    Kind.MISSING_ADMIN: "Administración incompleta",
    Kind.ADMIN_RANK: "Nivel de la persona administradora",
    Kind.EMAIL_DOMAIN: "Dominio del correo",
    Kind.EMAIL_GENERIC: "Correo genérico institucional",
    Kind.HANDLE_TOKEN: "Nombre de usuario en X",
    Kind.PUBLIC_ACCOUNT: "Cuenta pública",
    Kind.PRIVATE_MESSAGES: "Mensajes privados",
    Kind.VERIFICATION: "Verificación de la cuenta",
    Kind.INCIDENT_NOTICE: "Aviso de incidente",
    Kind.WEAK_PASSWORD: "Contraseña débil",
    Kind.REUSED_PASSWORD: "Contraseña repetida",
    Kind.NO_PASSWORD: "Contraseña sin guardar",
    Kind.CONSULTATION: "Consulta de pertinencia",
    Kind.INFORMATION_REQUEST: "Solicitud de información",
    Kind.OPENING_REQUEST: "Apertura de cuenta",
    Kind.CLOSING: "Baja de cuenta",
    Kind.ADMIN_CHANGE_NOTICE: "Aviso de cambio de administración",
    Kind.HOLIDAY_NOTICE: "Aviso de horarios por días inhábiles",
    Kind.ABANDONED_ACCOUNT: "Posible cuenta abandonada",
    Kind.DESIGNATION_FORM: "Formulario de designación",
    Kind.RESPONSIVA: "Formato de responsiva",
}


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


class Obligation:
    """One thing the administrator must do (or a standing finding), with its clause.

    Mutable: the engine sets ``status`` once it knows the clock.
    """

    __slots__ = ("kind", "due", "rule", "message", "status", "account", "person", "ref_id", "standing")

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


def due_phrase(item: Obligation, now: datetime) -> str:
    """When an item is due, as the workbench's lists say it: an incident's notices are
    due «de inmediato», a standing finding holds until fixed, the rest is relative time."""
    if item.kind == Kind.INCIDENT_NOTICE:
        return "avisar de inmediato"
    if item.standing:
        return "hallazgo vigente"
    return relative(item.due, now)


class IncidentNotice(NamedTuple):
    """One recipient of an incident's notification checklist, still to be notified."""

    id: int
    incident_id: int
    account_id: int
    recipient: str
    opened_at: datetime
    description: str = ""


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


class State:
    """Everything the engine needs, loaded by ``store`` in one go (the tests adjust fields in place)."""

    FIELDS = (
        "profile", "calendar", "accounts", "people", "assignments", "last_rotation",
        "last_evaluation", "last_training", "incident_notices", "credentials", "second_factors",
        "consultations", "information_requests", "opening_requests", "closings", "admin_changes",
        "person_documents", "holiday_notices_done", "waivers", "other_activity", "agenda_until",
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
