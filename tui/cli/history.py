"""``resguardo rotaciones|evaluaciones|capacitaciones registrar``: what already happened."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from policy.clock import format_date, parse_date
from tui.cli.args import subcommands
from tui.cli.output import print_json, table
from tui.core import records

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("rotaciones", "evaluaciones", "capacitaciones")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    rotations = commands.add_parser("rotaciones", parents=[parent], help="rotaciones de contraseña ya hechas")
    sub = subcommands(rotations)
    record = sub.add_parser(
        "registrar",
        parents=[parent],
        help="registra una rotación que ya ocurrió (no guarda la contraseña)",
    )
    record.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    record.add_argument("--fecha", metavar="FECHA", help="fecha (AAAA-MM-DD) o fecha y hora; por omisión ahora")
    record.add_argument("--motivo", help="motivo de la rotación")
    record.add_argument("--por", metavar="NOMBRE", help="quién la hizo (por omisión, el usuario del sistema)")
    record.add_argument("--oficio", metavar="REF", help="referencia del oficio, si la hubo")
    record.set_defaults(handler=record_rotation)
    listing = sub.add_parser("listar", parents=[parent], help="historial de rotaciones de una cuenta")
    listing.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_rotations)

    evaluations = commands.add_parser("evaluaciones", parents=[parent], help="evaluaciones de las cuentas")
    sub = subcommands(evaluations)
    record = sub.add_parser("registrar", parents=[parent], help="registra la evaluación de una cuenta")
    record.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    record.add_argument("--fecha", metavar="FECHA", help="fecha (AAAA-MM-DD), por omisión hoy")
    record.add_argument("--nota", help="observaciones")
    record.add_argument(
        "--informe",
        metavar="ARCHIVO",
        help="el informe de evaluación (PDF o DOCX de «informe evaluacion»): su SHA-256 queda en la bitácora",
    )
    record.set_defaults(handler=record_evaluation)

    trainings = commands.add_parser("capacitaciones", parents=[parent], help="capacitaciones de las personas")
    sub = subcommands(trainings)
    record = sub.add_parser("registrar", parents=[parent], help="registra la capacitación de una persona")
    record.add_argument("persona", metavar="PERSONA", help="id o nombre exacto")
    record.add_argument("--fecha", metavar="FECHA", help="fecha (AAAA-MM-DD), por omisión hoy")
    record.add_argument("--nota", help="curso u observaciones")
    record.set_defaults(handler=record_training)


def record_rotation(ctx: Context, args: argparse.Namespace) -> int:
    at = ctx.moment_arg(args.fecha, "fecha de la rotación") if args.fecha is not None else None
    account, rotation, reminder = records.record_rotation(
        ctx.store, args.cuenta, at=at, reason=args.motivo, author=args.por, reference=args.oficio
    )
    print(f"Rotación de {account.ref} registrada el {format_date(rotation.rotated_at.date())} (id {rotation.id}).")
    if reminder:
        sys.stderr.write(f"Aviso: {reminder[0].lower()}{reminder[1:]}; registre la referencia con --oficio.\n")
    return 0


def list_rotations(ctx: Context, args: argparse.Namespace) -> int:
    account, rotations = records.rotation_history(ctx.store, args.cuenta)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "account": account.ref,
                    "rotated_at": r.rotated_at.isoformat(),
                    "reason": r.reason,
                    "author": r.author,
                    "reference": r.reference,
                }
                for r in rotations
            ]
        )
        return 0
    if not rotations:
        print(f"{account.ref} no tiene rotaciones registradas.")
        return 0
    rows = [
        [r.id, r.rotated_at.strftime("%d/%m/%Y %H:%M"), r.reason or "", r.reference or "", r.author or ""]
        for r in rotations
    ]
    print(table(["Id", "Fecha", "Motivo", "Oficio", "Quién"], rows, wrap=2))
    return 0


def record_evaluation(ctx: Context, args: argparse.Namespace) -> int:
    day = parse_date(args.fecha) if args.fecha is not None else None
    digest = None
    if args.informe is not None:
        from tui.cli.paths import input_file  # lazy: only with --informe
        from tui.render import file_sha256  # lazy: hashlib, only with --informe

        digest = file_sha256(input_file(args.informe))
    account, record = records.record_evaluation(ctx.store, args.cuenta, day=day, note=args.nota, report_sha256=digest)
    print(f"Evaluación de {account.ref} registrada el {format_date(record.day)} (id {record.id}).")
    if digest:
        print(f"SHA-256 del informe en la bitácora: {digest}")
    return 0


def record_training(ctx: Context, args: argparse.Namespace) -> int:
    day = parse_date(args.fecha) if args.fecha is not None else None
    person, record = records.record_training(ctx.store, args.persona, day=day, note=args.nota)
    print(f"Capacitación de {person.name} registrada el {format_date(record.day)} (id {record.id}).")
    return 0
