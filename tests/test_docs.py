"""docs/cli.md is the command line's reference, rebuilt here from the real parser so it cannot drift.

After changing a command or an option, regenerate it with
``RESGUARDO_REGENERAR_DOCS=1 .venv/bin/python -m pytest tests/test_docs.py`` and commit the result.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

from tui.cli import build_parser

CLI_REFERENCE = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
REGENERATE = "RESGUARDO_REGENERAR_DOCS"

HEADER = """# Referencia de la línea de comandos

Cada comando y subcomando de `resguardo`, con sus opciones. Este archivo se
genera a partir del analizador de argumentos real (`tests/test_docs.py`); no
lo edite a mano. La guía de uso, con ejemplos, está en [guia.md](guia.md).

Todas las órdenes aceptan además `--db RUTA` (la base de datos a usar; por
omisión, `RESGUARDO_DB` o la carpeta de datos del usuario) y `-h`/`--help`.
`resguardo` sin comando abre la mesa de trabajo.

Una `FECHA` se escribe `AAAA-MM-DD` o `dd/mm/aaaa` (también `d/m/aaaa`); una
`FECHA-HORA`, `AAAA-MM-DDTHH:MM` o `dd/mm/aaaa HH:MM`; donde se pide una fecha
y hora, una fecha sola es el inicio de ese día. Es la misma regla que la de los
formularios de la mesa de trabajo.
"""


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(name, help, parser) of each subcommand, in the order they were registered."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def _shown(action: argparse.Action) -> bool:
    return action.help is not argparse.SUPPRESS and not isinstance(
        action, (argparse._HelpAction, argparse._SubParsersAction)
    )


def _common(action: argparse.Action) -> bool:
    return action.option_strings == ["--db"]


def _metavar(action: argparse.Action) -> str:
    if action.metavar is not None:
        return action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    if action.choices is not None:
        return "{" + ",".join(str(choice) for choice in action.choices) + "}"
    return action.dest if not action.option_strings else action.dest.upper()


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _usage_part(action: argparse.Action) -> str:
    if not action.option_strings:
        metavar = _metavar(action)
        if action.nargs == "?":
            return f"[{metavar}]"
        if action.nargs in ("*", "+"):
            return f"{metavar} [{metavar} ...]" if action.nargs == "+" else f"[{metavar} ...]"
        return metavar
    text = action.option_strings[0]
    if _takes_value(action):
        text += f" {_metavar(action)}"
    return text if action.required else f"[{text}]"


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    formatter = parser._get_formatter()
    return " ".join(formatter._expand_help(action).split()) if action.help else ""


def _leaf(path: list[str], summary: str, parser: argparse.ArgumentParser) -> list[str]:
    actions = [action for action in parser._actions if _shown(action) and not _common(action)]
    usage = " ".join(["resguardo", *path, *(_usage_part(action) for action in actions)])
    level = "##" if len(path) == 1 else "###"  # a top-level command without subcommands
    lines = [f"{level} `resguardo {' '.join(path)}`", ""]
    description = " ".join((parser.description or summary or "").split())
    if description:
        lines += [description, ""]
    lines += ["```text", usage, "```", ""]
    arguments = [action for action in actions if not action.option_strings]
    options = [action for action in actions if action.option_strings]
    if arguments:
        lines += ["Argumentos:", ""]
        lines += [f"- `{_metavar(action)}`: {_help(parser, action)}".rstrip(": ") for action in arguments]
        lines.append("")
    if options:
        lines += ["Opciones:", ""]
        for action in options:
            names = ", ".join(action.option_strings)
            if _takes_value(action):
                names += f" {_metavar(action)}"
            lines.append(f"- `{names}`: {_help(parser, action)}".rstrip(": "))
        lines.append("")
    return lines


def _walk(path: list[str], summary: str, parser: argparse.ArgumentParser) -> list[str]:
    children = list(_subparsers(parser))
    if not children:
        return _leaf(path, summary, parser)
    lines: list[str] = []
    if len(path) == 1:
        lines += [f"## `resguardo {path[0]}`", ""]
        if summary:
            lines += [" ".join(summary.split()), ""]
    for name, help_text, sub in children:
        lines += _walk([*path, name], help_text, sub)
    return lines


def cli_reference() -> str:
    """The text of docs/cli.md, as the current parser defines the commands."""
    lines = HEADER.splitlines() + [""]
    for name, help_text, sub in _subparsers(build_parser([])):
        lines += _walk([name], help_text, sub)
    return "\n".join(lines).rstrip("\n") + "\n"


def test_the_cli_reference_matches_the_parser() -> None:
    expected = cli_reference()
    if os.environ.get(REGENERATE):
        CLI_REFERENCE.write_text(expected, encoding="utf-8", newline="\n")
    current = CLI_REFERENCE.read_text(encoding="utf-8") if CLI_REFERENCE.exists() else ""
    assert current == expected, (
        "docs/cli.md no longer matches the command line's parser; regenerate it with "
        f"`{REGENERATE}=1 .venv/bin/python -m pytest tests/test_docs.py` and commit the result"
    )


def test_the_reference_has_an_entry_for_every_command() -> None:
    reference = cli_reference()
    for name, _help_text, sub in _subparsers(build_parser([])):
        assert f"`resguardo {name}" in reference, name
        for child, _child_help, _parser in _subparsers(sub):
            # a group of subcommands (``coordinacion oficinas``) has the headings of its own subcommands
            assert f"### `resguardo {name} {child}`" in reference or f"### `resguardo {name} {child} " in reference, (
                name,
                child,
            )
    fijar = reference.split("### `resguardo credencial fijar`", 1)[1].split("\n### ", 1)[0]
    assert "resguardo credencial fijar " in fijar and "- `CUENTA`" in fijar and "- `--motivo " in fijar
