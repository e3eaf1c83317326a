"""``resguardo ajustes …``: the profile settings an administrator may change."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from policy.errors import UsageError
from policy.profile import SETTINGS, SETTINGS_BY_NAME, SettingSpec, parse_setting_text
from tui.cli.args import subcommands
from tui.cli.output import print_json, table

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("ajustes",)


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
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


def _spec(name: str) -> SettingSpec:
    spec = SETTINGS_BY_NAME.get(name.strip().lower())
    if spec is None:
        names = ", ".join(s.name_es for s in SETTINGS)
        raise UsageError(f"Ajuste desconocido «{name}». Ajustes: {names}.")
    return spec


def _show(value: Any) -> str:
    if value is None:
        return "sin plazo"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def list_settings(ctx: Context, args: argparse.Namespace) -> int:
    profile = ctx.store.settings.profile()
    if args.json:
        print_json(
            [
                {
                    "name": s.name_es,
                    "key": s.key,
                    "value": getattr(profile.settings, s.key),
                    "default": getattr(profile.defaults, s.key),
                    "overridden": s.key in profile.overrides,
                    "description": s.description,
                }
                for s in SETTINGS
            ]
        )
        return 0
    rows = [
        [
            s.name_es,
            _show(getattr(profile.settings, s.key)),
            "(perfil)" if s.key not in profile.overrides else f"(perfil: {_show(getattr(profile.defaults, s.key))})",
            s.description,
        ]
        for s in SETTINGS
    ]
    print(f"Ajustes del perfil {profile.short_name}:")
    print(table(["Ajuste", "Valor", "Origen", "Qué es"], rows, wrap=3))
    return 0


def set_setting(ctx: Context, args: argparse.Namespace) -> int:
    spec = _spec(args.nombre)
    value = parse_setting_text(spec, args.valor)
    ctx.store.settings.set_override(spec.key, value)
    print(f"Ajuste {spec.name_es} = {_show(value)}.")
    return 0


def reset_setting(ctx: Context, args: argparse.Namespace) -> int:
    spec = _spec(args.nombre)
    store = ctx.store
    store.settings.reset_override(spec.key)
    value = getattr(store.settings.profile().settings, spec.key)
    print(f"Ajuste {spec.name_es} vuelve al valor del perfil: {_show(value)}.")
    return 0
