"""``resguardo bitacora …``: the tamper-evident activity log.

``agregar`` and ``buscar`` have a time budget as whole processes (200 ms and
150 ms over a million entries), so this module imports nothing heavy at the top
and ``tui.cli.main`` registers it alone when it is the command being run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import TYPE_CHECKING

from policy.clock import parse_date, parse_datetime
from policy.errors import UsageError
from policy.labels import counted, plural, seal_lines
from store import integrity
from store.errors import TamperedError
from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.cli.paths import output_file
from tui.core import bitacora as journal

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date, datetime

    from store.bitacora import Entry
    from tui.cli.context import Context

KIND_HELP = (
    "publicacion, respuesta, comentario_usuario, solicitud, incidente, moderacion, consulta,"
    " cambio_contrasena, cambio_administrador, evaluacion, capacitacion, nota o correccion"
)
#: What CUENTA may say for an entry of the whole office (no account).
NO_ACCOUNT = {"-", "ninguna", "oficina"}
MAX_TABLE_TEXT = 400


COMMAND_NAMES = ("bitacora",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    log = commands.add_parser(
        "bitacora",
        parents=[parent],
        help="bitácora de actividades: registrar, buscar y comprobar su integridad",
        description=(
            "La bitácora de las actividades de las cuentas. Las entradas nunca se editan ni se borran;"
            " un error se corrige con una entrada nueva de tipo «correccion». Cada entrada lleva el hash"
            " de la anterior, así que cualquier alteración se detecta con «verificar»."
        ),
    )
    sub = subcommands(log)

    add = sub.add_parser("agregar", parents=[parent], help="registra una entrada e imprime su id")
    add.add_argument(
        "cuenta", metavar="CUENTA", help="id o red/usuario; «-» para una nota de toda la oficina (sin cuenta)"
    )
    add.add_argument("--tipo", required=True, metavar="TIPO", help=f"tipo de entrada: {KIND_HELP}")
    add.add_argument("--texto", required=True, metavar="TEXTO", help="el texto; «-» lo lee de la entrada estándar")
    add.add_argument(
        "--fecha-hora",
        dest="fecha_hora",
        metavar="FECHA",
        help="cuándo ocurrió (AAAA-MM-DD o AAAA-MM-DDTHH:MM); por omisión, ahora",
    )
    add.add_argument(
        "--ref",
        action="append",
        default=[],
        metavar="REF",
        help="referencia: URL de la publicación, número de oficio… (se puede repetir)",
    )
    add.add_argument(
        "--corrige", type=positive_int, metavar="ID", help="con --tipo correccion: id de la entrada que se corrige"
    )
    add.add_argument("--por", metavar="NOMBRE", help="quién registra (por omisión, el usuario del sistema)")
    add.add_argument(
        "--revisar",
        action="store_true",
        help="con --tipo publicacion: revisa el texto con los criterios de contenido (como «borrador revisar»)"
        " y agrega el veredicto a la entrada",
    )
    add.add_argument(
        "--personas",
        action="append",
        default=[],
        metavar="NOMBRES",
        help="con --tipo publicacion: personas que aparecen en sus imágenes, separadas por comas (IECM: cada una"
        " necesita su carta de descargo)",
    )
    add.add_argument(
        "--modalidad",
        metavar="MODALIDAD",
        help="con --tipo publicacion (IECM): transmision, cobertura, colaboracion (con una figura pública) o"
        " material_propio",
    )
    add.add_argument(
        "--material-de",
        dest="material_de",
        metavar="INSTITUCIÓN",
        help="con --tipo publicacion (IEEAGS): usa material de otra institución; su solicitud formal va en --ref",
    )
    add.add_argument(
        "--sugerencia",
        action="store_true",
        help="con --tipo comentario_usuario: es una propuesta o sugerencia que hay que analizar y responder",
    )
    add.add_argument(
        "--atiende",
        type=positive_int,
        metavar="ID",
        help="id del deber que esta entrada cumple (la respuesta a una sugerencia, la publicación de un mensaje)",
    )
    add.set_defaults(handler=add_entry)

    search = sub.add_parser("buscar", parents=[parent], help="busca entradas, las más recientes primero")
    search.add_argument(
        "texto",
        nargs="?",
        metavar="TEXTO",
        help="palabras que deben aparecer (sin distinguir acentos ni mayúsculas); «palabra*» busca por prefijo",
    )
    _filters(search)
    search.add_argument("--limite", type=positive_int, default=50, metavar="N", help="máximo de entradas (50)")
    search.add_argument("--json", action="store_true", help="salida JSON (interfaz estable, ver README)")
    search.set_defaults(handler=search_entries)

    verify = sub.add_parser(
        "verificar",
        parents=[parent],
        help="comprueba la cadena, los testigos, los puntos de control y los demás registros",
        description=(
            "Recalcula la cadena de hashes de la bitácora y señala la primera entrada alterada; comprueba que"
            " ningún testigo (el archivo testigo junto a la base de datos, el llavero, los respaldos) registre"
            " entradas que ya no están, que los puntos de control firmados con la clave del llavero sigan en la"
            " cadena, y que las cuentas, rotaciones, incidentes, consultas y demás registros solo hayan cambiado"
            " a través de resguardo, y que la agenda guardada junto a la base (la que muestra «pendientes») sea la"
            " que la base da. Pide el llavero (su frase maestra, si es el llavero cifrado); sin él hace"
            " las demás comprobaciones y dice cuáles omitió. Si todo está bien, escribe un punto de control."
        ),
    )
    verify.add_argument(
        "--sello", metavar="HASH", help="comprueba además que la bitácora sigue extendiendo este sello anterior"
    )
    verify.add_argument(
        "--acepto-restauracion",
        dest="acepto_restauracion",
        action="store_true",
        help="acepta que la bitácora retrocedió porque usted restauró un respaldo",
    )
    _passphrase_option(verify)
    verify.add_argument("--json", action="store_true", help="salida JSON")
    verify.set_defaults(handler=verify_log)

    seal = sub.add_parser(
        "sello",
        parents=[parent],
        help="imprime el hash de la última entrada y el total, para citarlo en un oficio",
        description=(
            "Imprime el hash de la última entrada y el total de entradas, para citarlo en un oficio o correo."
            " Con el llavero disponible escribe además un punto de control firmado con su clave."
        ),
    )
    _passphrase_option(seal)
    seal.add_argument("--json", action="store_true", help="salida JSON")
    seal.set_defaults(handler=show_seal)

    export = sub.add_parser(
        "exportar", parents=[parent], help="escribe las entradas con sus hashes, para verificarlas en otro lugar"
    )
    export.add_argument("--formato", required=True, choices=["csv", "json"], help="formato de salida")
    _filters(export)
    export.add_argument("--salida", metavar="ARCHIVO", help="archivo de salida (por omisión, la pantalla)")
    export.set_defaults(handler=export_entries)

    moderate = sub.add_parser(
        "moderar", parents=[parent], help="registra una acción de moderación sobre un comentario, según las reglas"
    )
    moderate.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    moderate.add_argument(
        "--accion", required=True, metavar="ACCIÓN", help="bloquear, ocultar, eliminar, ignorar o responder"
    )
    moderate.add_argument(
        "--texto",
        required=True,
        metavar="TEXTO",
        help="el comentario y lo que se hizo; «-» lo lee de la entrada estándar",
    )
    moderate.add_argument(
        "--odio-violencia",
        dest="odio_violencia",
        action="store_true",
        help="el comentario promueve el odio o la violencia (la única excepción para bloquear"
        " en INE e IEE Aguascalientes)",
    )
    moderate.add_argument("--fecha-hora", dest="fecha_hora", metavar="FECHA", help="cuándo ocurrió")
    moderate.add_argument("--ref", action="append", default=[], metavar="REF", help="URL del comentario…")
    moderate.add_argument("--por", metavar="NOMBRE", help="quién registra")
    moderate.set_defaults(handler=moderate_comment)


def _passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--frase-desde-stdin",
        dest="frase_desde_stdin",
        action="store_true",
        help="lee la frase maestra del llavero cifrado de la primera línea de la entrada estándar",
    )


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cuenta", metavar="CUENTA", help="solo las entradas de esta cuenta")
    parser.add_argument("--tipo", metavar="TIPO", help=f"solo este tipo ({KIND_HELP})")
    parser.add_argument("--desde", metavar="FECHA", help="ocurridas desde esta fecha (AAAA-MM-DD) o fecha y hora")
    parser.add_argument("--hasta", metavar="FECHA", help="ocurridas hasta esta fecha (inclusive)")


def _text_arg(value: str) -> str:
    if value == "-":
        return sys.stdin.read()
    return value


def _range(args: argparse.Namespace) -> tuple[datetime | None, date | None]:
    """``--desde`` (a date is its start) and ``--hasta`` (a bare date: that whole day)."""
    since = parse_datetime(args.desde, "fecha --desde") if args.desde else None
    until: date | None = None
    if args.hasta:
        text = args.hasta.strip()
        until = parse_date(text, "fecha --hasta") if len(text) == 10 else parse_datetime(text)
    return since, until


@contextlib.contextmanager
def _range_in_options() -> Iterator[None]:
    """The core's reversed range, worded with the options the user typed."""
    try:
        yield
    except journal.ReversedRangeError:
        raise UsageError("La fecha --hasta es anterior a --desde.") from None


