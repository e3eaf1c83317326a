"""Institution profiles: the rules of each institute as data, with their clauses.

Each profile is a TOML file in ``policy/profiles/`` (``ine.toml``, ``ieeags.toml``,
``ieesonora.toml``, ``iecm.toml``). Its ``[settings]`` are the numbers the
engine uses; where a document is silent or ambiguous the profile says so in the
rule's ``note``, and the administrator can override any setting listed in
``SETTINGS`` (the overrides live in the store and are passed in here).

The code reads a setting through ``profile.settings`` (a ``Settings``: one typed
field per setting, each default written once, in that class).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from policy.codes import Network
from policy.errors import PolicyError, UsageError
from policy.records import EMPTY_MAPPING, Citation

PROFILE_IDS: tuple[str, ...] = ("ine", "ieeags", "ieesonora", "iecm")
PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


class Settings(NamedTuple):
    """A profile's effective settings: one typed field per setting, with its default.

    This class is the one place a setting's default is written: it applies when the
    profile's ``[settings]`` are silent (every profile states most of them; see
    tests/test_profiles.py). Built once by ``load_profile`` from the profile's
    TOML and the administrator's overrides (``ajustes fijar``, stored by
    ``store.settings``); ``None`` in an optional setting means «no deadline» or
    «none». Lists are tuples: the object is immutable, like the profile.
    (A ``NamedTuple``, not a frozen dataclass: ``pendientes`` does not import
    ``dataclasses``; see ``policy.records``.)
    """

    # -- periodic obligations (months; None: no deadline) --
    rotation_months: int | None = None
    #: Rotate an account's password whenever one of its administrators changes.
    rotation_on_admin_change: bool = False
    evaluation_months: int | None = None
    training_months: int | None = None

    # -- administrators --
    #: The roles every account needs filled (the three profiles with titular and suplente; the IECM's enlace).
    admin_roles: tuple[str, ...] = ("titular", "suplente")
    #: Ranks allowed to hold each role (empty: any rank).
    titular_ranks: tuple[str, ...] = ()
    suplente_ranks: tuple[str, ...] = ()
    #: Each administrator needs a designation form and a responsiva on record.
    designation_documents: bool = False
    #: Who receives the notice of an administrator change (None: no notice).
    admin_change_office: str | None = None

    # -- the accounts --
    email_domains: tuple[str, ...] = ()
    email_generic_required: bool = False
    #: ISO date from which the generic address is required (``AAAA-MM-DD``).
    email_generic_since: str | None = None
    email_generic_business_days: int = 0
    handle_token: str | None = None
    require_public: bool = False
    require_private_messages: bool = False
    require_verification: bool = False
    #: Every account is tied to an institutional phone (iecm §11.1 a).
    require_institutional_phone: bool = False
    #: Days without recorded activity before an account looks abandoned (None: never flagged).
    abandoned_days: int | None = None

    # -- workflows --
    consultation_hours: int | None = None
    consultation_business_days: int | None = None
    consultation_office: str = "la oficina consultada"
    #: What happens when a consultation goes unanswered (shown to the administrator).
    consultation_outcome: str = ""
    information_request_business_days: int = 2
    information_request_office: str = "la instancia competente"
    #: The documents ask to answer a request directly only when certain of the answer (ine, ieeags).
    information_request_certainty: bool = True
    opening_allowed: bool = True
    opening_business_days: int | None = None
    opening_office: str = "la oficina responsable"
    #: An opened account needs the report of ``policy.labels.OPENING_REPORT_ITEMS``.
    opening_report: bool = False
    #: Who receives that report (ine §7.IV, ieesonora §7.III), with its article.
    opening_report_to: str | None = None
    #: Notices to the public before non-working days.
    holiday_notice: bool = False
    holiday_notice_business_days: int = 3
    incident_recipients: tuple[str, ...] = ()
    #: Who is told of a relevant matter raised on the networks, the same day (§5.2 f; iecm §7.H).
    matter_recipients: tuple[str, ...] = ()
    #: The steps of a content-removal request, in order (ieeags §8.V: the Coordinación, then the Presidencia).
    removal_recipients: tuple[str, ...] = ()
    #: Business days to answer a user's suggestion (None: the criteria fix none and the institution set none).
    answer_business_days: int | None = None
    #: Every user's comment is answered, not only suggestions (ieesonora §6.XVII).
    answer_every_comment: bool = False
    #: How often each network's content is renewed: ``red:días`` (ine §6.XXII, ieeags §6.XXIV,
    #: ieesonora §6.XX: «periodicidad diaria o semanal»); empty: not checked.
    content_windows: tuple[str, ...] | None = None

    # -- moderation --
    #: One of ``policy.moderation.BLOCK_POLICIES``.
    block_policy: str = "solo_odio_violencia"
    #: Who decides a deletion (None: the profile names nobody).
    delete_decided_by: str | None = None

    # -- passwords --
    min_length: int = 12
    min_zxcvbn_score: int = 3
    password_history: int = 5
    password_grace_days: int = 30

    # -- backups --
    backups_max: int = 10

    # -- operation --
    #: The hours (from, until; 0–24) the accounts are operated in on business days; None: the profile
    #: does not limit them (iecm §8.A: «en horas y días hábiles», hours the institution sets).
    business_hours_from: int | None = None
    business_hours_until: int | None = None


def _setting_values(profile_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Raw setting values (a profile's TOML, or overrides) as ``Settings`` holds them: lists become tuples.

    PolicyError for a key ``Settings`` does not know (a typo in a profile file).
    """
    unknown = sorted(set(values) - set(Settings._fields))
    if unknown:
        raise PolicyError(f"El perfil {profile_id} tiene ajustes desconocidos: {', '.join(unknown)}.")
    return {key: tuple(value) if isinstance(value, list) else value for key, value in values.items()}


