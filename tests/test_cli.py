"""The ``resguardo`` console script, run as a subprocess: happy paths and every bad input."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from policy.clock import ZONE
from policy.codes import Kind
from store.migrations import LATEST_VERSION
from tests.conftest import make_runner

KIND_CODES = {k.value for k in Kind}


def ok(result) -> str:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result.out


def refused(result, code: int, *words: str) -> str:
    """A refusal: the exit status, one Spanish line on stderr, no traceback, nothing on stdout."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("resguardo"), result.err
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def table_count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _build_ine(cli) -> None:
    ok(cli("iniciar", "--perfil", "ine"))
    assert (
        ok(
            cli(
                "cuentas",
                "agregar",
                "--red",
                "x",
                "--usuario",
                "@INEMexico",
                "--correo",
                "redes@ine.mx",
                "--correo-generico",
                "--area",
                "Comunicación Social",
            )
        ).strip()
        == "1"
    )
    assert ok(cli("personas", "agregar", "--nombre", "Ana Pérez", "--nivel", "mando_medio")).strip() == "1"
    assert (
        ok(
            cli("personas", "agregar", "--nombre", "Beto Ruiz", "--correo", "beto@ine.mx", "--nivel", "operativo")
        ).strip()
        == "2"
    )
    ok(cli("cuentas", "asignar", "x/@INEMexico", "Ana Pérez", "--rol", "titular", "--desde", "2025-01-06"))
    ok(cli("cuentas", "asignar", "1", "2", "--rol", "suplente", "--desde", "2025-01-06"))


@pytest.fixture(scope="session")
def ine_template(tmp_path_factory) -> Path:
    """Built once through the console script, then copied for each test (keeps the suite fast)."""
    folder = tmp_path_factory.mktemp("ine-template")
    runner = make_runner(folder / "resguardo.db")
    _build_ine(runner)
    assert not Path(str(runner.db) + "-wal").exists()  # closed cleanly: one self-contained file
    return runner.db


@pytest.fixture
def ine(cli, ine_template):
    """An ine database with one account (x/@INEMexico, id 1), two people (Ana Pérez titular
    mando_medio id 1, Beto Ruiz suplente operativo id 2) assigned since 2025-01-06."""
    shutil.copyfile(ine_template, cli.db)
    return cli


def test_building_the_fixture_through_the_cli_works(cli):
    _build_ine(cli)
    assert table_count(cli.db, "assignments") == 2


def agenda(cli, *args: str) -> list[dict]:
    return json.loads(ok(cli("pendientes", "--json", *args)))


# -- set-up -------------------------------------------------------------------------


def test_iniciar_twice_and_change(cli):
    out = ok(cli("iniciar", "--perfil", "ine"))
    assert "Perfil INE" in out and str(cli.db) in out
    assert "ya usa el perfil ine" in ok(cli("iniciar", "--perfil", "ine"))
    refused(cli("iniciar", "--perfil", "iecm"), 1, "--cambiar")
    assert "IECM" in ok(cli("iniciar", "--perfil", "iecm", "--cambiar"))
    assert table_count(cli.db, "holiday_years") >= 3  # materialized up front


def test_unknown_profile_is_a_usage_error(cli):
    refused(cli("iniciar", "--perfil", "ife"), 2, "ife", "ine")
    assert not cli.db.exists() or table_count(cli.db, "settings") == 0


def test_commands_before_iniciar_explain_what_to_do(cli):
    refused(cli("pendientes"), 1, "iniciar")


def test_help_is_spanish(cli):
    out = ok(cli("--help"))
    assert "comandos" in out and "pendientes" in out
    assert "uso:" in ok(cli("pendientes", "--help"))


# -- accounts and people ----------------------------------------------------------


