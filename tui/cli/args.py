"""Argument types shared by the command modules."""

from __future__ import annotations

import argparse

_YES = {"si", "sí", "s", "1", "verdadero", "true", "yes", "x"}
_NO = {"no", "n", "0", "falso", "false"}


def yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise argparse.ArgumentTypeError(f"se esperaba «sí» o «no», no «{text}»")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"se esperaba un número entero, no «{text}»") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"se esperaba un número no negativo, no «{text}»")
    return value


#: The agenda looks at most ten years ahead (beyond that the dates overflow, and nothing is that far).
MAX_WINDOW_DAYS = 3660


def window_days(text: str) -> int:
    """``--dias``: a look-ahead window, 0 to MAX_WINDOW_DAYS."""
    value = positive_int(text)
    if value > MAX_WINDOW_DAYS:
        raise argparse.ArgumentTypeError(f"a lo más {MAX_WINDOW_DAYS} días, no «{text}»")
    return value


def subcommands(parser: argparse.ArgumentParser, title: str = "subcomandos") -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """A required group of subcommands (``resguardo cuentas`` alone prints its help)."""
    group = parser.add_subparsers(title=title, metavar="SUBCOMANDO", parser_class=type(parser))
    parser.set_defaults(handler=lambda ctx, args: _print_help(parser))
    return group


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
