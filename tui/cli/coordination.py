"""``resguardo paquete …`` (an office's signed package) and ``resguardo coordinacion …`` (the
coordination office: offices, imports, the institution's agenda, the Datasette view)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policy.labels import plural
from tui.cli.args import positive_int, subcommands, window_days

if TYPE_CHECKING:
    from store.coordination import Coordination
    from tui.cli.context import Context
    from tui.core.coordination import CoordinationAgenda

#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("paquete", "coordinacion")

DEFAULT_PORT = 8017
#: Datasette's options: no download of the whole file, a generous time limit for the canned queries.
DATASETTE_OPTIONS = (
    "--setting",
    "allow_download",
    "off",
    "--setting",
    "sql_time_limit_ms",
    "3000",
    "--setting",
    "default_facet_size",
    "40",
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    package = commands.add_parser(
        "paquete",
        parents=[parent],
        help="el paquete firmado de esta oficina para la coordinación",
        description=(
            "Un paquete es un solo archivo con una copia consistente de la base de datos (sin ningún secreto:"
            " el llavero no se incluye), un manifiesto y la firma Ed25519 de la oficina. La coordinación"
            " registra una vez la llave pública de la oficina («paquete llave») y después importa sus paquetes."
        ),
    )
    sub = subcommands(package)
    export = sub.add_parser("exportar", parents=[parent], help="escribe el paquete firmado de la oficina")
    export.add_argument("--oficina", required=True, metavar="CLAVE", help="clave de la oficina (p. ej. IECM-DD05)")
    export.add_argument("--salida", required=True, metavar="ARCHIVO", help="archivo del paquete (se reemplaza)")
    _passphrase_option(export)
    export.set_defaults(handler=export_package)
    key = sub.add_parser(
        "llave", parents=[parent], help="muestra la llave pública de la oficina y su huella (la crea la primera vez)"
    )
    key.add_argument("--json", action="store_true", help="salida JSON")
    _passphrase_option(key)
    key.set_defaults(handler=show_key)

    coordination_options = argparse.ArgumentParser(add_help=False, parents=[parent])
    coordination_options.add_argument(
        "--db-coordinacion",
        dest="db_coordinacion",
        metavar="RUTA",
        default=argparse.SUPPRESS,
        help="base de coordinación (por omisión, RESGUARDO_DB_COORDINACION o coordinacion.db junto a la base)",
    )
    coordination = commands.add_parser(
        "coordinacion",
        parents=[coordination_options],
        help="la coordinación: oficinas, importación de paquetes y la agenda de toda la institución",
        description=(
            "La oficina coordinadora registra la llave de cada oficina, importa sus paquetes en una base"
            " propia (se verifica la firma, la bitácora desde el inicio y que extienda el paquete anterior) y"
            " consulta la agenda de toda la institución. Véase docs/coordinacion.md."
        ),
    )
    csub = subcommands(coordination)
    coordination.set_defaults(handler=open_workbench)  # no subcommand: the read-only coordination workbench
    offices = csub.add_parser("oficinas", parents=[coordination_options], help="las oficinas registradas")
    osub = subcommands(offices)
    add = osub.add_parser("agregar", parents=[coordination_options], help="registra una oficina y su llave pública")
    add.add_argument("clave", metavar="CLAVE", help="clave de la oficina (la de su «paquete exportar --oficina»)")
    add.add_argument("--llave", required=True, metavar="LLAVE", help="la llave pública que muestra «paquete llave»")
    add.set_defaults(handler=add_office)
    listing = osub.add_parser("listar", parents=[coordination_options], help="las oficinas y su último paquete")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_offices)
    imports = csub.add_parser(
        "importar", parents=[coordination_options], help="importa uno o varios paquetes de las oficinas"
    )
    imports.add_argument("archivos", nargs="+", metavar="ARCHIVO", help="los paquetes")
    imports.set_defaults(handler=import_packages)
    agenda = csub.add_parser(
        "pendientes", parents=[coordination_options], help="la agenda de toda la institución, por oficina"
    )
    agenda.add_argument("--oficina", metavar="CLAVE", help="solo esta oficina")
    agenda.add_argument("--fecha", metavar="FECHA", help="evaluar como si hoy fuera esta fecha (AAAA-MM-DD)")
    agenda.add_argument("--dias", type=window_days, metavar="N", help="días de anticipación (por omisión 30)")
    agenda.add_argument("--json", action="store_true", help="salida JSON (ver docs/coordinacion.md)")
    agenda.set_defaults(handler=show_agenda)
    serve = csub.add_parser(
        "servir",
        parents=[coordination_options],
        help="abre la base de coordinación en Datasette, solo lectura, en 127.0.0.1 (extra resguardo[coordinacion])",
    )
    serve.add_argument("--puerto", type=positive_int, default=DEFAULT_PORT, metavar="N", help="puerto local")
    serve.set_defaults(handler=serve_datasette)


def _passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--frase-desde-stdin",
        dest="frase_desde_stdin",
        action="store_true",
        help="lee la frase maestra del llavero cifrado de la primera línea de la entrada estándar",
    )


# -- the office's package -------------------------------------------------------------


def _secrets(ctx: Context, args: argparse.Namespace) -> Any:
    from tui.cli.credentials import SecretInput, open_secrets  # lazy: store.secrets, only for the key

    return open_secrets(ctx, SecretInput(args))


def export_package(ctx: Context, args: argparse.Namespace) -> int:
    from policy.labels import size_text  # lazy: only for the summary
    from tui.core.coordination import export_package as export  # lazy: cryptography

    done = export(ctx.store, _secrets(ctx, args), office=args.oficina, destination=Path(args.salida))
    manifest = done.manifest
    print(
        f"Paquete de la oficina {manifest['office']} escrito en {done.path} ({size_text(done.size)}):"
        f" {plural(manifest['entries'], 'entrada')} de la bitácora, cabeza {manifest['head_hash'][:16]}…"
    )
    print(f"Firmado con la llave de huella {done.fingerprint}.")
    return 0


def show_key(ctx: Context, args: argparse.Namespace) -> int:
    from tui.cli.output import print_json  # lazy: only here
    from tui.core.coordination import office_key  # lazy: cryptography

    key = office_key(ctx.store, _secrets(ctx, args))
    if args.json:
        print_json({"public_key": key.public_key, "fingerprint": key.fingerprint, "created": key.created})
        return 0
    if key.created:
        print("Se creó la llave de esta oficina (la privada queda solo en el llavero).")
    print(f"Huella:        {key.fingerprint}")
    print(f"Llave pública: {key.public_key}")
    print("Entregue la llave pública a la coordinación y confirme la huella por otro medio (teléfono, oficio).")
    return 0


# -- the coordination office ------------------------------------------------------------


def _coordination(
    ctx: Context, args: argparse.Namespace, *, create: bool = False, read_only: bool = False
) -> Coordination:
    from store import (
        coordination as kept,
    )  # lazy: the parser is built for every command; the handler loads what it uses

    path = getattr(args, "db_coordinacion", None) or kept.default_path(ctx.db_path)
    return kept.open_coordination(path, create=create, read_only=read_only, clock=ctx.now)


def open_workbench(ctx: Context, args: argparse.Namespace) -> int:
    """``resguardo coordinacion`` / ``resguardo --coordinacion``: the coordination workbench, read-only."""
    from store import (
        coordination as kept,
    )  # lazy: the parser is built for every command; the handler loads what it uses

    path = getattr(args, "db_coordinacion", None) or kept.default_path(ctx.db_path)
    with _coordination(ctx, args, read_only=True):
        pass  # a missing file or one that is not a coordination database: refused before Textual loads
    from tui.coordination_app import run_coordination_workbench  # lazy: Textual, only for the workbench

    return run_coordination_workbench(path, ctx.now)


def add_office(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core.coordination import (
        register_office,
    )  # lazy: the parser is built for every command; the handler loads what it uses

    with _coordination(ctx, args, create=True) as coordination:
        office = register_office(coordination, code=args.clave, public_key=args.llave)
    print(f"Oficina {office.code} registrada (huella {office.fingerprint}). Confirme la huella con la oficina.")
    return 0


def list_offices(ctx: Context, args: argparse.Namespace) -> int:
    from policy.clock import format_date  # lazy: the parser is built for every command; the handler loads what it uses
    from tui.cli.output import (
        print_json,
        table,
    )  # lazy: the parser is built for every command; the handler loads what it uses
    from tui.core.coordination import (
        list_offices as offices_of,
    )  # lazy: the parser is built for every command; the handler loads what it uses

    with _coordination(ctx, args, read_only=True) as coordination:
        offices = offices_of(coordination)
    if args.json:
        print_json(
            [
                {
                    "office": o.code,
                    "fingerprint": o.fingerprint,
                    "public_key": o.public_key,
                    "profile": o.profile,
                    "entries": o.entries,
                    "head_hash": o.head_hash,
                    "generated_at": o.generated_at.isoformat(timespec="seconds") if o.generated_at else None,
                    "imported_at": o.imported_at.isoformat(timespec="seconds") if o.imported_at else None,
                }
                for o in offices
            ]
        )
        return 0
    if not offices:
        print("No hay oficinas registradas.")
        return 0
    rows = [
        [
            o.code,
            o.fingerprint,
            o.profile or "—",
            format_date(o.generated_at.date()) if o.generated_at else "sin paquete",
            o.entries,
        ]
        for o in offices
    ]
    print(table(["Oficina", "Huella", "Perfil", "Último paquete", "Entradas"], rows))
    return 0


def _progress(done: int, total: int, name: str) -> None:
    """A text progress bar on stderr (one line per package when stderr is not a terminal)."""
    width = 30
    filled = width * done // total if total else width
    bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name}"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + bar[:110].ljust(110))
        if done == total:
            sys.stderr.write("\n")
    else:
        sys.stderr.write(bar + "\n")
    sys.stderr.flush()


def import_packages(ctx: Context, args: argparse.Namespace) -> int:
    import time  # lazy: the parser is built for every command; the handler loads what it uses

    from policy.errors import (
        ResguardoError,
    )  # lazy: the parser is built for every command; the handler loads what it uses
    from tui.core.coordination import (
        import_package,
    )  # lazy: the parser is built for every command; the handler loads what it uses

    files = [Path(name) for name in args.archivos]
    refused: list[tuple[Path, str]] = []
    imported = unchanged = 0
    started = time.perf_counter()
    with _coordination(ctx, args, create=True) as coordination:
        for number, file in enumerate(files, start=1):
            try:
                result = import_package(coordination, file)
            except ResguardoError as exc:
                refused.append((file, exc.message))
            else:
                if result.changed:
                    imported += 1
                else:
                    unchanged += 1
                if len(files) == 1:
                    print(_imported_text(file, result))
            if len(files) > 1:
                _progress(number, len(files), file.name)
    elapsed = time.perf_counter() - started
    if len(files) > 1:
        print(
            f"{len(files)} paquetes en {elapsed:.1f} s: {imported} importados, {unchanged} sin cambios,"
            f" {len(refused)} rechazados."
        )
    for file, reason in refused:
        sys.stderr.write(f"resguardo: {reason}\n" if len(files) == 1 else f"resguardo: {file.name}: {reason}\n")
    return 1 if refused else 0


def _imported_text(file: Path, result: Any) -> str:
    if not result.changed:
        return f"{file.name}: oficina {result.office}, sin cambios (ya estaba importado)."
    return (
        f"{file.name}: oficina {result.office} importada: {result.accounts} cuentas, {result.obligations}"
        f" pendientes, {plural(result.entries, 'entrada')} de la bitácora ({result.new_entries} nuevas)."
    )


def show_agenda(ctx: Context, args: argparse.Namespace) -> int:
    # lazy: the parser is built for every command; the handler loads what it uses
    from tui.core.coordination import coordination_agenda, coordination_agenda_json  # lazy: see above

    with _coordination(ctx, args, read_only=True) as coordination:
        at = ctx.clock_arg(args.fecha)
        if args.json:
            text = coordination_agenda_json(coordination, at=at, horizon_days=args.dias, office=args.oficina)
            sys.stdout.write(text + "\n")
            return 0
        result = coordination_agenda(coordination, at=at, horizon_days=args.dias, office=args.oficina)
    print(render_agenda(result))
    return 0


def render_agenda(result: CoordinationAgenda) -> str:
    from policy.clock import format_date  # lazy: the parser is built for every command; the handler loads what it uses
    from policy.codes import Status  # lazy: the parser is built for every command; the handler loads what it uses
    from tui.cli.output import table  # lazy: the parser is built for every command; the handler loads what it uses

    now = result.now
    lines = [
        f"Pendientes de la institución al {format_date(now.date())} {now.strftime('%H:%M')} ·"
        f" {plural(len(result.offices), 'oficina')} · {result.count(Status.OVERDUE)} vencidos,"
        f" {result.count(Status.DUE_SOON)} próximos, en los próximos {result.horizon_days} días"
        f" {result.count(Status.UPCOMING)} más",
        "(cada oficina, según su último paquete importado)",
    ]
    labels = {Status.OVERDUE: "vencido", Status.DUE_SOON: "pronto", Status.UPCOMING: "próximo"}
    for office in result.offices:
        items = [i for i in result.items if i.office == office.code]
        when = f"paquete del {format_date(office.generated_at.date())}" if office.generated_at else "sin paquete"
        lines.append("")
        lines.append(
            f"{office.code} ({when}): {result.count(Status.OVERDUE, office.code)} vencidos,"
            f" {result.count(Status.DUE_SOON, office.code)} próximos"
        )
        if not items:
            lines.append("  Nada pendiente.")
            continue
        rows = [
            [
                labels[i.status],
                i.due[:10],
                i.account_ref or i.person_name or "—",
                i.message,
                f"{i.rule_document} {i.rule_section}".strip(),
            ]
            for i in items
        ]
        lines.append(
            table(
                ["Estado", "Plazo", "Cuenta / persona", "Qué hacer", "Regla"],
                rows,
                wrap=3,
                indent="  ",
                max_widths={2: 26, 4: 22},
            )
        )
    return "\n".join(lines)


def serve_datasette(ctx: Context, args: argparse.Namespace) -> int:
    import importlib.util  # lazy: the parser is built for every command; the handler loads what it uses
    import json  # lazy: the parser is built for every command; the handler loads what it uses
    import subprocess  # lazy: the parser is built for every command; the handler loads what it uses
    import tempfile  # lazy: the parser is built for every command; the handler loads what it uses

    from store import (
        coordination as kept,
    )  # lazy: the parser is built for every command; the handler loads what it uses
    from store.errors import StoreError  # lazy: the parser is built for every command; the handler loads what it uses

    if importlib.util.find_spec("datasette") is None:
        raise StoreError(
            "La vista en el navegador necesita Datasette, que no está instalado. Instálelo con"
            " «pip install 'resguardo[coordinacion]'» (o «pip install datasette») y repita la orden."
        )
    if not 0 < args.puerto < 65536:
        raise StoreError(f"El puerto {args.puerto} no es válido (1 a 65535).")
    path = Path(getattr(args, "db_coordinacion", None) or kept.default_path(ctx.db_path))
    with _coordination(ctx, args, read_only=True):
        pass  # refuses a missing file or one that is not a coordination database
    with tempfile.TemporaryDirectory(prefix="resguardo-datasette-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(kept.datasette_metadata(path.stem), ensure_ascii=False), encoding="utf-8")
        command = [sys.executable, "-m", "tui.datasette_guard", "serve", "-i", str(path), *DATASETTE_OPTIONS]
        command += ["--host", "127.0.0.1", "--port", str(args.puerto), "--metadata", str(metadata)]
        print(f"Datasette (solo lectura) en http://127.0.0.1:{args.puerto}/ — Ctrl+C para terminar.")
        sys.stdout.flush()
        try:
            return subprocess.call(command)
        except KeyboardInterrupt:
            return 0
