"""``resguardo ajustes …``: the profile settings an administrator may change."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from tui.cli.args import subcommands
from tui.cli.output import print_json, table
from tui.core import records

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("ajustes",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    settings = commands.add_parser("ajustes", parents=[parent], help="ajustes editables del perfil")
    sub = subcommands(settings)
    listing = sub.add_parser("listar", parents=[parent], help="muestra los ajustes y su valor vigente")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_settings)
    change = sub.add_parser("fijar", parents=[parent], help="cambia un ajuste del perfil")
    change.add_argument("nombre", metavar="NOMBRE", help="nombre del ajuste (vea «ajustes listar»)")
    change.add_argument("valor", metavar="VALOR", help="nuevo valor («ninguno» deja sin plazo)")
    change.set_defaults(handler=set_setting)
    reset = sub.add_parser("restablecer", parents=[parent], help="vuelve al valor del perfil")
    reset.add_argument("nombre", metavar="NOMBRE")
    reset.set_defaults(handler=reset_setting)


def _show(value: Any) -> str:
    if value is None:
        return "sin plazo"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def list_settings(ctx: Context, args: argparse.Namespace) -> int:
    profile, settings = records.profile_settings(ctx.store)
    if args.json:
        print_json(
            [
                {
                    "name": s.spec.name_es,
                    "key": s.spec.key,
                    "value": s.value,
                    "default": s.default,
                    "overridden": s.overridden,
                    "description": s.spec.description,
                }
                for s in settings
            ]
        )
        return 0
    rows = [
        [
            s.spec.name_es,
            _show(s.value),
            f"(perfil: {_show(s.default)})" if s.overridden else "(perfil)",
            s.spec.description,
        ]
        for s in settings
    ]
    print(f"Ajustes del perfil {profile.short_name}:")
    print(table(["Ajuste", "Valor", "Origen", "Qué es"], rows, wrap=3))
    return 0


def set_setting(ctx: Context, args: argparse.Namespace) -> int:
    setting = records.set_setting(ctx.store, args.nombre, args.valor)
    print(f"Ajuste {setting.spec.name_es} = {_show(setting.value)}.")
    return 0


def reset_setting(ctx: Context, args: argparse.Namespace) -> int:
    setting = records.reset_setting(ctx.store, args.nombre)
    print(f"Ajuste {setting.spec.name_es} vuelve al valor del perfil: {_show(setting.value)}.")
    return 0
