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


#: The largest integer SQLite stores (64 bits): every id and count fits; a larger one cannot exist.
MAX_INT = 2**63 - 1


def _non_negative(text: str) -> int:
    """The integer ``text`` names (any size), ArgumentTypeError unless it is one and not negative."""
    try:
        value = int(text)
    except ValueError:
        body = text.strip()
        digits = body[1:] if body[:1] in ("+", "-") else body
        if not (digits.isascii() and digits.isdigit()):
            raise argparse.ArgumentTypeError(f"se esperaba un número entero, no «{_short(text)}»") from None
        value = -1 if body.startswith("-") else MAX_INT + 1  # more digits than int() converts
    if value < 0:
        raise argparse.ArgumentTypeError(f"se esperaba un número no negativo, no «{_short(text)}»")
    return value


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"


def positive_int(text: str) -> int:
    """A count or an id: 0 up to MAX_INT (a larger number is no record's id)."""
    value = _non_negative(text)
    if value > MAX_INT:
        raise argparse.ArgumentTypeError(f"el número «{_short(text)}» es demasiado grande")
    return value


#: The agenda looks at most ten years ahead (beyond that the dates overflow, and nothing is that far).
MAX_WINDOW_DAYS = 3660


def window_days(text: str) -> int:
    """``--dias``: a look-ahead window, 0 to MAX_WINDOW_DAYS."""
    value = _non_negative(text)
    if value > MAX_WINDOW_DAYS:
        raise argparse.ArgumentTypeError(f"a lo más {MAX_WINDOW_DAYS} días, no «{_short(text)}»")
    return value


def subcommands(
    parser: argparse.ArgumentParser, title: str = "subcomandos"
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """A required group of subcommands (``resguardo cuentas`` alone prints its help)."""
    group = parser.add_subparsers(title=title, metavar="SUBCOMANDO", parser_class=type(parser))
    parser.set_defaults(handler=lambda ctx, args: _print_help(parser))
    return group


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
