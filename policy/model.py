"""The institution's state as the rules see it, and the obligations they produce.

Codes (networks, statuses, kinds) are ``StrEnum`` values: they are stored in the
database and printed in ``--json`` output, so they are a stable interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policy.calendar import BusinessCalendar
    from policy.profile import Profile


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
}


@dataclass(frozen=True, slots=True)
class Account:
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


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    email: str | None = None
    rank: str | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    account_id: int
    person_id: int
    role: str
    start: date
    end: date | None = None

    def active_on(self, day: date) -> bool:
        """True when the person holds the role on ``day`` (the end date is their last day)."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Citation:
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


@dataclass(slots=True)
class Obligation:
    """One thing the administrator must do (or a standing finding), with its clause."""

    kind: str
    due: datetime
    rule: Citation
    message: str
    status: Status = Status.UPCOMING
    account: Account | None = None
    person: Person | None = None
    #: Identifies the record the obligation comes from (a consultation, an incident notice…).
    ref_id: int | None = None
    #: Standing findings hold until fixed; they are shown as overdue since ``due``.
    standing: bool = False

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


@dataclass(frozen=True, slots=True)
class IncidentNotice:
    """One recipient of an incident's notification checklist, still to be notified."""

    id: int
    incident_id: int
    account_id: int
    recipient: str
    opened_at: datetime
    description: str = ""


@dataclass(frozen=True, slots=True)
class CredentialState:
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


@dataclass(frozen=True, slots=True)
class SecondFactorState:
    account_id: int
    method: str
    recovery_location: str | None = None
    codes_in_keyring: bool = False


@dataclass(slots=True)
class State:
    """Everything the engine needs, loaded by ``store`` in one go."""

    profile: Profile
    calendar: BusinessCalendar
    accounts: Sequence[Account] = ()
    people: Mapping[int, Person] = field(default_factory=dict)
    assignments: Sequence[Assignment] = ()
    #: account id -> latest recorded rotation (aware datetime)
    last_rotation: Mapping[int, datetime] = field(default_factory=dict)
    #: account id -> latest evaluation date
    last_evaluation: Mapping[int, date] = field(default_factory=dict)
    #: person id -> latest training date
    last_training: Mapping[int, date] = field(default_factory=dict)
    #: notices of incidents not yet given (each one overdue from the moment the incident opened)
    incident_notices: Sequence[IncidentNotice] = ()
    #: account id -> what was found when its password was set; None when not loaded
    #: (then the credential checks stay silent).
    credentials: Mapping[int, CredentialState] | None = None
    #: account id -> recorded second factor; None when not loaded
    second_factors: Mapping[int, SecondFactorState] | None = None
