"""Duties: things to do that a recorded fact opens, each done once (POLICY.md §11).

A duty (``policy.records.Duty``, kind ``policy.codes.DutyKind``) is opened by a
use case (a UTCSyD message registered, a relevant matter or a removal request
recorded, an account's holders changed, an ine opening authorized or opened) or
by a bitácora entry that declares something (people in a publication's images,
what the publication was, another institution's material, a user's suggestion).
It stays in the agenda, citing its clause, until a bitácora entry fulfils it.

Pure: the profile, the facts and the clock in; drafts, checks, obligations and
sentences out. ``store.duties`` persists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from policy import validate
from policy.clock import end_of_day, format_date, local
from policy.codes import DutyKind, EntryKind, Kind, PostModality
from policy.errors import ConflictError, PolicyError, UsageError
from policy.labels import office_with_article
from policy.obligations import Obligation, State
from policy.records import Account, Duty

if TYPE_CHECKING:
    from policy.calendar import BusinessCalendar
    from policy.profile import Profile


class DutySpec(NamedTuple):
    """How a kind of duty shows in the agenda and how it is fulfilled."""

    #: the agenda item's kind (``policy.codes.Kind``), also the profile's rule key
    kind: Kind
    #: what a user reads for one duty of this kind («mensaje de la UTCSyD»)
    label: str
    #: the kind of the bitácora entry that fulfils it
    entry_kind: EntryKind
    #: True: a finding until done (shown as overdue since it arose); False: it has a deadline
    standing: bool


SPECS: dict[str, DutySpec] = {
    DutyKind.UTCSYD_MESSAGE: DutySpec(Kind.UTCSYD_MESSAGE, "mensaje de la UTCSyD", EntryKind.POST, False),
    DutyKind.MATTER_NOTICE: DutySpec(Kind.MATTER_NOTICE, "aviso de asunto relevante", EntryKind.NOTE, False),
    DutyKind.RELEASE_LETTER: DutySpec(Kind.RELEASE_LETTER, "carta de descargo", EntryKind.NOTE, True),
    DutyKind.UTCSYD_SUPPORT: DutySpec(Kind.UTCSYD_SUPPORT, "coordinación con la UTCSyD", EntryKind.NOTE, True),
    DutyKind.TITULAR_APPROVAL: DutySpec(
        Kind.TITULAR_APPROVAL, "aprobación de la persona titular", EntryKind.NOTE, True
    ),
    DutyKind.UNICOM_STEP: DutySpec(Kind.UNICOM_STEP, "trámite ante la UNICOM", EntryKind.NOTE, False),
    DutyKind.JUNTA_NOTICE: DutySpec(Kind.JUNTA_NOTICE, "oficio de apertura a la CNCS", EntryKind.NOTE, False),
    DutyKind.JUNTA_STRATEGY: DutySpec(Kind.JUNTA_STRATEGY, "informe de estrategia", EntryKind.NOTE, False),
    DutyKind.HOLDERS_NOTICE: DutySpec(Kind.HOLDERS_NOTICE, "aviso de cambio de titular", EntryKind.NOTE, False),
    DutyKind.FORMAL_REQUEST: DutySpec(Kind.FORMAL_REQUEST, "solicitud formal de material", EntryKind.NOTE, True),
    DutyKind.REMOVAL_REQUEST: DutySpec(Kind.REMOVAL_REQUEST, "solicitud de retiro", EntryKind.NOTE, False),
    DutyKind.USER_ANSWER: DutySpec(Kind.USER_ANSWER, "respuesta", EntryKind.REPLY, False),
}

#: The agenda kinds that come from duties (their items' ``ref_id`` is the duty's id).
DUTY_ITEM_KINDS: frozenset[str] = frozenset(spec.kind.value for spec in SPECS.values())

MODALITY_LABELS: dict[str, str] = {
    PostModality.LIVE: "transmisión en vivo",
    PostModality.COVERAGE: "cobertura de un evento",
    PostModality.INFLUENCER: "colaboración con una figura pública",
    PostModality.OWN_MATERIAL: "material producido por la dirección distrital",
}


class DutyDraft(NamedTuple):
    """A duty about to be opened (``store.duties`` gives it its id)."""

    kind: DutyKind
    subject: str
    arose_at: datetime
    due_at: datetime | None = None
    recipient: str | None = None
    reference: str | None = None


def offers(profile: Profile, kind: DutyKind) -> bool:
    """Whether ``profile`` has the rule of duties of ``kind`` (where a face offers to open one)."""
    return profile.has_rule(SPECS[kind].kind.value)


def _require(profile: Profile, kind: DutyKind, what: str) -> None:
    if not offers(profile, kind):
        raise PolicyError(f"El perfil {profile.short_name} no prevé {what}.")


def subject_text(value: str | None, field: str) -> str:
    """A duty's subject: required, one line, at most ``validate.MAX_MEDIUM`` characters."""
    return " ".join(validate.text(value, field, required=True, limit=validate.MAX_MEDIUM).split())


