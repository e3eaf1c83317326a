"""A report as a list of neutral blocks (headings, paragraphs, tables…), worded in Spanish once.

The PDF and DOCX writers lay out the same blocks, so the two formats never
differ in content: what a section says is decided here, how it looks there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from policy.clock import local
from tui.core.reports import (
    AccountSection,
    AgendaLine,
    CaseLine,
    EvaluationReport,
    Header,
    StatusReport,
)

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


class Title(NamedTuple):
    text: str
    subtitle: str


class Heading(NamedTuple):
    text: str


class Paragraph(NamedTuple):
    text: str
    #: smaller, for notes and quotes
    small: bool = False


class Table(NamedTuple):
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: relative widths of the columns (they add up to 1)
    widths: tuple[float, ...]
    #: what to print instead of an empty table
    empty: str = "Sin registros."


class Fields(NamedTuple):
    """Label: value pairs (a two-column table without header)."""

    pairs: tuple[tuple[str, str], ...]


class BlankFields(NamedTuple):
    """Labels followed by empty lines for someone to fill in by hand."""

    labels: tuple[str, ...]
    lines: int = 3


class Signatures(NamedTuple):
    """Who signs: each a caption (e.g. «Elaboró») over lines for name, post and signature."""

    captions: tuple[str, ...]


Block = Title | Heading | Paragraph | Table | Fields | BlankFields | Signatures


class Outline(NamedTuple):
    title: str
    #: the footer every page prints beside its number: version and generation time
    footer: str
    blocks: tuple[Block, ...]


def long_date(day: date | datetime) -> str:
    """«23 de noviembre de 2026»."""
    if isinstance(day, datetime):
        day = local(day).date()
    return f"{day.day} de {MONTHS[day.month - 1]} de {day.year}"


def moment(when: datetime | None) -> str:
    """«23/11/2026 10:00» (local time), or «—»."""
    if when is None:
        return "—"
    shown = local(when)
    return f"{shown.day:02d}/{shown.month:02d}/{shown.year} {shown.hour:02d}:{shown.minute:02d}"


def day_text(day: date | None) -> str:
    return "—" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def _footer(header: Header) -> str:
    generated = local(header.generated_at)
    return f"resguardo {header.version} · generado el {long_date(generated)} a las {generated.hour:02d}:{generated.minute:02d}"


def _seal(header: Header) -> Block:
    return Fields(
        (
            ("Entradas de la bitácora", f"{header.bitacora_total:,}".replace(",", " ")),
            ("Hash de la última entrada", header.bitacora_head),
        )
    )


def _seal_note() -> Paragraph:
    return Paragraph(
        "Con estos dos datos, «resguardo bitacora verificar --sello HASH» comprueba después que la bitácora"
        " no cambió desde este informe.",
        small=True,
    )


def _documents(header: Header) -> Table:
    return Table(
        ("Documento", "Título"),
        tuple((doc.short, doc.title) for doc in header.documents),
        (0.25, 0.75),
        empty="El perfil no cita documentos.",
    )


def _holders(section: AccountSection) -> str:
    parts = [f"{role}: {', '.join(names)}" for role, names in section.holders]
    return "; ".join(parts) or "sin administradores"


def _password(section: AccountSection) -> str:
    if section.password_score is None:
        head = "sin contraseña guardada"
    else:
        head = f"puntaje {section.password_score} de 4 (guardada el {moment(section.password_set_at)})"
    findings = [f for f in section.password_findings if not f.startswith("No hay contraseña guardada")]
    if not findings:
        return head
    rest = " ".join(findings)
    return f"{head}; {rest[:1].lower()}{rest[1:]}"


def _agenda_rows(lines: Sequence[AgendaLine]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            ("desde " if line.standing else "") + moment(line.due),
            line.subject,
            f"{line.kind}: {line.message}",
            line.clause,
        )
        for line in lines
    )


_AGENDA_HEADERS = ("Plazo", "Cuenta / persona", "Qué hacer", "Cláusula")
_AGENDA_WIDTHS = (0.15, 0.2, 0.45, 0.2)


def _hours(value: float | None) -> str:
    if value is None:
        return "sin respuesta"
    if value < 48:
        return f"{value:g} h"
    return f"{value / 24:.1f} días"


def _cases(lines: Sequence[CaseLine], empty: str, *, with_account: bool = True) -> Table:
    if with_account:
        headers: tuple[str, ...] = ("Cuenta", "Asunto", "Inicio", "Cierre", "Tiempo", "Resultado")
        widths: tuple[float, ...] = (0.16, 0.26, 0.12, 0.12, 0.09, 0.25)
        rows: tuple[tuple[str, ...], ...] = tuple(
            (c.account, c.subject, moment(c.started), moment(c.finished), _hours(c.response_hours), c.outcome)
            for c in lines
        )
    else:
        headers = ("Asunto", "Inicio", "Cierre", "Tiempo", "Resultado")
        widths = (0.34, 0.13, 0.13, 0.1, 0.3)
        rows = tuple(
            (c.subject, moment(c.started), moment(c.finished), _hours(c.response_hours), c.outcome) for c in lines
        )
    return Table(headers, rows, widths, empty=empty)


def _account_fields(section: AccountSection) -> Fields:
    acc = section.account
    return Fields(
        (
            ("Cuenta", acc.ref),
            ("Estado", acc.status),
            ("Área", acc.area or "—"),
            ("Correo", acc.email or "—"),
            ("Titulares y administradores", _holders(section)),
            ("Última rotación", moment(section.last_rotation)),
            ("Próxima rotación", moment(section.next_rotation) if section.next_rotation else "sin plazo en el periodo"),
            ("Última evaluación", day_text(section.last_evaluation)),
            ("Salud de la contraseña", _password(section)),
        )
    )


def status_outline(report: StatusReport) -> Outline:
    """The compliance report, section by section."""
    header = report.header
    as_of = local(report.as_of)
    title = f"Informe de cumplimiento al {long_date(as_of)}"
    blocks: list[Block] = [
        Title(title, f"{header.institution} ({header.short_name}) · corte a las {as_of.hour:02d}:{as_of.minute:02d}"),
        Heading("1. Perfil y documentos"),
        Paragraph(
            f"Reglas del perfil «{header.profile_id}» ({header.institution}), tomadas de los documentos siguientes."
        ),
        _documents(header),
        Heading("2. Cuentas"),
        Paragraph(
            f"{len(report.accounts)} cuentas. Por cada una: titulares y administradores a la fecha, rotaciones,"
            " última evaluación, salud de la contraseña (nunca la contraseña) y hallazgos abiertos con su cláusula."
        ),
        Table(
            ("Cuenta", "Titulares y administradores", "Última rotación", "Próxima", "Evaluación", "Contraseña"),
            tuple(
                (
                    s.ref + ("" if s.account.status == "activa" else f" ({s.account.status})"),
                    _holders(s),
                    moment(s.last_rotation),
                    moment(s.next_rotation),
                    day_text(s.last_evaluation),
                    _password(s),
                )
                for s in report.accounts
            ),
            (0.22, 0.23, 0.115, 0.115, 0.1, 0.22),
            empty="No hay cuentas registradas.",
        ),
        Heading("Hallazgos abiertos por cuenta"),
        Paragraph("Qué pide cada uno, con su plazo, está en la agenda (sección 3).", small=True),
        Table(
            ("Cuenta", "Hallazgo", "Desde", "Cláusula"),
            tuple(
                (s.ref, f.kind, day_text(local(f.due).date()), f.clause)
                for s in report.accounts
                for f in s.open_findings
            ),
            (0.24, 0.34, 0.12, 0.3),
            empty="Ninguna cuenta tiene hallazgos abiertos.",
        ),
        Heading("3. Agenda"),
        Paragraph(f"Vencidos al corte ({len(report.overdue)}):"),
        Table(_AGENDA_HEADERS, _agenda_rows(report.overdue), _AGENDA_WIDTHS, empty="Nada vencido."),
        Paragraph(f"Vencen en los próximos {report.horizon_days} días ({len(report.due_soon)}):"),
        Table(_AGENDA_HEADERS, _agenda_rows(report.due_soon), _AGENDA_WIDTHS, empty="Nada vence en ese plazo."),
        Heading(f"4. Consultas, solicitudes e incidentes del {report.period.label}"),
        Paragraph(
            f"Del {long_date(report.period_start)} al {long_date(as_of)}: los iniciados, cerrados o abiertos en ese lapso."
        ),
        Paragraph(f"Consultas de pertinencia ({len(report.consultations)}):"),
        _cases(report.consultations, "Sin consultas en el periodo."),
        Paragraph(f"Solicitudes de información ({len(report.requests)}):"),
        _cases(report.requests, "Sin solicitudes en el periodo."),
        Paragraph(f"Incidentes ({len(report.incidents)}):"),
        _cases(report.incidents, "Sin incidentes en el periodo."),
        Heading("5. Dispensas vigentes"),
        Table(
            ("Qué cubre", "Hasta", "Motivo", "Oficio"),
            tuple((w.covers, day_text(w.until), w.reason, w.reference or "—") for w in report.waivers),
            (0.3, 0.12, 0.38, 0.2),
            empty="No hay dispensas vigentes.",
        ),
        Heading("6. Bitácora"),
        _seal(header),
        _seal_note(),
        Heading("Firmas"),
        Signatures(("Elaboró", "Revisó")),
    ]
    return Outline(title, _footer(header), tuple(blocks))


def evaluation_outline(report: EvaluationReport) -> Outline:
    """The semiannual evaluation of one account, with blank fields for the evaluator."""
    header = report.header
    section = report.account
    semester = report.semester
    title = f"Evaluación semestral de {section.ref}"
    columns = ("publicaciones", "respuestas", "moderación", "incidentes", "otras")
    activity_rows = tuple(
        (f"{MONTHS[m.month.month - 1]} {m.month.year}", *(str(m.counts.get(c, 0)) for c in columns))
        for m in report.activity
    )
    totals = tuple(str(sum(m.counts.get(c, 0) for m in report.activity)) for c in columns)
    blocks: list[Block] = [
        Title(
            title,
            f"{header.institution} ({header.short_name}) · {semester.label[0].upper()}{semester.label[1:]}"
            f" ({semester.name}): del {long_date(semester.first_day)} al {long_date(semester.last_day)}",
        ),
        Heading("1. La cuenta"),
        _account_fields(section),
        Heading("2. Actividad por mes (bitácora)"),
        Table(
            ("Mes", "Publicaciones", "Respuestas", "Moderación", "Incidentes", "Otras"),
            (*activity_rows, ("Total", *totals)),
            (0.2, 0.16, 0.16, 0.16, 0.16, 0.16),
        ),
        Heading("3. Consultas y solicitudes"),
        Paragraph(f"Consultas de pertinencia ({len(report.consultations)}):"),
        _cases(report.consultations, "Sin consultas en el periodo.", with_account=False),
        Paragraph(f"Solicitudes de información ({len(report.requests)}):"),
        _cases(report.requests, "Sin solicitudes en el periodo.", with_account=False),
        Heading("4. Rotaciones y salud de la contraseña"),
        Fields(
            (
                ("Rotaciones en el periodo", ", ".join(moment(r) for r in report.rotations) or "ninguna"),
                (
                    "Evaluaciones registradas en el periodo",
                    ", ".join(day_text(d) for d in report.evaluations) or "ninguna",
                ),
                ("Salud de la contraseña", _password(section)),
            )
        ),
        Heading("5. Incidentes y hallazgos"),
        Paragraph(
            f"Incidentes abiertos en el periodo: {report.incidents_opened}; cerrados: {report.incidents_closed}."
        ),
        _cases(report.incidents, "Sin incidentes en el periodo.", with_account=False),
        Paragraph(f"Hallazgos abiertos al cierre del periodo o a la fecha del informe ({len(section.open_findings)}):"),
        Table(
            ("Hallazgo", "Desde", "Cláusula"),
            tuple((f"{f.kind}: {f.message}", moment(f.due), f.clause) for f in section.open_findings),
            (0.58, 0.17, 0.25),
            empty="Sin hallazgos abiertos.",
        ),
        Heading("6. Bitácora"),
        _seal(header),
        _seal_note(),
        Heading("7. Valoración de quien evalúa"),
        BlankFields(("Valoración del desempeño de la cuenta", "Observaciones y recomendaciones", "Compromisos")),
        Heading("Firmas"),
        Signatures(("Evaluó", "Vo. Bo.")),
    ]
    return Outline(title, _footer(header), tuple(blocks))