#: The defaults alone (what a profile silent on every setting would get).
DEFAULT_SETTINGS = Settings()


class SettingSpec(NamedTuple):
    """An editable profile setting: its Spanish name, type and meaning."""

    key: str
    name_es: str
    kind: type
    description: str
    minimum: int | None = None
    maximum: int | None = None
    #: True when the setting may be removed (no deadline at all).
    optional: bool = False


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "rotation_months",
        "rotacion_meses",
        int,
        "Meses máximos entre dos rotaciones de contraseña (vacío: sin plazo).",
        1,
        60,
        True,
    ),
    SettingSpec(
        "evaluation_months",
        "evaluacion_meses",
        int,
        "Meses máximos entre dos evaluaciones de cada cuenta.",
        1,
        60,
        True,
    ),
    SettingSpec(
        "training_months",
        "capacitacion_meses",
        int,
        "Meses máximos entre dos capacitaciones de cada persona administradora.",
        1,
        60,
        True,
    ),
    SettingSpec(
        "email_domains",
        "dominios_correo",
        list,
        "Dominios institucionales admitidos para el correo de las cuentas, separados por comas.",
    ),
    SettingSpec(
        "handle_token",
        "token_usuario_x",
        str,
        "Texto que debe aparecer en el nombre de usuario de las cuentas de X.",
        optional=True,
    ),
    SettingSpec(
        "consultation_hours",
        "consulta_horas",
        int,
        "Horas naturales para que respondan una consulta de pertinencia.",
        1,
        720,
        True,
    ),
    SettingSpec(
        "consultation_business_days",
        "consulta_dias_habiles",
        int,
        "Días hábiles para que respondan una consulta de pertinencia.",
        1,
        60,
        True,
    ),
    SettingSpec(
        "information_request_business_days",
        "solicitud_dias_habiles",
        int,
        "Días hábiles para atender una solicitud de información del público.",
        1,
        60,
    ),
    SettingSpec(
        "opening_business_days",
        "apertura_dias_habiles",
        int,
        "Días hábiles para que respondan una solicitud de apertura de cuenta.",
        1,
        120,
        True,
    ),
    SettingSpec(
        "holiday_notice_business_days",
        "aviso_inhabil_dias_habiles",
        int,
        "Días hábiles de anticipación del aviso de horarios antes de un día inhábil.",
        1,
        30,
    ),
    SettingSpec(
        "abandoned_days",
        "abandono_dias",
        int,
        "Días sin actividad registrada para señalar una cuenta como posiblemente abandonada.",
        7,
        3650,
    ),
    SettingSpec(
        "answer_business_days",
        "respuesta_dias_habiles",
        int,
        "Días hábiles para analizar y responder la sugerencia (o el comentario) de una persona usuaria"
        " (los criterios no fijan plazo).",
        1,
        60,
        True,
    ),
    SettingSpec(
        "content_windows",
        "ventanas_contenido",
        list,
        "Días máximos sin publicar en cada red, como red:días separados por comas (x:1, facebook:7…).",
        optional=True,
    ),
    SettingSpec("min_length", "longitud_minima", int, "Longitud mínima de las contraseñas.", 8, 128),
    SettingSpec("min_zxcvbn_score", "puntaje_minimo", int, "Puntaje mínimo de fortaleza (zxcvbn, de 0 a 4).", 0, 4),
    SettingSpec(
        "password_history",
        "historial_contrasenas",
        int,
        "Cuántas contraseñas anteriores de la misma cuenta no pueden repetirse.",
        0,
        50,
    ),
    SettingSpec(
        "password_grace_days",
        "plazo_contrasena_dias",
        int,
        "Días, desde el registro de una cuenta activa, para guardar su contraseña en el llavero"
        " antes de señalarla como pendiente.",
        0,
        365,
    ),
    SettingSpec(
        "backups_max",
        "respaldos_max",
        int,
        "Cuántos respaldos automáticos (el diario y los previos a una actualización) se conservan en la"
        " carpeta respaldos/; los manuales nunca se borran.",
        1,
        1000,
    ),
    SettingSpec(
        "business_hours_from",
        "horario_desde",
        int,
        "Hora (0–24) en que empieza la operación de las cuentas en días hábiles (vacío: sin horario).",
        0,
        24,
        True,
    ),
    SettingSpec(
        "business_hours_until",
        "horario_hasta",
        int,
        "Hora (0–24) en que termina la operación de las cuentas en días hábiles (vacío: sin horario).",
        0,
        24,
        True,
    ),
)