def test_cuentas_listar_json(ine):
    data = json.loads(ok(ine("cuentas", "listar", "--json")))
    assert len(data) == 1
    acc = data[0]
    assert acc["id"] == 1 and acc["ref"] == "x/@INEMexico" and acc["network"] == "x"
    assert acc["email"] == "redes@ine.mx" and acc["email_generic"] is True
    assert acc["status"] == "activa" and acc["area"] == "Comunicación Social"
    assert acc["administrators"] == {"titular": ["Ana Pérez"], "suplente": ["Beto Ruiz"]}
    assert acc["last_rotation"] is None


def test_cuentas_listar_human(ine):
    out = ok(ine("cuentas", "listar"))
    assert "x/@INEMexico" in out and "titular: Ana Pérez" in out and "\n1 cuenta.\n" in out


def test_cuentas_mostrar(ine):
    ok(ine("rotaciones", "registrar", "x/@INEMexico", "--fecha", "2026-01-31", "--motivo", "Rutina"))
    data = json.loads(ok(ine("cuentas", "mostrar", "x/inemexico", "--json")))
    assert data["id"] == 1 and data["ref"] == "x/@INEMexico"
    assert [(a["person"], a["role"], a["start"], a["end"]) for a in data["assignments"]] == [
        ("Ana Pérez", "titular", "2025-01-06", None),
        ("Beto Ruiz", "suplente", "2025-01-06", None),
    ]
    assert data["rotations"][0]["reason"] == "Rutina"
    assert data["rotations"][0]["rotated_at"].startswith("2026-01-31T00:00:00-06:00")
    kinds = {o["kind"] for o in data["obligations"]}
    assert "rotation" in kinds
    out = ok(ine("cuentas", "mostrar", "1"))
    assert "Cuenta x/@INEMexico (id 1)" in out and "Ana Pérez" in out and "Rutina" in out
    assert "cada 2 meses" in out


def test_personas_listar_json(ine):
    ok(ine("capacitaciones", "registrar", "Ana Pérez", "--fecha", "2025-11-20"))
    data = json.loads(ok(ine("personas", "listar", "--json")))
    assert [(p["id"], p["name"], p["rank"]) for p in data] == [
        (1, "Ana Pérez", "mando_medio"),
        (2, "Beto Ruiz", "operativo"),
    ]
    assert data[0]["roles"] == ["titular de x/@INEMexico"]
    assert data[0]["last_training"] == "2025-11-20"
    assert data[1]["email"] == "beto@ine.mx" and data[1]["last_training"] is None


def test_desasignar_makes_the_role_missing(ine):
    out = ok(ine("cuentas", "desasignar", "x/@INEMexico", "Beto Ruiz", "--fecha", "2026-03-10"))
    # a past last day reads in the past tense (issue #13, «Words»)
    assert "dejó de ser suplente de x/@INEMexico el 10/03/2026 (su último día)" in out and "rotar la contraseña" in out
    missing = [i for i in agenda(ine) if i["kind"] == "missing_admin"]
    assert len(missing) == 1 and "suplente" in missing[0]["message"]
    # The account was registered today (RESGUARDO_NOW), after the end: the finding starts now.
    assert missing[0]["due"] == "2026-03-12T10:00:00-06:00"
    refused(ine("cuentas", "desasignar", "x/@INEMexico", "Beto Ruiz"), 1, "no está asignada")


def test_assignment_conflict_exit_1(ine):
    refused(ine("cuentas", "asignar", "1", "Beto Ruiz", "--rol", "titular"), 1, "ya tiene titular", "Ana Pérez")
    assert table_count(ine.db, "assignments") == 2


# -- history and agenda -------------------------------------------------------------


