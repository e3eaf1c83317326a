"""``resguardo respaldo crear|verificar|restaurar|listar`` as a person runs them."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from store.migrations import LATEST_VERSION
from tests.conftest import NOW

LATER = (NOW + timedelta(minutes=7)).isoformat()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ready(cli):
    """A database with a profile, an account and three bitácora entries."""
    assert cli("iniciar", "--perfil", "ine").code == 0
    assert cli("cuentas", "agregar", "--red", "x", "--usuario", "@INEMexico").code == 0
    for n in range(3):
        assert cli("bitacora", "agregar", "x/@INEMexico", "--tipo", "nota", "--texto", f"Nota {n}").code == 0
    return cli


def _folder(cli) -> Path:
    return cli.db.parent / "respaldos"


def test_create_list_verify_restore(ready):
    cli = ready
    (cli.db.parent / "llavero-resguardo.json").write_text('{"cifrado": "sí"}', "utf-8")
    made = cli("respaldo", "crear")
    assert made.code == 0, made.err
    backup = _folder(cli) / "resguardo-2026-03-12-1000.db"
    assert made.out.splitlines() == [
        f"Respaldo creado: {backup} ({_size(backup)}).",
        "Bitácora: 3 entradas, la última del 12/03/2026 10:00.",
        "Llavero: su archivo cifrado se copió junto al respaldo (resguardo-2026-03-12-1000.db.llavero.json).",
        "Manifiesto: resguardo-2026-03-12-1000.db.json (con su huella SHA-256).",
        f"Compruébelo cuando quiera con: resguardo respaldo verificar {backup}",
    ]
    assert made.err == ""

    checked = cli("respaldo", "verificar", str(backup))
    assert checked.code == 0, checked.err
    assert checked.out.splitlines() == [
        f"Respaldo íntegro: {backup} ({_size(backup)}).",
        f"Esquema {LATEST_VERSION}; bitácora: 3 entradas, la última del 12/03/2026 10:00.",
        "Coincide con su manifiesto: creado el 12/03/2026 10:00, motivo: manual.",
        "Copia del llavero cifrado: resguardo-2026-03-12-1000.db.llavero.json.",
    ]

    assert cli("bitacora", "agregar", "-", "--tipo", "nota", "--texto", "Después del respaldo").code == 0
    restored = cli("respaldo", "restaurar", str(backup), extra_env={"RESGUARDO_NOW": LATER})
    assert restored.code == 0, restored.err
    aside = _folder(cli) / "antes-de-restaurar-2026-03-12-1007.db"
    assert restored.out.splitlines() == [
        "Respaldo verificado: 3 entradas, la última del 12/03/2026 10:00.",
        f"La base de datos que había quedó a salvo en {aside}.",
        f"Base de datos restaurada en {cli.db} desde {backup}.",
        f"Llavero: no se tocó el archivo actual ({cli.db.parent / 'llavero-resguardo.json'}); conserva las"
        " contraseñas guardadas después del respaldo.",
        # This test's keyring keeps nothing: the witness file follows the restore, the keyring's cannot.
        "Testigo del llavero: no se actualizó (el llavero configurado (keyring.backends.null) no guarda nada;"
        " elija otro con PYTHON_KEYRING_BACKEND o keyringrc.cfg, o quítelo para usar el llavero cifrado); la"
        " próxima verificación de la bitácora lo pedirá: resguardo bitacora verificar --acepto-restauracion",
    ]
    verified = cli("bitacora", "verificar")
    assert verified.code == 0 and "Bitácora íntegra: 3 entradas." in verified.out

    listed = cli("respaldo", "listar")
    assert listed.code == 0
    lines = listed.out.splitlines()
    assert lines[0] == f"2 respaldos en {_folder(cli)}:"
    assert lines[1].split() == ["Fecha", "Motivo", "Tamaño", "Entradas", "Llavero", "Archivo"]
    assert "antes de restaurar" in lines[3] and lines[3].rstrip().endswith(aside.name)
    assert " 4 " in lines[3] and "12/03/2026 10:07" in lines[3]
    assert "manual" in lines[4] and " 3 " in lines[4] and lines[4].rstrip().endswith(backup.name)
    data = json.loads(cli("respaldo", "listar", "--json").out)
    assert [(b["reason"], b["entries"], b["manifest"], b["keyring"]) for b in data] == [
        ("restauracion", 4, "ok", True),
        ("manual", 3, "ok", True),
    ]


def _size(path: Path) -> str:
    from policy.labels import size_text

    return size_text(path.stat().st_size)


def test_size_text_in_the_units_a_person_reads():
    from policy.labels import size_text

    assert [size_text(n) for n in (1, 830, 2048, 290816, 1288490, 3 * 1024**3)] == [
        "1 byte",
        "830 bytes",
        "2.0 kB",
        "284 kB",
        "1.2 MB",
        "3.0 GB",
    ]


def test_create_into_a_chosen_file_never_overwrites(ready, tmp_path):
    cli = ready
    target = tmp_path / "usb" / "copia.db"
    target.parent.mkdir()
    assert cli("respaldo", "crear", str(target)).code == 0
    assert target.exists() and (target.parent / "copia.db.json").exists()
    before = _sha(target)
    again = cli("respaldo", "crear", str(target))
    assert again.code == 1 and again.out == ""
    assert (
        again.err == f"resguardo: Ya existe {target}: elija otro nombre (un respaldo nunca reemplaza otro archivo).\n"
    )
    assert _sha(target) == before
    missing = cli("respaldo", "crear", str(tmp_path / "no" / "hay" / "copia.db"))
    assert missing.code == 1 and "La carpeta" in missing.err and "no existe" in missing.err


def test_create_without_a_database_creates_nothing(cli):
    result = cli("respaldo", "crear")
    assert result.code == 1
    assert result.err == f"resguardo: No existe la base de datos {cli.db}: no hay nada que respaldar.\n"
    assert not cli.db.exists() and not _folder(cli).exists()


def test_verify_bad_paths(ready, tmp_path):
    cli = ready
    missing = cli("respaldo", "verificar", str(tmp_path / "no-existe.db"))
    assert (missing.code, missing.err) == (1, f"resguardo: No existe el archivo {tmp_path / 'no-existe.db'}.\n")
    folder = cli("respaldo", "verificar", str(tmp_path))
    assert folder.code == 1 and "es una carpeta, no un respaldo" in folder.err
    text = tmp_path / "notas.txt"
    text.write_text("no soy un respaldo", "utf-8")
    not_db = cli("respaldo", "verificar", str(text))
    assert not_db.code == 1 and "no es una base de datos SQLite" in not_db.err
    assert text.read_text("utf-8") == "no soy un respaldo"
    usage = cli("respaldo", "verificar")
    assert usage.code == 2 and "RUTA" in usage.err
    for result in (missing, folder, not_db):
        assert "Traceback" not in result.err and "inesperado" not in result.err


def test_verify_a_corrupt_backup_and_one_of_a_newer_schema(ready):
    cli = ready
    assert cli("respaldo", "crear").code == 0
    backup = _folder(cli) / "resguardo-2026-03-12-1000.db"
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute("DROP TRIGGER bitacora_no_update")
    conn.execute("UPDATE bitacora SET text = 'Nunca se publicó' WHERE id = 2")
    conn.close()
    broken = cli("respaldo", "verificar", str(backup))
    assert broken.code == 1 and broken.out == ""
    assert broken.err == (
        "resguardo: El respaldo no es válido. La bitácora del respaldo no es íntegra: La entrada 2 fue alterada:"
        " su contenido ya no corresponde a su hash.\n"
    )
    assert cli("respaldo", "crear").code == 0
    newer = _folder(cli) / "resguardo-2026-03-12-1000-2.db"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 42")
    conn.close()
    result = cli("respaldo", "verificar", str(newer))
    assert result.code == 1
    assert (
        f"es de una versión más reciente de resguardo (esquema 42; esta versión conoce hasta el {LATEST_VERSION})"
    ) in result.err


def test_restore_refuses_a_broken_backup_and_leaves_the_database(ready):
    cli = ready
    assert cli("respaldo", "crear").code == 0
    backup = _folder(cli) / "resguardo-2026-03-12-1000.db"
    with backup.open("r+b") as handle:  # a flipped byte in the middle of the file
        handle.seek(backup.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))
    before = _sha(cli.db)
    result = cli("respaldo", "restaurar", str(backup))
    assert result.code == 1 and result.out == ""
    assert result.err.startswith("resguardo: No se restauró nada: ")
    assert _sha(cli.db) == before
    assert [p.name for p in cli.db.parent.iterdir() if p.name.startswith(".")] == []
    assert not list(_folder(cli).glob("antes-de-restaurar-*"))


def test_restore_refused_while_the_workbench_has_the_database_open(ready):
    from store import open_store

    cli = ready
    assert cli("respaldo", "crear").code == 0
    backup = _folder(cli) / "resguardo-2026-03-12-1000.db"
    other = open_store(cli.db, clock=lambda: NOW)
    try:
        other.bitacora.count()
        result = cli("respaldo", "restaurar", str(backup))
    finally:
        other.close()
    assert result.code == 1
    assert result.err == (
        f"resguardo: La base de datos {cli.db} está abierta en otro programa o ventana de resguardo:"
        " ciérrela en las otras ventanas y vuelva a intentarlo. No se cambió nada.\n"
    )
    assert cli("respaldo", "restaurar", str(backup)).code == 0


def test_restore_puts_back_a_missing_keyring_and_says_so(ready):
    cli = ready
    keyring = cli.db.parent / "llavero-resguardo.json"
    keyring.write_text('{"cifrado": 1}', "utf-8")
    assert cli("respaldo", "crear").code == 0
    keyring.unlink()
    result = cli("respaldo", "restaurar", str(_folder(cli) / "resguardo-2026-03-12-1000.db"))
    assert result.code == 0, result.err
    assert f"Llavero: no había archivo; se puso en su lugar la copia del respaldo ({keyring})." in result.out
    assert keyring.read_text("utf-8") == '{"cifrado": 1}'


def test_list_with_no_backups_and_with_damaged_manifests(ready):
    cli = ready
    result = cli("respaldo", "listar")
    assert (result.code, result.out) == (0, f"No hay respaldos en {_folder(cli)}.\n")
    assert cli("respaldo", "crear").code == 0
    assert cli("respaldo", "crear").code == 0
    (_folder(cli) / "resguardo-2026-03-12-1000.db.json").write_text("{roto", "utf-8")
    (_folder(cli) / "resguardo-2026-03-12-1000-2.db.json").unlink()
    listed = cli("respaldo", "listar")
    assert listed.code == 0 and listed.err == ""
    assert "manifiesto dañado" in listed.out and "sin manifiesto" in listed.out


def test_the_daily_backup_on_the_first_command_of_a_day(ready):
    cli = ready
    tomorrow = {"RESGUARDO_NOW": (NOW + timedelta(days=1)).isoformat()}
    first = cli("pendientes", extra_env=tomorrow)
    assert first.code == 0 and first.err == ""
    assert cli("pendientes", extra_env=tomorrow).code == 0
    data = json.loads(cli("respaldo", "listar", "--json").out)
    assert [(Path(b["path"]).name, b["reason"]) for b in data] == [("resguardo-2026-03-13-1000.db", "diaria")]


def test_respaldos_max_is_a_setting(ready):
    cli = ready
    result = cli("ajustes", "fijar", "respaldos_max", "3")
    assert result.code == 0 and "respaldos_max = 3" in result.out
    settings = {s["name"]: s for s in json.loads(cli("ajustes", "listar", "--json").out)}
    assert settings["respaldos_max"]["value"] == 3 and settings["respaldos_max"]["default"] == 10
    refused = cli("ajustes", "fijar", "respaldos_max", "0")
    assert refused.code == 1 and "al menos 1" in refused.err
    for day in range(1, 6):
        env = {"RESGUARDO_NOW": (NOW + timedelta(days=day)).isoformat()}
        assert cli("pendientes", extra_env=env).code == 0
    names = sorted(p.name for p in _folder(cli).glob("*.db"))
    assert names == ["resguardo-2026-03-15-1000.db", "resguardo-2026-03-16-1000.db", "resguardo-2026-03-17-1000.db"]


def test_help_lists_the_four_subcommands(cli):
    result = cli("respaldo", "--help")
    assert result.code == 0
    for word in ("crear", "verificar", "restaurar", "listar"):
        assert word in result.out
