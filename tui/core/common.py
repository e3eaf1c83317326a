"""What every use case of the core shares: finding the account or person a face names."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policy.records import Account, Person
    from store.db import Store

#: How a face names an account: its id (the workbench's rows) or its ``red/usuario`` reference
#: (the command line's argument; a bare ``usuario`` when it is unique, or ``#id``).
AccountKey = int | str
#: How a face names a person: the id, or the name (or ``#id``) the command line takes.
PersonKey = int | str


def account_of(store: Store, key: AccountKey) -> Account:
    """The account ``key`` names; NotFoundError (Spanish) when there is none."""
    return store.accounts.get(key) if isinstance(key, int) else store.accounts.resolve(key)


def person_of(store: Store, key: PersonKey) -> Person:
    """The person ``key`` names; NotFoundError (Spanish) when there is none."""
    return store.people.get(key) if isinstance(key, int) else store.people.resolve(key)