def test_registrar_history_then_agenda_as_of_dates(ine):
    out = ok(ine("rotaciones", "registrar", "x/@INEMexico", "--fecha", "2026-01-31", "--motivo", "Rutina"))
    assert "31/01/2026" in out
    ok(ine("evaluaciones", "registrar", "1", "--fecha", "2025-09-30"))
    ok(ine("capacitaciones", "registrar", "1", "--fecha", "2025-03-15"))
    ok(ine("capacitaciones", "registrar", "Beto Ruiz", "--fecha", "2026-01-10"))
    items = agenda(ine)
    by_kind = {(i["kind"], i["person"]): i for i in items}
    assert by_kind[("training", "Ana Pérez")]["status"] == "due_soon"
    assert by_kind[("training", "Ana Pérez")]["due"] == "2026-03-15T23:59:59-06:00"
    assert by_kind[("evaluation", None)]["status"] == "upcoming"
    assert by_kind[("evaluation", None)]["due"] == "2026-03-30T23:59:59-06:00"
    assert by_kind[("rotation", None)]["due"] == "2026-03-31T23:59:59-06:00"
    assert by_kind[("rotation", None)]["status"] == "upcoming"
    # --fecha moves the clock only: on 1 Apr everything above is overdue.
    later = {(i["kind"], i["person"]): i["status"] for i in agenda(ine, "--fecha", "2026-04-01")}
    assert later[("rotation", None)] == "overdue"
    assert later[("evaluation", None)] == "overdue"
    assert later[("training", "Ana Pérez")] == "overdue"
    # On 25 Mar the rotation is due within 7 days.
    soon = {(i["kind"], i["person"]): i["status"] for i in agenda(ine, "--fecha", "2026-03-25")}
    assert soon[("rotation", None)] == "due_soon"
    # A narrow window hides what is far, never what is overdue.
    narrow = agenda(ine, "--dias", "5")
    workflow = {"holiday_notice", "designation_form", "responsiva"}  # see test_workflows_cli.py
    assert {i["kind"] for i in narrow if i["kind"] != "verification"} - workflow == {"training"}
    assert agenda(ine, "--fecha", "2026-04-01", "--dias", "0")
    assert {i["status"] for i in agenda(ine, "--fecha", "2026-04-01", "--dias", "0")} == {"overdue"}


def test_pendientes_json_keys_and_types(ine):
    ok(ine("cuentas", "agregar", "--red", "x", "--usuario", "@Elecciones", "--correo", "yo@gmail.com"))
    items = agenda(ine)
    assert items
    order = {"overdue": 0, "due_soon": 1, "upcoming": 2}
    assert [order[i["status"]] for i in items] == sorted(order[i["status"]] for i in items)
    for item in items:
        assert set(item) >= {
            "kind",
            "status",
            "due",
            "account",
            "account_id",
            "person",
            "person_id",
            "message",
            "rule",
            "key",
        }
        assert item["kind"] in KIND_CODES
        assert item["status"] in order
        # Mexico City kept daylight saving time until October 2022 (the ine e-mail deadline is in 2021).
        assert isinstance(item["due"], str) and item["due"][19:] in ("-06:00", "-05:00")
        assert item["account"] is None or isinstance(item["account"], str) and "/" in item["account"]
        assert item["account_id"] is None or isinstance(item["account_id"], int)
        assert item["person"] is None or isinstance(item["person"], str)
        assert item["person_id"] is None or isinstance(item["person_id"], int)
        assert isinstance(item["message"], str) and item["message"]
        assert item["rule"]["profile"] == "ine"
        assert all(isinstance(item["rule"][k], str) and item["rule"][k] for k in ("document", "section", "quote"))
        assert isinstance(item["key"], str)
    kinds = {i["kind"] for i in items if i["account"] == "x/@Elecciones"}
    assert {"handle_token", "email_domain", "email_generic", "missing_admin", "verification"} <= kinds
    assert all(i["status"] == "overdue" for i in items if i["kind"] in ("handle_token", "email_domain"))


def test_pendientes_human(ine):
    out = ok(ine("pendientes"))
    assert out.startswith("Pendientes al 12/03/2026 10:00 — INE")
    assert "VENCIDOS" in out and "Criterios INE §6.XXXIV" in out


