"""Bad input never becomes «error inesperado»: huge numbers, bytes that are not UTF-8,
over-long or impossible file names. Each gets one Spanish line and exit 1 or 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.inprocess import cli_environment, refused, run

BIG = "99999999999999999999"  # beyond SQLite's 64-bit integers
HUGE = "9" * 5000  # beyond Python's default limit for converting text to int
LONG_NAME = "n" * 300  # beyond NAME_MAX (255) of every common file system


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_environment(monkeypatch)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    monkeypatch = pytest.MonkeyPatch()
    cli_environment(monkeypatch)
    try:
        path = tmp_path_factory.mktemp("plantilla") / "demo.db"
        result = run("demo", "--perfil", "ine", "--db", str(path))
        assert result.code == 0, result.err
        return path
    finally:
        monkeypatch.undo()


@pytest.fixture
def db(tmp_path: Path, demo_template: Path) -> Path:
    import shutil

    target = tmp_path / "r.db"
    shutil.copyfile(demo_template, target)
    return target


CASES = {
    "huge id of an account": (("cuentas", "mostrar", BIG), "no existe"),
    "huge id of a person": (("personas", "editar", BIG, "--correo", "a@ine.mx"), "no existe"),
    "huge account in an option": (("pendientes", "--cuenta", BIG), "no existe"),
    "huge account in the bitácora": (("bitacora", "buscar", "--cuenta", BIG), "no existe"),
    "huge id to complete a closing": (("bajas", "completar", BIG, "--hecho", "contenido"), "grande"),
    "huge record id": (("consultas", "mostrar", BIG), "grande"),
    "huge window of days": (("pendientes", "--dias", "99999999999999999999999"), "días"),
    "huge window of notices": (("avisos", "listar", "--dias", BIG), "días"),
    "huge year": (("inhabiles", "listar", "--anio", BIG), "grande"),
    "5000 digits as an account": (("cuentas", "mostrar", HUGE), "no existe"),
    "5000 digits as an id": (("incidentes", "cerrar", HUGE), "grande"),
    "a superscript digit as an account": (("cuentas", "mostrar", "²"), "no existe"),
    "an Arabic-Indic digit as a person": (("capacitaciones", "registrar", "٣"), "no existe"),
    "a surrogate in an account": (("cuentas", "mostrar", "\udcff"), "UTF-8"),
    "a surrogate in a name": (("personas", "agregar", "--nombre", "Ana \udce9"), "UTF-8"),
    "a surrogate in a search": (("bitacora", "buscar", "clave\udcff"), "UTF-8"),
    "a NUL character": (("personas", "agregar", "--nombre", "Ana\x00"), "nulo"),
    "an over-long --salida": (("exportar", "--salida", LONG_NAME), "demasiado largo"),
    "an over-long --salida of the bitácora": (
        ("bitacora", "exportar", "--formato", "json", "--salida", LONG_NAME),
        "demasiado largo",
    ),
    "an over-long file to import": (("importar", LONG_NAME + ".csv"), "demasiado largo"),
    "a --salida in a missing folder": (("exportar", "--salida", "no/existe/x.csv"), "no existe"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_gets_a_spanish_line(db: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    argv, word = CASES[name]
    before = db.read_bytes()
    refused(run(*argv, "--db", str(db)), word)
    assert db.read_bytes() == before


@pytest.mark.parametrize("argv", [("pendientes",), ("iniciar", "--perfil", "ine"), ("demo",)])
def test_an_over_long_database_name(tmp_path: Path, argv: tuple[str, ...]):
    refused(run(*argv, "--db", str(tmp_path / LONG_NAME)), "demasiado largo")
    refused(run(*argv, "--db", str(tmp_path / LONG_NAME / "x.db")), "demasiado largo")
    assert list(tmp_path.iterdir()) == []


def test_a_nul_in_the_database_path(tmp_path: Path):
    refused(run("pendientes", "--db", str(tmp_path / "a\x00b.db")), "nulo")


def test_the_workbench_on_an_over_long_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import tui.app

    def never(*args: object) -> int:
        raise AssertionError("the workbench must not start")

    monkeypatch.setattr(tui.app, "run_workbench", never)
    refused(run("--db", str(tmp_path / LONG_NAME)), "demasiado largo")
    refused(run(f"--db={tmp_path / 'x'}\udcff"), "UTF-8")
    assert list(tmp_path.iterdir()) == []


def test_a_huge_id_is_a_usage_error_before_the_database_is_opened(tmp_path: Path):
    # the id options refuse a number SQLite cannot hold; no database is needed to say so
    refused(run("incidentes", "cerrar", BIG, "--db", str(tmp_path / "x.db")), "grande")


# -- a real argv with bytes that are not UTF-8 ---------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="Windows command lines are Unicode")
def test_an_argument_that_is_not_utf8_is_refused_in_spanish(tmp_path: Path):
    target = tmp_path / "r.db"
    assert run("iniciar", "--perfil", "ine", "--db", str(target)).code == 0
    script = Path(sys.executable).with_name("resguardo")
    env = {**os.environ, "RESGUARDO_NOW": NOW.isoformat(), "PYTHONIOENCODING": "utf-8"}
    env.pop("RESGUARDO_DEBUG", None)
    for argv in (
        [b"cuentas", b"mostrar", b"\xff"],
        [b"personas", b"agregar", b"--nombre", b"Ana \xe9"],
        [b"pendientes", b"--cuenta", b"x/@a\xff"],
    ):
        proc = subprocess.run(
            [str(script), *argv, b"--db", os.fsencode(target)], capture_output=True, env=env, timeout=60
        )
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 2, (argv, err)
        assert "UTF-8" in err and "inesperado" not in err and "Traceback" not in err, err
