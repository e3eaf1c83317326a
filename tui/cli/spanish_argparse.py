"""argparse speaking Spanish.

argparse builds its messages through ``gettext``; we swap in a small catalogue
so that usage, help and errors read in Spanish, and errors exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import lru_cache
from typing import Any, NoReturn

_CATALOGUE = {
    "usage: ": "uso: ",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "positional arguments": "argumentos",
    "options": "opciones",
    "show this help message and exit": "muestra esta ayuda y termina",
    "unrecognized arguments: %s": "argumentos no reconocidos: %s",
    "not allowed with argument %s": "no se permite junto con el argumento %s",
    "ignored explicit argument %r": "se ignoró el argumento explícito %r",
    "the following arguments are required: %s": "faltan estos argumentos obligatorios: %s",
    "one of the arguments %s is required": "se requiere uno de los argumentos %s",
    "expected one argument": "se esperaba un valor",
    "expected at most one argument": "se esperaba a lo más un valor",
    "expected at least one argument": "se esperaba al menos un valor",
    "ambiguous option: %(option)s could match %(matches)s": "opción ambigua: %(option)s puede ser %(matches)s",
    "unexpected option string: %s": "opción inesperada: %s",
    "invalid %(type)s value: %(value)r": "valor no válido (%(type)s): %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "opción no válida: %(value)r (elija entre %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "subcomando desconocido %(parser_name)r (elija entre: %(choices)s)",
    "can't open '%(filename)s': %(error)s": "no se puede abrir «%(filename)s»: %(error)s",
}


def _translate(message: str) -> str:
    return _CATALOGUE.get(message, message)


def _ntranslate(singular: str, plural: str, count: int) -> str:
    if singular == "expected %s argument":
        return "se esperaba %s valor" if count == 1 else "se esperaban %s valores"
    return singular if count == 1 else plural


def install() -> None:
    """Route argparse's messages through the Spanish catalogue (idempotent)."""
    # type: ignore: argparse's gettext hooks are module globals its stubs do not declare
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = _ntranslate  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _help_width() -> int:
    """The width help text wraps at: ``COLUMNS``, else the terminal's, else 80 (minus a margin)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size().columns
    except (OSError, ValueError):
        columns = 80
    return max(columns - 2, 40)


class SpanishFormatter(argparse.HelpFormatter):
    """argparse's formatter, with the width asked once per process.

    argparse builds a formatter for every ``add_argument`` and each one imports
    ``shutil`` (with zlib, bz2 and lzma) to ask the terminal's size: about 5 ms
    the everyday commands do not need to spend.
    """

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("width", _help_width())
        super().__init__(prog, **kwargs)


class SpanishParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one Spanish line and exit status 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", SpanishFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # passes argparse's own keywords through
        self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def error(self, message: str) -> NoReturn:
        # One line, like every other error of the command line.
        sys.stderr.write(f"{self.prog}: {message} (use «{self.prog} --help» para ver las opciones)\n")
        sys.exit(2)