def add_entry(ctx: Context, args: argparse.Namespace) -> int:
    text = _text_arg(args.texto)
    occurred = ctx.moment_arg(args.fecha_hora, "fecha y hora") if args.fecha_hora else None
    entry = journal.add_entry(
        ctx.store,
        kind=args.tipo,
        text=text,
        account=None if args.cuenta.strip().lower() in NO_ACCOUNT else args.cuenta,
        occurred_at=occurred,
        refs=args.ref,
        corrects=args.corrige,
        author=args.por,
        review=args.revisar,
        people=[name for group in args.personas for name in group.split(",") if name.strip()],
        modality=args.modalidad,
        material_from=args.material_de,
        suggestion=args.sugerencia,
        fulfils=args.atiende,
    )
    print(f"Entrada {entry.id} registrada en la bitácora (hash {entry.hash[:16]}…).")
    if (
        args.personas
        or args.modalidad
        or args.material_de
        or args.sugerencia
        or args.atiende
        or args.tipo.strip().lower() == "comentario_usuario"
    ):
        _print_duties(ctx, entry.id)
    warning = journal.activity_warning(ctx.store, entry)
    if warning:
        sys.stderr.write(f"Aviso: {warning[0].lower()}{warning[1:]}.\n")
    return 0


def _print_duties(ctx: Context, entry_id: int) -> None:
    """The duties the entry opened or did, each with its clause."""
    from tui.core.duties import entry_duties  # lazy: only entries that declare something open duties

    found = entry_duties(ctx.store, entry_id)
    for line in found.opened:
        print(f"Abre el deber {line}.")
    for line in found.done:
        print(f"Cumple el deber {line}.")