def test_pendientes_cuenta_filter(ine):
    ok(ine("cuentas", "agregar", "--red", "facebook", "--usuario", "INEMexico"))
    items = agenda(ine, "--cuenta", "facebook/INEMexico")
    assert items and {i["account"] for i in items} == {"facebook/INEMexico"}
    refused(ine("pendientes", "--cuenta", "INEMexico"), 2, "varias redes")


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (("pendientes", "--fecha"), "2026-13-01"),
        (("pendientes", "--fecha"), "ayer"),
        (("rotaciones", "registrar", "1", "--fecha"), "2026-02-30"),
        (("evaluaciones", "registrar", "1", "--fecha"), "12/13/2026"),
        (("cuentas", "asignar", "1", "Beto Ruiz", "--rol", "coadministrador", "--desde"), "2026-02-30"),
    ],
)
def test_malformed_dates_exit_2(ine, args, bad):
    refused(ine(*args, bad), 2, bad)
    assert table_count(ine.db, "rotations") == 0 and table_count(ine.db, "evaluations") == 0
    assert table_count(ine.db, "assignments") == 2


def test_dates_as_the_forms_write_them_are_read_the_same(ine):
    """The command line and the workbench's forms share one rule (policy.clock): dd/mm/aaaa, d/m/aaaa and ISO."""
    ok(ine("rotaciones", "registrar", "1", "--fecha", "11/03/2026 09:15", "--motivo", "Rutina"))
    ok(ine("evaluaciones", "registrar", "1", "--fecha", "5/3/2026"))
    conn = sqlite3.connect(ine.db)
    try:
        rotated = conn.execute("SELECT rotated_at FROM rotations").fetchone()[0]
        evaluated = conn.execute("SELECT evaluated_on FROM evaluations").fetchone()[0]
    finally:
        conn.close()
    assert datetime.fromisoformat(rotated) == datetime(2026, 3, 11, 9, 15, tzinfo=ZONE) and evaluated == "2026-03-05"
    refused(ine("evaluaciones", "registrar", "1", "--fecha", "31/02/2026"), 2, "«31/02/2026»", "dd/mm/aaaa")


def test_future_dates_refused(ine):
    refused(ine("rotaciones", "registrar", "1", "--fecha", "2026-03-13"), 2, "futuro")
    refused(ine("evaluaciones", "registrar", "1", "--fecha", "2027-01-01"), 2, "futuro")
    refused(ine("cuentas", "agregar", "--red", "tiktok", "--usuario", "ine", "--apertura", "2026-12-01"), 2, "futuro")
    assert table_count(ine.db, "rotations") == 0 and table_count(ine.db, "accounts") == 1


def test_unknown_account_and_person_exit_1(ine):
    refused(ine("cuentas", "mostrar", "x/@NoExiste"), 1, "No existe la cuenta")
    refused(ine("cuentas", "mostrar", "99"), 1, "No existe la cuenta")
    refused(ine("rotaciones", "registrar", "facebook/@INEMexico"), 1, "No existe la cuenta")
    refused(ine("cuentas", "asignar", "1", "Nadie", "--rol", "suplente"), 1, "No existe la persona")
    refused(ine("capacitaciones", "registrar", "42"), 1, "No existe la persona")
    assert table_count(ine.db, "rotations") == 0 and table_count(ine.db, "trainings") == 0


def test_duplicate_handle_exit_1(ine):
    refused(ine("cuentas", "agregar", "--red", "x", "--usuario", "inemexico"), 1, "Ya existe la cuenta x/@INEMexico")
    refused(ine("personas", "agregar", "--nombre", "ana pérez"), 1, "Ya existe una persona")
    assert table_count(ine.db, "accounts") == 1 and table_count(ine.db, "people") == 2


@pytest.mark.parametrize(
    "args",
    [
        ("cuentas", "agregar", "--red", "x", "--usuario", ""),
        ("cuentas", "agregar", "--red", "x", "--usuario", "   "),
        ("personas", "agregar", "--nombre", ""),
        ("cuentas", "agregar", "--red", "x", "--usuario", "a", "--correo", "sin-arroba"),
    ],
)
def test_empty_or_malformed_fields_exit_2(ine, args):
    refused(ine(*args), 2)
    assert table_count(ine.db, "accounts") == 1 and table_count(ine.db, "people") == 2


