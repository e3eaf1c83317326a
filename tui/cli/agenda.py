"""``resguardo pendientes``: the agenda, overdue first, each line with its clause."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterator, Sequence
from datetime import datetime
from json import dumps
from json.encoder import encode_basestring as text
from typing import TYPE_CHECKING, Any

from policy.clock import format_date, relative
from policy.codes import Kind, Status
from policy.labels import plural
from policy.obligations import Obligation
from policy.profile import Profile, short_document
from policy.records import Citation
from tui.cli.args import window_days
from tui.cli.output import print_json, table, terminal_width
from tui.core.agenda import DEFAULT_HORIZON_DAYS, compute_agenda

if TYPE_CHECKING:
    from tui.cli.context import Context

SECTION_TITLES = {
    Status.OVERDUE: "VENCIDOS",
    Status.DUE_SOON: "VENCEN EN LOS PRÓXIMOS DÍAS",
    Status.UPCOMING: "PRÓXIMOS",
}


#: The top-level commands this module registers (the parser builds only the one invoked).
COMMAND_NAMES = ("pendientes",)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser) -> None:
    agenda = commands.add_parser(
        "pendientes",
        parents=[parent],
        help="la agenda: qué está vencido, qué vence pronto y por qué",
        description=(
            "Muestra la agenda a una fecha (por omisión, ahora): primero lo vencido, luego lo que vence"
            " en los próximos 7 días y después lo demás dentro de la ventana de --dias."
        ),
    )
    agenda.add_argument(
        "--fecha",
        metavar="FECHA",
        help="evaluar como si hoy fuera esta fecha (AAAA-MM-DD, al inicio del día, o fecha y hora)",
    )
    agenda.add_argument(
        "--dias",
        type=window_days,
        metavar="N",
        help=f"días de anticipación (por omisión {DEFAULT_HORIZON_DAYS}); lo vencido siempre aparece",
    )
    agenda.add_argument("--cuenta", metavar="CUENTA", help="solo los pendientes de esta cuenta")
    agenda.add_argument("--json", action="store_true", help="salida JSON (interfaz estable, ver README)")
    agenda.set_defaults(handler=show_agenda)


def obligation_json(item: Obligation) -> dict[str, Any]:
    """The stable JSON shape of one obligation (documented in the README)."""
    return {
        "kind": str(item.kind),
        "status": str(item.status),
        "due": item.due.isoformat(timespec="seconds"),
        "account": item.account.ref if item.account else None,
        "account_id": item.account.id if item.account else None,
        "person": item.person.name if item.person else None,
        "person_id": item.person.id if item.person else None,
        "message": item.message,
        "rule": item.rule.as_dict(),
        "key": item.key,
    }


#: Items per piece of ``agenda_json_chunks``: one string of the whole agenda (11 MB at 10,000
#: accounts) cost its allocation, the copies of ``+ "\n"`` and its encoding at once, ~15 ms.
JSON_CHUNK_ITEMS = 512


def agenda_json_text(items: Sequence[Obligation]) -> str:
    """``json.dumps([obligation_json(i) for i in items], ensure_ascii=False)``, built ~3x faster
    (the pieces of ``agenda_json_chunks`` joined)."""
    return "".join(agenda_json_chunks(items))


def agenda_json_chunks(items: Sequence[Obligation]) -> Iterator[str]:
    """The text of ``agenda_json_text`` in pieces of ``JSON_CHUNK_ITEMS`` items, to write one by one.

    The agenda of a large institution has thousands of items that share a dozen
    clauses, a few kinds and statuses, and a few items per account or person:
    each of those pieces is encoded once (accounts and people by identity, so two
    records never share a piece), and every other string goes through the C
    encoder directly. Same text, byte for byte (a test compares them).
    """
    rules: dict[Citation, str] = {}
    heads: dict[tuple[str, str], tuple[str, str]] = {}
    subjects: dict[int, tuple[str, str]] = {}
    # Dues repeat (thousands of items, a few hundred days) and isoformat() is the costliest
    # call here. Equal aware datetimes may differ in zone or fold, hence the whole key.
    dues: dict[tuple[datetime, object, int], str] = {}
    no_account = (' "account": null, "account_id": null,', "")
    no_person = (' "person": null, "person_id": null,', "")
    parts: list[str] = []
    append = parts.append
    opening = "["  # what goes before the next piece's first item
    for item in items:
        rule = item.rule
        encoded_rule = rules.get(rule)
        if encoded_rule is None:
            encoded_rule = rules[rule] = dumps(rule.as_dict(), ensure_ascii=False)
        kind, status = item.kind, item.status
        head = heads.get((kind, status))
        if head is None:
            # the key starts with the kind: its encoding without the closing quote
            head = heads[(kind, status)] = (f'{{"kind": {text(kind)}, "status": {text(status)},', text(str(kind))[:-1])
        account, person = item.account, item.person
        # (cached pieces are non-empty tuples: ``or`` builds one only on a miss)
        account_part = (
            no_account
            if account is None
            else subjects.get(id(account))
            or subjects.setdefault(
                id(account), (f' "account": {text(account.ref)}, "account_id": {account.id},', f":a{account.id}")
            )
        )
        person_part = (
            no_person
            if person is None
            else subjects.get(id(person))
            or subjects.setdefault(
                id(person), (f' "person": {text(person.name)}, "person_id": {person.id},', f":p{person.id}")
            )
        )
        due = item.due
        due_key = (due, due.tzinfo, due.fold)
        due_text = dues.get(due_key)
        if due_text is None:
            due_text = dues[due_key] = due.isoformat(timespec="seconds")
        ref = "" if item.ref_id is None else f":r{item.ref_id}"
        append(
            f'{head[0]} "due": "{due_text}",{account_part[0]}{person_part[0]}'
            f' "message": {text(item.message)}, "rule": {encoded_rule},'
            f' "key": {head[1]}{account_part[1]}{person_part[1]}{ref}"}}'
        )
        if len(parts) == JSON_CHUNK_ITEMS:
            yield opening + ", ".join(parts)
            opening = ", "
            parts.clear()
    yield opening + ", ".join(parts) + "]" if parts or opening == "[" else "]"


def render_agenda(
    items: Sequence[Obligation],
    now: datetime,
    profile: Profile,
    *,
    show_account: bool = True,
    width: int | None = None,
) -> str:
    """The human agenda, one group per status: a table on wide terminals, blocks on narrow ones."""
    total = width or terminal_width()
    blocks: list[str] = []
    for status in (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING):
        group = [item for item in items if item.status is status]
        if not group:
            continue
        title = f"{SECTION_TITLES[status]} ({len(group)})"
        if total < 100:
            lines = [title]
            for item in group:
                when = _when(item, now)
                head = f"• {when}" + (f" · {_subject(item)}" if show_account else "")
                lines.append(head)
                lines.extend(textwrap.wrap(item.message, total - 4, initial_indent="    ", subsequent_indent="    "))
                lines.append(f"    Regla: {_rule(profile, item)}")
            blocks.append("\n".join(lines))
            continue
        rows = []
        for item in group:
            row = [_when(item, now)]
            if show_account:
                row.append(_subject(item))
            row += [item.message, _rule(profile, item)]
            rows.append(row)
        headers = ["Plazo"] + (["Cuenta / persona"] if show_account else []) + ["Qué hacer", "Regla"]
        limits = {0: 20, len(headers) - 1: 22}
        if show_account:
            limits[1] = 26
        blocks.append(title + "\n" + table(headers, rows, wrap=len(headers) - 2, max_widths=limits, width=total))
    return "\n\n".join(blocks)


def _when(item: Obligation, now: datetime) -> str:
    day = format_date(item.due.date())
    if item.kind == Kind.INCIDENT_NOTICE:
        return f"avisar de inmediato (desde {day})"
    if item.standing:
        return f"pendiente desde {day}"
    return f"{relative(item.due, now)} ({day})"


def _subject(item: Obligation) -> str:
    if item.account is not None:
        return item.account.ref
    return item.person.name if item.person else "—"


def _rule(profile: Profile, item: Obligation) -> str:
    return f"{short_document(profile, item.rule)} {item.rule.section}".strip()


def show_agenda(ctx: Context, args: argparse.Namespace) -> int:
    # (run() has the cyclic collector off: see QUICK_EXIT_COMMANDS)
    result = compute_agenda(ctx.store, at=ctx.clock_arg(args.fecha), horizon_days=args.dias, account=args.cuenta)
    items = result.items
    if args.json:
        if sys.stdout.isatty():  # a person reading: indented
            print_json([obligation_json(item) for item in items])
        else:
            write = sys.stdout.write
            for piece in agenda_json_chunks(items):
                write(piece)
            write("\n")
        return 0
    now, profile = result.now, result.profile
    print(
        f"Pendientes al {format_date(now.date())} {now.strftime('%H:%M')} — {profile.short_name}"
        f" ({profile.name}) · {result.count(Status.OVERDUE)} vencidos, {result.count(Status.DUE_SOON)} próximos,"
        f" {result.count(Status.UPCOMING)} en los próximos {plural(result.horizon_days, 'día')}"
    )
    if not items:
        print("\nNada pendiente. ¡Todo al día!")
        return 0
    print()
    print(render_agenda(items, now, profile))
    return 0
