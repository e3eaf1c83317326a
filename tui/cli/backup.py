"""``resguardo respaldo …``: make, check, restore and list backups of the database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.args import subcommands

if TYPE_CHECKING:
    from datetime import datetime

    from store.backup import Check
    from tui.cli.context import Context

#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("respaldo",)


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
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


def _db_path(ctx: Context) -> Path:
    from store.db import default_path

    return Path(ctx.db_path).expanduser() if ctx.db_path else default_path()


def _when(moment: datetime) -> str:
    from policy.clock import ZONE

    return moment.astimezone(ZONE).strftime("%d/%m/%Y %H:%M")


def size_text(size: int) -> str:
    """A file size in the units a person reads: «830 bytes», «48 kB», «1.2 MB», «3.4 GB»."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def _keyring_line(keyring: Path | None) -> str:
    if keyring is None:
        return (
            "Llavero: no hay archivo de llavero cifrado de resguardo (las contraseñas están en el llavero del"
            " sistema o aún no se guarda ninguna); se respaldó solo la base de datos."
        )
    return f"Llavero: su archivo cifrado se copió junto al respaldo ({keyring.name})."


def create_backup(ctx: Context, args: argparse.Namespace) -> int:
    from store.backup import MANUAL, create_backup, describe_last, manifest_path, open_source

    db = _db_path(ctx)
    source = open_source(db)
    try:
        backup = create_backup(source, db, now=ctx.now(), reason=MANUAL, destination=args.ruta)
    finally:
        source.close()
    print(f"Respaldo creado: {backup.path} ({size_text(backup.size)}).")
    print(f"Bitácora: {describe_last(backup.contents)}.")
    print(_keyring_line(backup.keyring))
    print(f"Manifiesto: {manifest_path(backup.path).name} (con su huella SHA-256).")
    print(f"Compruébelo cuando quiera con: resguardo respaldo verificar {backup.path}")
    return 0


def _print_check(check: Check) -> None:
    from store.backup import REASONS, describe_last

    contents = check.contents
    if contents is not None:
        print(f"Esquema {contents.schema_version}; bitácora: {describe_last(contents)}.")
    manifest = check.manifest
    if manifest is not None and check.ok:
        reason = REASONS.get(str(manifest.get("reason")), str(manifest.get("reason")))
        created = str(manifest.get("created_at", ""))
        try:
            from datetime import datetime

            created = _when(datetime.fromisoformat(created))
        except ValueError:
            pass
        print(f"Coincide con su manifiesto: creado el {created}, motivo: {reason}.")
    if check.keyring is not None:
        print(f"Copia del llavero cifrado: {check.keyring.name}.")
    for note in check.notes:
        print(f"Nota: {note}")


def verify_backup(ctx: Context, args: argparse.Namespace) -> int:
    from store.backup import BackupError, verify_backup

    check = verify_backup(args.ruta)
    if not check.ok:
        raise BackupError(f"El respaldo no es válido. {check.problem}")
    print(f"Respaldo íntegro: {check.path} ({size_text(check.size)}).")
    _print_check(check)
    return 0


def restore_backup(ctx: Context, args: argparse.Namespace) -> int:
    from store.backup import describe_last, restore_backup

    db = _db_path(ctx)
    result = restore_backup(args.ruta, db, now=ctx.now(), clock=ctx.now)
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
    _rewitness_keyring(ctx, args)
    return 0


def _rewitness_keyring(ctx: Context, args: argparse.Namespace) -> None:
    """The keyring's witness of the bitácora's head follows the restore too, when the keyring opens."""
    from store.integrity import rewitness
    from store.secrets import SecretStoreError, keyring_problem
    from tui.cli.credentials import open_secrets_or_reason

    secrets, reason = open_secrets_or_reason(ctx, args)
    if secrets is not None:
        try:
            rewitness(ctx.store, secrets)
        except SecretStoreError as exc:
            reason = keyring_problem(exc.message)
    if reason is not None:
        print(
            f"Testigo del llavero: no se actualizó ({reason}); la próxima verificación de la bitácora lo"
            " pedirá: resguardo bitacora verificar --acepto-restauracion"
        )
        return
    print("Testigos de la bitácora (archivo y llavero) al día con la base restaurada.")


def list_backups(ctx: Context, args: argparse.Namespace) -> int:
    from store.backup import REASONS, backup_folder, list_backups

    folder = backup_folder(_db_path(ctx))
    backups = list_backups(folder)
    if args.json:
        from tui.cli.output import print_json

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
                for b in backups
            ]
        )
        return 0
    if not backups:
        print(f"No hay respaldos en {folder}.")
        return 0
    from tui.cli.output import table

    rows = []
    for b in backups:
        if b.manifest_state == "ok":
            reason = REASONS.get(b.reason or "", b.reason or "")
        else:
            reason = "sin manifiesto" if b.manifest_state == "falta" else "manifiesto dañado"
        rows.append(
            [
                _when(b.created),
                reason,
                size_text(b.size),
                "" if b.entries is None else b.entries,
                "sí" if b.keyring else "no",
                b.path.name,
            ]
        )
    count = len(backups)
    print(f"{count} respaldo{'s' if count != 1 else ''} en {folder}:")
    print(table(["Fecha", "Motivo", "Tamaño", "Entradas", "Llavero", "Archivo"], rows))
    return 0
