"""``resguardo deberes|mensajes|asuntos|retiros …``: duties opened by a recorded fact (POLICY.md §11)
and the entry that does each."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from policy.codes import DutyKind
from policy.duties import SPECS
from policy.labels import duty_due, duty_state
from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.cli.workflows import day_option, moment_option
from tui.core import duties as core

if TYPE_CHECKING:
    from policy.records import Duty
    from tui.cli.context import Context

COMMAND_NAMES = ("deberes", "mensajes", "asuntos", "retiros")

#: What CUENTA may say for a matter of the whole office (no account).
NO_ACCOUNT = {"-", "ninguna", "oficina"}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    duties = commands.add_parser(
        "deberes",
        parents=[parent],
        help="deberes abiertos por un hecho registrado: listarlos y cumplirlos",
        description=(
            "Un deber lo abre un hecho registrado: un mensaje de la UTCSyD, un asunto relevante, una publicación"
            " con personas en sus imágenes, una sugerencia de una persona usuaria, una solicitud de retiro, un cambio"
            " de titular, una apertura autorizada… Cada deber abierto aparece en «resguardo pendientes» con su"
            " cláusula hasta que una entrada de la bitácora lo cumple."
        ),
    )
    sub = subcommands(duties)
    listing = sub.add_parser("listar", parents=[parent], help="lista los deberes, los más recientes primero")
    listing.add_argument("--pendientes", action="store_true", help="solo los que siguen abiertos")
    listing.add_argument("--cuenta", metavar="CUENTA", help="solo los de esta cuenta")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_duties)
    fulfil = sub.add_parser(
        "cumplir",
        parents=[parent],
        help="cumple un deber: registra su entrada en la bitácora (una publicación, una respuesta o una nota)",
    )
    _fulfil_options(fulfil)
    fulfil.set_defaults(handler=fulfil_duty)

    messages = commands.add_parser(
        "mensajes",
        parents=[parent],
        help="mensajes de la UTCSyD para publicar en su periodo, sin modificarlos (IECM)",
        description=(
            "Cada mensaje que envía la UTCSyD se registra con su periodo de publicación; queda en «resguardo"
            " pendientes» hasta que se publica («mensajes publicar») y vence al terminar su periodo."
        ),
    )
    sub = subcommands(messages)
    register_ = sub.add_parser("registrar", parents=[parent], help="registra un mensaje e imprime su id")
    register_.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario donde se publica")
    register_.add_argument("--asunto", required=True, metavar="TEXTO", help="de qué trata el mensaje")
    register_.add_argument("--desde", required=True, metavar="FECHA", help="primer día del periodo (AAAA-MM-DD)")
    register_.add_argument("--hasta", required=True, metavar="FECHA", help="último día del periodo (AAAA-MM-DD)")
    register_.set_defaults(handler=register_message)
    publish = sub.add_parser(
        "publicar", parents=[parent], help="registra la publicación del mensaje (una entrada «publicacion»)"
    )
    _fulfil_options(publish)
    publish.set_defaults(handler=fulfil_duty, only=DutyKind.UTCSYD_MESSAGE.value)

    for name, what, help_text, handler in (
        (
            "asuntos",
            "el asunto",
            "asuntos relevantes tratados en las redes (en el IECM, los que pueden afectar su imagen): los avisos del día",
            report_matter,
        ),
        (
            "retiros",
            "la solicitud",
            "solicitudes de retiro de contenido: a la Coordinación, que informa a la Presidencia (IEEAGS)",
            request_removal,
        ),
    ):
        parser = commands.add_parser(name, parents=[parent], help=help_text)
        sub = subcommands(parser)
        record = sub.add_parser("registrar", parents=[parent], help="lo registra con sus avisos e imprime sus ids")
        record.add_argument(
            "cuenta", metavar="CUENTA", help="id o red/usuario; «-» si no es de una cuenta en particular"
        )
        record.add_argument("--descripcion", required=True, metavar="TEXTO", help=f"de qué trata {what}")
        record.add_argument(
            "--fecha-hora", dest="fecha_hora", metavar="FECHA", help="cuándo se supo; por omisión, ahora"
        )
        record.set_defaults(handler=handler)


def _fulfil_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=positive_int, metavar="ID", help="id del deber")
    parser.add_argument(
        "--fecha-hora", dest="fecha_hora", metavar="FECHA", help="cuándo se cumplió; por omisión, ahora"
    )
    parser.add_argument(
        "--texto", metavar="TEXTO", help="el texto de la entrada (por omisión, uno que nombra el deber)"
    )
    parser.add_argument("--nota", metavar="TEXTO", help="una observación (a quién, cómo…)")
    parser.add_argument(
        "--ref", action="append", default=[], metavar="REF", help="oficio, correo, URL… (se puede repetir)"
    )


def _account(text: str) -> str | None:
    return None if text.strip().lower() in NO_ACCOUNT else text


def _when(duty: Duty) -> str:
    return duty_due(duty)


def duty_json(duty: Duty) -> dict[str, Any]:
    spec = SPECS[duty.kind]
    return {
        "id": duty.id,
        "kind": duty.kind,
        "item_kind": spec.kind.value,
        "account_id": duty.account_id,
        "subject": duty.subject,
        "recipient": duty.recipient,
        "arose_at": duty.arose_at.isoformat(timespec="seconds"),
        "due_at": duty.due_at.isoformat(timespec="seconds") if duty.due_at else None,
        "group_id": duty.group_id,
        "source_entry_id": duty.source_entry_id,
        "done_at": duty.done_at.isoformat(timespec="seconds") if duty.done_at else None,
        "done_entry_id": duty.done_entry_id,
    }


def list_duties(ctx: Context, args: argparse.Namespace) -> int:
    found = core.duties(ctx.store, open_only=args.pendientes, account=args.cuenta)
    if args.json:
        print_json([duty_json(d) for d in found])
        return 0
    if not found:
        print("No hay deberes abiertos." if args.pendientes else "No hay deberes registrados.")
        return 0
    rows = []
    for d in found:
        to = f" — {d.recipient}" if d.recipient else ""
        rows.append([d.id, SPECS[d.kind].label, duty_state(d), f"{d.subject}{to}"])
    print(table(["Id", "Deber", "Estado", "Asunto"], rows, wrap=3))
    return 0


def fulfil_duty(ctx: Context, args: argparse.Namespace) -> int:
    done = core.fulfil_duty(
        ctx.store,
        args.id,
        at=moment_option(ctx, args.fecha_hora, "fecha y hora"),
        text=args.texto,
        note=args.nota,
        refs=args.ref,
        kind=getattr(args, "only", None),
    )
    label = SPECS[done.duty.kind].label
    print(f"Deber {done.duty.id} ({label}) cumplido: entrada {done.entry.id} de la bitácora ({done.entry.kind}).")
    return 0


def register_message(ctx: Context, args: argparse.Namespace) -> int:
    first, last = day_option(args.desde, "desde"), day_option(args.hasta, "hasta")
    assert first is not None and last is not None  # both are required options
    duty = core.register_utcsyd_message(ctx.store, args.cuenta, subject=args.asunto, first=first, last=last)
    print(
        f"Mensaje de la UTCSyD registrado (deber {duty.id}): publíquelo sin modificarlo a más tardar el {_when(duty)};"
        f" luego «resguardo mensajes publicar {duty.id}»."
    )
    return 0


def _print_notices(opened: list[Duty], what: str) -> None:
    print(f"{what} registrado. Pendiente:")
    for d in opened:
        print(
            f"  deber {d.id}: {d.recipient} (a más tardar el {_when(d)})"
            if d.due_at
            else f"  deber {d.id}: {d.recipient}"
        )
    print("Marque cada uno con «resguardo deberes cumplir ID».")


def report_matter(ctx: Context, args: argparse.Namespace) -> int:
    opened = core.report_matter(
        ctx.store, _account(args.cuenta), args.descripcion, at=moment_option(ctx, args.fecha_hora, "fecha y hora")
    )
    _print_notices(opened, "Asunto")
    return 0


def request_removal(ctx: Context, args: argparse.Namespace) -> int:
    opened = core.request_removal(
        ctx.store, _account(args.cuenta), args.descripcion, at=moment_option(ctx, args.fecha_hora, "fecha y hora")
    )
    _print_notices(opened, "Solicitud de retiro")
    return 0