@pytest.mark.parametrize(
    "args",
    [
        ("cuentas", "agregar", "--red", "myspace", "--usuario", "a"),
        ("cuentas", "agregar", "--red", "x"),
        ("cuentas", "asignar", "1", "2", "--rol", "jefe"),
        ("pendientes", "--dias", "-1"),
        ("pendientes", "--dias", "muchos"),
        ("pendientes", "--dias", "10000000"),
        ("pendientes", "--fecha", "9999-12-31"),
        ("pendientes", "--fecha", "1900-01-01T10:00"),
        ("comando-inexistente",),
    ],
)
def test_argparse_errors_exit_2_on_one_spanish_line(ine, args):
    line = refused(ine(*args), 2)
    assert "usage" not in line and "error:" not in line


# -- calendar, settings, demo --------------------------------------------------------


def test_inhabiles_agregar_listar_quitar(ine):
    out = ok(ine("inhabiles", "agregar", "2026-04-02", "--hasta", "2026-04-03", "--motivo", "Semana Santa"))
    assert "02/04/2026 al 03/04/2026" in out and "(id 1)" in out
    data = json.loads(ok(ine("inhabiles", "listar", "--json", "--anio", "2026")))
    assert data["declared"] == [{"id": 1, "start": "2026-04-02", "end": "2026-04-03", "reason": "Semana Santa"}]
    official = {d["date"]: d["name"] for d in data["official"]}
    assert "Juárez" in official["2026-03-16"] and "Revolución" in official["2026-11-16"]
    human = ok(ine("inhabiles", "listar"))
    assert "Semana Santa" in human and "16/03/2026" in human
    assert "quitado" in ok(ine("inhabiles", "quitar", "1"))
    refused(ine("inhabiles", "quitar", "1"), 1, "No existe")
    refused(ine("inhabiles", "agregar", "2026-04-03", "--hasta", "2026-04-02"), 2, "anterior")
    refused(ine("inhabiles", "agregar", "2026-02-30"), 2)
    assert json.loads(ok(ine("inhabiles", "listar", "--json")))["declared"] == []


def test_procesos(ine):
    out = ok(ine("procesos", "agregar", "2026-01-01", "--hasta", "2026-06-30", "--nombre", "Proceso 2026"))
    assert "todos los días son hábiles" in out
    data = json.loads(ok(ine("procesos", "listar", "--json")))
    assert data == [{"id": 1, "start": "2026-01-01", "end": "2026-06-30", "name": "Proceso 2026"}]
    assert "Proceso 2026" in ok(ine("procesos", "listar"))
    ok(ine("procesos", "quitar", "1"))
    assert "No hay procesos" in ok(ine("procesos", "listar"))


def test_ajustes_fijar_restablecer(ine):
    ok(ine("rotaciones", "registrar", "1", "--fecha", "2026-01-31"))
    assert "rotacion_meses = 1" in ok(ine("ajustes", "fijar", "rotacion_meses", "1"))
    rotation = [i for i in agenda(ine) if i["kind"] == "rotation"][0]
    assert rotation["due"] == "2026-02-28T23:59:59-06:00" and rotation["status"] == "overdue"
    settings = {s["name"]: s for s in json.loads(ok(ine("ajustes", "listar", "--json")))}
    assert settings["rotacion_meses"]["value"] == 1 and settings["rotacion_meses"]["overridden"] is True
    assert settings["rotacion_meses"]["default"] == 2
    assert "ninguno" not in ok(ine("ajustes", "fijar", "rotacion_meses", "ninguno"))
    assert not [i for i in agenda(ine) if i["kind"] == "rotation"]
    assert "vuelve al valor del perfil: 2" in ok(ine("ajustes", "restablecer", "rotacion_meses"))
    assert [i for i in agenda(ine) if i["kind"] == "rotation"][0]["due"] == "2026-03-31T23:59:59-06:00"
    refused(ine("ajustes", "fijar", "rotacion_meses", "dos"), 2, "número entero")
    refused(ine("ajustes", "fijar", "rotacion_meses", "0"), 1, "al menos 1")
    refused(ine("ajustes", "fijar", "no_existe", "1"), 2, "Ajuste desconocido")


