"""Property-based tests of the CSV importer (hypothesis).

1. Whatever bytes arrive (random rows with unicode, quotes, newlines inside
   cells, BOM, CRLF, formula characters, empty and huge fields, wrong column
   counts, invalid dates, bad encodings), ``importar`` either imports the rows
   as written or refuses with a Spanish ``ResguardoError`` and changes nothing.
2. Random valid inventories go through ``exportar`` → ``importar`` on a fresh
   database unchanged, and export again to the same text.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, reject, settings
from hypothesis import strategies as st

from policy import spreadsheet
from policy.clock import start_of_day
from policy.codes import AccountStatus, Network, Rank, Verification
from policy.errors import ResguardoError
from policy.spreadsheet import COLUMNS, restore
from store import open_store
from store import spreadsheet as inventory_db
from store.db import Store
from tests.conftest import NOW

TODAY = NOW.date()
PROPERTY = settings(
    deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def _fresh_store() -> Store:
    store = open_store(":memory:", clock=lambda: NOW, author="pruebas")
    store.settings.set_profile("ine")
    return store


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: «nothing changed» means this is equal."""
    tables = [r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: sorted((tuple(r) for r in store.query(f'SELECT * FROM "{t}"')), key=repr) for t in tables}


# --- 1. random files ------------------------------------------------------------------------

# Random text without « and », so a message's quoted user values can be told from its own words.
_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="«»"), max_size=25)
_EDGY_TEXT = st.text(alphabet=st.sampled_from(list("=+-@'\t\r\n\",; ñÁé🗳\ufeff\x00\x1f") + ["a", "b"]), max_size=12)
_TEXT = st.one_of(_ANY_TEXT, _EDGY_TEXT, st.sampled_from(["", " ", '=HYPERLINK("x")', "'=1+1", "-2+3", "@SUM(1)"]))
_HUGE = st.sampled_from(["h" * 201, "u" * 1001, "g" * 131_073])  # over a field, over the url, over csv's limit
_PAST_TEXT = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=TODAY).map(date.isoformat),
    st.dates(min_value=date(1990, 1, 1), max_value=TODAY).map(lambda d: f"{d.day}/{d.month}/{d.year}"),
)
_BAD_DATE = st.one_of(
    st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2101, 1, 1)).map(date.isoformat),
    st.sampled_from(["31/02/2026", "2026-13-01", "2026-3-1", "mañana", "1/1/99", "1899-12-31"]),
)
_NAMES = ["Ana Pérez", "=Beto", "@Ceci", "'=Dani", "-Eli", "ÉRICA", "+Fer"]
_EMAILS = ["redes@ine.mx", "=a@ine.mx", "REDES@INE.MX", "-b@iecm.mx"]
_FREE = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="«»"),
        st.sampled_from(list("=+-@'\t\r\n\",; ")),
    ),
    max_size=25,
)
_VALID: dict[str, st.SearchStrategy[str]] = {
    "red": st.sampled_from([n.value for n in Network] + ["X", " facebook "]),
    "usuario": st.one_of(
        st.sampled_from(["@INEMexico", "@Otra", "=cmd|' /C calc'!A0", "Érica", "-menos", "+mas"]),
        _FREE.map(lambda h: h.strip().lstrip("@").strip() or "h"),
    ),
    "correo": st.sampled_from(_EMAILS),
    "estado": st.sampled_from([s.value for s in AccountStatus]),
    "verificacion": st.sampled_from([v.value for v in Verification]),
}
_INVALID: dict[str, st.SearchStrategy[str]] = {
    "red": st.sampled_from(["myspace", "", "x/"]),
    "usuario": st.sampled_from(["", "@", "  "]),
    "correo": st.sampled_from(["sin-arroba", "a@b", "a b@c.mx"]),
    "estado": st.sampled_from(["jubilada", "activa!"]),
    "verificacion": st.sampled_from(["tal vez"]),
}
for _role in spreadsheet.ROLES:
    _VALID[_role] = st.sampled_from(_NAMES)
    _VALID[f"{_role}_correo"] = st.sampled_from(_EMAILS)
    _VALID[f"{_role}_nivel"] = st.sampled_from([r.value for r in Rank])
    _VALID[f"{_role}_desde"] = _PAST_TEXT
    _INVALID[_role] = st.sampled_from(["Ana Pérez; Beto", "Ceci; ceci", "; Ana"])
    _INVALID[f"{_role}_correo"] = st.sampled_from(["mal", "a@ine.mx; b@ine.mx; c@ine.mx; d@ine.mx"])
    _INVALID[f"{_role}_nivel"] = st.sampled_from(["jefe", "operativo; operativo; operativo"])
    _INVALID[f"{_role}_desde"] = _BAD_DATE
