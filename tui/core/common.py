"""What every use case of the core shares: finding the account or person a face names.

Names are matched as a person types them: «jose perez» finds «José Pérez»
(accents and case folded, ``policy.labels.fold``). An exact match always wins;
a folded one is used only when it names exactly one record, and several are
an error that lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from policy.errors import NotFoundError, UsageError
from policy.labels import fold

if TYPE_CHECKING:
    from policy.records import Account, Person
    from store.db import Store

#: How a face names an account: its id (the workbench's rows) or its ``red/usuario`` reference
#: (the command line's argument; a bare ``usuario`` when it is unique, or ``#id``).
AccountKey = int | str
#: How a face names a person: the id, or the name (or ``#id``) the command line takes.
PersonKey = int | str

#: the candidates an ambiguous name lists
_SHOWN = 8
R = TypeVar("R")


def account_of(store: Store, key: AccountKey) -> Account:
    """The account ``key`` names; NotFoundError (Spanish) when there is none, UsageError listing
    the candidates when a folded reference names several."""
    if isinstance(key, int):
        return store.accounts.get(key)
    try:
        return store.accounts.resolve(key)
    except NotFoundError as missing:
        wanted = fold(key.strip()).lstrip("@")

        def names(account: Account) -> Sequence[str]:
            handle = fold(account.handle).lstrip("@")
            return (f"{fold(account.network)}/{handle}", handle)

        return _folded(
            store.accounts.list(), missing, wanted, names, lambda a: a.ref, f"Varias cuentas coinciden con «{key}»"
        )


def person_of(store: Store, key: PersonKey) -> Person:
    """The person ``key`` names; NotFoundError (Spanish) when there is none, UsageError listing
    the candidates when a folded name names several."""
    if isinstance(key, int):
        return store.people.get(key)
    try:
        return store.people.resolve(key)
    except NotFoundError as missing:
        return _folded(
            store.people.list(),
            missing,
            " ".join(fold(key).split()),
            lambda person: (" ".join(fold(person.name).split()),),
            lambda person: person.name,
            f"Varias personas coinciden con «{key}»",
        )


def _folded(
    records: Sequence[R],
    missing: NotFoundError,
    wanted: str,
    names: Callable[[R], Sequence[str]],
    shown: Callable[[R], str],
    ambiguous: str,
) -> R:
    """The one record whose folded name equals ``wanted`` (or, failing that, contains each of its
    words); ``missing`` again when none does."""
    if not wanted:
        raise missing
    exact = [record for record in records if wanted in names(record)]
    found = exact or [
        record for record in records if all(any(word in name for name in names(record)) for word in wanted.split())
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise missing
    listed = ", ".join(shown(record) for record in found[:_SHOWN])
    more = f" y {len(found) - _SHOWN} más" if len(found) > _SHOWN else ""
    raise UsageError(f"{ambiguous}: {listed}{more}. Escriba el nombre completo o el número (#id).")
