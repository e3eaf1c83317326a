"""``resguardo personas …``: the people who administer accounts."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING

from policy.clock import format_date
from policy.codes import ChangeReason, Kind, Rank
from policy.errors import UsageError
from policy.labels import CHANGE_REASON_LABELS, counted, leaves_phrase, rank_label
from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.cli.workflows import day_option
from tui.core import records, workflows

if TYPE_CHECKING:
    from tui.cli.context import Context


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("personas",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
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

    change = sub.add_parser(
        "cambio",
        parents=[parent],
        help="registra que una persona deja de administrar (definitiva o temporalmente)",
        description=(
            "Termina las asignaciones de la persona desde --desde (su primer día fuera). Con --hasta"
            " (vacaciones, salud, otro) las suspende: vuelven solas al día siguiente de --hasta."
        ),
    )
    change.add_argument("persona", metavar="PERSONA", help="id o nombre exacto")
    change.add_argument("--motivo", required=True, choices=[r.value for r in ChangeReason], help="motivo del cambio")
    change.add_argument("--desde", metavar="FECHA", help="primer día sin administrar (por omisión hoy)")
    change.add_argument("--hasta", metavar="FECHA", help="último día de la ausencia, si es temporal")
    change.add_argument("--nota", help="observaciones")
    change.set_defaults(handler=record_change)

    notice = sub.add_parser("avisar", parents=[parent], help="registra que se avisó un cambio de administración")
    notice.add_argument("cambio", type=positive_int, metavar="CAMBIO", help="id del cambio")
    notice.add_argument("--fecha", metavar="FECHA", help="fecha del aviso (por omisión hoy)")
    notice.add_argument("--oficio", metavar="REF", help="referencia del oficio o correo")
    notice.set_defaults(handler=notify_change)

    changes = sub.add_parser("cambios", parents=[parent], help="lista los cambios de administración")
    changes.add_argument("--json", action="store_true", help="salida JSON (cada objeto lleva su id)")
    changes.set_defaults(handler=list_changes)

    document = sub.add_parser(
        "documento",
        parents=[parent],
        help="registra el formulario de designación o la responsiva firmados (INE)",
    )
    document.add_argument("persona", metavar="PERSONA", help="id o nombre exacto")
    document.add_argument("--tipo", required=True, choices=["formulario", "responsiva"], help="qué documento")
    document.add_argument("--fecha", metavar="FECHA", help="fecha de firma (por omisión hoy)")
    document.add_argument("--referencia", metavar="REF", help="folio u oficio")
    document.set_defaults(handler=record_document)


def add_person(ctx: Context, args: argparse.Namespace) -> int:
    print(records.add_person(ctx.store, name=args.nombre, email=args.correo, rank=args.nivel).id)
    return 0


def edit_person(ctx: Context, args: argparse.Namespace) -> int:
    if args.correo is None and args.nivel is None:
        raise UsageError("Indique --correo o --nivel.")
    updated = records.edit_person(ctx.store, args.persona, email=args.correo, rank=args.nivel)
    print(f"Persona {updated.name} actualizada.")
    return 0


def list_people(ctx: Context, args: argparse.Namespace) -> int:
    people = records.institution(ctx.store).people
    if args.json:
        print_json(
            [
                {
                    "id": row.person.id,
                    "name": row.person.name,
                    "email": row.person.email,
                    "rank": row.person.rank,
                    "roles": list(row.current_roles),
                    "last_training": row.last_training.isoformat() if row.last_training else None,
                }
                for row in people
            ]
        )
        return 0
    if not people:
        print("No hay personas registradas. Agregue una con «resguardo personas agregar».")
        return 0
    rows = [
        [
            row.person.id,
            row.person.name,
            rank_label(row.person.rank),
            row.person.email or "—",
            format_date(row.last_training) if row.last_training else "—",
            "; ".join(row.current_roles) or "—",
        ]
        for row in people
    ]
    print(table(["Id", "Nombre", "Nivel", "Correo", "Capacitación", "Cuentas"], rows, wrap=5))
    print(f"\n{counted(len(people), 'persona', 'personas')}.")
    return 0


def record_change(ctx: Context, args: argparse.Namespace) -> int:
    change, person, accounts, notice, rotation_due, roles = workflows.record_admin_change(
        ctx.store,
        args.persona,
        args.motivo,
        start=day_option(args.desde, "fecha --desde"),
        until=day_option(args.hasta, "fecha --hasta"),
        note=args.nota,
    )
    refs = ", ".join(accounts)
    print(change.id)
    if change.until is None:
        print(
            f"{person.name} {leaves_phrase(change.start - timedelta(days=1), ctx.store.now().date())} administrar"
            f" {refs} el {format_date(change.start - timedelta(days=1))} (su último día)"
            f" ({CHANGE_REASON_LABELS[change.reason]})."
        )
    else:
        print(
            f"{person.name} no administra {refs} del {format_date(change.start)} al {format_date(change.until)}"
            f" ({CHANGE_REASON_LABELS[change.reason]}); vuelve el día siguiente sin más trámite."
        )
    if notice is not None:
        office, clause = notice
        print(f"Avise del cambio ({office}; {clause}); registre el aviso con «resguardo personas avisar {change.id}».")
    if rotation_due:
        print("Según el perfil, la contraseña debe cambiarse ya (con la UTCSyD): la rotación queda vencida.")
    else:
        print("Se recomienda rotar la contraseña de esas cuentas.")
    print(f"Si la cuenta queda sin {' o '.join(roles)}, la agenda lo mostrará como vencido.")
    return 0


def notify_change(ctx: Context, args: argparse.Namespace) -> int:
    change = workflows.notify_admin_change(
        ctx.store, args.cambio, on=day_option(args.fecha, "fecha del aviso"), reference=args.oficio
    )
    assert change.notified_on is not None
    print(f"Aviso del cambio {change.id} registrado el {format_date(change.notified_on)}.")
    return 0


def list_changes(ctx: Context, args: argparse.Namespace) -> int:
    views = workflows.admin_changes(ctx.store)
    if args.json:
        print_json(
            [
                {
                    "id": c.id,
                    "person": person,
                    "person_id": c.person_id,
                    "reason": c.reason,
                    "start": c.start.isoformat(),
                    "until": c.until.isoformat() if c.until else None,
                    "accounts": accounts,
                    "account_ids": list(c.account_ids),
                    "notified_on": c.notified_on.isoformat() if c.notified_on else None,
                    "author": c.author,
                }
                for c, person, accounts in views
            ]
        )
        return 0
    if not views:
        print("No hay cambios de administración registrados.")
        return 0
    print(
        table(
            ["Id", "Persona", "Motivo", "Desde", "Hasta", "Cuentas", "Aviso"],
            [
                [
                    c.id,
                    person or "?",
                    CHANGE_REASON_LABELS.get(c.reason, c.reason),
                    format_date(c.start),
                    format_date(c.until) if c.until else "—",
                    ", ".join(ref or "?" for ref in accounts),
                    format_date(c.notified_on) if c.notified_on else "pendiente",
                ]
                for c, person, accounts in views
            ],
            wrap=5,
        )
    )
    return 0


_DOCUMENT_KINDS = {"formulario": Kind.DESIGNATION_FORM, "responsiva": Kind.RESPONSIVA}


def record_document(ctx: Context, args: argparse.Namespace) -> int:
    done = workflows.record_person_document(
        ctx.store,
        args.persona,
        _DOCUMENT_KINDS[args.tipo],
        on=day_option(args.fecha, "fecha de firma"),
        reference=args.referencia,
    )
    label = "Formulario de designación" if done.kind == Kind.DESIGNATION_FORM else "Responsiva"
    print(f"{label} de {done.person.name} registrado, firmado el {format_date(done.on)}.")
    return 0
