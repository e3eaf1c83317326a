"""The codes of resguardo: every closed set of values, as ``StrEnum``s.

Codes are stored in the database, typed on the command line and printed in
``--json`` output and exports, so they are a stable interface: renaming a value
needs a migration of the stored rows, never just an edit here.

Which language a code is in follows one rule: **what the administrator records is
coded in Spanish; what the engine derives is coded in English.** The values of
the records an administrator keeps — networks, account and request states,
roles and ranks, bitácora kinds, moderation actions, reasons, second factors,
checklist items — name things as the institutes' documents do, and the user
types and reads them as they are (``--red otra``, ``--rol suplente``,
``--estado baja``). The agenda's own vocabulary — an obligation's ``kind``
and its ``status`` in ``pendientes --json`` (and the ``key`` built from the
kind) — is the engine's interface for scripts, in English like the rest of that
JSON's field names; a waiver refers to an obligation by that same kind
(``dispensas agregar --tipo rotation``), so it stores it as printed. What the
user reads in either case is the Spanish label of ``policy.labels``.
"""

from __future__ import annotations

from enum import StrEnum


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
    #: someone with access the profile does not give (ine §5.1: only the designated administrators)
    ACCESS = "access"
    #: ine §7.X: one YouTube account (INETV), run only by the CNCS
    YOUTUBE_HOMOLOGATION = "youtube_homologation"
    #: iecm §6.VI: the UTCSyD co-administers every district account
    UTCSYD_COADMIN = "utcsyd_coadmin"


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


class ChangeOrigin(StrEnum):
    """How an administrator change was recorded (None: the explicit change, ``personas cambio``)."""

    UNASSIGNED = "desasignacion"
    ARRIVAL = "alta"


class Status(StrEnum):
    """Where an obligation stands against the clock (derived by the engine, never stored)."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"


#: The closing checklist item done only by deleting the secrets (``bajas completar --borrar-llavero``),
#: never by hand (the checklist and its labels: ``policy.labels.CLOSING_ITEMS``).
KEYRING_CLOSING_ITEM = "llavero"
