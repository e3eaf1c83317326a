"""The ``resguardo`` command line. Spanish for the user; never imports Textual.

Each area registers its subcommands from its own module (see ``COMMAND_MODULES``);
handlers receive a Context and the parsed arguments and return an exit status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from policy.errors import ResguardoError
from tui.cli.spanish_argparse import SpanishParser, install

COMMAND_MODULES = (
    "tui.cli.setup",
    "tui.cli.accounts",
    "tui.cli.people",
    "tui.cli.history",
    "tui.cli.calendar",
    "tui.cli.agenda",
    "tui.cli.transfer",
    "tui.cli.settings",
)

DESCRIPTION = (
    "resguardo: la revisión diaria de las cuentas institucionales en redes sociales:"
    " qué está vencido, qué vence pronto y por qué (la cláusula). Sin COMANDO abre la mesa de trabajo."
)


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand accepts, so they may follow the command (``pendientes --db X``)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db", metavar="RUTA", default=argparse.SUPPRESS,
        help="base de datos a usar (por omisión, RESGUARDO_DB o la carpeta de datos del usuario)",
    )
    return parent


def build_parser() -> SpanishParser:
    install()
    parser = SpanishParser(prog="resguardo", description=DESCRIPTION)
    parser.add_argument("--db", metavar="RUTA", help="base de datos a usar")
    commands = parser.add_subparsers(title="comandos", metavar="COMANDO", parser_class=SpanishParser)
    parent = common_options()
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, parent)
    return parser


def _configure_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            try:
                reconfigure(encoding="utf-8")
            except (ValueError, OSError):  # a stream that cannot change: keep what it has
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 refused or failed, 2 usage)."""
    _configure_streams()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _workbench_only(arguments):
        # no command: skip building the parser (~40 ms of imports) on the way to the first frame
        db = arguments[1] if len(arguments) == 2 else (arguments[0].partition("=")[2] if arguments else None)
        return _open_workbench(db or None)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        return _open_workbench(args.db)
    from tui.cli.context import Context

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


def _workbench_only(arguments: list[str]) -> bool:
    """True for ``resguardo``, ``resguardo --db RUTA`` and ``resguardo --db=RUTA``."""
    if not arguments:
        return True
    if len(arguments) == 1:
        return arguments[0].startswith("--db=") and len(arguments[0]) > 5
    return len(arguments) == 2 and arguments[0] == "--db" and not arguments[1].startswith("-")


def _open_workbench(db_path: str | None) -> int:
    """``resguardo`` with no command opens the Textual workbench (imported only here)."""
    from tui.cli.context import system_now
    from tui.workspace import Workspace

    try:
        workspace = Workspace(db_path, system_now)
        # Read what the first frame shows before importing Textual: done here, it
        # does not compete for the GIL with Textual's start-up (a worker did, and
        # SQLite's per-row GIL release made it several times slower).
        preloaded = workspace.startup()
        from tui.app import run_workbench  # deferred: Textual costs ~250 ms and no command needs it
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


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