for _column in ("correo_generico", "publica", "mensajes_privados"):
    _VALID[_column] = st.sampled_from(["sí", "no", "SI", "x", "", "No", "1"])
    _INVALID[_column] = st.sampled_from(["quizá", "sí-no"])
for _column in ("apertura", "ultima_rotacion", "ultima_evaluacion"):
    _VALID[_column] = _PAST_TEXT
    _INVALID[_column] = _BAD_DATE


def _cell(column: str, chaos: int) -> st.SearchStrategy[str]:
    """A valid value for ``column`` (or empty), or, ``chaos`` times in 20, anything at all."""
    valid = _VALID[column] if column in ("red", "usuario") else st.one_of(_VALID.get(column, _FREE), st.just(""))
    wild = st.one_of(_INVALID.get(column, _TEXT), _TEXT, _HUGE)
    return st.integers(0, 19).flatmap(lambda n: wild if n < chaos else valid)


@st.composite
def _files(draw: st.DrawFn) -> tuple[bytes, str, list[str], list[list[str]]]:
    """A file's bytes, how it was written, its header and the rows it was written from."""
    extra = draw(st.lists(st.sampled_from(COLUMNS[2:]), max_size=6, unique=True))
    header = draw(st.permutations(["red", "usuario", *extra]))
    if draw(st.sampled_from([False] * 14 + [True])):
        header = [*header, draw(st.sampled_from(["color", "red", ""]))]  # unknown, repeated, empty
    chaos = draw(st.sampled_from([0, 0, 1, 4]))
    rows = []
    for _ in range(draw(st.sampled_from([1, 2, 3, 4, 0]))):
        row = [draw(_cell(column, chaos)) for column in header]
        if not chaos:  # a role's mail, level and start only beside a name
            for index, column in enumerate(header):
                role = column.rsplit("_", 1)[0]
                if (
                    column != role
                    and role in spreadsheet.ROLES
                    and not row[header.index(role) if role in header else 0].strip()
                ):
                    row[index] = ""
                if column != role and role in spreadsheet.ROLES and role not in header:
                    row[index] = ""
        if draw(st.sampled_from([False] * 19 + [True])):
            row = row[:-1] if draw(st.booleans()) else [*row, "sobra"]  # wrong column count
        rows.append(row)
    delimiter = draw(st.sampled_from([",", ";"]))
    ending = draw(st.sampled_from(["\r\n", "\n"]))
    mode = draw(st.sampled_from(["csv", "csv", "csv", "raw"]))
    if mode == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=ending)
        writer.writerow(header)
        writer.writerows(rows)
        text = buffer.getvalue()
    else:  # hand-made: no quoting at all, so quotes, separators and newlines in cells break it
        text = "".join(delimiter.join(line) + ending for line in [header, *rows])
    if draw(st.booleans()):
        text = "\ufeff" + text
    data = text.encode("utf-8")
    damage = draw(st.sampled_from(["none"] * 28 + ["ansi", "empty"]))
    if damage == "ansi":
        data = data.replace("é".encode(), b"\xe9") + b"\xff"  # as old Excel writes it
    elif damage == "empty":
        data = b""
    return data, mode, header, rows


def _seed(store: Store) -> None:
    """Something to protect: an account with a titular, a rotation and an evaluation."""
    acc = store.accounts.add(network="x", handle="@INEMexico", area="Comunicación Social")
    store.assignments.assign(
        acc, store.people.add(name="Ana Pérez", email="ana@ine.mx"), "titular", date(2025, 1, 6), historical=True
    )
    store.rotations.record(acc, start_of_day(date(2026, 1, 31)), historical=True)
    store.evaluations.record(acc, date(2025, 9, 30), historical=True)


_ENGLISH = re.compile(
    r"\b(field|expected|unexpected|line|limit|invalid|character|quote|delimiter|codec|byte|the|is|of|to)\b",
    re.IGNORECASE,
)


def _assert_spanish(message: str, data: bytes = b"") -> None:
    """No English of Python's own in the message (words that are the file's data do not count)."""
    assert message.strip(), "empty message"
    assert "Traceback" not in message
    own_words = re.sub(r"«[^«»]*»", "«…»", message)  # the user's values it quotes
    from_file = {w.lower() for w in re.findall(r"\w+", data.decode("utf-8", "replace"))}
    english = [m.group() for m in _ENGLISH.finditer(own_words) if m.group().lower() not in from_file]
    assert not english, message