def _when(entry: Entry) -> str:
    return entry.occurred.strftime("%d/%m/%Y %H:%M")


def search_entries(ctx: Context, args: argparse.Namespace) -> int:
    since, until = _range(args)
    with _range_in_options():
        entries = journal.search_entries(
            ctx.store, args.texto, account=args.cuenta, kind=args.tipo, since=since, until=until, limit=args.limite
        )
    if args.json:
        sys.stdout.write(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2) + "\n")
        return 0
    if not entries:
        print("No hay entradas que coincidan.")
        return 0
    rows = []
    for e in entries:
        text = " ".join(e.text.split())
        if len(text) > MAX_TABLE_TEXT:
            text = text[: MAX_TABLE_TEXT - 1] + "…"
        if e.corrects_id:
            text = f"[corrige la {e.corrects_id}] {text}"
        rows.append([e.id, _when(e), e.account or "—", e.kind, text])
    print(table(["Id", "Ocurrió", "Cuenta", "Tipo", "Texto"], rows, wrap=4))
    more = " (use --limite para ver más)" if len(entries) == args.limite else ""
    print(f"\n{counted(len(entries), 'entrada', 'entradas')}, las más recientes primero{more}.")
    return 0


def verify_log(ctx: Context, args: argparse.Namespace) -> int:
    from tui.cli.credentials import open_secrets_or_reason  # lazy: the keyring's module, 2 commands of 6 need it

    secrets, reason = open_secrets_or_reason(ctx, args)
    report = journal.verify_journal(
        ctx.store, secrets, keyring_problem=reason, anchor=args.sello, accept_restore=args.acepto_restauracion
    )
    if args.json:
        print_json(report.as_json())
        return 0 if report.ok else 1
    chain = report.chain
    problems = report.all_problems
    if report.ok:
        print(chain.message)
    elif chain.ok:  # «íntegra» would mislead: the chain agrees with itself, but something else failed
        print(f"La cadena de hashes es coherente en sí misma ({plural(chain.total, 'entrada')}), pero no basta:")
    if chain.ok:
        print(f"Hash de la última entrada: {chain.head}")
        if chain.anchor_id is not None:
            print(f"El sello corresponde a la entrada {chain.anchor_id}: la bitácora lo sigue extendiendo.")
    if report.records or report.tables:
        print(
            f"Registros de cambios: {report.records} encadenados, de {report.tables} tablas"
            " (cuentas, personas, rotaciones, incidentes, consultas…)."
        )
    if report.witnesses:
        print(f"Testigos consultados: {_join(report.witnesses)}.")
    if report.keyed:
        line = f"Puntos de control comprobados con la clave del llavero: {report.checkpoints}"
        if report.checkpoint_written:
            line += f"; se escribió el {report.checkpoint_written}"
        print(line + ".")
    else:
        print(
            f"Comprobaciones con la clave del llavero omitidas ({report.keyed_skipped}): los puntos de"
            " control no se comprobaron y no se escribió uno nuevo."
        )
    for notice in report.notices:
        print(f"Aviso: {notice}")
    if problems:
        shown = problems[: integrity.MAX_PROBLEMS]
        print(f"\nProblemas ({len(problems)}):")
        for problem in shown:
            print(f"  ✗ {problem}")
        if len(problems) > len(shown):
            print(f"  … y {len(problems) - len(shown)} más (use --json para verlos todos).")
        others = len(problems) - 1
        more = f" (y {others} {'problema' if others == 1 else 'problemas'} más en la lista)" if others else ""
        raise TamperedError(problems[0].removesuffix(".") + more + ".")
    print("Todo coincide.")
    return 0


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


