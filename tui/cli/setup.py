"""``resguardo iniciar`` and ``resguardo demo``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from policy.profile import PROFILE_IDS, load_profile
from store.errors import ConflictError

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("iniciar", "demo")


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
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
    demo.set_defaults(handler=load_demo, creates_database=True)


def prepare_calendar(ctx: Context, profile_id: str) -> None:
    """Materialize the official holidays now, so that everyday commands never pay for it."""
    from store.state import calendar_years

    first, last = calendar_years(load_profile(profile_id), ctx.now())
    ctx.store.calendar.ensure_years(first, last + 1)


def initialize(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    current = store.settings.profile_id
    if current == args.perfil:
        print(f"La base de datos ya usa el perfil {args.perfil}: {store.path}")
        return 0
    if current is not None and not args.cambiar:
        raise ConflictError(f"La base de datos ya usa el perfil {current}; para cambiarlo use «--cambiar».")
    store.settings.set_profile(args.perfil)
    prepare_calendar(ctx, args.perfil)
    profile = load_profile(args.perfil)
    print(f"Perfil {profile.short_name} ({profile.name}) listo en {store.path}")
    return 0


def load_demo(ctx: Context, args: argparse.Namespace) -> int:
    from store.demo import build_demo

    store = ctx.store
    summary = build_demo(store, args.perfil, ctx.now())
    prepare_calendar(ctx, args.perfil)
    print(
        f"Institución de ejemplo cargada ({summary['profile']}): {summary['accounts']} cuentas,"
        f" {summary['people']} personas, {summary['rotations']} rotaciones. Base: {store.path}"
    )
    print("Vea la agenda con: resguardo pendientes")
    return 0
