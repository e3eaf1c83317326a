"""The agenda as plain values: what ``pendientes`` prints and what ``store.agenda_cache`` keeps.

An ``Obligation`` points at the account and person records it concerns; an
``AgendaRow`` holds only what is shown of them (an id, the account's ``ref``,
the person's name), each deadline already written as ISO text, and the clause
with its short form. Made once per item, a row serves the JSON output, the
text output and the cache alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from policy.obligations import Obligation
from policy.profile import Profile, short_document
from policy.records import Citation


class AgendaRow(NamedTuple):
    """One item of the agenda, in the fields of the JSON output (README, «Salida JSON»)."""

    kind: str
    status: str
    #: the deadline, ``isoformat(timespec="seconds")`` with its offset
    due: str
    standing: bool
    account_id: int | None
    account_ref: str | None
    person_id: int | None
    person_name: str | None
    message: str
    rule: Citation
    #: «Criterios INE §6.VIII»: the clause as narrow tables show it
    rule_short: str
    #: the item's stable identity (``Obligation.key``: waivers, the workbench)
    key: str
    #: the record the item comes from (``Obligation.ref_id``) and its own label (``Obligation.label``)
    ref_id: int | None = None
    label: str | None = None

    @property
    def due_at(self) -> datetime:
        return datetime.fromisoformat(self.due)


def agenda_rows(items: Iterable[Obligation], profile: Profile) -> list[AgendaRow]:
    """Each item as a row, in the same order (dues and clauses written once each: thousands of
    items share a few hundred days and a dozen clauses)."""
    dues: dict[tuple[datetime, object, int], str] = {}  # equal instants may differ in zone or fold
    shorts: dict[Citation, str] = {}
    rows: list[AgendaRow] = []
    append = rows.append
    make = tuple.__new__  # AgendaRow(...) without its Python-level __new__: thousands of rows
    for item in items:
        due = item.due
        due_key = (due, due.tzinfo, due.fold)
        due_text = dues.get(due_key)
        if due_text is None:
            due_text = dues[due_key] = due.isoformat(timespec="seconds")
        rule = item.rule
        short = shorts.get(rule)
        if short is None:
            short = shorts[rule] = f"{short_document(profile, rule)} {rule.section}".strip()
        kind, account, person, ref_id = str(item.kind), item.account, item.person, item.ref_id
        # ``Obligation.key``, spelled out: the same text
        key = kind
        if account is not None:
            key = f"{key}:a{account.id}"
        if person is not None:
            key = f"{key}:p{person.id}"
        if ref_id is not None:
            key = f"{key}:r{ref_id}"
        append(
            make(
                AgendaRow,
                (
                    kind,
                    str(item.status),
                    due_text,
                    item.standing,
                    account.id if account is not None else None,
                    account.ref if account is not None else None,
                    person.id if person is not None else None,
                    person.name if person is not None else None,
                    item.message,
                    rule,
                    short,
                    key,
                    ref_id,
                    item.label,
                ),
            )
        )
    return rows
