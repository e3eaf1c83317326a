"""Adoption from the offices' spreadsheets: import all or nothing, idempotent, round trip."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policy import spreadsheet
from policy.spreadsheet import ImportRowError
from store import spreadsheet as inventory_db
from store.db import Store
from tests.conftest import NOW

TODAY = NOW.date()

EXCEL_ES = (
    "red;usuario;area;correo;correo_generico;estado;verificacion;titular;titular_nivel;titular_desde;"
    "suplente;suplente_correo;suplente_nivel;ultima_rotacion;ultima_evaluacion\r\n"
    "x;@INEMexico;Comunicación Social;redes@ine.mx;sí;activa;verificada;Ana Pérez;mando_medio;06/01/2025;"
    "Beto Ruiz;beto@ine.mx;operativo;31/01/2026;30/09/2025\r\n"
    "facebook;INEMexico;Comunicación Social;redes@ine.mx;si;activa;solicitada;Ana Pérez;mando_medio;"
    "06/01/2025;;;;15/01/2026;\r\n"
)


def encode_excel(text: str) -> bytes:
    return "\ufeff".encode() + text.encode("utf-8")


def counts(store: Store) -> dict[str, int]:
    tables = ("accounts", "people", "assignments", "rotations", "evaluations")
    return {t: int(store.query_one(f"SELECT count(*) FROM {t}")[0]) for t in tables}  # type: ignore[index]


def load(store: Store, data: bytes) -> inventory_db.ImportSummary:
    rows = spreadsheet.parse(spreadsheet.decode(data), TODAY)
    return inventory_db.import_rows(store, rows, TODAY)


def test_import_excel_spanish_bom_semicolons_and_ddmmyyyy(store: Store):
    summary = load(store, encode_excel(EXCEL_ES))
    assert summary.accounts_created == 2 and summary.people_created == 2
    assert summary.assignments_created == 3 and summary.rotations_created == 2
    assert summary.evaluations_created == 1
    x = store.accounts.resolve("x/@INEMexico")  # the BOM did not stick to the «red» header
    assert x.area == "Comunicación Social" and x.email_generic and x.verification == "verificada"
    holders = {(a.role, store.people.get(a.person_id).name, a.start) for a in store.assignments.for_account(x.id)}
    # No «suplente_desde» column: the suplente starts on the day of the import.
    assert holders == {("titular", "Ana Pérez", date(2025, 1, 6)), ("suplente", "Beto Ruiz", TODAY)}
    assert store.people.find("Beto Ruiz").rank == "operativo"  # type: ignore[union-attr]
    assert store.rotations.latest()[x.id].date() == date(2026, 1, 31)
    assert store.evaluations.latest()[x.id] == date(2025, 9, 30)


def test_comma_separated_without_bom(store: Store):
    text = "usuario,red,ultima_rotacion\n@INEMexico,x,2026-01-31\n"
    load(store, text.encode())
    assert store.rotations.latest()[store.accounts.resolve("x/@INEMexico").id].date() == date(2026, 1, 31)


def test_reimport_is_idempotent(store: Store):
    load(store, encode_excel(EXCEL_ES))
    before = counts(store)
    summary = load(store, encode_excel(EXCEL_ES))
    assert counts(store) == before
    assert summary == inventory_db.ImportSummary()


BAD_ROWS = [
    ("x;@Otra;;;;;;;;;;;;31/02/2026;", 3, "no existe en el calendario"),
    ("myspace;@Otra;;;;;;;;;;;;;", 3, "myspace"),
    ("x;inemexico;;;;;;;;;;;;;", 3, "ya aparece en la línea 2"),
    ("x;@Otra;;;", 3, "columnas"),
    ("x;@Otra;;;;;;;;;;;;01/01/2027;", 3, "futuro"),
    ("x;@Otra;;;;jubilada;;;;;;;;;", 3, "jubilada"),
    ("x;@Otra;;no-es-correo;;;;;;;;;;;", 3, "correo"),
    ("x;@Otra;;;;;;;;;Ceci Gómez;;jefe;;", 3, "jefe"),
]


@pytest.mark.parametrize(("bad", "line", "reason"), BAD_ROWS)
def test_one_bad_row_rejects_the_whole_file(store: Store, bad: str, line: int, reason: str):
    header, first = EXCEL_ES.splitlines()[:2]
    text = f"{header}\r\n{first}\r\n{bad}\r\n"
    before = counts(store)
    with pytest.raises(ImportRowError) as info:
        load(store, encode_excel(text))
    assert f"Línea {line}" in info.value.message
    assert reason in info.value.message
    assert counts(store) == before


def test_row_failing_against_the_store_rolls_back_earlier_rows(store: Store):
    # Row 2 is fine; row 3 gives x/@Otra a titular while the same person... a conflict only the
    # store can see: Ana is already titular of x/@INEMexico from the first file, Beto becomes its
    # titular in the second file.
    load(store, encode_excel(EXCEL_ES))
    before = counts(store)
    text = "red;usuario;titular\r\ntiktok;@ine;Ceci Gómez\r\nx;@INEMexico;Beto Ruiz\r\n"
    with pytest.raises(ImportRowError, match="Línea 3"):
        load(store, text.encode())
    assert counts(store) == before
    assert store.people.find("Ceci Gómez") is None


def test_header_errors(store: Store):
    with pytest.raises(spreadsheet.UsageError, match="columnas desconocidas"):
        load(store, b"red,usuario,color\nx,a,rojo\n")
    with pytest.raises(spreadsheet.UsageError, match="falta la columna obligatoria"):
        load(store, b"red,area\nx,a\n")
    with pytest.raises(spreadsheet.UsageError, match="vac"):
        load(store, b"")
    with pytest.raises(spreadsheet.UsageError, match="UTF-8"):
        load(store, "red;usuario\nx;Año\n".encode("cp1252"))


def test_export_then_import_into_a_fresh_database_round_trips(make_store):
    source = make_store("ine")
    load(source, encode_excel(EXCEL_ES))
    text = spreadsheet.to_csv(inventory_db.export_rows(source, TODAY))
    target = make_store("ine")
    load(target, text.encode("utf-8"))

    def snapshot(store: Store):
        accounts = {
            a.ref: (a.area, a.email, a.email_generic, a.status, a.verification, a.public, a.private_messages)
            for a in store.accounts.list()
        }
        people = {p.name: (p.email, p.rank) for p in store.people.list()}
        admins = {
            (store.accounts.get(a.account_id).ref, store.people.get(a.person_id).name, a.role, a.start)
            for a in store.assignments.all()
            if a.active_on(TODAY)
        }
        by_ref = {a.id: a.ref for a in store.accounts.list()}
        rotations = {by_ref[k]: v.date() for k, v in store.rotations.latest().items()}
        evaluations = {by_ref[k]: v for k, v in store.evaluations.latest().items()}
        return accounts, people, admins, rotations, evaluations

    assert snapshot(target) == snapshot(source)
    # And the export of the copy is the same file.
    assert spreadsheet.to_csv(inventory_db.export_rows(target, TODAY)) == text


def test_cli_import_export(cli, tmp_path: Path):
    assert cli("iniciar", "--perfil", "ine").code == 0
    good = tmp_path / "inventario.csv"
    good.write_bytes(encode_excel(EXCEL_ES))
    bad = tmp_path / "malo.csv"
    header, first = EXCEL_ES.splitlines()[:2]
    bad.write_bytes(encode_excel(f"{header}\r\n{first}\r\nx;@Otra;;;;;;;;;;;;31/02/2026;\r\n"))
    result = cli("importar", str(bad))
    assert result.code == 2 and "Línea 3" in result.err and "Traceback" not in result.err
    result = cli("importar", str(good), "--simular")
    assert result.code == 0 and "No se guardó nada" in result.out
    assert cli("cuentas", "listar", "--json").out.strip() == "[]"
    result = cli("importar", str(good))
    assert result.code == 0 and "2 cuentas nuevas" in result.out
    exported = tmp_path / "salida.csv"
    result = cli("exportar", "--formato", "csv", "--salida", str(exported))
    assert result.code == 0, result.err
    assert exported.read_bytes().startswith("\ufeff".encode())  # Excel opens it as UTF-8
    # The handle starts with «@», a formula character: the export marks it as text.
    assert "x,'@INEMexico" in exported.read_text("utf-8-sig")
    result = cli("importar", str(tmp_path / "no-existe.csv"))
    assert result.code == 2 and "No existe el archivo" in result.err


def test_dates_without_leading_zeros_as_excel_may_write_them(store: Store):
    load(store, encode_excel("red;usuario;apertura;ultima_evaluacion\r\nx;@INEMexico;6/1/2025;1/3/2026\r\n"))
    acc = store.accounts.resolve("x/@INEMexico")
    assert acc.opened_on == date(2025, 1, 6)
    assert store.evaluations.latest()[acc.id] == date(2026, 3, 1)


def test_several_coadministrators_round_trip(make_store):
    source = make_store("iecm")
    load(
        source,
        encode_excel(
            "red;usuario;enlace;coadministrador;coadministrador_correo;coadministrador_desde\r\n"
            'x;@IECM_DD01;Ana Pérez;"Beto Ruiz; Ceci Gómez";"beto@iecm.mx; ";"01/02/2025; 03/02/2025"\r\n'
        ),
    )
    acc = source.accounts.resolve("x/@IECM_DD01")
    coadmins = sorted(
        (source.people.get(a.person_id).name, a.start)
        for a in source.assignments.for_account(acc.id)
        if a.role == "coadministrador"
    )
    assert coadmins == [("Beto Ruiz", date(2025, 2, 1)), ("Ceci Gómez", date(2025, 2, 3))]
    assert source.people.find("Beto Ruiz").email == "beto@iecm.mx"  # type: ignore[union-attr]
    assert source.people.find("Ceci Gómez").email is None  # type: ignore[union-attr]
    text = spreadsheet.to_csv(inventory_db.export_rows(source, TODAY))
    assert "Beto Ruiz; Ceci Gómez" in text
    target = make_store("iecm")
    load(target, text.encode())
    assert spreadsheet.to_csv(inventory_db.export_rows(target, TODAY)) == text
    assert len(target.assignments.all()) == 3


def test_a_single_holder_role_takes_one_person(store: Store):
    with pytest.raises(ImportRowError, match="Línea 2: «titular» admite una sola persona"):
        load(store, b"red,usuario,titular\nx,@INEMexico,Ana; Beto\n")
    with pytest.raises(ImportRowError, match="Línea 2: «coadministrador_nivel» tiene 3 valores"):
        load(
            store,
            b"red;usuario;coadministrador;coadministrador_nivel\r\n"
            b'x;@a;"Ana; Beto";"operativo; operativo; operativo"\r\n',
        )
    assert store.accounts.count() == 0


def test_closed_account_with_history_round_trips(make_store):
    source = make_store("ine")
    load(
        source,
        b"red,usuario,titular,titular_desde,ultima_rotacion,ultima_evaluacion\n"
        b"x,@INEviejo,Ana,2024-01-01,2025-06-30,2025-05-31\n",
    )
    acc = source.accounts.resolve("x/@INEviejo")
    source.accounts.update(acc.id, status="baja")
    text = spreadsheet.to_csv(inventory_db.export_rows(source, TODAY))
    assert ",baja," in text
    target = make_store("ine")
    load(target, text.encode())  # a closed account keeps its history on import
    assert spreadsheet.to_csv(inventory_db.export_rows(target, TODAY)) == text
    load(target, text.encode())  # and re-importing changes nothing
    assert len(target.rotations.for_account(1)) == 1


def test_store_still_refuses_new_records_on_a_closed_account(store: Store):
    acc = store.accounts.add(network="x", handle="@INEviejo", status="baja")
    from store.errors import ConflictError

    with pytest.raises(ConflictError):
        store.rotations.record(acc, NOW)
    with pytest.raises(ConflictError):
        store.assignments.assign(acc, store.people.add(name="Ana"), "titular", TODAY)