def _account(store: Store, network: str, handle: str):
    """The account as the importer matches it (Unicode case folding, as ``Accounts.find`` does)."""
    key = (network.strip().lower(), handle.strip().lstrip("@").lower())
    return next((a for a in store.accounts.list() if (a.network, a.handle.lstrip("@").lower()) == key), None)


@settings(PROPERTY, max_examples=200)
@given(_files())
def test_import_is_all_or_nothing_and_refuses_in_spanish(file):
    data, mode, header, rows = file
    store = _fresh_store()
    try:
        _seed(store)
        before = _dump(store)
        try:
            parsed = spreadsheet.parse(spreadsheet.decode(data), TODAY)
            inventory_db.import_rows(store, parsed, TODAY)
        except ResguardoError as exc:
            note(f"refused: {exc.message}")
            event("refused: " + re.sub(r"«[^«»]*»|\d+", "…", exc.message)[:60])
            _assert_spanish(exc.message, data)
            assert _dump(store) == before
            return
        event(f"imported ({mode})")
        # Imported: each row of a well-formed file is there as written.
        if mode != "csv":
            return
        for row in rows:
            values = dict(zip(header, row, strict=True))
            if not any(v.strip() for v in row):
                continue
            acc = _account(store, values["red"], restore(values["usuario"].strip()))
            assert acc is not None, values
            for column, attribute in (("area", "area"), ("telefono", "phone"), ("url", "url")):
                written = restore(values.get(column, "").strip()).strip()
                if written:
                    assert getattr(acc, attribute) == written
            for role in spreadsheet.ROLES:
                for name in spreadsheet._split(restore(values.get(role, "").strip())):
                    person = store.people.find(name)
                    assert person is not None
                    assert any(
                        a.role == role and a.person_id == person.id and a.active_on(TODAY)
                        for a in store.assignments.for_account(acc.id)
                    )
    finally:
        store.close()


def test_huge_field_and_stray_carriage_return_are_refused_in_spanish(store: Store):
    for data, reason in (
        (b"red,usuario,area\nx,@a," + b"g" * 200_000 + b"\n", "demasiado largo"),
        (b"red,usuario,area\nx,@a,uno\rdos\n", "retorno de carro"),
    ):
        before = _dump(store)
        try:
            inventory_db.import_rows(store, spreadsheet.parse(spreadsheet.decode(data), TODAY), TODAY)
        except ResguardoError as exc:
            assert reason in exc.message, exc.message
            _assert_spanish(exc.message, data)
        else:
            raise AssertionError(f"accepted {data[:40]!r}")
        assert _dump(store) == before


# --- 2. export → import round trip ----------------------------------------------------------

_SAFE = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="«»")
_FIELD = (
    st.text(alphabet=st.one_of(_SAFE, st.sampled_from(list("=+-@'\t\r\n\",;"))), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_NAME = (
    st.text(alphabet=st.one_of(_SAFE, st.sampled_from(list("=+-@'\""))), min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda s: bool(s) and ";" not in s)
)
_EMAIL = st.builds(
    lambda user, domain: f"{user}@{domain}.mx",
    st.text(alphabet="abcz09._=+-'", min_size=1, max_size=8),
    st.text(alphabet="abcz09-", min_size=1, max_size=6),
)
_PAST = st.dates(min_value=date(1990, 1, 1), max_value=TODAY)


@st.composite
def _inventories(draw: st.DrawFn) -> dict[str, Any]:
    people = draw(
        st.lists(
            st.tuples(_NAME, st.none() | _EMAIL, st.none() | st.sampled_from([r.value for r in Rank])),
            max_size=6,
            unique_by=lambda p: p[0].casefold(),
        )
    )
    accounts = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "network": st.sampled_from([n.value for n in Network]),
                    "handle": st.one_of(_NAME, _NAME.map(lambda s: "@" + s)).filter(lambda h: h.lstrip("@").strip()),
                    "url": st.none() | _FIELD,
                    "area": st.none() | _FIELD,
                    "phone": st.none() | _FIELD,
                    "email": st.none() | _EMAIL,
                    "email_generic": st.booleans(),
                    "verification": st.sampled_from([v.value for v in Verification]),
                    "public": st.booleans(),
                    "private_messages": st.booleans(),
                    "opened_on": st.none() | _PAST,
                }
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda a: (a["network"], a["handle"].strip().lstrip("@").lower()),
        )
    )
    plans = []
    for _ in accounts:
        order = draw(st.permutations(range(len(people)))) if people else []
        roles: list[tuple[str, int, date]] = []
        for role in ("titular", "suplente", "enlace"):
            if order and draw(st.booleans()):
                roles.append((role, order.pop(), draw(_PAST)))
        roles += [("coadministrador", index, draw(_PAST)) for index in order[: draw(st.integers(0, 3))]]
        plans.append(
            {
                "roles": roles,
                "status": draw(st.sampled_from([s.value for s in AccountStatus])),
                "rotation": draw(
                    st.none() | st.datetimes(min_value=datetime(2000, 1, 1), max_value=NOW.replace(tzinfo=None))
                ),
                "evaluation": draw(st.none() | _PAST),
            }
        )
    return {"people": people, "accounts": accounts, "plans": plans}