def test_demo_fills_an_empty_database_and_refuses_a_second_time(cli):
    out = ok(cli("demo"))
    assert "cuentas" in out
    accounts = table_count(cli.db, "accounts")
    assert accounts >= 33
    refused(cli("demo"), 1, "vacía")
    assert table_count(cli.db, "accounts") == accounts
    items = agenda(cli)
    assert {"overdue", "due_soon"} <= {i["status"] for i in items}
    assert {i["rule"]["profile"] for i in items} == {"iecm"}


def test_demo_refuses_an_initialized_database(cli):
    ok(cli("iniciar", "--perfil", "ine"))
    ok(cli("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico"))
    refused(cli("demo", "--perfil", "ine"), 1)
    assert table_count(cli.db, "accounts") == 1


@pytest.mark.parametrize("profile", ["ine", "ieeags", "ieesonora"])
def test_demo_other_profiles(cli, profile):
    ok(cli("demo", "--perfil", profile))
    items = agenda(cli)
    assert items and all(i["rule"]["section"] for i in items)
    assert {i["rule"]["profile"] for i in items} == {profile}


# -- the database in trouble ----------------------------------------------------------


def test_locked_database_exit_1_quickly(ine):
    holder = sqlite3.connect(ine.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        refused(ine("personas", "agregar", "--nombre", "Ceci Gómez"), 1, "ocupada")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert table_count(ine.db, "people") == 2


def test_reading_is_not_blocked_by_another_writer(ine):
    holder = sqlite3.connect(ine.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert agenda(ine)  # WAL: readers never wait for the writer
        assert json.loads(ok(ine("cuentas", "listar", "--json")))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_corrupt_database_exit_1(cli):
    cli.db.write_bytes(b"\x00garbage" * 1000)
    refused(cli("pendientes"), 1, "no es una base de datos")
    refused(cli("iniciar", "--perfil", "ine"), 1, "no es una base de datos")
    assert cli.db.read_bytes() == b"\x00garbage" * 1000


def test_foreign_sqlite_database_exit_1(cli):
    conn = sqlite3.connect(cli.db)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    refused(cli("iniciar", "--perfil", "ine"), 1, "otro programa")


def test_newer_schema_exit_1(ine):
    conn = sqlite3.connect(ine.db)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    refused(ine("pendientes"), 1, "más reciente")
    refused(ine("personas", "agregar", "--nombre", "Ceci"), 1, "más reciente")


def test_db_option_overrides_environment(cli, tmp_path):
    other = tmp_path / "otra" / "base.db"
    ok(cli("iniciar", "--perfil", "iecm", "--db", str(other)))
    assert other.exists()
    ok(cli("--db", str(other), "cuentas", "agregar", "--red", "x", "--usuario", "IECM_DD01"))
    assert table_count(other, "accounts") == 1
    assert not cli.db.exists()


def test_db_path_is_a_folder_exit_1(cli, tmp_path):
    refused(cli("pendientes", "--db", str(tmp_path)), 1, "carpeta")


@pytest.fixture
def read_only(ine) -> Iterator:
    """Make the database unwritable. As root, file modes do not stop us, so the file is made
    immutable with ``chattr +i`` (Linux); otherwise it is chmod 0444 in a 0555 folder."""
    db: Path = ine.db
    ok(ine("pendientes"))  # WAL files exist, holidays are stored
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(db)], capture_output=True).returncode:
            pytest.skip("running as root without chattr +i: cannot make the file read-only")
        try:
            yield ine
        finally:
            subprocess.run([chattr, "-i", str(db)], check=True)
        return
    if os.name != "posix":
        pytest.skip("file modes are POSIX")
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        yield ine
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o600)


