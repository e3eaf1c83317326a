"""The ``resguardo`` command line. Spanish for the user; never imports Textual.

Each area registers its subcommands from its own module (see ``COMMAND_MODULES``);
handlers receive a Context and the parsed arguments and return an exit status.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from policy.errors import ResguardoError
from store.errors import os_error_text
from tui.cli.context import Context
from tui.cli.spanish_argparse import SpanishFormatter, SpanishParser, install
from tui.clock import system_now

#: Each command word and the module that registers it. Only the invoked
#: command's module is imported (importing them all costs ~60 ms, which
#: ``bitacora agregar|buscar`` and ``pendientes`` cannot afford); help, a typo
#: or no command load them all. Each module also lists its words in
#: ``COMMAND_NAMES`` (a test checks the two agree).
COMMANDS: dict[str, str] = {
    "iniciar": "tui.cli.setup",
    "demo": "tui.cli.setup",
    "cuentas": "tui.cli.accounts",
    "personas": "tui.cli.people",
    "rotaciones": "tui.cli.history",
    "evaluaciones": "tui.cli.history",
    "capacitaciones": "tui.cli.history",
    "inhabiles": "tui.cli.calendar",
    "procesos": "tui.cli.calendar",
    "pendientes": "tui.cli.agenda",
    "consultas": "tui.cli.workflows",
    "solicitudes": "tui.cli.workflows",
    "aperturas": "tui.cli.workflows",
    "bajas": "tui.cli.workflows",
    "dispensas": "tui.cli.waivers",
    "avisos": "tui.cli.waivers",
    "credencial": "tui.cli.credentials",
    "llavero": "tui.cli.credentials",
    "bitacora": "tui.cli.bitacora",
    "incidentes": "tui.cli.incidents",
    "deberes": "tui.cli.duties",
    "mensajes": "tui.cli.duties",
    "asuntos": "tui.cli.duties",
    "retiros": "tui.cli.duties",
    "importar": "tui.cli.transfer",
    "exportar": "tui.cli.transfer",
    "ajustes": "tui.cli.settings",
    "respaldo": "tui.cli.backup",
    "borrador": "tui.cli.preflight",
    "candidatos": "tui.cli.preflight",
    "palabras": "tui.cli.preflight",
    "campanas": "tui.cli.preflight",
    "enlaces": "tui.cli.preflight",
    "paquete": "tui.cli.coordination",
    "coordinacion": "tui.cli.coordination",
    "informe": "tui.cli.reports",
    "calendario": "tui.cli.reports",
}

COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))

DESCRIPTION = (
    "resguardo: la revisión diaria de las cuentas institucionales en redes sociales:"
    " qué está vencido, qué vence pronto y por qué (la cláusula). Sin COMANDO abre la mesa de trabajo."
)


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts, so they may follow the command (``pendientes --db X``)."""
    parent = argparse.ArgumentParser(add_help=False, formatter_class=SpanishFormatter)
    parent.add_argument(
        "--db",
        metavar="RUTA",
        default=argparse.SUPPRESS,
        help="base de datos a usar (por omisión, RESGUARDO_DB o la carpeta de datos del usuario)",
    )
    return parent


def _command_name(argv: Sequence[str] | None) -> str | None:
    """The command word of ``argv`` (skipping ``--db RUTA``), or None."""
    skip = False
    for token in argv or ():
        if skip:
            skip = False
            continue
        if token == "--db":
            skip = True
            continue
        if token.startswith("-"):
            continue
        return token
    return None


def build_parser(argv: Sequence[str] | None = None) -> SpanishParser:
    """The parser; given ``argv`` naming a known command, only that command's module is loaded."""
    install()
    parser = SpanishParser(prog="resguardo", description=DESCRIPTION)
    parser.add_argument("--db", metavar="RUTA", help="base de datos a usar")
    parser.add_argument(
        "--coordinacion",
        action="store_true",
        help="abre la mesa de coordinación (solo lectura) sobre la base de coordinación",
    )
    commands = parser.add_subparsers(title="comandos", metavar="COMANDO", parser_class=SpanishParser)
    parent = common_options()
    command = _command_name(argv)
    owner = COMMANDS.get(command or "")
    for name in (owner,) if owner else COMMAND_MODULES:
        importlib.import_module(name).register(commands, parent)
    return parser