def _build(store: Store, inventory: dict[str, Any]) -> None:
    people = [store.people.add(name=name, email=email, rank=rank) for name, email, rank in inventory["people"]]
    for fields, plan in zip(inventory["accounts"], inventory["plans"], strict=True):
        acc = store.accounts.add(**fields)
        for role, index, start in plan["roles"]:
            store.assignments.assign(acc, people[index], role, start, historical=True)
        if plan["rotation"] is not None:
            store.rotations.record(
                acc, plan["rotation"].replace(tzinfo=NOW.tzinfo) - timedelta(hours=1), historical=True
            )
        if plan["evaluation"] is not None:
            store.evaluations.record(acc, plan["evaluation"], historical=True)
        if plan["status"] != acc.status:
            store.accounts.update(acc.id, status=plan["status"])


def _snapshot(store: Store):
    refs = {a.id: (a.network, a.handle) for a in store.accounts.list()}
    accounts = {
        (a.network, a.handle): (
            a.url,
            a.area,
            a.email,
            a.phone,
            a.email_generic,
            a.status,
            a.verification,
            a.public,
            a.private_messages,
            a.opened_on,
        )
        for a in store.accounts.list()
    }
    active = [a for a in store.assignments.all() if a.active_on(TODAY)]
    admins = sorted((refs[a.account_id], store.people.get(a.person_id).name, a.role, a.start) for a in active)
    people = {
        store.people.get(a.person_id).name: (store.people.get(a.person_id).email, store.people.get(a.person_id).rank)
        for a in active
    }
    rotations = {refs[k]: v.date() for k, v in store.rotations.latest().items()}
    evaluations = {refs[k]: v for k, v in store.evaluations.latest().items()}
    return accounts, admins, people, rotations, evaluations


@settings(PROPERTY, max_examples=80)
@given(_inventories())
def test_export_then_import_round_trips(inventory):
    source, target = _fresh_store(), _fresh_store()
    try:
        try:
            _build(source, inventory)
        except ResguardoError as exc:
            event("store refused: " + re.sub(r"«[^«»]*»|\d+", "…", exc.message)[:50])
            reject()  # an inventory the store itself refuses is not a round-trip case
        event(f"{len(source.accounts.list())} accounts, {len(source.assignments.all())} assignments")
        text = spreadsheet.to_csv(inventory_db.export_rows(source, TODAY))
        note(text)
        for line in csv.reader(io.StringIO(text, newline="")):
            assert not any(cell.startswith(spreadsheet.FORMULA_TRIGGERS) for cell in line)
        inventory_db.import_rows(
            target, spreadsheet.parse(spreadsheet.decode(("\ufeff" + text).encode()), TODAY), TODAY
        )
        assert _snapshot(target) == _snapshot(source)
        assert spreadsheet.to_csv(inventory_db.export_rows(target, TODAY)) == text
        # Importing the same file again changes nothing (capitals beyond ASCII included).
        before = _dump(target)
        inventory_db.import_rows(target, spreadsheet.parse(text, TODAY), TODAY)
        assert _dump(target) == before
    finally:
        source.close()
        target.close()


@pytest.mark.parametrize("handle", ["Érica", "İ", "@Straße", "ÑandúMX"])  # «İ» lowers to two characters
def test_reimporting_a_handle_with_a_non_ascii_capital_changes_nothing(store: Store, handle: str):
    text = f"red,usuario,area\nx,{handle},Comunicación\n"
    inventory_db.import_rows(store, spreadsheet.parse(text, TODAY), TODAY)
    before = _dump(store)
    inventory_db.import_rows(store, spreadsheet.parse(text, TODAY), TODAY)
    assert _dump(store) == before
