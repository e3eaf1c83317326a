"""``resguardo respaldo …``: make, check, restore and list backups of the database."""

from __future__ import annotations

import argparse
import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from policy.clock import ZONE
from policy.labels import size_text
from store.backup import REASONS, describe_last, manifest_path, reason_text
from tui.cli.args import subcommands
from tui.cli.credentials import open_secrets_or_reason
from tui.cli.output import print_json, table
from tui.core import backup as backups

if TYPE_CHECKING:
    from store.backup import Check
    from tui.cli.context import Context

#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("respaldo",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "respaldo",
        parents=[parent],
        help="respaldos de la base de datos: crear, verificar, restaurar y listar",
        description=(
            "Copias completas y consistentes de la base de datos (y del llavero cifrado de resguardo, si"
            " existe), aunque otro programa esté escribiendo. Se hace una sola cada día al primer uso y otra"
            " antes de cada actualización del esquema; «respaldo crear» hace una cuando usted quiera."
        ),
    )
    sub = subcommands(backup)
    create = sub.add_parser("crear", parents=[parent], help="hace un respaldo ahora")
    create.add_argument(
        "ruta",
        nargs="?",
        metavar="RUTA",
        help="archivo o carpeta de destino (por omisión, la carpeta respaldos/ junto a la base de datos)",
    )
    create.set_defaults(handler=create_backup)
    verify = sub.add_parser(
        "verificar", parents=[parent], help="comprueba un respaldo sin modificarlo (integridad, bitácora, manifiesto)"
    )
    verify.add_argument("ruta", metavar="RUTA", help="el archivo del respaldo")
    verify.set_defaults(handler=verify_backup)
    restore = sub.add_parser(
        "restaurar",
        parents=[parent],
        help="reemplaza la base de datos por un respaldo (la actual queda a salvo en respaldos/)",
    )
    restore.add_argument("ruta", metavar="RUTA", help="el archivo del respaldo")
    restore.add_argument(
        "--frase-desde-stdin",
        dest="frase_desde_stdin",
        action="store_true",
        help="lee la frase maestra del llavero cifrado de la primera línea de la entrada estándar"
        " (para actualizar también el testigo del llavero)",
    )
    restore.set_defaults(handler=restore_backup)
    listing = sub.add_parser(
        "listar", parents=[parent], help="los respaldos de la carpeta respaldos/, el más reciente primero"
    )
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_backups)


def _when(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%d/%m/%Y %H:%M")


def _keyring_line(keyring: Path | None) -> str:
    if keyring is None:
        return (
            "Llavero: no hay archivo de llavero cifrado de resguardo (las contraseñas están en el llavero del"
            " sistema o aún no se guarda ninguna); se respaldó solo la base de datos."
        )
    return f"Llavero: su archivo cifrado se copió junto al respaldo ({keyring.name})."


def create_backup(ctx: Context, args: argparse.Namespace) -> int:
    backup = backups.make_backup(ctx.db_path, destination=args.ruta, now=ctx.now())
    print(f"Respaldo creado: {backup.path} ({size_text(backup.size)}).")
    print(f"Bitácora: {describe_last(backup.contents)}.")
    print(_keyring_line(backup.keyring))
    print(f"Manifiesto: {manifest_path(backup.path).name} (con su huella SHA-256).")
    print(f"Compruébelo cuando quiera con: resguardo respaldo verificar {backup.path}")
    return 0


def _print_check(check: Check) -> None:
    contents = check.contents
    if contents is not None:
        print(f"Esquema {contents.schema_version}; bitácora: {describe_last(contents)}.")
    manifest = check.manifest
    if manifest is not None and check.ok:
        reason = REASONS.get(str(manifest.get("reason")), str(manifest.get("reason")))
        created = str(manifest.get("created_at", ""))
        with contextlib.suppress(ValueError):
            created = _when(datetime.fromisoformat(created))
        print(f"Coincide con su manifiesto: creado el {created}, motivo: {reason}.")
    if check.keyring is not None:
        print(f"Copia del llavero cifrado: {check.keyring.name}.")
    for note in check.notes:
        print(f"Nota: {note}")


def verify_backup(ctx: Context, args: argparse.Namespace) -> int:
    check = backups.check_backup(args.ruta)
    print(f"Respaldo íntegro: {check.path} ({size_text(check.size)}).")
    _print_check(check)
    return 0


def restore_backup(ctx: Context, args: argparse.Namespace) -> int:
    result = backups.restore_backup(args.ruta, ctx.db_path, clock=ctx.now)
    print(f"Respaldo verificado: {describe_last(result.backup.contents)}.")
    if result.aside is not None:
        print(f"La base de datos que había quedó a salvo en {result.aside}.")
    print(f"Base de datos restaurada en {result.database} desde {result.backup.path}.")
    if result.keyring == "kept":
        print(
            f"Llavero: no se tocó el archivo actual ({result.keyring_path}); conserva las contraseñas guardadas"
            " después del respaldo."
        )
    elif result.keyring == "restored":
        print(f"Llavero: no había archivo; se puso en su lugar la copia del respaldo ({result.keyring_path}).")
    else:
        print("Llavero: no hay archivo de llavero cifrado ni en el equipo ni en el respaldo; no se copió nada.")
    # The keyring's witness of the bitácora's head follows the restore too, when the keyring opens.
    secrets, reason = open_secrets_or_reason(ctx, args)
    if secrets is not None:  # (the restored database is opened only then)
        reason = backups.rewitness_keyring(ctx.store, secrets)
    if reason is not None:
        print(
            f"Testigo del llavero: no se actualizó ({reason}); la próxima verificación de la bitácora lo"
            " pedirá: resguardo bitacora verificar --acepto-restauracion"
        )
        return 0
    print("Testigos de la bitácora (archivo y llavero) al día con la base restaurada.")
    return 0


def list_backups(ctx: Context, args: argparse.Namespace) -> int:
    listing = backups.backups(ctx.db_path)
    folder, found = listing.folder, listing.backups
    if args.json:
        print_json(
            [
                {
                    "path": str(b.path),
                    "created_at": b.created.isoformat(timespec="seconds"),
                    "reason": b.reason,
                    "size": b.size,
                    "entries": b.entries,
                    "manifest": b.manifest_state,
                    "keyring": b.keyring,
                }
                for b in found
            ]
        )
        return 0
    if not found:
        print(f"No hay respaldos en {folder}.")
        return 0
    rows = []
    for b in found:
        rows.append(
            [
                _when(b.created),
                reason_text(b),
                size_text(b.size),
                "" if b.entries is None else b.entries,
                "sí" if b.keyring else "no",
                b.path.name,
            ]
        )
    count = len(found)
    print(f"{count} respaldo{'s' if count != 1 else ''} en {folder}:")
    print(table(["Fecha", "Motivo", "Tamaño", "Entradas", "Llavero", "Archivo"], rows))
    return 0
