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
    #: iecm §11.1 a: every account is tied to an institutional phone («sin dato» until recorded)
    INSTITUTIONAL_PHONE = "institutional_phone"
    #: ine §6.XXII, ieeags §6.XXIV, ieesonora §6.XX: content kept current (a window per network)
    CONTENT_CURRENT = "content_current"
    # -- duties (``DutyKind``): each open duty is an item of its kind --
    #: iecm §6.II: a UTCSyD message published within the period it specifies
    UTCSYD_MESSAGE = "utcsyd_message"
    #: iecm §7.H (a crisis), §5.2 f of the others (a relevant matter): one notice per recipient
    MATTER_NOTICE = "matter_notice"
    #: iecm §9.XX: the release letter of a person who appears in an image
    RELEASE_LETTER = "release_letter"
    #: iecm §9.XXII, §9.XXIV, §8.E: a live broadcast, a coverage or an influencer, through the UTCSyD
    UTCSYD_SUPPORT = "utcsyd_support"
    #: iecm §11.6 a: district-produced material approved by the district titular
    TITULAR_APPROVAL = "titular_approval"
    #: ine §7.VI: the procedures before the UNICOM, between authorized and open
    UNICOM_STEP = "unicom_step"
    #: ine §7.XI: a Junta's new account notified to the CNCS by oficio
    JUNTA_NOTICE = "junta_notice"
    #: ine §6.XXXIII: a Junta Local reports its social-media strategy
    JUNTA_STRATEGY = "junta_strategy"
    #: ine §7.V: a change of the account's holders notified to the CNCS
    HOLDERS_NOTICE = "holders_notice"
    #: ieeags §6.XIV: another institution's material only after a formal request
    FORMAL_REQUEST = "formal_request"
    #: ieeags §8.V: a content-removal request, to the Coordinación, which informs the Presidencia
    REMOVAL_REQUEST = "removal_request"
    #: ine §8, ieeags §7.II, ieesonora §8.II and §6.XVII: a user's suggestion (or comment) answered
    USER_ANSWER = "user_answer"


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


class DutyKind(StrEnum):
    """A duty recorded in ``duties`` (migration 11): something to do that a recorded fact opened
    (a UTCSyD message, a crisis, a publication with people in its images…), done once."""

    UTCSYD_MESSAGE = "mensaje_utcsyd"
    MATTER_NOTICE = "aviso_asunto"
    RELEASE_LETTER = "carta_descargo"
    UTCSYD_SUPPORT = "apoyo_utcsyd"
    TITULAR_APPROVAL = "aprobacion_titular"
    UNICOM_STEP = "tramite_unicom"
    JUNTA_NOTICE = "oficio_junta"
    JUNTA_STRATEGY = "estrategia_junta"
    HOLDERS_NOTICE = "aviso_titulares"
    FORMAL_REQUEST = "solicitud_material"
    REMOVAL_REQUEST = "retiro_contenido"
    USER_ANSWER = "respuesta_usuario"


class PostModality(StrEnum):
    """What a publication was, when the profile routes it through someone (iecm §9.XXII, §9.XXIV,
    §8.E, §11.6 a)."""

    LIVE = "transmision"
    COVERAGE = "cobertura"
    INFLUENCER = "colaboracion"
    OWN_MATERIAL = "material_propio"


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