def test_read_only_database(read_only):
    refused(read_only("personas", "agregar", "--nombre", "Ceci Gómez"), 1, "solo lectura")
    refused(read_only("rotaciones", "registrar", "1"), 1, "solo lectura")
    assert json.loads(ok(read_only("cuentas", "listar", "--json")))[0]["ref"] == "x/@INEMexico"
    ok(read_only("pendientes"))
    # A year never materialized is computed without saving.
    data = json.loads(ok(read_only("inhabiles", "listar", "--anio", "2035", "--json")))
    assert "2035-02-05" in {d["date"] for d in data["official"]}


def test_no_traceback_on_unexpected_debug_off(cli):
    # RESGUARDO_NOW malformed: a usage error, never a traceback.
    refused(cli("pendientes", extra_env={"RESGUARDO_NOW": "mañana"}), 2, "RESGUARDO_NOW")


def test_cuentas_agregar_with_every_option_then_editar(ine):
    new_id = ok(
        ine(
            "cuentas",
            "agregar",
            "--red",
            "tiktok",
            "--usuario",
            "@ine_mx",
            "--area",
            "Difusión",
            "--correo",
            "Difusion@INE.mx",
            "--correo-generico",
            "--telefono",
            "55 5628 4200",
            "--estado",
            "solicitada",
            "--url",
            "https://www.tiktok.com/@ine_mx",
        )
    ).strip()
    assert new_id == "2"
    data = json.loads(ok(ine("cuentas", "mostrar", "tiktok/@ine_mx", "--json")))
    assert (data["area"], data["email"], data["email_generic"], data["phone"], data["status"], data["url"]) == (
        "Difusión",
        "difusion@ine.mx",
        True,
        "55 5628 4200",
        "solicitada",
        "https://www.tiktok.com/@ine_mx",
    )
    assert data["obligations"] == []  # a requested account has none of these obligations
    assert "actualizada" in ok(ine("cuentas", "editar", "2", "--estado", "activa", "--verificacion", "solicitada"))
    kinds = {o["kind"] for o in json.loads(ok(ine("cuentas", "mostrar", "2", "--json")))["obligations"]}
    assert {"rotation", "evaluation", "missing_admin"} <= kinds and "verification" not in kinds
    refused(ine("cuentas", "editar", "2"), 2, "Indique al menos un dato")


@pytest.mark.parametrize(
    "args",
    [
        ("inhabiles", "agregar", "9999-12-31"),
        ("procesos", "agregar", "9999-12-01", "--hasta", "9999-12-31"),
        ("rotaciones", "registrar", "1", "--fecha", "0001-01-01T00:00+01:00"),
        ("evaluaciones", "registrar", "1", "--fecha", "0001-01-01"),
    ],
)
def test_dates_out_of_range_refused_and_agenda_still_works(ine, args):
    refused(ine(*args), 2, "fuera del intervalo")
    if args[0] == "inhabiles":  # the case that used to make every later agenda fail
        ok(ine("pendientes"))


def test_operating_system_errors_are_spanish(ine, tmp_path):
    line = refused(ine("exportar", "--salida", str(tmp_path / "no-existe" / "x.csv")), 2, "No se pudo escribir")
    assert "no existe la carpeta" in line and "No such file" not in line
    blocker = tmp_path / "archivo"
    blocker.write_text("x")
    line = refused(ine("iniciar", "--perfil", "ine", "--db", str(blocker / "sub" / "r.db")), 1, "No se pudo crear")
    assert "carpeta" in line and "exists" not in line and "directory" not in line
    # a command that only uses a database never creates one
    refused(ine("pendientes", "--db", str(blocker / "sub" / "r.db")), 1, "No existe la base de datos")


def documented_json(item) -> dict:  # type: ignore[no-untyped-def]
    """One obligation in the JSON shape the README documents (what ``pendientes --json`` must write)."""
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


