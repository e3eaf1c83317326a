"""``resguardo incidentes …``: an account operated by unauthorized people or hacked."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.cli.workflows import moment_option, naming_options
from tui.core import incidents as core

if TYPE_CHECKING:
    from store.incidents import Incident
    from tui.cli.context import Context


COMMAND_NAMES = ("incidentes",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    incidents = commands.add_parser(
        "incidentes",
        parents=[parent],
        help="cuentas intervenidas u operadas por personas no autorizadas",
        description=(
            "Abrir un incidente crea la lista de avisos que piden las reglas del perfil; cada aviso pendiente"
            " aparece vencido al principio de «resguardo pendientes» hasta que se marca. Cerrarlo exige una"
            " rotación de contraseña registrada después de la apertura. Todo queda en la bitácora."
        ),
    )
    sub = subcommands(incidents)

    open_ = sub.add_parser("abrir", parents=[parent], help="abre un incidente e imprime su id y sus avisos")
    open_.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    open_.add_argument("--descripcion", required=True, metavar="TEXTO", help="qué ocurrió")
    open_.add_argument(
        "--fecha-hora",
        dest="fecha_hora",
        metavar="FECHA",
        help="cuándo se supo (AAAA-MM-DD o AAAA-MM-DDTHH:MM); por omisión, ahora",
    )
    open_.set_defaults(handler=open_incident)

    notify = sub.add_parser("notificar", parents=[parent], help="marca un aviso como dado")
    notify.add_argument("id", type=positive_int, metavar="ID", help="id del incidente")
    notify.add_argument("destino", metavar="DESTINO", help="a quién se avisó: su nombre (o parte) o su número")
    notify.add_argument("--fecha-hora", dest="fecha_hora", metavar="FECHA", help="cuándo se avisó; por omisión, ahora")
    notify.set_defaults(handler=notify_incident)

    close = sub.add_parser(
        "cerrar",
        parents=[parent],
        help="cierra un incidente (exige una rotación de contraseña posterior a la apertura)",
    )
    close.add_argument("id", type=positive_int, metavar="ID", help="id del incidente")
    close.add_argument(
        "--sin-rotacion",
        dest="sin_rotacion",
        action="store_true",
        help="cerrar aunque no haya rotación registrada (exige --motivo)",
    )
    close.add_argument("--motivo", metavar="TEXTO", help="motivo u observaciones del cierre")
    close.add_argument("--fecha-hora", dest="fecha_hora", metavar="FECHA", help="cuándo se cerró; por omisión, ahora")
    close.set_defaults(handler=close_incident)

    listing = sub.add_parser("listar", parents=[parent], help="lista los incidentes, los más recientes primero")
    listing.add_argument("--abiertos", action="store_true", help="solo los abiertos")
    listing.add_argument("--cuenta", metavar="CUENTA", help="solo los de esta cuenta")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_incidents)


def _moment(ctx: Context, args: argparse.Namespace) -> datetime | None:
    return moment_option(ctx, args.fecha_hora, "fecha y hora")


def _checklist(incident: Incident) -> list[str]:
    lines = []
    for n in incident.notices:
        mark = f"[x] {n.notified_at.strftime('%d/%m/%Y %H:%M')}" if n.notified_at else "[ ] pendiente"
        lines.append(f"  {n.position}. {n.recipient} — {mark}")
    return lines


def open_incident(ctx: Context, args: argparse.Namespace) -> int:
    incident = core.open_incident(ctx.store, args.cuenta, args.descripcion, at=_moment(ctx, args))
    print(f"Incidente {incident.id} abierto en {incident.account}. Notifique cuanto antes a:")
    print("\n".join(_checklist(incident)))
    print(f"Marque cada aviso con «resguardo incidentes notificar {incident.id} DESTINO».")
    return 0


def notify_incident(ctx: Context, args: argparse.Namespace) -> int:
    incident = core.notify_incident(ctx.store, args.id, args.destino, at=_moment(ctx, args))
    pending = incident.pending
    print(f"Aviso registrado en el incidente {incident.id}.")
    print("\n".join(_checklist(incident)))
    if not pending:
        print("Todos los avisos están dados.")
    return 0


def close_incident(ctx: Context, args: argparse.Namespace) -> int:
    with naming_options({"sin_rotacion": "--sin-rotacion --motivo"}):
        incident = core.close_incident(
            ctx.store, args.id, at=_moment(ctx, args), without_rotation=args.sin_rotacion, reason=args.motivo
        )
    print(f"Incidente {incident.id} cerrado.")
    if incident.pending:
        names = ", ".join(n.recipient for n in incident.pending)
        print(f"Atención: siguen pendientes los avisos a {names}; permanecen en «resguardo pendientes».")
    return 0


def incident_json(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.id,
        "account": incident.account,
        "account_id": incident.account_id,
        "description": incident.description,
        "status": "abierto" if incident.is_open else "cerrado",
        "opened_at": incident.opened_at.isoformat(timespec="seconds"),
        "closed_at": incident.closed_at.isoformat(timespec="seconds") if incident.closed_at else None,
        "close_note": incident.close_note,
        "closed_without_rotation": incident.closed_without_rotation,
        "notices": [
            {
                "id": n.id,
                "position": n.position,
                "recipient": n.recipient,
                "notified_at": n.notified_at.isoformat(timespec="seconds") if n.notified_at else None,
            }
            for n in incident.notices
        ],
    }


def list_incidents(ctx: Context, args: argparse.Namespace) -> int:
    incidents = core.incidents(ctx.store, open_only=args.abiertos, account=args.cuenta)
    if args.json:
        print_json([incident_json(i) for i in incidents])
        return 0
    if not incidents:
        print("No hay incidentes registrados." if not args.abiertos else "No hay incidentes abiertos.")
        return 0
    rows = []
    for i in incidents:
        state = f"cerrado {i.closed_at.strftime('%d/%m/%Y')}" if i.closed_at else "abierto"
        done = len(i.notices) - len(i.pending)
        rows.append(
            [i.id, i.opened_at.strftime("%d/%m/%Y %H:%M"), i.account, state, f"{done}/{len(i.notices)}", i.description]
        )
    print(table(["Id", "Abierto", "Cuenta", "Estado", "Avisos", "Descripción"], rows, wrap=5))
    return 0
