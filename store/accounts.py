"""Accounts, people and who administers what."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from policy import validate
from policy.clock import effective_moment
from policy.codes import AccountStatus, EntryKind, Verification
from policy.entries.records import assignment_started, assignments_ended
from policy.institution import (
    bare_handle,
    check_account_unique,
    check_assignment,
    check_person_unique,
    clean_account_fields,
    clean_person_name,
    clean_rank,
    clean_role,
    ending_assignments,
)
from policy.records import Account, Assignment, Person
from store.db import among, from_db_datetime
from store.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from store.db import Store

#: The columns ``row_to_account`` reads, in its order (queries select exactly these).
ACCOUNT_COLUMNS = (
    "id, network, handle, status, url, area, email, email_generic, phone, verification, public,"
    " private_messages, opened_on, created_at"
)
#: The same columns qualified with the alias ``a`` (for joins).
ACCOUNT_COLUMNS_A = ", ".join(f"a.{name.strip()}" for name in ACCOUNT_COLUMNS.split(","))
PERSON_COLUMNS = "id, name, email, rank"
ASSIGNMENT_COLUMNS = "id, account_id, person_id, role, start_date, end_date"

_from_iso = date.fromisoformat
#: ``accounts.public`` / ``private_messages`` never recorded (1 «sí», 0 «no»): they used to default
#: to «sí», so the value reads as «sí» but is unknown (issue #13 defect 7; migration 10).
UNKNOWN = -1


def row_to_account(row: Sequence[Any]) -> Account:
    """An account from a row of ``ACCOUNT_COLUMNS`` (a tuple or ``sqlite3.Row``): ``accounts_from_rows``
    of the one row, so the mapping is written once."""
    return accounts_from_rows((row,))[0]


def accounts_from_rows(rows: Iterable[Sequence[Any]]) -> list[Account]:
    """Accounts from rows of ``ACCOUNT_COLUMNS``, read by position (the agenda builds thousands per
    run), each distinct date or moment parsed once.

    Institutions register and open accounts in batches, so thousands of rows share a
    few hundred dates: converting a moment (ISO text to Mexico City time) costs ~20x
    a dictionary lookup.
    """
    days: dict[str, date] = {}
    moments: dict[str, datetime] = {}
    found: list[Account] = []
    append = found.append
    for (
        id_,
        network,
        handle,
        status,
        url,
        area,
        email,
        generic,
        phone,
        verification,
        public,
        private,
        opened,
        created,
    ) in rows:
        if opened:
            day = days.get(opened)
            if day is None:
                day = days[opened] = _from_iso(opened)
        else:
            day = None
        moment = moments.get(created)
        if moment is None:
            moment = moments[created] = from_db_datetime(created)
        append(
            Account(
                id_,
                network,
                handle,
                status,
                url,
                area,
                email,
                bool(generic),
                phone,
                verification,
                public != 0,
                private != 0,
                day,
                moment,
                public >= 0,
                private >= 0,
            )
        )
    return found


def assignments_from_rows(rows: Iterable[Sequence[Any]]) -> list[Assignment]:
    """``row_to_assignment`` over many rows, each distinct date parsed once (see ``accounts_from_rows``)."""
    days: dict[str, date] = {}
    found: list[Assignment] = []
    append = found.append
    for id_, account_id, person_id, role, start, end in rows:
        start_day = days.get(start)
        if start_day is None:
            start_day = days[start] = _from_iso(start)
        if end:
            end_day = days.get(end)
            if end_day is None:
                end_day = days[end] = _from_iso(end)
        else:
            end_day = None
        append(Assignment(id_, account_id, person_id, role, start_day, end_day))
    return found


def people_from_rows(rows: Iterable[Sequence[Any]]) -> dict[int, Person]:
    """id -> person for rows of ``PERSON_COLUMNS`` (the columns are the record's fields, in order)."""
    make = Person._make
    return {row[0]: make(row) for row in rows}


def row_to_person(row: Sequence[Any]) -> Person:
    """A person from a row of ``PERSON_COLUMNS``."""
    return Person(row[0], row[1], row[2], row[3])


def row_to_assignment(row: Sequence[Any]) -> Assignment:
    """An assignment from a row of ``ASSIGNMENT_COLUMNS``."""
    id_, account_id, person_id, role, start, end = row
    return Assignment(id_, account_id, person_id, role, _from_iso(start), _from_iso(end) if end else None)


class Accounts:
    """The institution's social-media accounts."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _clean(self, fields: dict[str, Any]) -> dict[str, Any]:
        return dict(clean_account_fields(fields, self._store.now().date()))

    def add(
        self,
        *,
        network: str,
        handle: str,
        url: str | None = None,
        area: str | None = None,
        email: str | None = None,
        email_generic: bool = False,
        phone: str | None = None,
        status: str = AccountStatus.ACTIVE,
        verification: str = Verification.NO,
        public: bool | None = None,
        private_messages: bool | None = None,
        opened_on: date | None = None,
    ) -> Account:
        """Register an account. ConflictError if the handle exists on that network.

        ``public`` / ``private_messages`` left as None are unknown (``UNKNOWN``: read as «sí», not
        recorded).
        """
        values = self._clean(
            {
                "network": network,
                "handle": handle,
                "url": url,
                "area": area,
                "email": email,
                "email_generic": email_generic,
                "phone": phone,
                "status": status,
                "verification": verification,
                "public": public,
                "private_messages": private_messages,
                "opened_on": opened_on,
            }
        )
        for key in ("public", "private_messages"):
            values.setdefault(key, UNKNOWN)
        values["created_at"] = self._store.stamp()
        with self._store.atomic():  # the check and the insert under one write lock
            check_account_unique(self.find(values["network"], values["handle"]))
            account_id = self._store.insert("accounts", values)
        return self.get(account_id)

    def update(self, account_id: int, **fields: Any) -> Account:
        """Change some fields of an account; the same checks as ``add``."""
        current = self.get(account_id)
        if not fields:
            return current
        values = self._clean(fields)
        network = values.get("network", current.network)
        handle = values.get("handle", current.handle)
        values["updated_at"] = self._store.stamp()
        assignments = ", ".join(f"{key} = ?" for key in values)
        with self._store.atomic():  # the check and the update under one write lock
            check_account_unique(self.find(network, handle), account_id)
            self._store.execute(f"UPDATE accounts SET {assignments} WHERE id = ?", [*values.values(), account_id])
        return self.get(account_id)

    def get(self, account_id: int) -> Account:
        row = self._store.query_one(f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?", (account_id,))
        if row is None:
            raise NotFoundError(f"No existe la cuenta con id {account_id}.")
        return row_to_account(row)

    def find(self, network: str, handle: str) -> Account | None:
        """The account with this handle on ``network``, whatever its case or leading '@'.

        SQLite's lower() folds ASCII letters only: a handle with a letter
        beyond ASCII («Érica») is then compared with Unicode case folding, in
        Python, among the network's handles that are not pure ASCII (folding
        may change a length: «İ» lowers to two characters).
        """
        clean_network, key = network.strip().lower(), bare_handle(handle)
        row = self._store.query_one(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE network = ? AND lower(ltrim(handle, '@')) = ?",
            (clean_network, key),
        )
        if row is None and not key.isascii():
            folded = key.casefold()
            candidates = self._store.query(
                f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE network = ? AND handle GLOB ?",
                (clean_network, "*[^ -~]*"),  # some character outside printable ASCII
            )
            row = next((r for r in candidates if r["handle"].strip().lstrip("@").casefold() == folded), None)
        return row_to_account(row) if row else None

    def resolve(self, ref: str) -> Account:
        """Find an account by id, ``red/usuario`` or a handle unique across networks.

        NotFoundError when nothing matches; UsageError when a bare handle is ambiguous.
        """
        text = (ref or "").strip()
        if not text:
            raise UsageError("Indique la cuenta: su id o red/usuario (por ejemplo x/@INEMexico).")
        number = validate.record_id(text)
        if number is not None:
            return self.get(number)
        if validate.too_big_id(text):
            raise NotFoundError(f"No existe la cuenta con id {text[:30]}.")
        if "/" in text:
            network, _, handle = text.partition("/")
            found = self.find(network, handle)
            if found is None:
                raise NotFoundError(f"No existe la cuenta «{text}».")
            return found
        rows = self._store.query(
            f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE lower(ltrim(handle, '@')) = ? ORDER BY network",
            (bare_handle(text),),
        )
        if not rows:
            raise NotFoundError(f"No existe la cuenta «{text}».")
        if len(rows) > 1:
            options = ", ".join(f"{r['network']}/{r['handle']}" for r in rows)
            raise UsageError(f"«{text}» existe en varias redes; indique cuál: {options}.")
        return row_to_account(rows[0])

    def list(self) -> list[Account]:
        rows = self._store.query(f"SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY network, lower(ltrim(handle, '@'))")
        return [row_to_account(r) for r in rows]

    def count(self) -> int:
        row = self._store.query_one("SELECT count(*) FROM accounts")
        return int(row[0]) if row else 0


class People:
    """The people who administer accounts."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, *, name: str, email: str | None = None, rank: str | None = None) -> Person:
        """Register a person. Names are unique (people are referred to by name)."""
        clean_name = clean_person_name(name)
        rank_value = clean_rank(rank) if rank else None
        with self._store.atomic():  # the check and the insert under one write lock
            check_person_unique(self.find(clean_name))
            person_id = self._store.insert(
                "people",
                {
                    "name": clean_name,
                    "email": validate.email(email),
                    "rank": rank_value,
                    "created_at": self._store.stamp(),
                },
            )
        return self.get(person_id)

    def update(self, person_id: int, *, email: str | None = None, rank: str | None = None) -> Person:
        values: dict[str, Any] = {}
        if email is not None:
            values["email"] = validate.email(email)
        if rank is not None:
            values["rank"] = clean_rank(rank)
        if values:
            sets = ", ".join(f"{key} = ?" for key in values)
            with self._store.atomic():
                self._store.execute(f"UPDATE people SET {sets} WHERE id = ?", [*values.values(), person_id])
        return self.get(person_id)

    def get(self, person_id: int) -> Person:
        row = self._store.query_one(f"SELECT {PERSON_COLUMNS} FROM people WHERE id = ?", (person_id,))
        if row is None:
            raise NotFoundError(f"No existe la persona con id {person_id}.")
        return row_to_person(row)

    def find(self, name: str) -> Person | None:
        """The person with this name, whatever its case (also «Á»/«á», which SQLite's lower() keeps)."""
        text = name.strip()
        row = self._store.query_one(f"SELECT {PERSON_COLUMNS} FROM people WHERE lower(name) = lower(?)", (text,))
        if row is None and not text.isascii():
            key = text.casefold()
            # Same length first (cheap, in SQL), then Unicode case folding in Python.
            candidates = self._store.query(f"SELECT {PERSON_COLUMNS} FROM people WHERE length(name) = ?", (len(text),))
            row = next((r for r in candidates if r["name"].casefold() == key), None)
        return row_to_person(row) if row else None

    def resolve(self, ref: str) -> Person:
        """Find a person by id or exact name (NotFoundError otherwise)."""
        text = (ref or "").strip()
        if not text:
            raise UsageError("Indique la persona: su id o su nombre exacto.")
        number = validate.record_id(text)
        if number is not None:
            return self.get(number)
        if validate.too_big_id(text):
            raise NotFoundError(f"No existe la persona con id {text[:30]}.")
        found = self.find(text)
        if found is None:
            raise NotFoundError(f"No existe la persona «{text}».")
        return found

    def list(self) -> list[Person]:
        return [row_to_person(r) for r in self._store.query(f"SELECT {PERSON_COLUMNS} FROM people ORDER BY name")]

    def count(self) -> int:
        row = self._store.query_one("SELECT count(*) FROM people")
        return int(row[0]) if row else 0