def show_seal(ctx: Context, args: argparse.Namespace) -> int:
    from tui.cli.credentials import open_secrets_or_reason  # lazy: the keyring's module, 2 commands of 6 need it

    store = ctx.store  # opened first: a missing database is said before the keyring is asked for
    secrets, reason = open_secrets_or_reason(ctx, args)
    sealed = journal.seal_journal(store, secrets, keyring_problem=reason)
    seal = sealed.seal
    if args.json:
        print_json(
            {
                "head": seal.head,
                "count": seal.total,
                "head_id": seal.head_id,
                "at": sealed.at.isoformat(timespec="seconds"),
                "checkpoint": sealed.checkpoint,
                "checkpoint_note": sealed.checkpoint_note,
            }
        )
        return 0
    print("\n".join(seal_lines(seal.head, seal.total, seal.head_id, sealed.at)))
    print(
        "Cítelo en un oficio o correo; después, «resguardo bitacora verificar --sello HASH» comprueba que la"
        " bitácora lo sigue extendiendo."
    )
    if sealed.checkpoint is not None:
        print(f"Punto de control {sealed.checkpoint} escrito con la clave del llavero.")
    else:
        print(f"No se escribió un punto de control: {sealed.checkpoint_note}.")
    return 0


def export_entries(ctx: Context, args: argparse.Namespace) -> int:
    since, until = _range(args)
    target = output_file(args.salida) if args.salida else None
    with _range_in_options():
        done = journal.export_entries(
            ctx.store,
            args.formato,
            to=sys.stdout if target is None else target,
            account=args.cuenta,
            kind=args.tipo,
            since=since,
            until=until,
        )
    if target is not None:
        print(f"{counted(done.entries, 'entrada exportada', 'entradas exportadas')} a {target}.")
    return 0


def moderate_comment(ctx: Context, args: argparse.Namespace) -> int:
    text = _text_arg(args.texto)
    occurred = ctx.moment_arg(args.fecha_hora, "fecha y hora") if args.fecha_hora else None
    from policy.moderation import HateNotDeclaredError  # lazy: policy.moderation loads the profiles' module

    try:
        entry = journal.moderate_comment(
            ctx.store,
            args.cuenta,
            args.accion,
            text,
            hate_or_violence=args.odio_violencia,
            occurred_at=occurred,
            refs=args.ref,
            author=args.por,
        )
    except HateNotDeclaredError as exc:
        raise HateNotDeclaredError(exc.message.removesuffix(".") + " (--odio-violencia).") from None
    print(f"Moderación registrada en la bitácora: entrada {entry.id}.")
    print(entry.text)
    return 0
