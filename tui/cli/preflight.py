"""``resguardo borrador revisar`` (the preflight of a draft post) and the lists it reads:
``resguardo candidatos|palabras|campanas|enlaces agregar|listar|quitar``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from policy.errors import UsageError
from tui.cli.args import subcommands
from tui.cli.output import print_json
from tui.core.preflight import Review, add_to_list, list_entries, remove_from_list, review_draft

if TYPE_CHECKING:
    from tui.cli.context import Context

#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("borrador", "candidatos", "palabras", "campanas", "enlaces")

#: Each list command: its help, what one entry is, and an example.
LIST_COMMANDS: dict[str, tuple[str, str, str]] = {
    "candidatos": (
        "nombres de personas candidatas y precandidatas que la revisión de borradores señala",
        "NOMBRE",
        "«Nombre Apellido»",
    ),
    "palabras": (
        "palabras que la revisión ortográfica acepta (nombres propios, términos de la institución)",
        "PALABRA",
        "«Tlalpan»",
    ),
    "campanas": (
        "hashtags de las campañas de difusión en marcha (IEE Sonora §6.XXIII)",
        "HASHTAG",
        "«#SonoraVota»",
    ),
    "enlaces": (
        "dominios y cuentas oficiales que se pueden enlazar o compartir (además de las cuentas registradas)",
        "ENLACE",
        "«ine.mx» o «x.com/INEMexico»",
    ),
}

SEVERITY_LABELS = {"bloquea": "BLOQUEA", "revisar": "REVISAR", "sugerencia": "SUGERENCIA"}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    draft = commands.add_parser("borrador", parents=[parent], help="revisar un borrador antes de publicarlo")
    sub = subcommands(draft)
    check = sub.add_parser(
        "revisar",
        parents=[parent],
        help="revisa un borrador contra los criterios de contenido de la institución",
        description=(
            "Lee el borrador de ARCHIVO (o de la entrada estándar con «-» o sin ARCHIVO) y lista cada"
            " observación con su gravedad (bloquea, revisar, sugerencia), el texto señalado, qué hacer y la"
            " cláusula que la pide. Sale con 0 si nada bloquea y con 1 si algo bloquea."
        ),
    )
    check.add_argument("archivo", nargs="?", default="-", metavar="ARCHIVO", help="archivo de texto UTF-8, o «-»")
    check.add_argument("--cuenta", metavar="CUENTA", help="id o red/usuario de la cuenta que publicará")
    check.add_argument("--red", metavar="RED", help="red de la publicación (x, facebook, instagram, tiktok, youtube)")
    check.add_argument(
        "--con-imagen", action="store_true", dest="con_imagen", help="la publicación lleva imagen o video"
    )
    check.add_argument("--json", action="store_true", help="salida JSON")
    check.set_defaults(handler=review)

    for name, (help_text, metavar, example) in LIST_COMMANDS.items():
        command = commands.add_parser(name, parents=[parent], help=help_text)
        actions = subcommands(command)
        add = actions.add_parser("agregar", parents=[parent], help=f"agrega {metavar.lower()} a la lista ({example})")
        add.add_argument("valor", metavar=metavar)
        add.set_defaults(handler=add_entry, lista=name)
        listing = actions.add_parser("listar", parents=[parent], help="muestra la lista")
        listing.add_argument("--json", action="store_true", help="salida JSON")
        listing.set_defaults(handler=show_entries, lista=name)
        remove = actions.add_parser("quitar", parents=[parent], help=f"quita {metavar.lower()} de la lista")
        remove.add_argument("valor", metavar=metavar)
        remove.set_defaults(handler=remove_entry, lista=name)


def read_draft(source: str) -> str:
    """The draft's text from a file or standard input (UsageError, in Spanish, when it cannot be read)."""
    if source == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("Indique el ARCHIVO del borrador o envíe el texto por la entrada estándar.")
        try:
            return sys.stdin.read()
        except UnicodeDecodeError:
            raise UsageError("La entrada estándar no es texto UTF-8.") from None
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"No existe el archivo «{source}».") from None
    except IsADirectoryError:
        raise UsageError(f"«{source}» es una carpeta, no un archivo de texto.") from None
    except UnicodeDecodeError:
        raise UsageError(f"El archivo «{source}» no es texto UTF-8.") from None
    except OSError as exc:
        raise UsageError(f"No se pudo leer «{source}»: {exc.strerror or exc}.") from None


def review(ctx: Context, args: argparse.Namespace) -> int:
    text = read_draft(args.archivo)
    result = review_draft(ctx.store, text, account=args.cuenta, network=args.red, with_image=args.con_imagen)
    if args.json:
        print_json(result.as_dict())
    else:
        print_review(result)
    return 1 if result.blocked else 0


def print_review(result: Review) -> None:
    """Each finding (severity, kind, the text it points at, what to do, its clause), then the verdict."""
    for finding in result.findings:
        where = f"caracteres {finding.span.start + 1}–{finding.span.end}" if finding.span.text else "todo el texto"
        shown = f"«{_one_line(finding.span.text)}»" if finding.span.text else ""
        print(f"{SEVERITY_LABELS[finding.severity]:<10}  {finding.kind}  {shown} ({where})".replace("  (", " ("))
        print(f"  {finding.message}")
        rule = finding.rule
        cite = f"{rule.document} {rule.section}".strip()
        print(f"  Regla: {cite}" + (f": «{rule.quote}»" if rule.quote else ""))
    print(result.verdict)


def _one_line(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def add_entry(ctx: Context, args: argparse.Namespace) -> int:
    entry = add_to_list(ctx.store, args.lista, args.valor)
    print(f"Agregado a la lista de {args.lista}: {entry.value}")
    return 0


def show_entries(ctx: Context, args: argparse.Namespace) -> int:
    entries = list_entries(ctx.store, args.lista)
    if args.json:
        print_json(
            [
                {
                    "id": e.id,
                    "value": e.value,
                    "author": e.author,
                    "created_at": e.created_at.isoformat() if e.created_at else None,
                }
                for e in entries
            ]
        )
        return 0
    if not entries:
        print(f"La lista de {args.lista} está vacía.")
        return 0
    for entry in entries:
        print(entry.value)
    return 0


def remove_entry(ctx: Context, args: argparse.Namespace) -> int:
    entry = remove_from_list(ctx.store, args.lista, args.valor)
    print(f"Quitado de la lista de {args.lista}: {entry.value}")
    return 0
