"""``resguardo importar`` and ``resguardo exportar``: the spreadsheet inventory."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from policy.errors import UsageError
from policy.labels import counted
from store.errors import os_error_text
from tui.cli.paths import input_file, output_file
from tui.core import transfer

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("importar", "exportar")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    load = commands.add_parser(
        "importar",
        parents=[parent],
        help="carga cuentas y personas desde una hoja de cálculo (CSV)",
        description=(
            "Carga cuentas, personas, asignaciones y las últimas fechas de rotación y evaluación desde"
            " un CSV (columnas en el README). Todo o nada: una fila mala rechaza el archivo."
        ),
    )
    load.add_argument("archivo", metavar="ARCHIVO.csv", help="archivo CSV (UTF-8, comas o punto y coma)")
    load.add_argument("--simular", action="store_true", help="solo revisa el archivo, sin guardar nada")
    load.set_defaults(handler=import_file)

    dump = commands.add_parser("exportar", parents=[parent], help="escribe el inventario de cuentas")
    dump.add_argument("--formato", choices=["csv"], default="csv", help="formato (csv)")
    dump.add_argument("--salida", metavar="ARCHIVO", help="archivo de salida (por omisión, la pantalla)")
    dump.set_defaults(handler=export_file)


def import_file(ctx: Context, args: argparse.Namespace) -> int:
    path = input_file(args.archivo)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"No se pudo leer «{args.archivo}»: {os_error_text(exc)}.") from None
    inventory = transfer.read_inventory(data, ctx.today())
    done = transfer.import_inventory(ctx.store, inventory, simulate=args.simular)
    if done.simulated:
        print(f"El archivo es válido: {done.rows} filas. No se guardó nada (--simular).")
        return 0
    summary = done.summary
    print(
        f"Importadas {done.rows} filas: {summary.accounts_created} cuentas nuevas,"
        f" {summary.accounts_updated} actualizadas, {summary.people_created} personas nuevas,"
        f" {summary.assignments_created} asignaciones, {summary.rotations_created} rotaciones,"
        f" {summary.evaluations_created} evaluaciones."
    )
    return 0


def export_file(ctx: Context, args: argparse.Namespace) -> int:
    exported = transfer.export_inventory(ctx.store)
    text = exported.text
    if not args.salida:
        sys.stdout.write(text)
        return 0
    target = output_file(args.salida)
    import tempfile  # lazy: it pulls in random (~7 ms), for --salida only

    # Written beside the target and renamed: a failure never leaves half a file.
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".resguardo-", suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temp)
        raise UsageError(f"No se pudo escribir «{args.salida}»: {os_error_text(exc)}.") from None
    print(f"Inventario exportado a {target} ({counted(exported.accounts, 'cuenta', 'cuentas')}).")
    return 0