def _configure_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change keeps its own
                reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 refused or failed, 2 usage)."""
    _configure_streams()
    arguments = list(sys.argv[1:] if argv is None else argv)
    problem = _unreadable_argument(arguments)
    if problem:
        sys.stderr.write(f"resguardo: {problem}\n")
        return 2
    if _workbench_only(arguments):
        # no command: skip building the parser (~40 ms of imports) on the way to the first frame
        db = arguments[1] if len(arguments) == 2 else (arguments[0].partition("=")[2] if arguments else None)
        return _open_workbench(db or None)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None and getattr(args, "coordinacion", False):
        from tui.cli.coordination import open_workbench  # lazy: only the coordination office opens it

        handler = open_workbench
    if handler is None:
        return _open_workbench(args.db)
    ctx: Context | None = None
    try:
        ctx = Context(args)
        return int(handler(ctx, args) or 0)
    except ResguardoError as exc:
        sys.stderr.write(f"resguardo: {exc.message}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("resguardo: interrumpido; no se guardó la operación en curso.\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the system refused (a full disk, a name too long…): say what, in Spanish
        if os.environ.get("RESGUARDO_DEBUG"):
            raise
        where = f" ({exc.filename})" if isinstance(exc.filename, str) else ""
        sys.stderr.write(f"resguardo: el sistema no permitió la operación: {os_error_text(exc)}{where}.\n")
        return 1
    except Exception as exc:  # a bug: one Spanish line, the traceback only on request
        if os.environ.get("RESGUARDO_DEBUG"):
            raise
        sys.stderr.write(
            f"resguardo: error inesperado ({type(exc).__name__}: {exc})."
            " Ejecute de nuevo con RESGUARDO_DEBUG=1 para ver el detalle.\n"
        )
        return 1
    finally:
        if ctx is not None:
            ctx.close()


def _unreadable_argument(arguments: list[str]) -> str | None:
    """A Spanish sentence about the first argument that is not text, or None.

    On POSIX an argument is bytes: those that are not UTF-8 reach Python as lone
    surrogates (``os.fsdecode``), which no text field, SQLite or the terminal can take.
    """
    for argument in arguments:
        if "\x00" in argument:
            return "un argumento contiene un carácter nulo; escríbalo de nuevo."
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in argument)
            return (
                f"el argumento «{shown}» no es texto UTF-8 válido (la terminal envió otra codificación);"
                " escríbalo de nuevo."
            )
    return None


def _workbench_only(arguments: list[str]) -> bool:
    """True for ``resguardo``, ``resguardo --db RUTA`` and ``resguardo --db=RUTA``."""
    if not arguments:
        return True
    if len(arguments) == 1:
        return arguments[0].startswith("--db=") and len(arguments[0]) > 5
    return len(arguments) == 2 and arguments[0] == "--db" and not arguments[1].startswith("-")


def _open_workbench(db_path: str | None) -> int:
    """``resguardo`` with no command opens the Textual workbench (imported only here)."""
    from tui.workspace import Workspace  # lazy: the workbench's entry point, no command needs it

    try:
        workspace = Workspace(db_path, system_now)
        # Read what the first frame shows before importing Textual: done here, it
        # does not compete for the GIL with Textual's start-up (a worker did, and
        # SQLite's per-row GIL release made it several times slower).
        preloaded = workspace.startup()
        from tui.app import run_workbench  # lazy: Textual costs ~250 ms and no command needs it
    except ImportError as exc:  # an install without the interface's dependencies
        sys.stderr.write(f"resguardo: no se pudo cargar la interfaz ({exc}). Use «resguardo --help».\n")
        return 1
    except ResguardoError as exc:
        sys.stderr.write(f"resguardo: {exc.message}\n")
        return exc.exit_code
    try:
        return run_workbench(db_path, workspace, preloaded)
    except ResguardoError as exc:
        sys.stderr.write(f"resguardo: {exc.message}\n")
        return exc.exit_code


#: Commands that only read and print, run without the cyclic garbage collector (tens
#: of thousands of acyclic records it would only rescan; reference counting still
#: frees them). Once their output is flushed and the database closed (``main`` does
#: it), the process ends without the interpreter's teardown: freeing every module and
#: the records of a large institution's agenda costs ~15 ms of ``pendientes``' 250 ms.
QUICK_EXIT_COMMANDS = frozenset({"pendientes"})


def run() -> None:
    """Console-script entry point."""
    quick = _command_name(sys.argv[1:]) in QUICK_EXIT_COMMANDS
    if quick:
        gc.disable()  # a short read without reference cycles: the collector would only rescan
    code = main()
    if quick:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing left to say
                stream.flush()
        os._exit(code)
    sys.exit(code)
