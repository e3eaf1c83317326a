"""The workflow commands: each command, its --json and its bad input.

Most tests run ``tui.cli.main`` in-process (an interpreter start costs ~0.2 s
per call); one runs the real console script end to end.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from policy.clock import ZONE

NOW = datetime(2026, 3, 12, 10, 0, tzinfo=ZONE)  # the clock of tests/conftest.py


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(tmp_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    """Like the ``cli`` fixture, in-process: ``run(*args)`` returns code, out and err."""
    from tui.cli import main

    db = tmp_path / "resguardo.db"
    monkeypatch.setenv("RESGUARDO_DB", str(db))
    monkeypatch.setenv("RESGUARDO_NOW", NOW.isoformat())
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("RESGUARDO_DEBUG", raising=False)

    def invoke(*args: str, extra_env: dict[str, str] | None = None) -> Result:
        with monkeypatch.context() as patch:
            for key, value in (extra_env or {}).items():
                patch.setenv(key, value)
            if "PYTHON_KEYRING_BACKEND" in (extra_env or {}):
                import keyring.core

                # keyring resolves its backend once per process: forget it so this run
                # reads PYTHON_KEYRING_BACKEND (whatever an earlier test in this worker chose).
                patch.setattr(keyring.core, "_keyring_backend", None)
            capsys.readouterr()
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse rejects the usage
                code = int(exc.code or 0)
            captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    invoke.db = db  # type: ignore[attr-defined]
    return invoke


def rows(cli) -> list[str]:  # type: ignore[no-untyped-def]
    import sqlite3

    conn = sqlite3.connect(cli.db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def ine(run):  # type: ignore[no-untyped-def]
    cli = run
    for args in (
        ("iniciar", "--perfil", "ine"),
        (
            "cuentas",
            "agregar",
            "--red",
            "x",
            "--usuario",
            "@INEPrueba",
            "--correo",
            "redes@ine.mx",
            "--correo-generico",
            "--apertura",
            "2025-01-01",
        ),
        ("personas", "agregar", "--nombre", "Ana López", "--nivel", "mando_medio"),
        ("cuentas", "asignar", "x/@INEPrueba", "Ana López", "--rol", "titular", "--desde", "2025-01-01"),
    ):
        result = cli(*args)
        assert result.code == 0, result.err
    return cli


def agenda(cli) -> list[dict]:  # type: ignore[no-untyped-def]
    result = cli("pendientes", "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_consultas_add_resolve_list(ine) -> None:  # type: ignore[no-untyped-def]
    added = ine(
        "consultas",
        "agregar",
        "x/@INEPrueba",
        "--asunto",
        "Cartel",
        "--texto",
        "Borrador",
        "--enviada",
        "2026-03-11T21:00",
    )
    assert added.code == 0, added.err
    consultation_id = int(added.out.splitlines()[0])
    assert "13/03/2026 21:00" in added.out
    [item] = [o for o in agenda(ine) if o["kind"] == "consultation"]
    assert item["key"] == f"consultation:a1:r{consultation_id}" and item["rule"]["section"] == "§6.VIII"
    listed = json.loads(ine("consultas", "listar", "--json").out)
    assert listed[0]["id"] == consultation_id and listed[0]["state"] == "pendiente"
    late = ine("consultas", "agregar", "1", "--asunto", "Viejo", "--enviada", "2026-03-01T09:00")
    assert late.code == 0
    expired = json.loads(ine("consultas", "listar", "--estado", "vencida", "--json").out)
    assert [c["subject"] for c in expired] == ["Viejo"]
    overdue = [o for o in agenda(ine) if o["kind"] == "consultation" and o["status"] == "overdue"]
    assert "INETEL" in overdue[0]["message"]
    done = ine("consultas", "resolver", str(consultation_id), "--resultado", "aprobada", "--nota", "Procede")
    assert done.code == 0 and "aprobada" in done.out
    shown = json.loads(ine("consultas", "mostrar", str(consultation_id), "--json").out)
    assert shown["state"] == "aprobada" and shown["text"] == "Borrador"
    assert [(h["from_state"], h["to_state"]) for h in shown["history"]] == [
        (None, "pendiente"),
        ("pendiente", "aprobada"),
    ]
    assert all(h["author"] for h in shown["history"])
    assert ine("consultas", "mostrar", str(consultation_id)).code == 0
    missing = ine("consultas", "mostrar", "99")
    assert missing.code == 1 and "No existe la consulta" in missing.err
    assert ine("consultas", "listar").code == 0


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("consultas", "resolver", "99", "--resultado", "aprobada"), 1, "No existe la consulta"),
        (("consultas", "resolver", "1", "--resultado", "aprobada", "--fecha", "2026-03-01T08:00"), 2, "anterior"),
        (("consultas", "resolver", "1", "--resultado", "vencida"), 2, "opción no válida"),
        (("consultas", "agregar", "x/@NoExiste", "--asunto", "A"), 1, "No existe la cuenta"),
        (("consultas", "agregar", "1", "--asunto", "A", "--enviada", "2026-13-01"), 2, "fecha"),
        (("consultas", "agregar", "1", "--asunto", "A", "--enviada", "2026-03-20T10:00"), 2, "futuro"),
        (("solicitudes", "resolver", "1", "--resultado", "respondida"), 2, "--area"),
        (("solicitudes", "resolver", "7", "--resultado", "canalizada"), 1, "No existe la solicitud"),
        (("aperturas", "agregar", "--red", "x", "--usuario", "@ineprueba", "--oficio", "R"), 1, "ya existe"),
        (("aperturas", "resolver", "1", "--resultado", "rechazada"), 2, "motivo"),
        (("aperturas", "abrir", "1"), 1, "pendiente"),
        (("aperturas", "informe", "1", "--punto", "nombre"), 1, "pendiente"),
        (("bajas", "completar", "5", "--hecho", "oficio"), 1, "No existe la baja"),
        (("personas", "cambio", "Luis Pérez", "--motivo", "baja"), 1, "no administra"),
        (("personas", "cambio", "Nadie", "--motivo", "baja"), 1, "No existe la persona"),
        (("personas", "cambio", "Ana López", "--motivo", "vacaciones"), 2, "--hasta"),
        (("personas", "cambio", "Ana López", "--motivo", "promocion", "--hasta", "2026-04-01"), 2, "definitivo"),
        (
            ("personas", "cambio", "Ana López", "--motivo", "salud", "--desde", "2026-03-20", "--hasta", "2026-03-10"),
            2,
            "anterior",
        ),
        (("personas", "avisar", "3"), 1, "No existe el cambio"),
        (("dispensas", "agregar", "--tipo", "rotation", "--hasta", "2026-01-01", "--motivo", "x"), 2, "ya pasó"),
        (("dispensas", "agregar", "--tipo", "nada", "--hasta", "2026-04-01", "--motivo", "x"), 2, "no válida"),
        (("dispensas", "agregar", "--hasta", "2026-04-01", "--motivo", "x"), 2, "--tipo"),
        (
            (
                "dispensas",
                "agregar",
                "--clave",
                "rotation:a1",
                "--tipo",
                "rotation",
                "--hasta",
                "2026-04-01",
                "--motivo",
                "x",
            ),
            2,
            "--clave",
        ),
        (("dispensas", "revocar", "4"), 1, "No existe la dispensa"),
        (("avisos", "cumplir", "2026-03-17"), 1, "No hay un día inhábil"),
        (("avisos", "cumplir", "2026-02-30"), 2, "no existe"),
        (("personas", "documento", "Ana López", "--tipo", "responsiva", "--fecha", "2026-04-01"), 2, "futuro"),
        (("personas", "documento", "Ana López", "--tipo", "contrato"), 2, "opción no válida"),
        (("bajas", "registrar", "x/@NoExiste"), 1, "No existe la cuenta"),
        (("bajas", "registrar", "1", "--fecha", "2026-03-20"), 2, "futuro"),
        (("aperturas", "agregar", "--red", "x", "--usuario", "@nueva", "--oficio", " "), 2, "oficio"),
        (
            ("solicitudes", "agregar", "1", "--de", "@ana", "--asunto", "A", "--recibida", "ayer"),
            2,
            "no tiene el formato",
        ),
    ],
)
def test_bad_input_exits_non_zero_with_one_spanish_line_and_changes_nothing(ine, args, code, words) -> None:  # type: ignore[no-untyped-def]
    assert ine("personas", "agregar", "--nombre", "Luis Pérez").code == 0
    assert ine("consultas", "agregar", "1", "--asunto", "Cartel", "--enviada", "2026-03-11T09:00").code == 0
    assert ine("solicitudes", "agregar", "1", "--de", "@juan", "--asunto", "¿Dónde?").code == 0
    assert (
        ine(
            "aperturas",
            "agregar",
            "--red",
            "facebook",
            "--usuario",
            "INENuevo",
            "--oficio",
            "R1",
            "--fecha",
            "2026-03-02",
        ).code
        == 0
    )
    before = rows(ine)
    result = ine(*args)
    assert result.code == code, (result.out, result.err)
    assert words in result.err
    assert "Traceback" not in result.err
    assert rows(ine) == before


def test_solicitudes_commands(ine) -> None:  # type: ignore[no-untyped-def]
    added = ine(
        "solicitudes",
        "agregar",
        "1",
        "--de",
        "@juan",
        "--asunto",
        "¿Dónde me credencializo?",
        "--recibida",
        "2026-03-10T12:00",
    )
    assert added.code == 0, added.err
    assert "12/03/2026" in added.out
    [item] = json.loads(ine("solicitudes", "listar", "--json").out)
    assert item["id"] == 1 and item["state"] == "abierta" and item["due"].startswith("2026-03-12T23:59:59")
    done = ine("solicitudes", "resolver", "1", "--resultado", "canalizada", "--nota", "Orientado a INETEL")
    assert done.code == 0 and "canalizada" in done.out
    assert json.loads(ine("solicitudes", "listar", "--estado", "canalizada", "--json").out)[0]["office"]
    assert json.loads(ine("solicitudes", "mostrar", "1", "--json").out)["history"][-1]["to_state"] == "canalizada"
    assert ine("solicitudes", "listar").code == 0


def test_aperturas_commands(ine) -> None:  # type: ignore[no-untyped-def]
    added = ine(
        "aperturas",
        "agregar",
        "--red",
        "facebook",
        "--usuario",
        "INENuevo",
        "--oficio",
        "INE/CNCS/7/2026",
        "--fecha",
        "2026-03-02",
        "--area",
        "DECEyEC",
    )
    assert added.code == 0, added.err
    assert "24/03/2026" in added.out  # 15 business days, 16 Mar is a holiday
    assert ine("aperturas", "resolver", "1", "--resultado", "autorizada", "--fecha", "2026-03-05").code == 0
    refused = ine("aperturas", "abrir", "1", "--fecha", "2026-03-06")
    assert refused.code == 1 and "UNICOM" in refused.err  # ine §7.VI: the UNICOM step comes first
    [unicom] = [
        d for d in json.loads(ine("deberes", "listar", "--pendientes", "--json").out) if d["kind"] == "tramite_unicom"
    ]
    assert ine("deberes", "cumplir", str(unicom["id"]), "--fecha-hora", "2026-03-05T12:00").code == 0
    listed = ine("deberes", "listar").out  # the state in the words the workbench's list uses too
    assert "cumplido el 05/03/2026" in listed, listed
    assert ine("aperturas", "abrir", "1", "--fecha", "2026-03-06").code == 0
    report = ine("aperturas", "informe", "1", "--punto", "nombre", "--punto", "direccion")
    assert report.code == 0 and "propósitos" in report.out
    [item] = json.loads(ine("aperturas", "listar", "--json").out)
    assert item["id"] == 1 and item["state"] == "abierta" and set(item["report"]) == {"nombre", "direccion"}
    accounts = json.loads(ine("cuentas", "listar", "--json").out)
    assert {a["ref"]: a["status"] for a in accounts}["facebook/INENuevo"] == "activa"
    assert any(o["kind"] == "opening_request" for o in agenda(ine))
    history = json.loads(ine("aperturas", "mostrar", "1", "--json").out)["history"]
    assert [h["action"] for h in history] == ["solicitada", "resuelta", "abierta", "informe"]
    assert ine("aperturas", "listar").code == 0


def test_iecm_opening_goes_to_the_utcsyd(run) -> None:  # type: ignore[no-untyped-def]
    cli = run  # type: ignore[no-untyped-def]
    assert cli("iniciar", "--perfil", "iecm").code == 0
    added = cli("aperturas", "agregar", "--red", "x", "--usuario", "@IECM_DD40", "--oficio", "IECM/DD40/1")
    assert added.code == 0 and "UTCSyD" in added.out and "no puede abrir" in added.out


def test_bajas_commands(ine) -> None:  # type: ignore[no-untyped-def]
    closed = ine("bajas", "registrar", "x/@INEPrueba", "--motivo", "Ya no se usa", "--oficio", "INE/9")
    assert closed.code == 0, closed.err
    assert "contenido borrado" in closed.out
    assert [o["kind"] for o in agenda(ine)].count("closing") == 1
    assert ine("bajas", "completar", "1", "--hecho", "contenido").code == 0
    [item] = json.loads(ine("bajas", "listar", "--json").out)
    assert item["id"] == 1 and item["missing"] == ["llavero"]
    # The keyring holds nothing of this account: the step is recorded with nothing to delete.
    removed = ine(
        "bajas",
        "completar",
        "1",
        "--borrar-llavero",
        extra_env={"PYTHON_KEYRING_BACKEND": "tests.memory_keyring.MemoryKeyring"},
    )
    assert removed.code == 0, removed.err
    assert "closing" not in [o["kind"] for o in agenda(ine)]
    [item] = json.loads(ine("bajas", "listar", "--json").out)
    assert item["missing"] == []
    assert ine("bajas", "mostrar", "1").code == 0
    again = ine("bajas", "registrar", "1")
    assert again.code == 1 and "dada de baja" in again.err


def test_personas_cambio_avisar_documento(ine) -> None:  # type: ignore[no-untyped-def]
    changed = ine(
        "personas", "cambio", "Ana López", "--motivo", "vacaciones", "--desde", "2026-03-10", "--hasta", "2026-03-20"
    )
    assert changed.code == 0, changed.err
    assert "vuelve" in changed.out and "Se recomienda rotar" in changed.out
    items = agenda(ine)
    assert any(o["kind"] == "admin_change_notice" and o["person"] == "Ana López" for o in items)
    assert any(o["kind"] == "missing_admin" and "titular" in o["message"] for o in items)
    [change] = json.loads(ine("personas", "cambios", "--json").out)
    assert change["id"] == 1 and change["until"] == "2026-03-20" and change["notified_on"] is None
    assert ine("personas", "avisar", "1", "--oficio", "INE/CNCS/3").code == 0
    assert "admin_change_notice" not in [o["kind"] for o in agenda(ine)]
    assert ine("personas", "cambios").code == 0
    for kind in ("formulario", "responsiva"):
        assert ine("personas", "documento", "Ana López", "--tipo", kind, "--fecha", "2025-01-02").code == 0
    assert not {"designation_form", "responsiva"} & {o["kind"] for o in agenda(ine)}


def test_dispensas_commands(ine) -> None:  # type: ignore[no-untyped-def]
    assert ine("cuentas", "editar", "1", "--verificacion", "no").code == 0
    assert "verification" in [o["kind"] for o in agenda(ine)]
    added = ine(
        "dispensas",
        "agregar",
        "--tipo",
        "verification",
        "--cuenta",
        "x/@INEPrueba",
        "--hasta",
        "2026-03-31",
        "--motivo",
        "La red no lo permite aún",
        "--oficio",
        "INE/CNCS/5",
    )
    assert added.code == 0, added.err
    assert "verification" not in [o["kind"] for o in agenda(ine)]
    later = ine("pendientes", "--json", extra_env={"RESGUARDO_NOW": "2026-04-01T09:00:00-06:00"})
    assert "verification" in [o["kind"] for o in json.loads(later.out)]
    [waiver] = json.loads(ine("dispensas", "listar", "--json").out)
    assert waiver["id"] == 1 and waiver["in_force"] and waiver["author"] and waiver["reference"] == "INE/CNCS/5"
    key = ine("dispensas", "agregar", "--clave", "holiday_notice:r20260316", "--hasta", "2026-03-16", "--motivo", "x")
    assert key.code == 0
    assert ine("dispensas", "revocar", "1").code == 0
    assert "verification" in [o["kind"] for o in agenda(ine)]
    assert ine("dispensas", "listar").code == 0


def test_avisos_commands(ine) -> None:  # type: ignore[no-untyped-def]
    listed = json.loads(ine("avisos", "listar", "--json").out)
    assert listed[0]["id"] == "2026-03-16" and listed[0]["due"].startswith("2026-03-11")
    assert "holiday_notice" in [o["kind"] for o in agenda(ine)]
    done = ine("avisos", "cumplir", "20260316", "--nota", "Publicado en X")
    assert done.code == 0, done.err
    assert "holiday_notice" not in [o["kind"] for o in agenda(ine)]
    assert ine("avisos", "cumplir", "2026-03-16").code == 1
    assert ine("avisos", "listar").code == 0


def test_avisos_refused_where_the_profile_has_none(run) -> None:  # type: ignore[no-untyped-def]
    cli = run
    assert cli("iniciar", "--perfil", "iecm").code == 0
    result = cli("avisos", "listar")
    assert result.code == 1 and "no prevé avisos" in result.err


def test_every_kind_is_documented_in_the_stable_interface() -> None:
    from pathlib import Path

    from policy.labels import KIND_LABELS

    interfaces = (Path(__file__).resolve().parents[1] / "docs" / "interfaces.md").read_text("utf-8")
    # the kinds are listed in the section of `pendientes --json`, the interface that carries them
    section = interfaces.split("## `resguardo pendientes --json`", 1)[1].split("\n## ", 1)[0]
    for kind in KIND_LABELS:
        assert f"`{kind}`" in section, kind


def test_the_console_script_end_to_end(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("iniciar", "--perfil", "ieesonora").code == 0
    assert (
        cli("cuentas", "agregar", "--red", "x", "--usuario", "@ieesonora", "--correo", "r@ieesonora.org.mx").code == 0
    )
    added = cli("consultas", "agregar", "1", "--asunto", "Cartel", "--enviada", "2026-03-12T09:00")
    assert added.code == 0 and "20/03/2026" in added.out  # five business days, 16 Mar is a holiday
    bad = cli("consultas", "resolver", "1", "--resultado", "aprobada", "--fecha", "2026-03-11T09:00")
    assert bad.code == 2 and bad.err.count("\n") == 1 and "anterior" in bad.err
    items = json.loads(cli("pendientes", "--json").out)
    assert any(o["kind"] == "consultation" and o["status"] == "upcoming" for o in items)


def test_each_module_declares_exactly_the_commands_it_registers() -> None:
    import argparse
    import importlib

    from tui.cli import COMMAND_MODULES, COMMANDS, build_parser, common_options

    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        declared = module.COMMAND_NAMES
        parser = argparse.ArgumentParser()
        commands = parser.add_subparsers()
        module.register(commands, common_options())
        assert set(commands.choices) == set(declared), name
        assert {word for word, owner in COMMANDS.items() if owner == name} == set(declared), name
    only = build_parser(["--db", "x.db", "pendientes", "--json"])
    [group] = [a for a in only._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(group.choices) == {"pendientes"}
    assert {"pendientes", "consultas", "cuentas"} <= set(build_parser(["--help"])._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def test_add_months_matches_relativedelta_and_format_date_matches_strftime() -> None:
    from datetime import date, timedelta

    from dateutil.relativedelta import relativedelta

    from policy.clock import add_months, format_date

    for offset in range(0, 1500, 7):
        day = date(2023, 1, 31) + timedelta(days=offset)
        for months in (-13, -1, 1, 2, 6, 12, 25):
            assert add_months(day, months) == day + relativedelta(months=months)
        assert format_date(day) == day.strftime("%d/%m/%Y")
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
