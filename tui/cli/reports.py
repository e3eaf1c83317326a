"""``resguardo informe estado|evaluacion`` (PDF or DOCX) and ``resguardo calendario exportar`` (ICS).

The data comes from ``tui.core.reports`` and ``tui.core.schedule``; the files are
written by ``tui.render`` (ReportLab, python-docx and icalendar are imported
there, only when a file is written).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from policy.labels import calendar_written_text
from tui.cli.args import subcommands, window_days
from tui.cli.paths import output_file
from tui.core import reports, schedule

if TYPE_CHECKING:
    from tui.cli.context import Context

#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("informe", "calendario")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "informe",
        parents=[parent],
        help="informes en PDF o DOCX para anexar a un oficio",
        description=(
            "Escribe un informe en PDF o DOCX (según termine el nombre de --salida): el de cumplimiento de la"
            " institución a una fecha, o la evaluación semestral de una cuenta. Nunca incluye contraseñas."
        ),
    )
    sub = subcommands(report)
    status = sub.add_parser(
        "estado",
        parents=[parent],
        help="informe de cumplimiento de la institución a una fecha",
        description=(
            "El perfil y sus documentos; por cuenta, titulares y administradores, rotaciones, última evaluación,"
            " salud de la contraseña y hallazgos abiertos con su cláusula; la agenda (lo vencido y lo que vence"
            " en 30 días); consultas, solicitudes e incidentes del semestre; dispensas vigentes; el número de"
            " entradas y el hash de la bitácora; y un bloque de firmas."
        ),
    )
    status.add_argument(
        "--fecha",
        metavar="FECHA",
        help="fecha de corte (AAAA-MM-DD, al inicio del día, o fecha y hora); por omisión ahora",
    )
    status.add_argument("--salida", metavar="ARCHIVO", required=True, help="archivo a escribir: .pdf o .docx")
    status.set_defaults(handler=write_status_report)
    evaluation = sub.add_parser(
        "evaluacion",
        parents=[parent],
        help="evaluación semestral de una cuenta",
        description=(
            "La actividad de la cuenta por mes según la bitácora, sus consultas y solicitudes con tiempos de"
            " respuesta, rotaciones y salud de la contraseña, incidentes y hallazgos, y campos en blanco para"
            " la valoración de quien evalúa. Registre después la evaluación con"
            " «evaluaciones registrar CUENTA --informe ARCHIVO» para guardar el hash del informe."
        ),
    )
    evaluation.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    evaluation.add_argument(
        "--periodo",
        metavar="PERIODO",
        required=True,
        help="semestre: AAAA-S1 (enero a junio) o AAAA-S2 (julio a diciembre)",
    )
    evaluation.add_argument("--salida", metavar="ARCHIVO", required=True, help="archivo a escribir: .pdf o .docx")
    evaluation.set_defaults(handler=write_evaluation_report)

    calendar = commands.add_parser(
        "calendario", parents=[parent], help="la agenda en el calendario de la oficina (ICS)"
    )
    sub = subcommands(calendar)
    export = sub.add_parser(
        "exportar",
        parents=[parent],
        help="escribe la agenda como archivo iCalendar (.ics)",
        description=(
            "Cada obligación de «pendientes --dias N» como evento con recordatorio un día antes y la cláusula"
            " en la descripción, y los días inhábiles como eventos de día completo. Cada obligación tiene un"
            " identificador estable: al importar de nuevo el archivo, Outlook, Thunderbird o GNOME Calendar"
            " actualizan los eventos en lugar de duplicarlos."
        ),
    )
    export.add_argument("--salida", metavar="ARCHIVO", required=True, help="archivo a escribir (.ics)")
    export.add_argument(
        "--dias",
        type=window_days,
        metavar="N",
        help="días de anticipación, como en pendientes (por omisión 30); lo vencido siempre aparece",
    )
    export.set_defaults(handler=export_calendar)


def _check_target(text: str) -> None:
    from tui.render import report_format  # lazy: keeps the parser's imports small

    report_format(text)  # the suffix first: nothing is read when the name is wrong
    output_file(text)


def write_status_report(ctx: Context, args: argparse.Namespace) -> int:
    from tui.render import save_report  # lazy: only this command writes reports

    _check_target(args.salida)
    report = reports.status_report(ctx.store, at=ctx.clock_arg(args.fecha))
    saved = save_report(report, args.salida)
    print(
        f"Informe de cumplimiento ({saved.format}) escrito en {saved.path}: {len(report.accounts)} cuentas,"
        f" {len(report.overdue)} vencidos. SHA-256: {saved.sha256}"
    )
    return 0


def write_evaluation_report(ctx: Context, args: argparse.Namespace) -> int:
    from tui.render import save_report  # lazy: only this command writes reports

    _check_target(args.salida)
    report = reports.evaluation_report(ctx.store, args.cuenta, period=args.periodo)
    saved = save_report(report, args.salida)
    print(
        f"Evaluación de {report.account.ref} ({report.semester.name}, {saved.format}) escrita en {saved.path}."
        f" SHA-256: {saved.sha256}"
    )
    print(f"Regístrela con: resguardo evaluaciones registrar {report.account.ref} --informe {saved.path}")
    return 0


def export_calendar(ctx: Context, args: argparse.Namespace) -> int:
    from pathlib import Path  # lazy: cheap, but the parser path never needs it

    from tui.render import save_ics  # lazy: icalendar, only on export

    if Path(args.salida).suffix.lower() != ".ics":
        from policy.errors import UsageError  # lazy: only on this refusal

        raise UsageError(f"El calendario se escribe en formato iCalendar: «{args.salida}» debe terminar en .ics.")
    target = output_file(args.salida)
    events = schedule.agenda_events(ctx.store, days=args.dias)
    count = save_ics(events, target)
    print(calendar_written_text(target, count, len(events.non_working), events.horizon_days))
    return 0