def excerpt(text: str, limit: int = 80) -> str:
    """The first words of an entry's text, to name it in a duty («…» when cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# -- what each fact opens ---------------------------------------------------------------


def utcsyd_message(profile: Profile, subject: str, first: datetime, last: datetime) -> DutyDraft:
    """iecm §6.II: a UTCSyD message to publish between ``first`` and the end of ``last``'s day.

    PolicyError outside iecm; UsageError for an empty subject or a period that ends before it starts.
    """
    _require(profile, DutyKind.UTCSYD_MESSAGE, "mensajes de la UTCSyD para publicar")
    clean = subject_text(subject, "asunto")
    if last.date() < first.date():
        raise UsageError("El periodo de publicación termina antes de empezar.")
    return DutyDraft(DutyKind.UTCSYD_MESSAGE, clean, first, end_of_day(last.date()))


def matter_notices(profile: Profile, description: str, at: datetime) -> list[DutyDraft]:
    """iecm §7.H, §5.2 f of the others: a relevant matter (in iecm, one that can affect the image:
    a crisis) raised on the networks, reported to each recipient of the profile the same day."""
    _require(profile, DutyKind.MATTER_NOTICE, "avisos de asuntos relevantes")
    clean = subject_text(description, "descripción")
    due = end_of_day(local(at).date())
    return [
        DutyDraft(DutyKind.MATTER_NOTICE, clean, at, due, recipient) for recipient in profile.settings.matter_recipients
    ]


def removal_steps(profile: Profile, description: str, at: datetime) -> list[DutyDraft]:
    """ieeags §8.V: a content-removal request goes to the Coordinación, which informs the Presidencia
    (two steps; the criteria fix no period: pending from the request)."""
    _require(profile, DutyKind.REMOVAL_REQUEST, "solicitudes de retiro de contenido")
    clean = subject_text(description, "descripción")
    return [
        DutyDraft(DutyKind.REMOVAL_REQUEST, clean, at, at, recipient)
        for recipient in profile.settings.removal_recipients
    ]


def holders_notice(profile: Profile, who: str, at: datetime) -> DutyDraft:
    """ine §7.V: a change of the account's holders (the area's head) is notified to the CNCS."""
    _require(profile, DutyKind.HOLDERS_NOTICE, "avisos de cambio de titulares de las cuentas")
    clean = subject_text(who, "persona titular")
    return DutyDraft(DutyKind.HOLDERS_NOTICE, clean, at, at, profile.settings.admin_change_office)


def unicom_step(profile: Profile, opening_id: int, at: datetime) -> DutyDraft | None:
    """ine §7.VI: the procedures before the UNICOM once the CNCS authorizes an account (None elsewhere)."""
    if not profile.has_rule(Kind.UNICOM_STEP.value):
        return None
    return DutyDraft(DutyKind.UNICOM_STEP, f"solicitud de apertura {opening_id}", at, at, "UNICOM")


def check_unicom_done(open_duties: Sequence[Duty]) -> None:
    """ine §7.VI: an authorized account opens only once its procedures before the UNICOM are recorded.

    ConflictError while the account's ``tramite_unicom`` duty is open (``open_duties``: the account's).
    """
    for duty in open_duties:
        if duty.kind == DutyKind.UNICOM_STEP:
            raise ConflictError(
                f"Falta el trámite ante la UNICOM (deber {duty.id}): regístrelo antes de abrir la cuenta."
            )


_JUNTA = re.compile(r"\bjunta\s+(local|distrital)\b", re.IGNORECASE)


def junta_of(area: str | None) -> str | None:
    """``local`` or ``distrital`` when the area is an ine Junta («Junta Local Ejecutiva en …»), else None."""
    found = _JUNTA.search(area or "")
    return found.group(1).lower() if found else None


def opening_duties(profile: Profile, account: Account, at: datetime) -> list[DutyDraft]:
    """ine §7.XI: a Junta's account, once open, is notified to the CNCS by oficio; a Junta Local
    also reports its social-media strategy (§6.XXXIII; once, with its first account: the criteria
    fix no period)."""
    junta = junta_of(account.area)
    if junta is None:
        return []
    area = account.area or ""
    drafts: list[DutyDraft] = []
    if profile.has_rule(Kind.JUNTA_NOTICE.value):
        drafts.append(DutyDraft(DutyKind.JUNTA_NOTICE, area, at, at, "CNCS"))
    if junta == "local" and profile.has_rule(Kind.JUNTA_STRATEGY.value):
        drafts.append(DutyDraft(DutyKind.JUNTA_STRATEGY, area, at, at, "el Instituto"))
    return drafts


def entry_duties(
    profile: Profile,
    calendar: BusinessCalendar,
    *,
    kind: str,
    text: str,
    at: datetime,
    refs: Sequence[str] = (),
    people: Sequence[str] = (),
    modality: str | None = None,
    material_from: str | None = None,
    suggestion: bool = False,
) -> list[DutyDraft]:
    """The duties a bitácora entry of ``kind`` opens by what it declares.

    - ``people`` (iecm §9.XX, a publication): one release letter per person in its images;
    - ``modality`` (iecm, a publication): a live broadcast, a coverage or an influencer
      collaboration is coordinated with the UTCSyD; district material is approved by the titular;
    - ``material_from`` (ieeags §6.XIV, a publication): another institution's material needs a
      formal request: pending unless the entry's ``refs`` name it;
    - ``suggestion`` (a user's comment), and in ieesonora every user's comment (§6.XVII): an answer.

    UsageError when a declaration does not fit the entry's kind; PolicyError when the profile has
    no such rule.
    """
    clean_kind = kind.strip().lower()
    drafts: list[DutyDraft] = []
    post = clean_kind == EntryKind.POST
    if (people or modality or material_from) and not post:
        raise UsageError("Las personas, la modalidad y el material de otra institución se declaran en una publicación.")
    if people:
        _require(profile, DutyKind.RELEASE_LETTER, "cartas de descargo")
        names = [subject_text(name, "persona") for name in people]
        drafts += [DutyDraft(DutyKind.RELEASE_LETTER, name, at) for name in dict.fromkeys(names)]
    if modality:
        chosen = validate.choice(modality, "modalidad", list(MODALITY_LABELS))
        if chosen == PostModality.OWN_MATERIAL:
            _require(profile, DutyKind.TITULAR_APPROVAL, "la aprobación del material propio")
            drafts.append(DutyDraft(DutyKind.TITULAR_APPROVAL, MODALITY_LABELS[chosen], at))
        else:
            _require(profile, DutyKind.UTCSYD_SUPPORT, "la coordinación con la UTCSyD")
            drafts.append(DutyDraft(DutyKind.UTCSYD_SUPPORT, MODALITY_LABELS[chosen], at, recipient="UTCSyD"))
    if material_from:
        _require(profile, DutyKind.FORMAL_REQUEST, "solicitudes formales de material de otras instituciones")
        source = subject_text(material_from, "institución")
        if not [r for r in refs if r.strip()]:
            drafts.append(DutyDraft(DutyKind.FORMAL_REQUEST, source, at, recipient=source))
    comment = clean_kind == EntryKind.USER_COMMENT
    if suggestion and not comment:
        raise UsageError("Una sugerencia se registra como comentario de usuario (tipo comentario_usuario).")
    if comment and (suggestion or profile.settings.answer_every_comment):
        _require(profile, DutyKind.USER_ANSWER, "respuestas a las sugerencias de las personas usuarias")
        drafts.append(DutyDraft(DutyKind.USER_ANSWER, excerpt(text), at, answer_due(profile, calendar, at)))
    return drafts


def answer_due(profile: Profile, calendar: BusinessCalendar, at: datetime) -> datetime | None:
    """The end of the institution's period to answer a suggestion (None: pending from the comment)."""
    days = profile.settings.answer_business_days
    if not days:
        return None
    return end_of_day(calendar.add_business_days(local(at).date(), days))


def check_fulfil(duty: Duty, account_id: int | None, entry_kind: str, at: datetime, now: datetime) -> None:
    """May an entry of ``entry_kind`` on ``account_id``, at ``at``, fulfil ``duty``?

    ConflictError when it is done already; UsageError for another kind of entry, another
    account, a moment in the future, before the duty arose, or (a UTCSyD message) before its period.
    """
    spec = SPECS[duty.kind]
    if duty.done_at is not None:
        raise ConflictError(f"El deber {duty.id} ya se cumplió el {format_date(local(duty.done_at).date())}.")
    if entry_kind != spec.entry_kind:
        raise UsageError(f"El deber {duty.id} ({spec.label}) se cumple con una entrada de tipo «{spec.entry_kind}».")
    if duty.account_id is not None and account_id != duty.account_id:
        raise UsageError(f"El deber {duty.id} es de otra cuenta.")
    validate.not_future(at, now, "fecha y hora")
    if at < duty.arose_at:
        when = "empieza el periodo de publicación" if duty.kind == DutyKind.UTCSYD_MESSAGE else "surgió el deber"
        raise UsageError(
            f"La fecha y hora ({at.isoformat(timespec='minutes')}) es anterior a cuando {when}"
            f" ({format_date(local(duty.arose_at).date())})."
        )


# -- the agenda -------------------------------------------------------------------------


def _message(duty: Duty, due: datetime, ref: str) -> str:
    arose = format_date(local(duty.arose_at).date())
    deadline = f", a más tardar el {format_date(due.date())}"
    to = office_with_article(duty.recipient) if duty.recipient else ""
    kind = duty.kind
    if kind == DutyKind.UTCSYD_MESSAGE:
        return (
            f"Publicar sin modificarlo el mensaje de la UTCSyD «{duty.subject}» (periodo del {arose}"
            f" al {format_date(due.date())}){deadline}."
        )
    if kind == DutyKind.MATTER_NOTICE:
        return (
            f"Asunto {duty.group_id or duty.id}: informar a {to} de «{duty.subject}» (registrado el {arose}){deadline}."
        )
    if kind == DutyKind.RELEASE_LETTER:
        return (
            f"La publicación del {arose} muestra a {duty.subject}: registre su carta de descargo de"
            " responsabilidad (permiso de uso de su imagen)."
        )
    if kind == DutyKind.UTCSYD_SUPPORT:
        return f"La {duty.subject} del {arose} se hace con el apoyo de la UTCSyD: registre que se le informó."
    if kind == DutyKind.TITULAR_APPROVAL:
        return (
            f"El material producido por la dirección distrital publicado el {arose} debe aprobarlo la persona"
            " titular del órgano desconcentrado: registre la aprobación."
        )
    if kind == DutyKind.UNICOM_STEP:
        return f"Realizar ante la UNICOM los trámites para abrir {ref} ({duty.subject}, autorizada el {arose})."
    if kind == DutyKind.JUNTA_NOTICE:
        return f"Notificar por oficio a la CNCS la apertura de {ref} de la {duty.subject} (abierta el {arose})."
    if kind == DutyKind.JUNTA_STRATEGY:
        return f"Informar al Instituto la estrategia en redes sociales de la {duty.subject}."
    if kind == DutyKind.HOLDERS_NOTICE:
        return f"Notificar a {to} el cambio de titular de {ref}: {duty.subject} (desde el {arose})."
    if kind == DutyKind.FORMAL_REQUEST:
        return (
            f"La publicación del {arose} usa material de {duty.subject}: registre la solicitud formal"
            " que esa institución presentó antes."
        )
    if kind == DutyKind.REMOVAL_REQUEST:
        step = "turnarla a" if duty.position == 1 else "que informe a"
        return f"Solicitud de retiro de contenido «{duty.subject}» (del {arose}): {step} {to}."
    if kind == DutyKind.USER_ANSWER:
        return f"Analizar y responder el comentario «{duty.subject}» (del {arose}){deadline}."
    return f"{SPECS[kind].label.capitalize()}: {duty.subject}."


def open_duties(state: State, now: datetime) -> Iterator[Obligation]:
    """Every open duty whose kind the profile has, as an item citing its clause."""
    if not state.duties:
        return
    profile = state.profile
    accounts = {acc.id: acc for acc in state.accounts}
    for duty in state.duties:
        spec = SPECS.get(duty.kind)
        if spec is None or not profile.has_rule(spec.kind.value):
            continue
        account = accounts.get(duty.account_id) if duty.account_id is not None else None
        due = local(duty.due_at) if duty.due_at is not None else local(duty.arose_at)
        if state.agenda_until is not None and due > state.agenda_until:
            continue
        yield Obligation(
            kind=spec.kind,
            due=due,
            rule=profile.rule(spec.kind.value),
            message=_message(duty, due, account.ref if account else "la cuenta"),
            account=account,
            ref_id=duty.id,
            standing=spec.standing,
        )


__all__ = [
    "DUTY_ITEM_KINDS",
    "MODALITY_LABELS",
    "SPECS",
    "DutyDraft",
    "DutySpec",
    "answer_due",
    "check_fulfil",
    "check_unicom_done",
    "entry_duties",
    "excerpt",
    "holders_notice",
    "junta_of",
    "matter_notices",
    "offers",
    "open_duties",
    "opening_duties",
    "removal_steps",
    "unicom_step",
    "utcsyd_message",
]