SETTINGS_BY_KEY: Mapping[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}
SETTINGS_BY_NAME: Mapping[str, SettingSpec] = {spec.name_es: spec for spec in SETTINGS}


class Document(NamedTuple):
    key: str
    title: str
    short: str
    seed: str


class Profile(NamedTuple):
    """One institution's rules: its settings (the profile's own, with overrides applied) and cited rules."""

    id: str
    name: str
    short_name: str
    documents: Mapping[str, Document]
    #: The profile's settings as its TOML states them, before the administrator's overrides.
    defaults: Settings
    #: The effective settings: an override wins over the profile's value.
    settings: Settings
    rules: Mapping[str, Citation]
    #: The administrator's overrides (setting key -> value; ``None`` clears an optional setting).
    overrides: Mapping[str, Any] = EMPTY_MAPPING

    def has_rule(self, key: str) -> bool:
        return key in self.rules

    def rule(self, key: str) -> Citation:
        """The clause behind rule ``key``; PolicyError when this profile has no such rule."""
        try:
            return self.rules[key]
        except KeyError:
            raise PolicyError(f"El perfil {self.short_name} no tiene una regla «{key}».") from None

    def setting_rule(self, key: str) -> Citation:
        """The clause behind a periodic deadline a setting fixes (rotation, evaluation, training):
        the profile's rule when its documents fix the period, otherwise the institution's own
        setting, labelled as such (issue #13: a setting the documents do not back still takes
        effect, and says where it comes from)."""
        found = self.rules.get(key)
        if found is not None and found.section:
            return found
        documents = (
            "los lineamientos"
            if any(d.title.startswith("Lineamientos") for d in self.documents.values())
            else ("los criterios")
        )
        return Citation(
            self.id,
            f"Ajuste de la institución ({documents} no fijan plazo)",
            "",
            "",
            found.note if found is not None else "",
        )


