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
from policy.records import Citation
from policy.rows import AgendaRow
from tui.cli.args import window_days
from tui.cli.output import print_json, table, terminal_width
from tui.core.agenda import DEFAULT_HORIZON_DAYS, agenda_listing

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


def row_json(row: AgendaRow) -> dict[str, Any]:
    """The stable JSON shape of one agenda item (documented in the README)."""
    return {
        "kind": row.kind,
        "status": row.status,
        "due": row.due,
        "account": row.account_ref,
        "account_id": row.account_id,
        "person": row.person_name,
        "person_id": row.person_id,
        "message": row.message,
        "rule": row.rule.as_dict(),
        "key": row.key,
    }


#: Items per piece of ``agenda_json_chunks``: one string of the whole agenda (11 MB at 10,000
#: accounts) cost its allocation, the copies of ``+ "\n"`` and its encoding at once, ~15 ms.
JSON_CHUNK_ITEMS = 512


def agenda_json_text(rows: Sequence[AgendaRow]) -> str:
    """``json.dumps([row_json(r) for r in rows], ensure_ascii=False)``, built ~3x faster
    (the pieces of ``agenda_json_chunks`` joined)."""
    return "".join(agenda_json_chunks(rows))


def agenda_json_chunks(rows: Sequence[AgendaRow]) -> Iterator[str]:
    """The text of ``agenda_json_text`` in pieces of ``JSON_CHUNK_ITEMS`` items, to write one by one.

    The agenda of a large institution has thousands of items that share a dozen
    clauses, a few kinds and statuses, and a few items per account or person:
    each of those pieces is encoded once (accounts and people by id and name
    together, so two records never share a piece), and every other string goes
    through the C encoder directly. Same text, byte for byte (a test compares them).
    """
    rules: dict[Citation, str] = {}
    heads: dict[tuple[str, str], str] = {}
    # (id, name) of an account or person -> its piece; (None, None) -> the piece of none
    accounts: dict[tuple[int | None, str | None], str] = {(None, None): ' "account": null, "account_id": null,'}
    people: dict[tuple[int | None, str | None], str] = {(None, None): ' "person": null, "person_id": null,'}
    parts: list[str] = []
    append = parts.append
    opening = "["  # what goes before the next piece's first item
    for kind, status, due, _, account_id, account_ref, person_id, person_name, message, rule, _, key, _, _ in rows:
        encoded_rule = rules.get(rule)
        if encoded_rule is None:
            encoded_rule = rules[rule] = dumps(rule.as_dict(), ensure_ascii=False)
        head = heads.get((kind, status))
        if head is None:
            head = heads[(kind, status)] = f'{{"kind": {text(kind)}, "status": {text(status)},'
        account_part = accounts.get((account_id, account_ref))
        if account_part is None:
            account_part = accounts[(account_id, account_ref)] = (
                f' "account": {text(account_ref or "")}, "account_id": {account_id},'
            )
        person_part = people.get((person_id, person_name))
        if person_part is None:
            person_part = people[(person_id, person_name)] = (
                f' "person": {text(person_name or "")}, "person_id": {person_id},'
            )
        append(
            f'{head} "due": "{due}",{account_part}{person_part}'
            f' "message": {text(message)}, "rule": {encoded_rule}, "key": {text(key)}}}'
        )
        if len(parts) == JSON_CHUNK_ITEMS:
            yield opening + ", ".join(parts)
            opening = ", "
            parts.clear()
    yield opening + ", ".join(parts) + "]" if parts or opening == "[" else "]"


def render_agenda(
    rows: Sequence[AgendaRow],
    now: datetime,
    *,
    show_account: bool = True,
    width: int | None = None,
) -> str:
    """The human agenda, one group per status: a table on wide terminals, blocks on narrow ones."""
    total = width or terminal_width()
    blocks: list[str] = []
    for status in (Status.OVERDUE, Status.DUE_SOON, Status.UPCOMING):
        group = [row for row in rows if row.status == status]
        if not group:
            continue
        title = f"{SECTION_TITLES[status]} ({len(group)})"
        if total < 100:
            lines = [title]
            for row in group:
                when = _when(row, now)
                head = f"• {when}" + (f" · {_subject(row)}" if show_account else "")
                lines.append(head)
                lines.extend(textwrap.wrap(row.message, total - 4, initial_indent="    ", subsequent_indent="    "))
                lines.append(f"    Regla: {row.rule_short}")
            blocks.append("\n".join(lines))
            continue
        table_rows = []
        for row in group:
            cells = [_when(row, now)]
            if show_account:
                cells.append(_subject(row))
            cells += [row.message, row.rule_short]
            table_rows.append(cells)
        headers = ["Plazo"] + (["Cuenta / persona"] if show_account else []) + ["Qué hacer", "Regla"]
        limits = {0: 20, len(headers) - 1: 22}
        if show_account:
            limits[1] = 26
        blocks.append(title + "\n" + table(headers, table_rows, wrap=len(headers) - 2, max_widths=limits, width=total))
    return "\n\n".join(blocks)


def _when(row: AgendaRow, now: datetime) -> str:
    due = row.due_at
    day = format_date(due.date())
    if row.kind == Kind.INCIDENT_NOTICE:
        return f"avisar de inmediato (desde {day})"
    if row.standing:
        return f"pendiente desde {day}"
    return f"{relative(due, now)} ({day})"


def _subject(row: AgendaRow) -> str:
    if row.account_ref is not None:
        return row.account_ref
    return row.person_name or "—"


def show_agenda(ctx: Context, args: argparse.Namespace) -> int:
    # (run() has the cyclic collector off: see QUICK_EXIT_COMMANDS)
    at = None if args.fecha is None else ctx.clock_arg(args.fecha)  # now: the core may keep it for the next run
    result = agenda_listing(ctx.store, at=at, horizon_days=args.dias, account=args.cuenta)
    ctx.hold(result)
    rows = result.rows
    if args.json:
        if sys.stdout.isatty():  # a person reading: indented
            print_json([row_json(row) for row in rows])
        else:
            write = sys.stdout.write
            for piece in agenda_json_chunks(rows):
                write(piece)
            write("\n")
        return 0
    now = result.now
    print(
        f"Pendientes al {format_date(now.date())} {now.strftime('%H:%M')} — {result.profile_short}"
        f" ({result.profile_name}) · {result.count(Status.OVERDUE)} vencidos, {result.count(Status.DUE_SOON)} próximos,"
        f" {result.count(Status.UPCOMING)} en los próximos {plural(result.horizon_days, 'día')}"
    )
    if not rows:
        print("\nNada pendiente. ¡Todo al día!")
        return 0
    print()
    print(render_agenda(rows, now))
    return 0
