"""``resguardo importar`` and ``resguardo exportar``: the spreadsheet inventory."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from policy.errors import UsageError
from store.errors import os_error_text

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("importar", "exportar")


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
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
    from store import spreadsheet
    from tui.cli.paths import input_file

    path = input_file(args.archivo)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"No se pudo leer «{args.archivo}»: {os_error_text(exc)}.") from None
    today = ctx.today()
    rows = spreadsheet.parse(spreadsheet.decode(data), today)
    store = ctx.store
    store.settings.profile()  # an import needs an initialized database
    if args.simular:
        # Check against the store too, then roll everything back.
        with contextlib.suppress(_DryRun), store.atomic():
            summary = spreadsheet.import_rows(store, rows, today)
            raise _DryRun
        print(f"El archivo es válido: {len(rows)} filas. No se guardó nada (--simular).")
        return 0
    summary = spreadsheet.import_rows(store, rows, today)
    print(
        f"Importadas {len(rows)} filas: {summary.accounts_created} cuentas nuevas,"
        f" {summary.accounts_updated} actualizadas, {summary.people_created} personas nuevas,"
        f" {summary.assignments_created} asignaciones, {summary.rotations_created} rotaciones,"
        f" {summary.evaluations_created} evaluaciones."
    )
    return 0


class _DryRun(Exception):
    """Raised inside the transaction of ``--simular`` to roll it back."""


def export_file(ctx: Context, args: argparse.Namespace) -> int:
    from store import spreadsheet

    text = spreadsheet.to_csv(spreadsheet.export_rows(ctx.store, ctx.today()))
    if not args.salida:
        sys.stdout.write(text)
        return 0
    from tui.cli.paths import output_file

    target = output_file(args.salida)
    import tempfile  # lazy: pulls in random, ~7 ms that everyday commands do not need

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
    print(f"Inventario exportado a {target} ({text.count(chr(10)) - 1} cuentas).")
    return 0