@pytest.mark.parametrize("profile", ["ine", "iecm", "ieeags", "ieesonora"])
def test_agenda_json_text_is_exactly_what_json_dumps_writes(make_store, profile, monkeypatch):
    """The fast writer of ``pendientes --json`` must never drift from json.dumps."""
    from datetime import datetime

    from policy.codes import Status
    from policy.engine import agenda as build_agenda
    from policy.obligations import Obligation
    from policy.records import Account, Citation, Person
    from policy.rows import agenda_rows
    from store.demo import build_demo
    from store.state import load_state
    from tests.conftest import NOW
    from tui.cli.agenda import agenda_json_text

    store = make_store(None)
    build_demo(store, profile, NOW)
    items = build_agenda(load_state(store, NOW), NOW, horizon_days=60)
    assert len(items) > 20
    # Strings JSON must escape: quotes, backslashes, control characters, accents, emoji.
    odd = '«Comillas» "dobles" \\ barra\ttab\nlínea \x01 control ñ 🗳️'
    rule = Citation("ine", odd, "§1", odd, note=odd)
    items.append(
        Obligation(
            kind="rotation",
            due=datetime.fromisoformat("2021-06-01T23:59:59-05:00"),
            rule=rule,
            message=odd,
            status=Status.OVERDUE,
            account=Account(7, "x", odd),
            person=Person(9, odd),
            ref_id=3,
        )
    )
    items.append(Obligation(kind="holiday_notice", due=NOW, rule=rule, message="sin cuenta ni persona"))
    # The same instant in another zone is written with its own offset.
    from datetime import UTC

    items.append(Obligation(kind="holiday_notice", due=NOW.astimezone(UTC), rule=rule, message="en UTC"))
    # Two records with the same id (pieces are cached by identity, never by id).
    items.append(
        Obligation(
            kind="rotation",
            due=NOW,
            rule=rule,
            message="otra",
            account=Account(7, "x", "@otra"),
            person=Person(9, "Otra"),
        )
    )
    profile = store.settings.profile()
    expected = json.dumps([documented_json(i) for i in items], ensure_ascii=False)
    rows = agenda_rows(items, profile)
    assert agenda_json_text(rows) == expected
    assert agenda_json_text([]) == json.dumps([])
    # ``pendientes`` writes it in pieces: the same text whatever their size, even when the
    # items fill the last piece exactly.
    import tui.cli.agenda as writer

    for size in (1, 2, 7, len(items), len(items) + 1):
        monkeypatch.setattr(writer, "JSON_CHUNK_ITEMS", size)
        pieces = list(writer.agenda_json_chunks(rows))
        assert "".join(pieces) == expected
        assert len(pieces) == -(-len(items) // size) + (len(items) % size == 0)
        for count in (size, 2 * size):
            assert "".join(writer.agenda_json_chunks(rows[:count])) == json.dumps(
                [documented_json(i) for i in items[:count]], ensure_ascii=False
            )


def test_pendientes_ends_cleanly_when_the_reader_stops_early(cli):
    """``pendientes`` skips the interpreter's teardown: its output must still be whole,
    and a reader that stops early (``| head``) must not get a traceback."""
    assert cli("demo", "--perfil", "ine").code == 0
    whole = cli("pendientes", "--json", "--dias", "400")
    assert whole.code == 0 and whole.err == ""
    assert len(whole.out) > 100_000  # more than a pipe holds (64 KiB): the flush really happens
    assert json.loads(whole.out)[-1]["kind"]
    env = {**os.environ, "RESGUARDO_DB": str(cli.db), "RESGUARDO_NOW": "2026-03-12T10:00:00-06:00"}
    script = Path(sys.executable).with_name("resguardo")
    proc = subprocess.Popen(
        [str(script), "pendientes", "--json", "--dias", "400"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10).startswith(b"[{")
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err and "Exception ignored" not in err, err
