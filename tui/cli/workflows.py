"""``resguardo consultas|solicitudes|aperturas|bajas …``: the workflows with deadlines.

Each command is a thin edge: it parses, calls one use case of ``tui.core.workflows``
(one transaction) and prints its result; the deadlines it prints are the agenda's.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from policy.clock import format_date, local, parse_date
from policy.codes import ConsultationState, Network, OpeningState, RequestState
from policy.errors import PolicyError, UsageError
from policy.labels import CLOSING_ITEMS, MANUAL_CLOSING_ITEMS, OPENING_REPORT_ITEMS, missing_phrase
from policy.records import Closing, Consultation, InformationRequest, OpeningRequest
from policy.workflows import MissingDetail, RefusedUnless
from tui.cli.args import positive_int, subcommands
from tui.cli.output import print_json, table
from tui.core import workflows as core
from tui.core.workflows import ConsultationView, RecordHistory, RequestView, record_history

if TYPE_CHECKING:
    from tui.cli.context import Context
    from tui.core.preflight import Review


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("consultas", "solicitudes", "aperturas", "bajas")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    _register_consultations(commands, parent)
    _register_requests(commands, parent)
    _register_openings(commands, parent)
    _register_closings(commands, parent)


def _id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=positive_int, metavar="ID")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="salida JSON (cada objeto lleva su id)")


def _moment_text(moment: datetime | None) -> str | None:
    return local(moment).isoformat(timespec="seconds") if moment else None


def _short(moment: datetime) -> str:
    moment = local(moment)
    return f"{format_date(moment.date())} {moment.strftime('%H:%M')}"


def moment_option(ctx: Context, text: str | None, field: str) -> datetime | None:
    """A date-time option as given; None (the core's «now») when absent."""
    return ctx.moment_arg(text, field) if text else None


def day_option(text: str | None, field: str = "fecha") -> date | None:
    """A ``YYYY-MM-DD`` option as given; None (the core's «today») when absent."""
    return parse_date(text, field) if text is not None else None


@contextlib.contextmanager
def naming_options(options: Mapping[str, str] | None = None) -> Iterator[None]:
    """The core says which detail is missing (MissingDetail), or which one would let a refused step
    through (RefusedUnless); the command line adds the option that gives it: ``options[field]``
    when the command words it, else ``--field`` (``sin_rotacion`` → ``--sin-rotacion``)."""
    try:
        yield
    except (MissingDetail, RefusedUnless) as exc:
        hint = (options or {}).get(exc.field, "--" + exc.field.replace("_", "-"))
        error = UsageError if isinstance(exc, MissingDetail) else PolicyError
        raise error(f"{exc.message[:-1]} ({hint}).") from None


# -- mostrar: one record and its history ---------------------------------------------


def _show(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parent: argparse.ArgumentParser,
    entity: str,
    help_text: str,
) -> None:
    show = sub.add_parser("mostrar", parents=[parent], help=help_text)
    _id(show)
    show.add_argument("--json", action="store_true", help="salida JSON")
    show.set_defaults(handler=show_record, entity=entity)


_LABELS = {
    "account": "Cuenta",
    "ref": "Cuenta",
    "subject": "Asunto",
    "text": "Texto",
    "office": "Oficina",
    "sent_at": "Enviada",
    "due": "Vence",
    "state": "Estado",
    "answered_at": "Respondida",
    "note": "Nota",
    "requester": "Solicita",
    "received_at": "Recibida",
    "closed_at": "Atendida",
    "area": "Área",
    "reference": "Oficio",
    "requested_on": "Fecha del oficio",
    "resolved_on": "Resuelta",
    "reason": "Motivo",
    "report": "Informado",
    "closed_on": "Fecha de baja",
    "done": "Hecho",
    "missing": "Falta",
    "author": "Registró",
}


def _consultation_json(view: ConsultationView) -> dict[str, Any]:
    c = view.consultation
    data: dict[str, Any] = {
        "id": c.id,
        "account": view.account,
        "account_id": c.account_id,
        "subject": c.subject,
        "text": c.text,
        "office": c.office,
        "sent_at": _moment_text(c.sent_at),
        "due": _moment_text(view.due),
        "state": view.state,
        "answered_at": _moment_text(c.answered_at),
        "note": c.note,
        "author": c.author,
    }
    review = core.consultation_review(c)
    if review is not None:  # only a consultation with a draft has one: the others print as before
        data["review"] = review.as_dict()
    return data


def _print_review(review: Review) -> None:
    from tui.cli.preflight import print_review  # lazy: the preflight's checks load only for a draft

    print_review(review)


def _request_json(view: RequestView) -> dict[str, Any]:
    r = view.request
    return {
        "id": r.id,
        "account": view.account,
        "account_id": r.account_id,
        "requester": r.requester,
        "subject": r.subject,
        "received_at": _moment_text(r.received_at),
        "due": _moment_text(view.due),
        "overdue": view.overdue,
        "state": r.state,
        "closed_at": _moment_text(r.closed_at),
        "area": r.area,
        "office": r.office,
        "note": r.note,
        "author": r.author,
    }


def _closing_json(c: Closing, account: str | None) -> dict[str, Any]:
    return {
        "id": c.id,
        "account": account,
        "account_id": c.account_id,
        "closed_on": c.closed_on.isoformat(),
        "reason": c.reason,
        "reference": c.reference,
        "done": {key: day.isoformat() for key, day in c.done.items()},
        "missing": [key for key in CLOSING_ITEMS if key not in c.done],
        "author": c.author,
    }


def _record_fields(found: RecordHistory) -> dict[str, Any]:
    record, account = found.record, found.account or ""
    if isinstance(record, Consultation):
        return _consultation_json(ConsultationView(record, account, found.due, found.state or record.state))
    if isinstance(record, InformationRequest):
        data = _request_json(RequestView(record, account, found.due, False))
        del data["overdue"]
        return data
    if isinstance(record, OpeningRequest):
        return _opening_json(record, found.due)
    return _closing_json(record, found.account)


def _human(key: str, value: Any) -> str:
    if key == "done":  # a closing's checklist, by its Spanish labels
        return ", ".join(
            f"{CLOSING_ITEMS.get(item, item)} ({format_date(date.fromisoformat(day))})" for item, day in value.items()
        )
    if key == "missing":
        return ", ".join(CLOSING_ITEMS.get(item, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{item} ({format_date(date.fromisoformat(day))})" for item, day in value.items())
    if key.endswith("_at") or key == "due":
        return _short(datetime.fromisoformat(value))
    if key.endswith("_on"):
        return format_date(date.fromisoformat(value))
    return str(value)


def show_record(ctx: Context, args: argparse.Namespace) -> int:
    found = record_history(ctx.store, args.entity, args.id)
    data = _record_fields(found)
    events = found.events
    history = [
        {
            "at": _moment_text(e.at),
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "note": e.note,
            "author": e.author,
        }
        for e in events
    ]
    if args.json:
        print_json({**data, "history": history})
        return 0
    print(f"Registro {data['id']}")
    for key, label in _LABELS.items():
        value = data.get(key)
        if value not in (None, "", {}, []) and not (key == "ref" and "account" in data):
            print(f"  {label + ':':<18}{_human(key, value)}")
    review = core.consultation_review(found.record) if isinstance(found.record, Consultation) else None
    if review is not None:
        print("\nRevisión del borrador:")
        _print_review(review)
    print("\nHistorial:")
    print(
        table(
            ["Cuándo", "Qué", "De", "A", "Quién", "Nota"],
            [
                [_short(e.at), e.action, e.from_state or "", e.to_state or "", e.author or "", e.note or ""]
                for e in events
            ],
            wrap=5,
            indent="  ",
        )
    )
    return 0


# -- consultas ---------------------------------------------------------------------


def _register_consultations(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    group = commands.add_parser("consultas", parents=[parent], help="consultas de pertinencia antes de publicar")
    sub = subcommands(group)
    add = sub.add_parser("agregar", parents=[parent], help="registra una consulta enviada e imprime su id")
    add.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    add.add_argument("--asunto", required=True, help="de qué trata la publicación")
    add.add_argument("--texto", help="el borrador de la publicación")
    add.add_argument("--enviada", metavar="FECHA-HORA", help="cuándo se envió (AAAA-MM-DDTHH:MM; por omisión ahora)")
    add.add_argument("--oficina", help="a quién se consultó (por omisión, la oficina del perfil)")
    add.set_defaults(handler=add_consultation)
    resolve = sub.add_parser("resolver", parents=[parent], help="registra la respuesta a una consulta")
    _id(resolve)
    resolve.add_argument(
        "--resultado",
        required=True,
        choices=[ConsultationState.APPROVED, ConsultationState.REJECTED],
        help="respuesta recibida",
    )
    resolve.add_argument("--nota", help="observaciones de la respuesta")
    resolve.add_argument("--fecha", metavar="FECHA-HORA", help="cuándo llegó la respuesta (por omisión ahora)")
    resolve.set_defaults(handler=resolve_consultation)
    _show(sub, parent, "consultation", "muestra una consulta y su historial")
    listing = sub.add_parser("listar", parents=[parent], help="lista las consultas con su plazo")
    listing.add_argument("--estado", choices=[s.value for s in ConsultationState], help="solo las de este estado")
    _json(listing)
    listing.set_defaults(handler=list_consultations)


def add_consultation(ctx: Context, args: argparse.Namespace) -> int:
    new = core.add_consultation(
        ctx.store,
        args.cuenta,
        subject=args.asunto,
        text=args.texto,
        sent_at=moment_option(ctx, args.enviada, "fecha de envío"),
        office=args.oficina,
    )
    print(new.consultation.id)
    if new.due is None:
        print(f"Consulta registrada. {new.outcome}".strip())
    else:
        print(
            f"Consulta registrada: la respuesta de {new.consultation.office or 'la oficina'} vence el {_short(new.due)}"
            f" ({new.window})."
        )
    if new.review is not None:
        _print_review(new.review)
    return 0


def resolve_consultation(ctx: Context, args: argparse.Namespace) -> int:
    item = core.resolve_consultation(
        ctx.store, args.id, args.resultado, at=moment_option(ctx, args.fecha, "fecha de respuesta"), note=args.nota
    )
    assert item.answered_at is not None
    print(f"Consulta {item.id} {item.state} el {_short(item.answered_at)}.")
    return 0


def list_consultations(ctx: Context, args: argparse.Namespace) -> int:
    views = core.consultations(ctx.store, args.estado)
    if args.json:
        print_json([_consultation_json(view) for view in views])
        return 0
    if not views:
        print("No hay consultas" + (f" en estado {args.estado}." if args.estado else " registradas."))
        return 0
    print(
        table(
            ["Id", "Cuenta", "Asunto", "Enviada", "Vence", "Estado"],
            [
                [
                    c.id,
                    account,
                    c.subject,
                    _short(c.sent_at),
                    _short(due) if due else ("—" if c.state != ConsultationState.PENDING else "sin plazo"),
                    shown,
                ]
                for c, account, due, shown in views
            ],
            wrap=2,
        )
    )
    if any(view.state == ConsultationState.EXPIRED for view in views):
        print(f"\nConsultas vencidas: {ctx.store.settings.profile().settings.consultation_outcome}")
    return 0


# -- solicitudes -------------------------------------------------------------------


def _register_requests(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    group = commands.add_parser("solicitudes", parents=[parent], help="solicitudes de información del público")
    sub = subcommands(group)
    add = sub.add_parser("agregar", parents=[parent], help="registra una solicitud recibida e imprime su id")
    add.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario por la que llegó")
    add.add_argument("--de", required=True, metavar="QUIEN", help="quién pregunta (usuario o nombre)")
    add.add_argument("--asunto", required=True, help="qué pide")
    add.add_argument("--recibida", metavar="FECHA-HORA", help="cuándo llegó (por omisión ahora)")
    add.set_defaults(handler=add_request)
    resolve = sub.add_parser("resolver", parents=[parent], help="registra que se respondió o se canalizó")
    _id(resolve)
    resolve.add_argument(
        "--resultado",
        required=True,
        choices=[RequestState.ANSWERED, RequestState.ROUTED],
        help="respondida (con certeza, avisando al área) o canalizada a la oficina del perfil",
    )
    resolve.add_argument("--area", help="área responsable a la que se avisó (obligatoria al responder)")
    resolve.add_argument("--nota", help="qué se respondió o a dónde se orientó")
    resolve.add_argument("--fecha", metavar="FECHA-HORA", help="cuándo se atendió (por omisión ahora)")
    resolve.set_defaults(handler=resolve_request)
    _show(sub, parent, "information_request", "muestra una solicitud y su historial")
    listing = sub.add_parser("listar", parents=[parent], help="lista las solicitudes con su plazo")
    listing.add_argument("--estado", choices=[s.value for s in RequestState], help="solo las de este estado")
    _json(listing)
    listing.set_defaults(handler=list_requests)


def add_request(ctx: Context, args: argparse.Namespace) -> int:
    new = core.add_request(
        ctx.store,
        args.cuenta,
        requester=args.de,
        subject=args.asunto,
        received_at=moment_option(ctx, args.recibida, "fecha de recepción"),
    )
    print(new.request.id)
    print(
        f"Solicitud registrada: atiéndala a más tardar el {format_date(new.due.date())}"
        f" (respuesta con certeza o canalización a {new.office})."
    )
    return 0


def resolve_request(ctx: Context, args: argparse.Namespace) -> int:
    with naming_options():
        item = core.resolve_request(
            ctx.store,
            args.id,
            args.resultado,
            at=moment_option(ctx, args.fecha, "fecha de atención"),
            note=args.nota,
            area=args.area,
        )
    assert item.closed_at is not None
    where = f" a {item.office}" if item.state == RequestState.ROUTED and item.office else ""
    print(f"Solicitud {item.id} {item.state}{where} el {_short(item.closed_at)}.")
    return 0


def list_requests(ctx: Context, args: argparse.Namespace) -> int:
    views = core.information_requests(ctx.store, args.estado)
    if args.json:
        print_json([_request_json(view) for view in views])
        return 0
    if not views:
        print("No hay solicitudes" + (f" en estado {args.estado}." if args.estado else " registradas."))
        return 0
    print(
        table(
            ["Id", "Cuenta", "De", "Asunto", "Recibida", "Vence", "Estado"],
            [
                [
                    r.id,
                    account,
                    r.requester,
                    r.subject,
                    _short(r.received_at),
                    (format_date(due.date()) + (" (vencida)" if overdue else "")) if due else "—",
                    r.state,
                ]
                for r, account, due, overdue in views
            ],
            wrap=3,
        )
    )
    return 0


# -- aperturas ---------------------------------------------------------------------


def _register_openings(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    group = commands.add_parser("aperturas", parents=[parent], help="solicitudes de apertura de cuentas")
    sub = subcommands(group)
    add = sub.add_parser(
        "agregar", parents=[parent], help="registra una solicitud de apertura (oficio) e imprime su id"
    )
    add.add_argument("--red", required=True, choices=[n.value for n in Network], help="red social")
    add.add_argument("--usuario", required=True, help="nombre de usuario propuesto")
    add.add_argument("--oficio", required=True, metavar="REF", help="referencia del oficio de solicitud")
    add.add_argument("--fecha", metavar="FECHA", help="fecha del oficio (por omisión hoy)")
    add.add_argument("--area", help="área que solicita")
    add.set_defaults(handler=add_opening)
    resolve = sub.add_parser("resolver", parents=[parent], help="registra la respuesta a una solicitud de apertura")
    _id(resolve)
    resolve.add_argument(
        "--resultado",
        required=True,
        choices=[OpeningState.AUTHORIZED, OpeningState.REJECTED],
        help="respuesta de la oficina",
    )
    resolve.add_argument("--motivo", help="motivo (obligatorio al rechazar)")
    resolve.add_argument("--fecha", metavar="FECHA", help="fecha de la respuesta (por omisión hoy)")
    resolve.set_defaults(handler=resolve_opening)
    opened = sub.add_parser("abrir", parents=[parent], help="registra que la cuenta autorizada ya se abrió")
    _id(opened)
    opened.add_argument("--fecha", metavar="FECHA", help="fecha de apertura (por omisión hoy)")
    opened.set_defaults(handler=open_opening)
    report = sub.add_parser("informe", parents=[parent], help="marca puntos del informe de apertura como informados")
    _id(report)
    report.add_argument(
        "--punto",
        action="append",
        choices=list(OPENING_REPORT_ITEMS),
        required=True,
        help="punto informado (repítalo para varios)",
    )
    report.add_argument("--fecha", metavar="FECHA", help="fecha del informe (por omisión hoy)")
    report.set_defaults(handler=report_opening)
    _show(sub, parent, "opening_request", "muestra una solicitud de apertura y su historial")
    listing = sub.add_parser("listar", parents=[parent], help="lista las solicitudes de apertura")
    _json(listing)
    listing.set_defaults(handler=list_openings)


def add_opening(ctx: Context, args: argparse.Namespace) -> int:
    new = core.add_opening(
        ctx.store,
        network=args.red,
        handle=args.usuario,
        reference=args.oficio,
        requested_on=day_option(args.fecha, "fecha del oficio"),
        area=args.area,
    )
    print(new.opening.id)
    if new.needs_authorization:
        print(
            f"Según el perfil, el área no puede abrir cuentas por sí misma: la solicitud se dirige a {new.office}"
            f" ({new.clause})."
        )
    if new.due is not None:
        print(f"{new.office} debe responder a más tardar el {format_date(new.due.date())}.")
    else:
        print(f"Solicitud registrada; el perfil no fija plazo de respuesta a {new.office}.")
    return 0


def resolve_opening(ctx: Context, args: argparse.Namespace) -> int:
    with naming_options():
        item = core.resolve_opening(ctx.store, args.id, args.resultado, on=day_option(args.fecha), reason=args.motivo)
    if item.state == OpeningState.AUTHORIZED:
        print(
            f"Apertura de {item.ref} autorizada: la cuenta queda registrada como autorizada (id {item.account_id})."
            f" Cuando se abra: resguardo aperturas abrir {item.id}"
        )
    else:
        print(f"Apertura de {item.ref} rechazada: {item.reason}")
    return 0


def open_opening(ctx: Context, args: argparse.Namespace) -> int:
    item, report_due = core.open_account(ctx.store, args.id, on=day_option(args.fecha, "fecha de apertura"))
    print(f"Cuenta {item.ref} activa desde el {format_date(item.resolved_on or ctx.today())}.")
    if report_due:
        print(
            "Informe su nombre, dirección, propósitos, operación y administradores; márquelos con"
            f" «resguardo aperturas informe {item.id} --punto …»."
        )
    return 0


def report_opening(ctx: Context, args: argparse.Namespace) -> int:
    item = core.report_opening(ctx.store, args.id, args.punto, on=day_option(args.fecha, "fecha del informe"))
    missing = [label for key, label in OPENING_REPORT_ITEMS.items() if key not in item.report]
    print(f"Informe de {item.ref}: " + ("completo." if not missing else f"{missing_phrase(missing)}."))
    return 0


def _opening_json(item: OpeningRequest, due: datetime | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "network": item.network,
        "handle": item.handle,
        "ref": item.ref,
        "reference": item.reference,
        "requested_on": item.requested_on.isoformat(),
        "area": item.area,
        "state": item.state,
        "due": _moment_text(due),
        "resolved_on": item.resolved_on.isoformat() if item.resolved_on else None,
        "reason": item.reason,
        "account_id": item.account_id,
        "report": {key: day.isoformat() for key, day in item.report.items()},
        "author": item.author,
    }


def list_openings(ctx: Context, args: argparse.Namespace) -> int:
    views = core.openings(ctx.store)
    if args.json:
        print_json([_opening_json(view.opening, view.due) for view in views])
        return 0
    if not views:
        print("No hay solicitudes de apertura. Registre una con «resguardo aperturas agregar».")
        return 0
    rows = []
    for view in views:
        item, due = view.opening, view.due
        detail = item.reason or ""
        if view.unicom_duty is not None:
            detail = f"{view.stage} (deber {view.unicom_duty})"
        elif item.state == OpeningState.OPENED and view.report_due:
            missing = view.report_missing
            detail = "informe completo" if not missing else f"informe: {missing_phrase(missing)}"
        rows.append(
            [
                item.id,
                item.ref,
                item.reference,
                format_date(item.requested_on),
                format_date(due.date()) if due else "—",
                item.state,
                detail,
            ]
        )
    print(table(["Id", "Cuenta", "Oficio", "Fecha", "Responder antes de", "Estado", "Detalle"], rows, wrap=6))
    return 0


# -- bajas -------------------------------------------------------------------------


def _register_closings(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    group = commands.add_parser("bajas", parents=[parent], help="baja (cancelación) de cuentas y su lista de pasos")
    sub = subcommands(group)
    add = sub.add_parser("registrar", parents=[parent], help="da de baja una cuenta e imprime el id de la baja")
    add.add_argument("cuenta", metavar="CUENTA", help="id o red/usuario")
    add.add_argument("--fecha", metavar="FECHA", help="fecha de la baja (por omisión hoy)")
    add.add_argument("--motivo", help="por qué se cancela")
    add.add_argument(
        "--hecho",
        action="append",
        choices=list(MANUAL_CLOSING_ITEMS),
        default=[],
        help="paso ya hecho (contenido, oficio); repítalo para varios",
    )
    add.add_argument("--oficio", metavar="REF", help="referencia del oficio de baja (lo marca como enviado)")
    add.set_defaults(handler=add_closing)
    mark = sub.add_parser(
        "completar",
        parents=[parent],
        help="marca pasos de una baja como hechos o borra la contraseña del llavero",
        description="Marca pasos hechos (contenido, oficio) y, con --borrar-llavero, borra del llavero la"
        " contraseña y los códigos de recuperación de la cuenta y registra ese paso. Si el llavero"
        " falla, no se registra nada.",
    )
    _id(mark)
    mark.add_argument(
        "--hecho",
        action="append",
        choices=list(MANUAL_CLOSING_ITEMS),
        default=[],
        help="paso hecho (contenido, oficio); repítalo para varios",
    )
    mark.add_argument(
        "--borrar-llavero",
        dest="borrar_llavero",
        action="store_true",
        help="borra del llavero la contraseña y los códigos de recuperación de la cuenta",
    )
    mark.add_argument(
        "--frase-desde-stdin",
        dest="frase_desde_stdin",
        action="store_true",
        help="lee la frase maestra del llavero cifrado de la primera línea de la entrada estándar",
    )
    mark.add_argument("--oficio", metavar="REF", help="referencia del oficio de baja")
    mark.add_argument("--fecha", metavar="FECHA", help="fecha (por omisión hoy)")
    mark.set_defaults(handler=complete_closing)
    _show(sub, parent, "closing", "muestra una baja y su historial")
    listing = sub.add_parser("listar", parents=[parent], help="lista las bajas y sus pasos pendientes")
    _json(listing)
    listing.set_defaults(handler=list_closings)


def add_closing(ctx: Context, args: argparse.Namespace) -> int:
    item, account = core.close_account(
        ctx.store,
        args.cuenta,
        on=day_option(args.fecha, "fecha de baja"),
        reason=args.motivo,
        done=args.hecho,
        reference=args.oficio,
    )
    print(item.id)
    missing = [label for key, label in CLOSING_ITEMS.items() if key not in item.done]
    print(
        f"Cuenta {account.ref} dada de baja el {format_date(item.closed_on)}."
        + (f" Falta: {', '.join(missing)}." if missing else "")
    )
    print(f"Borre la contraseña del llavero con «resguardo bajas completar {item.id} --borrar-llavero».")
    return 0


def complete_closing(ctx: Context, args: argparse.Namespace) -> int:
    on = day_option(args.fecha)
    if not args.hecho and not args.borrar_llavero:
        raise UsageError("Indique qué se completó con --hecho (contenido, oficio) o use --borrar-llavero.")
    if args.borrar_llavero:
        from tui.cli.credentials import SecretInput, open_secrets  # lazy: the keyring's prompts, one command

        ctx.store.closings.get(args.id)  # an unknown closing is reported before touching the keyring
        secrets = open_secrets(ctx, SecretInput(args))
        item, removed = core.remove_closing_secrets(
            ctx.store, secrets, args.id, on=on, items=args.hecho, reference=args.oficio
        )
        print(
            "Se borró del llavero " + " y ".join(removed) + "."
            if removed
            else "El llavero no guardaba contraseña ni códigos de esta cuenta."
        )
    else:
        item = core.mark_closing(ctx.store, args.id, args.hecho, on=on, reference=args.oficio)
    missing = [label for key, label in CLOSING_ITEMS.items() if key not in item.done]
    print(f"Baja {item.id}: " + ("todos los pasos hechos." if not missing else f"{missing_phrase(missing)}."))
    return 0


def list_closings(ctx: Context, args: argparse.Namespace) -> int:
    views = core.closings(ctx.store)
    if args.json:
        print_json([_closing_json(c, account) for c, account in views])
        return 0
    if not views:
        print("No hay bajas registradas.")
        return 0
    print(
        table(
            ["Id", "Cuenta", "Fecha", "Motivo", "Pendiente"],
            [
                [
                    c.id,
                    account,
                    format_date(c.closed_on),
                    c.reason or "",
                    ", ".join(label for key, label in CLOSING_ITEMS.items() if key not in c.done) or "nada",
                ]
                for c, account in views
            ],
            wrap=3,
        )
    )
    return 0
