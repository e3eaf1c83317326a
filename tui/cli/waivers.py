"""``resguardo dispensas …`` (postpone or waive obligations) and ``resguardo avisos …``
(the notices to the public before non-working days)."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import TYPE_CHECKING

from policy.clock import format_date, parse_date
from policy.codes import Kind
from policy.errors import NotFoundError
from policy.labels import KIND_LABELS
from tui.cli.args import positive_int, subcommands, window_days
from tui.cli.output import print_json, table
from tui.cli.workflows import naming_options
from tui.core import waivers as core
from tui.core.common import account_of
from tui.core.notices import NOTICE_WINDOW_DAYS, mark_holiday_notice, notice_periods

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("dispensas", "avisos")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    waivers = commands.add_parser("dispensas", parents=[parent], help="posponer o dispensar obligaciones")
    sub = subcommands(waivers)
    add = sub.add_parser(
        "agregar",
        parents=[parent],
        help="pospone una obligación hasta una fecha e imprime el id de la dispensa",
        description=(
            "Saca de la agenda las obligaciones indicadas hasta --hasta (inclusive); al día siguiente vuelven"
            " solas. Indique --tipo (y --cuenta, para una sola cuenta) o --clave (la «key» de pendientes --json)."
        ),
    )
    add.add_argument(
        "--tipo",
        choices=[k.value for k in Kind],
        metavar="TIPO",
        help="tipo de obligación (el «kind» de pendientes --json)",
    )
    add.add_argument("--cuenta", metavar="CUENTA", help="id o red/usuario")
    add.add_argument("--clave", metavar="CLAVE", help="clave exacta de una obligación (p. ej. consultation:a3:r12)")
    add.add_argument("--hasta", required=True, metavar="FECHA", help="último día de la dispensa (AAAA-MM-DD)")
    add.add_argument("--motivo", required=True, help="por qué se pospone o dispensa")
    add.add_argument("--oficio", metavar="REF", help="referencia del oficio que la autoriza")
    add.set_defaults(handler=add_waiver)
    listing = sub.add_parser("listar", parents=[parent], help="lista las dispensas, vigentes y pasadas")
    listing.add_argument("--json", action="store_true", help="salida JSON (cada objeto lleva su id)")
    listing.set_defaults(handler=list_waivers)
    revoke = sub.add_parser("revocar", parents=[parent], help="termina hoy una dispensa (la obligación vuelve)")
    revoke.add_argument("id", type=positive_int, metavar="ID")
    revoke.set_defaults(handler=revoke_waiver)

    notices = commands.add_parser("avisos", parents=[parent], help="avisos de horarios antes de días inhábiles")
    sub = subcommands(notices)
    listing = sub.add_parser("listar", parents=[parent], help="los avisos de los próximos días inhábiles")
    listing.add_argument(
        "--dias",
        type=window_days,
        default=NOTICE_WINDOW_DAYS,
        metavar="N",
        help=f"cuántos días adelante mirar (por omisión {NOTICE_WINDOW_DAYS})",
    )
    listing.add_argument("--json", action="store_true", help="salida JSON (cada objeto lleva su id)")
    listing.set_defaults(handler=list_notices)
    done = sub.add_parser("cumplir", parents=[parent], help="marca un aviso como publicado")
    done.add_argument(
        "id", metavar="ID", help="el primer día inhábil (AAAA-MM-DD o AAAAMMDD), como lo muestra la agenda"
    )
    done.add_argument("--fecha", metavar="FECHA", help="cuándo se publicó (por omisión hoy)")
    done.add_argument("--nota", help="dónde se publicó, quién monitorea…")
    done.set_defaults(handler=complete_notice)


#: The options that name what a waiver takes off the agenda (the fields of policy.workflows.waiver_fields).
_WAIVER_OPTIONS = {"obligacion": "--tipo [--cuenta] o --clave", "clave_sola": "--clave sola, o --tipo con --cuenta"}


def add_waiver(ctx: Context, args: argparse.Namespace) -> int:
    with naming_options(_WAIVER_OPTIONS):
        waiver = core.add_waiver(
            ctx.store,
            until=parse_date(args.hasta, "fecha --hasta"),
            reason=args.motivo,
            kind=args.tipo,
            account=args.cuenta,
            key=args.clave,
            reference=args.oficio,
        )
    print(waiver.id)
    what = waiver.key or KIND_LABELS.get(waiver.kind or "", waiver.kind or "")
    where = f" de {account_of(ctx.store, waiver.account_id).ref}" if waiver.account_id else ""
    print(
        f"Dispensa registrada: «{what}»{where} sale de la agenda hasta el {format_date(waiver.until)}"
        " y vuelve el día siguiente."
    )
    return 0


def list_waivers(ctx: Context, args: argparse.Namespace) -> int:
    views = core.waivers(ctx.store)
    if args.json:
        print_json(
            [
                {
                    "id": w.id,
                    "kind": w.kind,
                    "key": w.key,
                    "account": view.account,
                    "account_id": w.account_id,
                    "until": w.until.isoformat(),
                    "reason": w.reason,
                    "reference": w.reference,
                    "author": w.author,
                    "created_at": w.created_at.isoformat() if w.created_at else None,
                    "revoked_at": view.record.revoked_at.isoformat() if view.record.revoked_at else None,
                    "revoked_by": view.record.revoked_by,
                    "in_force": view.in_force,
                }
                for view in views
                for w in (view.record.waiver,)
            ]
        )
        return 0
    if not views:
        print("No hay dispensas registradas.")
        return 0
    rows = [
        [
            w.id,
            w.key or w.kind or "",
            (view.account or "todas") if w.account_id else ("—" if w.key else "todas"),
            format_date(w.until),
            view.state,
            w.reason,
            w.author or "",
        ]
        for view in views
        for w in (view.record.waiver,)
    ]
    print(table(["Id", "Obligación", "Cuenta", "Hasta", "Estado", "Motivo", "Autor"], rows, wrap=5))
    return 0


def revoke_waiver(ctx: Context, args: argparse.Namespace) -> int:
    core.revoke_waiver(ctx.store, args.id)
    print(f"Dispensa {args.id} revocada: sus obligaciones vuelven a la agenda.")
    return 0


def _notice_day(text: str) -> date:
    value = text.strip()
    if len(value) == 8 and value.isdigit():
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return parse_date(value, "fecha del aviso")


def list_notices(ctx: Context, args: argparse.Namespace) -> int:
    today = ctx.today()
    periods = notice_periods(ctx.store, ctx.now(), today, today + timedelta(days=args.dias))
    if args.json:
        print_json(
            [
                {
                    "id": p.code,
                    "ref_id": p.id,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "label": p.label,
                    "due": due.isoformat(timespec="seconds"),
                    "done_on": done_on.isoformat() if done_on else None,
                }
                for p, due, done_on in periods
            ]
        )
        return 0
    if not periods:
        print(f"No hay días inhábiles en los próximos {args.dias} días.")
        return 0
    print(
        table(
            ["Id", "Desde", "Hasta", "Motivo", "Avisar antes de", "Cumplido"],
            [
                [
                    p.code,
                    format_date(p.start),
                    format_date(p.end),
                    p.label,
                    format_date(due.date()),
                    format_date(done_on) if done_on else "no",
                ]
                for p, due, done_on in periods
            ],
            wrap=3,
        )
    )
    return 0


def complete_notice(ctx: Context, args: argparse.Namespace) -> int:
    day = _notice_day(args.id)
    on = ctx.date_arg(args.fecha, "fecha del aviso")
    try:
        period = mark_holiday_notice(ctx.store, ctx.now(), day, on, args.nota)
    except NotFoundError as exc:
        raise NotFoundError(f"{exc.message[:-1]} (vea «resguardo avisos listar»).") from None
    print(f"Aviso del {format_date(period.start)} ({period.label}) cumplido el {format_date(on)}.")
    return 0
