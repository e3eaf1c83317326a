"""``resguardo personas …``: the people who administer accounts."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from policy.clock import format_date
from policy.model import Rank
from tui.cli.args import subcommands
from tui.cli.output import print_json, table

if TYPE_CHECKING:
    from tui.cli.context import Context


def register(commands: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    people = commands.add_parser("personas", parents=[parent], help="personas administradoras")
    sub = subcommands(people)

    add = sub.add_parser("agregar", parents=[parent], help="registra una persona e imprime su id")
    add.add_argument("--nombre", required=True, help="nombre completo (único)")
    add.add_argument("--correo", help="correo institucional")
    add.add_argument("--nivel", choices=[r.value for r in Rank], help="nivel del puesto")
    add.set_defaults(handler=add_person)

    edit = sub.add_parser("editar", parents=[parent], help="cambia el correo o el nivel de una persona")
    edit.add_argument("persona", metavar="PERSONA", help="id o nombre exacto")
    edit.add_argument("--correo", help="correo institucional")
    edit.add_argument("--nivel", choices=[r.value for r in Rank], help="nivel del puesto")
    edit.set_defaults(handler=edit_person)

    listing = sub.add_parser("listar", parents=[parent], help="lista las personas con sus cuentas")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_people)


def add_person(ctx: Context, args: argparse.Namespace) -> int:
    person = ctx.store.people.add(name=args.nombre, email=args.correo, rank=args.nivel)
    print(person.id)
    return 0


def edit_person(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    person = store.people.resolve(args.persona)
    if args.correo is None and args.nivel is None:
        from policy.errors import UsageError

        raise UsageError("Indique --correo o --nivel.")
    updated = store.people.update(person.id, email=args.correo, rank=args.nivel)
    print(f"Persona {updated.name} actualizada.")
    return 0


def list_people(ctx: Context, args: argparse.Namespace) -> int:
    store = ctx.store
    people = store.people.list()
    accounts = {a.id: a for a in store.accounts.list()}
    trainings = store.trainings.latest()
    today = ctx.today()
    roles: dict[int, list[str]] = {}
    for item in store.assignments.all():
        if item.active_on(today) and item.account_id in accounts:
            roles.setdefault(item.person_id, []).append(f"{item.role} de {accounts[item.account_id].ref}")
    if args.json:
        print_json([
            {
                "id": p.id, "name": p.name, "email": p.email, "rank": p.rank,
                "roles": roles.get(p.id, []),
                "last_training": trainings[p.id].isoformat() if p.id in trainings else None,
            }
            for p in people
        ])
        return 0
    if not people:
        print("No hay personas registradas. Agregue una con «resguardo personas agregar».")
        return 0
    rows = [
        [p.id, p.name, p.rank or "—", p.email or "—",
         format_date(trainings[p.id]) if p.id in trainings else "—", "; ".join(roles.get(p.id, [])) or "—"]
        for p in people
    ]
    print(table(["Id", "Nombre", "Nivel", "Correo", "Capacitación", "Cuentas"], rows, wrap=5))
    print(f"\n{len(people)} personas.")
    return 0