@lru_cache(maxsize=8)
def _raw_profile(profile_id: str) -> dict[str, Any]:
    if profile_id not in PROFILE_IDS:
        raise UsageError(f"Perfil desconocido «{profile_id}». Use uno de: {', '.join(PROFILE_IDS)}.")
    # A plain path (not importlib.resources, ~6 ms to import): the package is always installed as files.
    text = (PROFILES_DIR / f"{profile_id}.toml").read_text("utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # a packaging error, not user input
        raise PolicyError(f"El perfil {profile_id} está mal formado: {exc}") from exc


def load_profile(profile_id: str, overrides: Mapping[str, Any] | None = None) -> Profile:
    """Load a profile by id and apply the administrator's setting overrides.

    Raises UsageError for an unknown id and PolicyError for a malformed file or
    an override that does not fit its setting.
    """
    raw = _raw_profile(profile_id)
    documents = {
        key: Document(
            key=key,
            title=str(doc["title"]),
            short=str(doc.get("short") or doc["title"]),
            seed=str(doc.get("seed", "")),
        )
        for key, doc in raw.get("documents", {}).items()
    }
    rules: dict[str, Citation] = {}
    for key, rule in raw.get("rules", {}).items():
        doc = documents.get(rule.get("doc", ""))
        rules[key] = Citation(
            profile=profile_id,
            document=doc.title if doc else str(rule.get("doc", "")),
            section=str(rule.get("section", "")),
            quote=str(rule.get("quote", "")),
            note=str(rule.get("note", "")),
        )
    own = dict(raw.get("settings", {}))
    clean_overrides = {key: validate_setting(key, value) for key, value in (overrides or {}).items()}
    defaults = Settings(**_setting_values(profile_id, own))
    # An override of None clears an optional setting, whatever the profile says (validate_setting
    # lets None through for optional settings only).
    settings = defaults._replace(**_setting_values(profile_id, clean_overrides))
    return Profile(
        id=profile_id,
        name=str(raw.get("name", profile_id)),
        short_name=str(raw.get("short_name", profile_id.upper())),
        documents=documents,
        defaults=defaults,
        settings=settings,
        rules=rules,
        overrides=clean_overrides,
    )


def short_document(profile: Profile, citation: Citation) -> str:
    """The short name of the document a citation points at (for narrow tables)."""
    for doc in profile.documents.values():
        if doc.title == citation.document:
            return doc.short
    return citation.document


def validate_setting(key: str, value: Any) -> Any:
    """Check an override against its spec; returns the normalized value.

    ``None`` clears an optional setting (e.g. no rotation interval).
    """
    spec = SETTINGS_BY_KEY.get(key)
    if spec is None:
        raise PolicyError(f"Ajuste desconocido «{key}».")
    if value is None:
        if not spec.optional:
            raise PolicyError(f"El ajuste «{spec.name_es}» no puede quedar vacío.")
        return None
    if spec.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyError(f"El ajuste «{spec.name_es}» debe ser un número entero.")
        if spec.minimum is not None and value < spec.minimum:
            raise PolicyError(f"El ajuste «{spec.name_es}» debe ser al menos {spec.minimum}.")
        if spec.maximum is not None and value > spec.maximum:
            raise PolicyError(f"El ajuste «{spec.name_es}» debe ser como máximo {spec.maximum}.")
        return value
    if spec.kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise PolicyError(f"El ajuste «{spec.name_es}» debe ser una lista de textos no vacíos.")
        if not value and not spec.optional:
            raise PolicyError(f"El ajuste «{spec.name_es}» no puede quedar vacío.")
        clean = [v.strip().lower() for v in value]
        if key == "content_windows":
            content_windows(clean)
        return clean
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(f"El ajuste «{spec.name_es}» debe ser un texto no vacío.")
    return value.strip()


def content_windows(values: tuple[str, ...] | list[str]) -> dict[str, int]:
    """The ``content_windows`` setting as network -> days (``["x:1", "facebook:7"]``).

    PolicyError for an item that is not ``red:días`` with a known network and 1–365 days.
    """
    known = {n.value for n in Network}
    found: dict[str, int] = {}
    for item in values:
        network, _, days = item.replace(" ", "").partition(":")
        if network not in known or not days.isdigit() or not 1 <= int(days) <= 365:
            raise PolicyError(f"«{item}» no es red:días (redes: {', '.join(sorted(known))}; de 1 a 365 días).")
        found[network] = int(days)
    return found


def parse_setting_text(spec: SettingSpec, text: str) -> Any:
    """Turn what the administrator typed into the setting's value (UsageError if malformed)."""
    value = text.strip()
    if value.lower() in {"", "ninguno", "ninguna", "sin plazo", "vacío", "vacio"}:
        if spec.optional:
            return None
        raise UsageError(f"El ajuste «{spec.name_es}» no puede quedar vacío.")
    if spec.kind is int:
        try:
            return int(value)
        except ValueError:
            raise UsageError(f"El ajuste «{spec.name_es}» espera un número entero, no «{value}».") from None
    if spec.kind is list:
        return [part.strip() for part in value.split(",") if part.strip()]
    return value
