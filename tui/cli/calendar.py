"""``resguardo inhabiles …`` and ``resguardo procesos …``: the business-day calendar."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from policy.clock import format_date
from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.core import calendar

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("inhabiles", "procesos")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    days = commands.add_parser("inhabiles", parents=[parent], help="días inhábiles de la institución")
    sub = subcommands(days)
    add = sub.add_parser("agregar", parents=[parent], help="declara un día (o periodo) inhábil")
    add.add_argument("fecha", metavar="FECHA", help="primer día (AAAA-MM-DD)")
    add.add_argument("--hasta", metavar="FECHA", help="último día, si es un periodo")
    add.add_argument("--motivo", help="motivo (p. ej. Semana Santa, vacaciones)")
    add.set_defaults(handler=add_non_working)
    listing = sub.add_parser("listar", parents=[parent], help="lista los días inhábiles declarados y oficiales")
    listing.add_argument(
        "--anio", type=positive_int, metavar="AÑO", help="año de los días oficiales (por omisión el actual)"
    )
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_non_working)
    remove = sub.add_parser("quitar", parents=[parent], help="quita un día inhábil declarado")
    remove.add_argument("id", type=positive_int, metavar="ID")
    remove.set_defaults(handler=remove_non_working)

    periods = commands.add_parser(
        "procesos", parents=[parent], help="procesos electorales (todos los días son hábiles)"
    )
    sub = subcommands(periods)
    add = sub.add_parser("agregar", parents=[parent], help="declara un periodo de proceso electoral")
    add.add_argument("fecha", metavar="FECHA", help="primer día (AAAA-MM-DD)")
    add.add_argument("--hasta", metavar="FECHA", required=True, help="último día")
    add.add_argument("--nombre", help="nombre del proceso")
    add.set_defaults(handler=add_period)
    listing = sub.add_parser("listar", parents=[parent], help="lista los procesos electorales declarados")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_periods)
    remove = sub.add_parser("quitar", parents=[parent], help="quita un proceso electoral declarado")
    remove.add_argument("id", type=positive_int, metavar="ID")
    remove.set_defaults(handler=remove_period)


def add_non_working(ctx: Context, args: argparse.Namespace) -> int:
    end = ctx.date_arg(args.hasta, "fecha final") if args.hasta else None
    item = calendar.declare_non_working(ctx.store, ctx.date_arg(args.fecha), end, reason=args.motivo)
    span = (
        format_date(item.start) if item.start == item.end else f"{format_date(item.start)} al {format_date(item.end)}"
    )
    print(f"Día inhábil declarado: {span} (id {item.id}).")
    return 0


def list_non_working(ctx: Context, args: argparse.Namespace) -> int:
    days = calendar.non_working_days(ctx.store, args.anio)
    year, declared, official = days.year, days.declared, days.official
    if args.json:
        print_json(
            {
                "declared": [
                    {"id": d.id, "start": d.start.isoformat(), "end": d.end.isoformat(), "reason": d.label}
                    for d in declared
                ],
                "official": [{"date": day.isoformat(), "name": name} for day, name in official.items()],
            }
        )
        return 0
    print(f"Días de descanso obligatorio {year} (Ley Federal del Trabajo, art. 74):")
    print(table(["Fecha", "Motivo"], [[format_date(d), n] for d, n in official.items()], indent="  "))
    print("\nDías inhábiles declarados por la institución:")
    if declared:
        print(
            table(
                ["Id", "Desde", "Hasta", "Motivo"],
                [[d.id, format_date(d.start), format_date(d.end), d.label or ""] for d in declared],
                indent="  ",
            )
        )
    else:
        print("  (ninguno; agréguelos con «resguardo inhabiles agregar»)")
    return 0


def remove_non_working(ctx: Context, args: argparse.Namespace) -> int:
    calendar.remove_non_working(ctx.store, args.id)
    print(f"Día inhábil {args.id} quitado.")
    return 0


def add_period(ctx: Context, args: argparse.Namespace) -> int:
    item = calendar.declare_electoral_period(
        ctx.store, ctx.date_arg(args.fecha), ctx.date_arg(args.hasta, "fecha final"), name=args.nombre
    )
    print(
        f"Proceso electoral declarado del {format_date(item.start)} al {format_date(item.end)} (id {item.id}):"
        " en ese periodo todos los días son hábiles."
    )
    return 0


def list_periods(ctx: Context, args: argparse.Namespace) -> int:
    periods = calendar.electoral_periods(ctx.store)
    if args.json:
        print_json(
            [{"id": p.id, "start": p.start.isoformat(), "end": p.end.isoformat(), "name": p.label} for p in periods]
        )
        return 0
    if not periods:
        print("No hay procesos electorales declarados.")
        return 0
    print(
        table(
            ["Id", "Desde", "Hasta", "Nombre"],
            [[p.id, format_date(p.start), format_date(p.end), p.label or ""] for p in periods],
        )
    )
    return 0


def remove_period(ctx: Context, args: argparse.Namespace) -> int:
    calendar.remove_electoral_period(ctx.store, args.id)
    print(f"Proceso electoral {args.id} quitado.")
    return 0
