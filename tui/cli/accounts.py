"""``resguardo cuentas …``: register, list, show, edit and staff the accounts."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from policy.clock import format_date, local, parse_date
from policy.codes import AccountStatus, Network, Role, Verification
from policy.errors import ConflictError, UsageError
from policy.institution import RoleTaken
from policy.labels import SECOND_FACTOR_LABELS, counted, leaves_phrase, office_with_article
from policy.records import Account, AdminChange
from policy.rows import agenda_rows
from tui.cli.agenda import render_agenda, row_json
from tui.cli.args import subcommands, yes_no
from tui.cli.output import print_json, table
from tui.cli.output import yes_no as si_no
from tui.core import records
from tui.core.records import AccountDetail, AccountFields

if TYPE_CHECKING:
    from tui.cli.context import Context

ROLE_CHOICES = [r.value for r in Role]


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("cuentas",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    accounts = commands.add_parser("cuentas", parents=[parent], help="cuentas institucionales en redes sociales")
    sub = subcommands(accounts)

    add = sub.add_parser("agregar", parents=[parent], help="registra una cuenta e imprime su id")
    add.add_argument("--red", required=True, choices=[n.value for n in Network], help="red social")
    add.add_argument("--usuario", required=True, help="nombre de usuario en la red (p. ej. @INEMexico)")
    _account_fields(add)
    add.add_argument(
        "--estado",
        choices=[s.value for s in AccountStatus],
        default=AccountStatus.ACTIVE,
        help="estado de la cuenta (por omisión activa)",
    )
    add.set_defaults(handler=add_account)

    edit = sub.add_parser("editar", parents=[parent], help="cambia datos de una cuenta")
    edit.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    edit.add_argument("--usuario", help="nuevo nombre de usuario")
    _account_fields(edit, editing=True)
    edit.add_argument("--estado", choices=[s.value for s in AccountStatus], help="nuevo estado")
    edit.set_defaults(handler=edit_account)

    listing = sub.add_parser("listar", parents=[parent], help="lista las cuentas")
    listing.add_argument("--json", action="store_true", help="salida JSON")
    listing.set_defaults(handler=list_accounts)

    show = sub.add_parser(
        "mostrar",
        parents=[parent],
        help="muestra una cuenta: administración, credencial, bitácora y pendientes",
        description="Muestra los datos de la cuenta, quién la administra, el estado de su contraseña"
        " (fuerza, fecha, segundo factor; nunca la contraseña), sus últimas 5 entradas de la"
        " bitácora y sus pendientes.",
    )
    show.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    show.add_argument("--json", action="store_true", help="salida JSON")
    show.set_defaults(handler=show_account)

    assign = sub.add_parser("asignar", parents=[parent], help="asigna una persona a una cuenta con un rol")
    assign.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    assign.add_argument("persona", metavar="PERSONA", help="id o nombre exacto")
    assign.add_argument("--rol", required=True, choices=ROLE_CHOICES, help="rol en la cuenta")
    assign.add_argument("--desde", metavar="FECHA", help="fecha de inicio (AAAA-MM-DD, por omisión hoy)")
    assign.set_defaults(handler=assign_person)

    unassign = sub.add_parser("desasignar", parents=[parent], help="termina la asignación de una persona")
    unassign.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    unassign.add_argument("persona", metavar="PERSONA", help="id o nombre exacto")
    unassign.add_argument("--fecha", metavar="FECHA", help="último día en el rol (por omisión hoy)")
    unassign.set_defaults(handler=unassign_person)

    holder = sub.add_parser(
        "cambio-titular",
        parents=[parent],
        help="registra un cambio de titular de la cuenta (la persona titular del área): el aviso a la CNCS (INE)"
        " o a la Subdirección de Comunicación Social (IEE Sonora)",
    )
    holder.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    holder.add_argument("nombre", metavar="NOMBRE", help="la nueva persona titular")
    holder.add_argument("--fecha", metavar="FECHA", help="desde cuándo (AAAA-MM-DD); por omisión, hoy")
    holder.set_defaults(handler=change_holder)


def _account_fields(parser: argparse.ArgumentParser, editing: bool = False) -> None:
    parser.add_argument("--area", help="área responsable")
    parser.add_argument("--correo", help="correo electrónico asociado a la cuenta")
    generic = parser.add_mutually_exclusive_group()
    generic.add_argument(
        "--correo-generico",
        dest="correo_generico",
        action="store_const",
        const=True,
        default=None,
        help="el correo es una dirección genérica institucional",
    )
    generic.add_argument(
        "--correo-personal",
        dest="correo_generico",
        action="store_const",
        const=False,
        help="el correo es de una persona (no genérico)",
    )
    parser.add_argument("--telefono", help="teléfono asociado")
    parser.add_argument("--url", help="dirección de la cuenta")
    parser.add_argument("--verificacion", choices=[v.value for v in Verification], help="estado de la verificación")
    parser.add_argument("--publica", type=yes_no, metavar="SÍ|NO", help="la cuenta es pública")
    parser.add_argument(
        "--mensajes-privados",
        dest="mensajes_privados",
        type=yes_no,
        metavar="SÍ|NO",
        help="la cuenta recibe mensajes privados",
    )
    parser.add_argument("--apertura", metavar="FECHA", help="fecha en que se abrió la cuenta (AAAA-MM-DD)")


def _fields_from(ctx: Context, args: argparse.Namespace) -> AccountFields:
    mapping = {
        "area": "area",
        "correo": "email",
        "telefono": "phone",
        "url": "url",
        "verificacion": "verification",
        "publica": "public",
        "mensajes_privados": "private_messages",
        "correo_generico": "email_generic",
        "estado": "status",
        "usuario": "handle",
    }
    fields: dict[str, object] = {
        target: getattr(args, source) for source, target in mapping.items() if getattr(args, source, None) is not None
    }
    if args.apertura is not None:
        fields["opened_on"] = parse_date(args.apertura, "fecha de apertura")
    return cast(AccountFields, fields)


def add_account(ctx: Context, args: argparse.Namespace) -> int:
    fields = _fields_from(ctx, args)
    fields["network"] = args.red
    print(records.add_account(ctx.store, fields).id)
    return 0


def edit_account(ctx: Context, args: argparse.Namespace) -> int:
    fields = _fields_from(ctx, args)
    if not fields:
        raise UsageError("Indique al menos un dato que cambiar (vea «resguardo cuentas editar --help»).")
    updated, reminder = records.edit_account(ctx.store, args.cuenta, fields)
    print(f"Cuenta {updated.ref} actualizada.")
    if reminder:
        sys.stderr.write(f"Aviso: {reminder[0].lower()}{reminder[1:]}.\n")
    return 0


def account_json(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "ref": account.ref,
        "network": account.network,
        "handle": account.handle,
        "status": account.status,
        "area": account.area,
        "url": account.url,
        "email": account.email,
        "email_generic": account.email_generic,
        "phone": account.phone,
        "verification": account.verification,
        "public": account.public if account.public_known else None,
        "private_messages": account.private_messages if account.private_messages_known else None,
        "opened_on": account.opened_on.isoformat() if account.opened_on else None,
        "created_at": account.created_at.isoformat() if account.created_at else None,
    }


def list_accounts(ctx: Context, args: argparse.Namespace) -> int:
    rows = records.institution(ctx.store).accounts_by_reference()
    if args.json:
        data = []
        for row in rows:
            item = account_json(row.account)
            item["administrators"] = {role: list(names) for role, names in row.holders.items()}
            item["last_rotation"] = row.last_rotation.isoformat() if row.last_rotation else None
            data.append(item)
        print_json(data)
        return 0
    if not rows:
        print("No hay cuentas registradas. Agregue una con «resguardo cuentas agregar».")
        return 0
    lines = []
    for row in rows:
        acc, last = row.account, row.last_rotation
        admins = "; ".join(
            f"{role}: {', '.join(names)}" for role, names in sorted(row.holders.items()) if role != Role.COADMIN
        )
        lines.append(
            [acc.id, acc.ref, acc.area or "", acc.status, admins or "—", format_date(last.date()) if last else "—"]
        )
    print(table(["Id", "Cuenta", "Área", "Estado", "Administración", "Última rotación"], lines, wrap=4))
    print(f"\n{counted(len(rows), 'cuenta', 'cuentas')}.")
    return 0


def show_account(ctx: Context, args: argparse.Namespace) -> int:
    detail = records.account_detail(ctx.store, args.cuenta)
    account, people, assignments = detail.account, detail.people_by_id, detail.assignments
    rotations, evaluations, pending, entries = detail.rotations, detail.evaluations, detail.obligations, detail.entries
    profile = detail.profile
    credential = credential_json(detail)
    if args.json:
        data = account_json(account)
        data["assignments"] = [
            {
                "id": a.id,
                "person": people[a.person_id].name,
                "person_id": a.person_id,
                "role": a.role,
                "start": a.start.isoformat(),
                "end": a.end.isoformat() if a.end else None,
            }
            for a in assignments
        ]
        data["rotations"] = [
            {
                "id": r.id,
                "rotated_at": r.rotated_at.isoformat(),
                "reason": r.reason,
                "author": r.author,
                "reference": r.reference,
            }
            for r in rotations
        ]
        data["evaluations"] = [{"id": e.id, "date": e.day.isoformat(), "note": e.note} for e in evaluations]
        data["obligations"] = [row_json(r) for r in agenda_rows(pending, profile)]
        data["credential"] = credential
        data["bitacora"] = [e.as_json() for e in entries]
        print_json(data)
        return 0
    print(f"Cuenta {account.ref} (id {account.id}) — {account.status}")
    fields = [
        ("Área", account.area or "—"),
        ("URL", account.url or "—"),
        ("Correo", (account.email or "—") + (" (genérico institucional)" if account.email_generic else "")),
        ("Teléfono", account.phone or "—"),
        ("Verificación", account.verification),
        ("Pública", si_no(account.public) if account.public_known else "sin dato"),
        ("Mensajes privados", si_no(account.private_messages) if account.private_messages_known else "sin dato"),
        ("Apertura", format_date(account.opened_on) if account.opened_on else "—"),
    ]
    months = profile.settings.rotation_months
    if months:
        fields.append(("Rotación", f"cada {months} meses ({profile.short_name})"))
    elif profile.settings.rotation_on_admin_change:
        fields.append(("Rotación", "al cambiar la persona administradora"))
    else:
        fields.append(
            ("Rotación", "sin plazo en los criterios (fíjelo con «resguardo ajustes fijar rotacion_meses N»)")
        )
    for label, value in fields:
        print(f"  {label + ':':<19}{value}")
    print("\nAdministración:")
    if assignments:
        rows = [
            [
                a.role,
                people[a.person_id].name,
                format_date(a.start),
                format_date(a.end) if a.end else ("vigente" if a.start <= ctx.today() else "programada"),
            ]
            for a in assignments
        ]
        print(table(["Rol", "Persona", "Desde", "Hasta"], rows, indent="  "))
    else:
        print("  (nadie asignado)")
    print("\nÚltimas rotaciones:")
    if rotations:
        for r in rotations:
            extra = f" — {r.reason}" if r.reason else ""
            ref = f" (oficio {r.reference})" if r.reference else ""
            print(f"  {format_date(r.rotated_at.date())}{extra}{ref} · {r.author or ''}")
    else:
        print("  (ninguna registrada)")
    print("\nÚltimas evaluaciones:")
    print(
        "\n".join(f"  {format_date(e.day)}{' — ' + e.note if e.note else ''}" for e in evaluations)
        or "  (ninguna registrada)"
    )
    print("\nCredencial:")
    print(render_credential(credential))
    print(f"\nBitácora (últimas {records.DETAIL_LIMIT} entradas):")
    if entries:
        print(
            table(
                ["Cuándo", "Tipo", "Texto", "Quién"],
                [[_when(e.occurred), e.kind, _clip(e.text), e.author] for e in entries],
                wrap=2,
                indent="  ",
            )
        )
    else:
        print("  (ninguna entrada)")
    print("\nPendientes:")
    if pending:
        print(render_agenda(agenda_rows(pending, profile), detail.now, show_account=False))
    else:
        print("  Nada pendiente en los próximos 365 días.")
    return 0


def credential_json(detail: AccountDetail) -> dict[str, Any]:
    """The account's credential health for ``cuentas mostrar --json`` (never the secret).

    ``set_at``/``score``/``score_label``/``weak``/``reasons`` are what was found when
    the password was set (null when none is stored); ``second_factor`` the 2FA method;
    ``issues``/``messages`` the findings of ``credencial revisar`` for this account.
    """
    from policy.strength import SCORE_LABELS_ES  # lazy: ~45 ms (its word lists) that only this command pays

    cred, factor, health = detail.credential, detail.second_factor, detail.health
    return {
        "set_at": cred.set_at.isoformat() if cred else None,
        "score": cred.score if cred else None,
        "score_label": SCORE_LABELS_ES[max(0, min(4, cred.score))] if cred else None,
        "weak": cred.weak if cred else None,
        "reasons": list(cred.reasons) if cred else [],
        "second_factor": factor.method if factor else None,
        "recovery_location": factor.recovery_location if factor else None,
        "codes_in_keyring": factor.codes_in_keyring if factor else False,
        "issues": list(health.issues) if health else [],
        "messages": list(health.messages) if health else [],
    }


def render_credential(credential: dict[str, Any]) -> str:
    """The credential health as indented Spanish lines."""
    lines: list[str] = []
    if credential["set_at"] is None:
        lines.append("Contraseña:        no hay contraseña guardada en el llavero")
    else:
        when = format_date(local(datetime.fromisoformat(credential["set_at"])).date())
        weak = " — débil" if credential["weak"] else ""
        lines.append(
            f"Contraseña:        guardada el {when}; puntaje {credential['score']} de 4"
            f" ({credential['score_label']}){weak}"
        )
    method = credential["second_factor"]
    if method is None:
        lines.append("Segundo factor:    no registrado")
    else:
        where = []
        if credential["codes_in_keyring"]:
            where.append("códigos en el llavero")
        if credential["recovery_location"]:
            where.append(f"códigos: {credential['recovery_location']}")
        extra = f" ({'; '.join(where)})" if where else ""
        lines.append(f"Segundo factor:    {SECOND_FACTOR_LABELS.get(method, method)}{extra}")
    for message in credential["messages"]:
        lines.append(f"Atención:          {message}")
    return "\n".join(f"  {line}" for line in lines)


def _when(moment: datetime) -> str:
    return local(moment).strftime("%d/%m/%Y %H:%M")


def _clip(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def assign_person(ctx: Context, args: argparse.Namespace) -> int:
    start = parse_date(args.desde, "fecha de inicio") if args.desde is not None else None
    try:
        done = records.assign(ctx.store, args.cuenta, args.persona, role=args.rol, start=start)
    except RoleTaken as exc:
        hint = f"resguardo cuentas desasignar {exc.account_id} {exc.holder_id}"
        raise ConflictError(f"{exc.message[:-1]} ({hint}).") from None
    item = done.assignment
    print(f"{done.person.name} es {item.role} de {done.account.ref} desde el {format_date(item.start)}.")
    _print_notice(done.change, done.notice)
    return 0


def _print_notice(change: AdminChange | None, notice: tuple[str, str] | None) -> None:
    """The notice an administrator change made with asignar/desasignar asks for (as ``personas cambio``)."""
    if change is not None and notice is not None:
        office, clause = notice
        print(
            f"Es un cambio de administración: avise ({office}; {clause}) y registre el aviso"
            f" con «resguardo personas avisar {change.id}»."
        )


def unassign_person(ctx: Context, args: argparse.Namespace) -> int:
    end = parse_date(args.fecha, "fecha de término") if args.fecha is not None else None
    done = records.unassign(ctx.store, args.cuenta, args.persona, end=end)
    roles = ", ".join(a.role for a in done.ended)
    verb = leaves_phrase(done.end, ctx.store.now().date())
    print(f"{done.person.name} {verb} ser {roles} de {done.account.ref} el {format_date(done.end)} (su último día).")
    _print_notice(done.change, done.notice)
    if done.advice:
        print(done.advice)
    return 0


def change_holder(ctx: Context, args: argparse.Namespace) -> int:
    from tui.core.duties import change_holder as record  # lazy: only this command opens that duty

    duty = record(ctx.store, args.cuenta, args.nombre, on=parse_date(args.fecha) if args.fecha else None)
    print(
        f"Cambio de titular registrado: notifíquelo a {office_with_article(duty.recipient or '')}"
        f" y márquelo con «resguardo deberes cumplir {duty.id}»."
    )
    return 0
