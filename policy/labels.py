"""The Spanish names of the codes (``policy.codes``) and of the agenda's timing, as the user reads them."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from policy.clock import format_date, local, relative
from policy.codes import (
    KEYRING_CLOSING_ITEM,
    ChangeOrigin,
    ChangeReason,
    Kind,
    OpeningState,
    Rank,
    SecondFactor,
    Status,
)

if TYPE_CHECKING:
    from policy.obligations import Obligation
    from policy.records import Duty

SECOND_FACTOR_LABELS: Mapping[str, str] = {
    SecondFactor.APP: "aplicación autenticadora",
    SecondFactor.SMS: "mensaje SMS",
    SecondFactor.KEY: "llave de seguridad física",
    SecondFactor.NONE: "ninguno",
}


#: The levels of a post (``Rank``) as a sentence or a list names them; the codes stay in JSON.
RANK_LABELS: Mapping[str, str] = {
    Rank.SENIOR: "mando superior",
    Rank.MIDDLE: "mando medio",
    Rank.OPERATIONAL: "operativo",
}


def rank_label(rank: str | None, missing: str = "—") -> str:
    """«mando medio» for ``mando_medio``; ``missing`` when the level is not recorded."""
    if not rank:
        return missing
    return RANK_LABELS.get(rank, rank.replace("_", " "))


CHANGE_REASON_LABELS: Mapping[str, str] = {
    ChangeReason.LEAVES: "baja",
    ChangeReason.PROMOTION: "promoción",
    ChangeReason.TRANSFER: "cambio de adscripción",
    ChangeReason.VACATION: "vacaciones",
    ChangeReason.HEALTH: "ausencia por salud",
    ChangeReason.OTHER: "otro motivo",
}


def leaves_phrase(last_day: date, today: date) -> str:
    """The verb of a person's last day in the right tense: «deja de» for today or later, «dejó de» for
    a past day (the sentence then says «… el DD/MM/AAAA (su último día)»)."""
    return "dejó de" if last_day < today else "deja de"


def missing_phrase(items: Sequence[str]) -> str:
    """«falta el oficio», «faltan el nombre y los propósitos»: the verb agrees with what is missing."""
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]
    return f"{'falta' if len(items) == 1 else 'faltan'} {joined}"


def counted(n: int, singular: str, plural: str) -> str:
    """«1 cuenta revisada», «3 cuentas revisadas»: the number and its noun in agreement.

    Every count a person reads goes through here (or ``plural``): «1 entradas» was
    written by an f-string that assumed more than one."""
    return f"{n} {singular if n == 1 else plural}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """«1 entrada», «2 entradas», «1 día», «3 días»; ``plural_form`` for nouns that are not
    the singular plus «s» (or «es» after a consonant): «1 rotación», «2 rotaciones»."""
    if plural_form is None:
        plural_form = singular + ("s" if singular[-1] in "aeiouáéó" else "es")
    return counted(n, singular, plural_form)


def size_text(size: int) -> str:
    """A file size in the units a person reads: «830 bytes», «48 kB», «1.2 MB», «3.4 GB» (both faces)."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def fold(text: str) -> str:
    """Lower-case without accents, so «jose perez» finds «José Pérez» and «mexico» «México»
    (filters and name lookups in both faces fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


#: Office nouns named with «la» (and «las» for the plural) in a sentence.
_FEMININE_OFFICES = frozenset(
    {"coordinación", "subdirección", "unidad", "presidencia", "dirección", "secretaría", "comisión", "instancia"}
)


#: Offices named by their acronym, all feminine (the Coordinación, the Unidad…).
_FEMININE_ACRONYMS = frozenset({"cncs", "unicom", "utcsyd", "utsi", "daod", "derfe"})


def office_with_article(name: str) -> str:
    """An office as a sentence names it: «la Coordinación…», «las Instancias…», «la persona titular
    de la CNCS»; acronyms and names that already carry their article are left as they are."""
    text = name.strip()
    first, _, rest = text.partition(" ")
    word = first.lower()
    if word in ("la", "el", "los", "las", "al", "del"):
        return text
    if word == "titular":
        return f"la persona titular {rest}".strip()
    if word in _FEMININE_OFFICES or word in _FEMININE_ACRONYMS:
        return f"la {text}"
    if word.rstrip("s") in _FEMININE_OFFICES and word.endswith("s"):
        return f"las {text}"
    return text


#: How a change recorded without ``personas cambio`` is named (its reason is unknown).
CHANGE_ORIGIN_LABELS: Mapping[str, str] = {
    ChangeOrigin.UNASSIGNED: "relevo",
    ChangeOrigin.ARRIVAL: "nueva persona administradora",
}

#: The items of the report an opened account needs (ine §7.IV, ieesonora §7.III).
OPENING_REPORT_ITEMS: Mapping[str, str] = {
    "nombre": "nombre",
    "direccion": "dirección electrónica",
    "propositos": "propósitos",
    "operacion": "operación",
    "administradores": "administradores",
}

#: What an opening request waits for, by its state (``OpeningState``), as a list says it.
OPENING_STAGES: Mapping[str, str] = {
    OpeningState.PENDING: "esperando respuesta",
    OpeningState.AUTHORIZED: "por abrir",
    OpeningState.REJECTED: "rechazada",
    OpeningState.OPENED: "abierta",
}


def opening_stage(
    state: str, *, unicom_pending: bool = False, report_missing: int = 0, report_due: bool = False
) -> str:
    """An opening request's next step in words: an authorized one still owing its UNICOM step (ine §7.VI)
    reads «trámite UNICOM pendiente»; an opened one whose profile asks for the report (``report_due``)
    and still lacks ``report_missing`` of its items reads «informe pendiente» (none given yet) or
    «informe parcial»."""
    if state == OpeningState.AUTHORIZED and unicom_pending:
        return "trámite UNICOM pendiente"
    if state == OpeningState.OPENED and report_due and report_missing:
        return "informe pendiente" if report_missing == len(OPENING_REPORT_ITEMS) else "informe parcial"
    return OPENING_STAGES.get(state, state)


#: The checklist of closing an account (ine §7.VIII–IX, ieesonora §7.VII–VIII).
CLOSING_ITEMS: Mapping[str, str] = {
    "contenido": "contenido borrado",
    "oficio": "oficio de baja enviado",
    "llavero": "contraseña borrada del llavero",
}
#: The items an administrator marks done by hand.
MANUAL_CLOSING_ITEMS: tuple[str, ...] = tuple(k for k in CLOSING_ITEMS if k != KEYRING_CLOSING_ITEM)


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
    Kind.ACCESS: "Acceso a la cuenta",
    Kind.YOUTUBE_HOMOLOGATION: "Cuenta de YouTube",
    Kind.UTCSYD_COADMIN: "Coadministración de la UTCSyD",
    Kind.INSTITUTIONAL_PHONE: "Teléfono institucional",
    Kind.CONTENT_CURRENT: "Contenido actualizado",
    Kind.UTCSYD_MESSAGE: "Mensaje de la UTCSyD",
    Kind.MATTER_NOTICE: "Aviso de asunto relevante",
    Kind.RELEASE_LETTER: "Carta de descargo",
    Kind.UTCSYD_SUPPORT: "Apoyo de la UTCSyD",
    Kind.TITULAR_APPROVAL: "Aprobación del material propio",
    Kind.UNICOM_STEP: "Trámite ante la UNICOM",
    Kind.JUNTA_NOTICE: "Oficio de apertura de una Junta",
    Kind.JUNTA_STRATEGY: "Estrategia de la Junta Local",
    Kind.HOLDERS_NOTICE: "Aviso de cambio de titular",
    Kind.FORMAL_REQUEST: "Solicitud formal de material",
    Kind.REMOVAL_REQUEST: "Solicitud de retiro de contenido",
    Kind.USER_ANSWER: "Respuesta a una persona usuaria",
}


def periodic_label(noun: str, months: int) -> str:
    """A periodic obligation's label as its setting reads: «Evaluación semestral», «Capacitación
    anual», «Evaluación cada 4 meses» (issue #13: the label follows the setting)."""
    named = {1: "mensual", 2: "bimestral", 3: "trimestral", 6: "semestral", 12: "anual"}
    word = named.get(months)
    return f"{noun} {word}" if word else f"{noun} cada {months} meses"


def item_label(item: Obligation) -> str:
    """What the user reads as an item's kind: its own label when the check gave one (a periodic
    obligation names its period), else the kind's."""
    return item.label or KIND_LABELS.get(item.kind, str(item.kind))


def due_phrase(item: Obligation, now: datetime) -> str:
    """When an item is due, as the workbench's lists say it: an incident's notices are
    due «de inmediato», a standing finding holds until fixed, the rest is relative time."""
    if item.kind in (Kind.INCIDENT_NOTICE, Kind.MATTER_NOTICE):
        return "avisar de inmediato"
    if item.standing:
        return "hallazgo vigente"
    return relative(item.due, now)


def duty_due(duty: Duty) -> str:
    """By when a duty is done, as both faces say it: its day, or «de inmediato» (a notice due at once)."""
    return format_date(local(duty.due_at).date()) if duty.due_at else "de inmediato"


def duty_state(duty: Duty) -> str:
    """A duty's state as both faces list it: «pendiente (dd/mm/aaaa)» or «cumplido el dd/mm/aaaa»."""
    if duty.done_at is not None:
        return f"cumplido el {format_date(local(duty.done_at).date())}"
    return f"pendiente ({duty_due(duty)})"


#: The bitácora's entry kinds (``policy.codes.EntryKind``) as the user reads them.
ENTRY_KIND_LABELS: dict[str, str] = {
    "publicacion": "publicación",
    "respuesta": "respuesta",
    "comentario_usuario": "comentario de usuario",
    "solicitud": "solicitud",
    "incidente": "incidente",
    "moderacion": "moderación",
    "consulta": "consulta",
    "cambio_contrasena": "cambio de contraseña",
    "cambio_administrador": "cambio de administrador",
    "evaluacion": "evaluación",
    "capacitacion": "capacitación",
    "nota": "nota",
    "correccion": "corrección",
}


#: keyring's backends (``module.Class``) by the name a user knows them by
_KEYRING_LABELS: Mapping[str, str] = {
    "keyring.backends.Windows.WinVaultKeyring": "llavero del sistema (Windows)",
    "keyring.backends.macOS.Keyring": "llavero del sistema (macOS)",
    "keyring.backends.SecretService.Keyring": "llavero del sistema (Secret Service)",
    "keyring.backends.libsecret.Keyring": "llavero del sistema (Secret Service)",
    "keyring.backends.kwallet.DBusKeyring": "llavero del sistema (KWallet)",
    "keyring.backends.null.Keyring": "ninguno (no guarda nada)",
    "keyring.backends.fail.Keyring": "ninguno disponible",
}


def keyring_label(backend: str, *, encrypted_file: bool = False) -> str:
    """The Spanish name of a keyring backend (``module.Class``): «archivo cifrado de resguardo»,
    «llavero del sistema (Windows)»…, never the class's dotted path."""
    if encrypted_file or backend.endswith(".EncryptedFileKeyring"):
        return "archivo cifrado de resguardo"
    return _KEYRING_LABELS.get(backend, "llavero elegido en la configuración de keyring")


def seal_lines(head: str, total: int, head_id: int | None, at: datetime) -> tuple[str, str, str]:
    """The bitácora's seal as it is quoted in an oficio or an e-mail (``bitacora sello`` prints it, the
    workbench shows and copies it): the moment, the head hash, the number of entries and the last one."""
    return (
        f"Sello de la bitácora al {at.strftime('%d/%m/%Y %H:%M')}:",
        f"  hash:     {head}",
        f"  entradas: {total}" + (f" (última: {head_id})" if head_id else ""),
    )


def second_factor_lines(ref: str, method: str, recovery_location: str | None, codes_in_keyring: bool) -> list[str]:
    """What both faces say after recording an account's second factor: the method, where its recovery
    codes are, and, without a second factor, the recommendation."""
    text = f"Segundo factor de {ref}: {SECOND_FACTOR_LABELS.get(method, method)}."
    if recovery_location:
        text += f" Códigos de recuperación: {recovery_location}."
    if codes_in_keyring:
        text += " Los códigos están guardados en el llavero."
    lines = [text]
    if method == SecondFactor.NONE:
        lines.append("Se recomienda activar un segundo factor (aplicación autenticadora o llave de seguridad).")
    return lines


def calendar_written_text(path: object, obligations: int, non_working: int, horizon_days: int) -> str:
    """What both faces say after writing the agenda as an ICS file (``calendario exportar``): where,
    how many obligations and non-working days, and the window."""
    return (
        f"Calendario escrito en {path}: {plural(obligations, 'obligación', 'obligaciones')} y"
        f" {plural(non_working, 'día inhábil', 'días inhábiles')}"
        f" (próximos {plural(horizon_days, 'día')}; lo vencido siempre)."
    )
