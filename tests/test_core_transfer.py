"""tui.core.transfer: the inventory read from a CSV and written to the database, and exported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policy.errors import ResguardoError, UsageError
from policy.spreadsheet import ImportRowError
from store import open_store
from store.db import Store
from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run
from tui.core.transfer import export_inventory, import_inventory, read_inventory

TODAY = NOW.date()
INVENTORY = (
    "red;usuario;area;titular;titular_desde;suplente;ultima_rotacion\r\n"
    "x;@INEMexico;Comunicación Social;Ana Pérez;06/01/2025;Beto Ruiz;31/01/2026\r\n"
    "facebook;INEMexico;;Ana Pérez;;;\r\n"
).encode()


def tables(store: Store) -> tuple[int, int, int, int]:
    return (store.accounts.count(), store.people.count(), len(store.assignments.all()), len(store.rotations.latest()))


def test_reading_checks_every_row_against_the_day_given() -> None:
    inventory = read_inventory(INVENTORY, TODAY)
    assert inventory.today == TODAY and [row.line for row in inventory.rows] == [2, 3]
    assert [(role, person.name) for role, person in inventory.rows[0].people] == [
        ("titular", "Ana Pérez"),
        ("suplente", "Beto Ruiz"),
    ]
    with pytest.raises(ImportRowError, match="Línea 2: la fecha de «ultima_rotacion» .* está en el futuro"):
        read_inventory(INVENTORY, date(2026, 1, 30))
    with pytest.raises(UsageError, match="no está en UTF-8"):
        read_inventory("red,usuario\nx,@Año\n".encode("latin-1"), TODAY)


def test_a_simulated_import_counts_what_it_would_write_and_keeps_nothing(store: Store) -> None:
    done = import_inventory(store, read_inventory(INVENTORY, TODAY), simulate=True)
    assert (done.rows, done.simulated) == (2, True)
    assert (done.summary.accounts_created, done.summary.people_created, done.summary.assignments_created) == (2, 2, 3)
    assert tables(store) == (0, 0, 0, 0)


def test_an_import_writes_everything_once(store: Store) -> None:
    first = import_inventory(store, read_inventory(INVENTORY, TODAY))
    assert (first.rows, first.simulated, first.summary.rotations_created) == (2, False, 1)
    assert tables(store) == (2, 2, 3, 1)
    again = import_inventory(store, read_inventory(INVENTORY, TODAY))
    assert (again.summary.accounts_created, again.summary.accounts_updated, again.summary.assignments_created) == (
        0,
        0,
        0,
    )
    assert tables(store) == (2, 2, 3, 1)


def test_an_import_needs_a_profile(make_store) -> None:  # type: ignore[no-untyped-def]
    bare = make_store(profile=None)
    with pytest.raises(ResguardoError, match="aún no tiene perfil de institución"):
        import_inventory(bare, read_inventory(INVENTORY, TODAY))
    assert tables(bare) == (0, 0, 0, 0)


def test_the_export_counts_accounts_not_lines(store: Store) -> None:
    import_inventory(store, read_inventory(INVENTORY, TODAY))
    account = store.accounts.resolve("facebook/INEMexico")
    store.accounts.update(account.id, area="Comunicación\nSocial")  # a cell over two lines
    exported = export_inventory(store)
    assert exported.accounts == 2 and exported.text.count("\n") - 1 == 3
    assert exported.text.startswith("red,usuario,url,")
    again = read_inventory(exported.text.encode(), TODAY)
    areas = {row.account["network"]: row.account.get("area") for row in again.rows}
    assert areas == {"x": "Comunicación Social", "facebook": "Comunicación\nSocial"}


def test_the_command_line_refuses_a_bad_file_before_opening_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli_environment(monkeypatch)
    db = tmp_path / "nueva.db"
    bad = tmp_path / "malo.csv"
    bad.write_bytes(b"red,usuario,color\nx,@Uno,azul\n")
    refused(run("importar", str(bad), "--db", str(db)), "columnas desconocidas: color")
    assert not db.exists()
    assert run("iniciar", "--perfil", "ine", "--db", str(db)).code == 0
    good = tmp_path / "inventario.csv"
    good.write_bytes(INVENTORY)
    done = run("importar", str(good), "--db", str(db))
    assert done.out == (
        "Importadas 2 filas: 2 cuentas nuevas, 0 actualizadas, 2 personas nuevas, 3 asignaciones,"
        " 1 rotaciones, 0 evaluaciones.\n"
    )
    out = tmp_path / "salida.csv"
    assert run("exportar", "--salida", str(out), "--db", str(db)).out == f"Inventario exportado a {out} (2 cuentas).\n"
    with open_store(db, clock=lambda: NOW) as store:
        assert out.read_bytes().decode("utf-8-sig") == export_inventory(store).text