class Assignments:
    """Who administers which account, in which role, from when to when."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def assign(
        self, account: Account, person: Person, role: str, start: date, *, historical: bool = False
    ) -> Assignment:
        """Give ``person`` a role on ``account`` from ``start``.

        ConflictError if they already hold it or the account is closed (unless
        ``historical``: an import recording the past); ``policy.institution.RoleTaken``
        if another person holds a single-holder role (titular, suplente, enlace) on that date.
        """
        role_value = clean_role(role)
        with self._store.atomic():
            check_assignment(
                account,
                person,
                role_value,
                start,
                self.for_account(account.id),
                self._store.people.get,
                historical=historical,
            )
            assignment_id = self._store.insert(
                "assignments",
                {
                    "account_id": account.id,
                    "person_id": person.id,
                    "role": role_value,
                    "start_date": start.isoformat(),
                    "created_at": self._store.stamp(),
                },
            )
            self._store.bitacora.append(
                kind=EntryKind.ADMIN_CHANGE,
                account=account,
                # When it took effect, not when it was typed in: an office recording last
                # year's designations does not make its accounts look active today.
                occurred_at=effective_moment(start, self._store.now()),
                text=assignment_started(person, role_value, account, start, assignment_id),
            )
        return self.get(assignment_id)

    def unassign(self, account: Account, person: Person, end: date) -> list[Assignment]:
        """End every current assignment of ``person`` on ``account`` on ``end`` (their last day).

        NotFoundError when the person holds no current role there.
        """
        with self._store.atomic():
            current = ending_assignments(account, person, self.for_account(account.id), end)
            for item in current:
                self._store.execute("UPDATE assignments SET end_date = ? WHERE id = ?", (end.isoformat(), item.id))
            self._store.bitacora.append(
                kind=EntryKind.ADMIN_CHANGE,
                account=account,
                occurred_at=effective_moment(end, self._store.now()),
                text=assignments_ended(person, current, account, end),
            )
        return [self.get(item.id) for item in current]

    def get(self, assignment_id: int) -> Assignment:
        row = self._store.query_one(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE id = ?", (assignment_id,))
        if row is None:
            raise NotFoundError(f"No existe la asignación {assignment_id}.")
        return row_to_assignment(row)

    def for_account(self, account_id: int) -> list[Assignment]:
        rows = self._store.query(
            f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE account_id = ? ORDER BY start_date, id", (account_id,)
        )
        return [row_to_assignment(r) for r in rows]

    def for_person(self, person_id: int) -> list[Assignment]:
        rows = self._store.query(
            f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE person_id = ? ORDER BY start_date, id", (person_id,)
        )
        return [row_to_assignment(r) for r in rows]

    def accounts_of(self, people: Collection[int]) -> set[int]:
        """The accounts ``people`` administer or administered (any assignment, ended ones too)."""
        where, params = among("person_id", people)
        return {
            account_id
            for (account_id,) in self._store.rows(f"SELECT DISTINCT account_id FROM assignments WHERE {where}", params)
        }

    def all(self) -> list[Assignment]:
        return [
            row_to_assignment(r) for r in self._store.query(f"SELECT {ASSIGNMENT_COLUMNS} FROM assignments ORDER BY id")
        ]
