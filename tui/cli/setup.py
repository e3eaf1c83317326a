"""``resguardo iniciar`` and ``resguardo demo``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from policy.labels import counted
from policy.profile import PROFILE_IDS
from store.errors import ConflictError
from tui.core.setup import NotEmptyError, ProfileInUseError, choose_profile, load_demo

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("iniciar", "demo")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    start = commands.add_parser(
        "iniciar",
        parents=[parent],
        help="crea la base de datos y elige el perfil de la institución",
        description="Crea la base de datos (si no existe) y elige el perfil de reglas de la institución.",
    )
    start.add_argument("--perfil", required=True, choices=PROFILE_IDS, help="perfil de la institución")
    start.add_argument("--cambiar", action="store_true", help="cambia el perfil de una base ya iniciada")
    start.set_defaults(handler=initialize, creates_database=True)

    demo = commands.add_parser(
        "demo",
        parents=[parent],
        help="llena una base vacía con una institución de ejemplo",
        description="Llena una base de datos vacía con una institución de ejemplo realista.",
    )
    demo.add_argument("--perfil", choices=PROFILE_IDS, default="iecm", help="perfil (por omisión iecm)")
    demo.set_defaults(handler=fill_with_demo, creates_database=True)


def initialize(ctx: Context, args: argparse.Namespace) -> int:
    try:
        chosen = choose_profile(ctx.store, args.perfil, change=args.cambiar)
    except ProfileInUseError as exc:
        raise ConflictError(
            f"La base de datos ya usa el perfil {exc.current}; para cambiarlo use «--cambiar»."
        ) from None
    if chosen.unchanged:
        print(f"La base de datos ya usa el perfil {args.perfil}: {chosen.path}")
        return 0
    profile = chosen.profile
    print(f"Perfil {profile.short_name} ({profile.name}) listo en {chosen.path}")
    return 0


def fill_with_demo(ctx: Context, args: argparse.Namespace) -> int:
    try:
        demo = load_demo(ctx.store, args.perfil)
    except NotEmptyError as exc:
        raise ConflictError(f"{exc.message.removesuffix('.')} (use --db con otra ruta).") from None
    print(
        f"Institución de ejemplo cargada ({demo.profile.short_name}): {counted(demo.accounts, 'cuenta', 'cuentas')},"
        f" {counted(demo.people, 'persona', 'personas')}, {counted(demo.rotations, 'rotación', 'rotaciones')}. Base: {demo.path}"
    )
    print("Vea la agenda con: resguardo pendientes")
    return 0
